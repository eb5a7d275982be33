"""matplotlib on chunkarr arrays (issue 13): each plot is drawn (Agg) once from NumPy data and
once from the same data as chunkarr arrays (odd chunks, NaN, several dtypes); the two images
must be identical pixel for pixel. Plots that need a feature another branch adds (None in
indexing, __bool__/__float__ of 0-d arrays) skip, naming it, only while it is missing."""
import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


def _numpy_data():
    rng = np.random.default_rng(42)
    line = np.sin(np.arange(30.0) / 3) + 1.5
    line[4] = np.nan                                        # a gap in lines, skipped by hist
    image = rng.standard_normal((9, 11))
    image[2, 3] = np.nan                                    # a masked pixel
    return {
        "line": line, "steps": np.arange(30, dtype=np.int32), "noise": rng.standard_normal(40),
        "image": image, "image32": image.astype(np.float32),
        "bytes": (np.nan_to_num(np.abs(image)) * 60).astype(np.uint8), "mask": image > 0, "rgb": rng.random((6, 7, 3)).astype(np.float32), "heights": rng.random(6) + 0.2,
    }


def _chunkarr_data(ca, data):
    chunks = {"line": 7, "steps": 4, "noise": 1, "image": (4, 3), "image32": (9, 2), "bytes": (2, 11),
              "mask": (5, 5), "rgb": (4, 3, 1), "heights": 4}
    return {name: ca.from_array(values, chunks=chunks[name]) for name, values in data.items()}


def _draw(plot, data) -> np.ndarray:
    fig = Figure(figsize=(3, 2), dpi=50)
    canvas = FigureCanvasAgg(fig)
    plot(fig.add_subplot(), data)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def _needs(ca, feature):
    """Skip while chunkarr lacks a feature another branch adds (checked at run time)."""
    x, zero_d = ca.from_array(np.arange(5.0), chunks=2), ca.from_array(np.float64(1.0))
    probes = {"None (np.newaxis) in indexing": lambda: x[:, None], "__bool__ of 0-d arrays": lambda: bool(zero_d),
              "__float__ of 0-d arrays": lambda: float(zero_d)}
    try:
        probes[feature]()
    except TypeError:
        pytest.skip(f"needs {feature}")


NONE_INDEX, BOOL, FLOAT = "None (np.newaxis) in indexing", "__bool__ of 0-d arrays", "__float__ of 0-d arrays"

# name: (plot, needs)
PLOTS = {
    "imshow": (lambda ax, d: ax.imshow(d["image"]), None),
    "imshow float32, colorbar": (lambda ax, d: ax.figure.colorbar(ax.imshow(d["image32"], cmap="viridis")), None),
    "imshow uint8": (lambda ax, d: ax.imshow(d["bytes"]), None),
    "imshow bool": (lambda ax, d: ax.imshow(d["mask"]), None),
    "imshow rgb": (lambda ax, d: ax.imshow(d["rgb"]), None),
    "matshow": (lambda ax, d: ax.matshow(d["image"]), None),
    "pcolormesh": (lambda ax, d: ax.pcolormesh(d["image"]), None),
    "pcolor": (lambda ax, d: ax.pcolor(d["bytes"]), None),
    "contour": (lambda ax, d: ax.contour(d["image"]), None),
    "contourf": (lambda ax, d: ax.contourf(d["image32"], levels=5), None),
    "scatter": (lambda ax, d: ax.scatter(d["steps"], d["line"], c=d["line"]), None),
    "hist": (lambda ax, d: ax.hist(d["noise"], bins=7), None),
    "fill_between": (lambda ax, d: ax.fill_between(d["steps"], d["line"], 0), None),
    "errorbar": (lambda ax, d: ax.errorbar(d["steps"], d["line"], yerr=d["line"] / 10), None),
    "boxplot": (lambda ax, d: ax.boxplot(d["noise"]), None),
    "violinplot": (lambda ax, d: ax.violinplot(d["noise"]), None),
    "hexbin": (lambda ax, d: ax.hexbin(d["noise"], d["noise"] ** 2, gridsize=4), None),
    "quiver": (lambda ax, d: ax.quiver(d["image"][:4, :5], d["image32"][:4, :5]), None),
    "pie": (lambda ax, d: ax.pie(d["heights"]), None),
    "eventplot": (lambda ax, d: ax.eventplot(d["noise"]), None),
    "plot of a 2-d array (columns)": (lambda ax, d: ax.plot(d["image"]), None),
    # matplotlib makes 1-d data a column with x[:, None]
    "plot": (lambda ax, d: ax.plot(d["line"]), NONE_INDEX),
    "plot x, y, format": (lambda ax, d: ax.plot(d["steps"], d["line"], "o-"), NONE_INDEX),
    "step": (lambda ax, d: ax.step(d["steps"], d["line"]), NONE_INDEX),
    "semilogy": (lambda ax, d: ax.semilogy(d["steps"], d["line"]), NONE_INDEX),
    "stem": (lambda ax, d: ax.stem(d["heights"]), NONE_INDEX),
    "fill": (lambda ax, d: ax.fill(d["steps"][:6], d["heights"]), NONE_INDEX),
    # 0-d values in limits and positions: compared (bool) or converted (float) by matplotlib
    "hist2d (edges set the limits)": (lambda ax, d: ax.hist2d(d["noise"], d["noise"] ** 2, bins=4), BOOL),
    "axhline at the mean": (lambda ax, d: ax.axhline(d["noise"].mean()), BOOL),
    "set_xlim from 0-d values": (lambda ax, d: (ax.plot([0, 40], [0, 1]), ax.set_xlim(d["noise"].min(), 10)), BOOL),
    "bar": (lambda ax, d: ax.bar(np.arange(6), d["heights"]), FLOAT),
    "text at 0-d positions": (lambda ax, d: ax.text(d["heights"][0], d["heights"][1], "a"), FLOAT),
}


@pytest.mark.parametrize("name", list(PLOTS))
def test_matplotlib_draws_chunkarr_as_numpy(ca, name):
    plot, needs = PLOTS[name]
    if needs:
        _needs(ca, needs)
    data = _numpy_data()
    want = _draw(plot, data)
    got = _draw(plot, _chunkarr_data(ca, data))
    assert got.shape == want.shape
    differing = np.argwhere((got != want).any(axis=-1))
    assert differing.size == 0, f"{len(differing)} pixels differ, first at {differing[0].tolist()}"
    assert (want != want[0, 0]).any()   # something was drawn
