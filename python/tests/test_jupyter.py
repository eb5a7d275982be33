"""Jupyter: the HTML repr (table + SVG chunk grid, in the spirit of Dask's) and the progress bar
(`with ca.ProgressBar():` and `compute(progress=True)`), which must not change results."""
import re

import numpy as np
import pytest

from conftest import assert_matches, sample


@pytest.mark.parametrize(
    "shape,chunks,dtype",
    [((37, 23), (10, 7), "float32"), ((17,), 5, "int32"), ((5, 6, 7), (2, 3, 4), "uint16"), ((), None, "float64"),
     ((0, 4), 2, "bool"), ((400, 300, 200), (10, 10, 10), "float64")],
)
def test_repr_html(ca, shape, chunks, dtype):
    x = ca.zeros(shape, dtype=dtype, chunks=chunks)
    html = x._repr_html_()
    assert isinstance(html, str)
    assert "<table" in html
    if len(shape) and all(shape):
        assert "<svg" in html  # the chunk grid (a 0-d or empty array may have no picture)
    for n in shape:
        assert str(n) in html, f"dimension {n} of {shape} missing from the repr"
    assert dtype in html
    # bytes: Dask writes e.g. "3.33 kiB"/"1.2 MB"; accept any unit
    assert re.search(r"\d\s*(B|bytes|kiB|KiB|kB|MiB|MB|GiB|GB)\b", html), "no byte count in the repr"
    assert re.search(r"(?i)tasks?|chunks?", html)


def test_repr_html_of_expressions_and_files(ca, tmp_path):
    import h5py

    a = sample((30, 20), "float32")
    path = tmp_path / "r.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("t", data=a, chunks=(10, 20))
    x = ca.open(str(path), "t")
    for expr in (x, x - x.mean(axis=0), x.std(axis=1), x[::2, 3:9], np.sqrt(abs(x))):
        html = expr._repr_html_()
        assert "<svg" in html and "<table" in html
        for n in expr.shape:
            assert str(n) in html


def test_repr_is_a_short_string(ca):
    x = ca.ones((1000, 2000), chunks=(100, 100))
    r = repr(x)
    assert isinstance(r, str) and r
    assert "1000" in r and "2000" in r
    assert len(r) < 2000


def test_progress_bar_context_gives_the_same_results(ca, capsys):
    a = sample((60, 70), "float64", seed=3)
    x = ca.from_array(a, chunks=(7, 9))
    expr = (x - x.mean(axis=0)) ** 2
    plain = expr.compute()
    with ca.ProgressBar():
        in_bar = expr.compute()
        many = ca.compute(expr.sum(), x.max())
    with_flag = expr.compute(progress=True)
    many_flag = ca.compute(expr.sum(), x.max(), progress=True)
    assert plain.tobytes() == in_bar.tobytes() == with_flag.tobytes()
    assert many[0] == many_flag[0]
    assert many[0] == pytest.approx(expr.sum().compute(), rel=1e-12)
    assert many[1] == many_flag[1] == a.max()
    assert_matches(plain, (a - a.mean(axis=0)) ** 2, rtol=1e-12)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err


def test_progress_bar_is_reentrant_and_survives_errors(ca):
    x = ca.random.random((200, 200), chunks=50)
    with ca.ProgressBar():
        with pytest.raises(MemoryError):
            x.sum().compute(memory_limit=100)
    # after an error inside the context, computing (with and without a bar) still works
    with ca.ProgressBar():
        a = x.sum().compute()
    b = x.sum().compute()
    assert a == b
    bar = ca.ProgressBar()
    with bar:
        pass
    with bar:
        assert x.max().compute() < 1.0


def test_progress_output_goes_to_stderr_in_a_terminal_like_run(ca, capfd):
    # In a terminal the bar is written to stderr; with output captured (not a tty) it may be
    # written or not — but never to stdout, which belongs to the user's program.
    x = ca.random.random((500, 500), chunks=50)
    x.std().compute(progress=True)
    with ca.ProgressBar():
        x.mean().compute()
    out, _ = capfd.readouterr()
    assert out == ""
