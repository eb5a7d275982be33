"""The notebooks under notebooks/ run top to bottom in a real Jupyter kernel (nbclient +
ipykernel) with chunkarr from the build tree; any cell error fails the test."""
import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = ["quickstart.ipynb", "from_dask_to_chunkarr.ipynb", "parallelize_your_code.ipynb"]


def cells_tagged(nb, tag):
    return [c for c in nb.cells if c.cell_type == "code" and tag in c.metadata.get("tags", [])]


def outputs_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append(out["text"])
        for value in out.get("data", {}).values():
            parts.append(value if isinstance(value, str) else str(value))
    return "\n".join(parts)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(ca, chunkarr_pythonpath, monkeypatch, tmp_path, name):
    path = NOTEBOOK_DIR / name
    assert path.exists(), f"{path} is missing"
    nb = nbformat.read(str(path), as_version=4)

    # The kernel is a child process: it finds the build-tree package through PYTHONPATH.
    old = os.environ.get("PYTHONPATH")
    monkeypatch.setenv("PYTHONPATH", chunkarr_pythonpath + (os.pathsep + old if old else ""))
    monkeypatch.setenv("CHUNKARR_PYTHONPATH", chunkarr_pythonpath)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiet debugpy warnings

    client = nbclient.NotebookClient(
        nb,
        kernel_name="python3",
        timeout=120,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as exc:
        pytest.fail(f"{name}: a cell failed:\n{exc}", pytrace=False)
    finally:
        nbformat.write(nb, str(tmp_path / name))  # the executed copy, for a look after a failure

    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, f"{name}: error outputs: {errors}"

    if name == "quickstart.ipynb":
        (repr_cell,) = cells_tagged(nb, "repr")
        html = [o["data"]["text/html"] for o in repr_cell.outputs if "text/html" in o.get("data", {})]
        assert html and "<svg" in html[0], "the array's HTML repr (with an SVG chunk grid) is not displayed"
        (plot_cell,) = cells_tagged(nb, "plot")
        assert any("image/png" in o.get("data", {}) for o in plot_cell.outputs), "no plot was displayed"
        (progress_cell,) = cells_tagged(nb, "progress")
        # The progress bar renders in the notebook (an HTML/text display, or text on a stream):
        # the cell shows more than its own print() line.
        text = outputs_text(progress_cell)
        assert "Traceback" not in text
        rest = "\n".join(line for line in text.splitlines() if line.strip() and line.strip() != "(73, 144) (73,)")
        displays = [o for o in progress_cell.outputs if o.output_type in ("display_data", "update_display_data")]
        assert displays or rest, f"no progress bar output in the notebook: {progress_cell.outputs}"

    if name == "parallelize_your_code.ipynb":
        (agree_cell,) = cells_tagged(nb, "agree")
        assert "all agree" in outputs_text(agree_cell)
        (timings_cell,) = cells_tagged(nb, "timings")
        timed = outputs_text(timings_cell)
        for way in ("loop", "multiprocessing.Pool", "xarray + Dask", "chunkarr (Python)"):
            assert way in timed, f"{way} was not timed: {timed}"
        if os.environ.get("CHUNKARR_EXE"):   # ctest sets it: the command-line way runs too
            assert "chunkarr eval (command line)" in timed, timed
