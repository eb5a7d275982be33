"""`chunkarr stats --explain`: the plan, without computing anything."""
import h5py
import numpy as np


def test_stats_explain_shows_one_pass_and_the_bytes_read(tmp_path, run_cli):
    p = tmp_path / "x.h5"
    with h5py.File(p, "w") as f:
        f.create_dataset("x", data=np.arange(37 * 53, dtype="f8").reshape(37, 53), chunks=(8, 10))
    rc, out, err = run_cli("stats", f"{p}:/x", "--explain")
    assert rc == 0, err
    assert "graph:" in out and "optimized:" in out and "plan:" in out
    # count, min, max, mean, std, sum share one walk (small storage chunks are grouped into
    # tasks of a few MiB: this whole dataset is one task)
    assert "stage 1: 6 reductions in one pass over (37, 53), 1 tasks" in out
    assert "total: 1 tasks" in out
    assert f"{p}:/x: {37 * 53 * 8} bytes" in out
    assert "count" not in err


def test_stats_explain_with_axis_and_missing_file(tmp_path, run_cli):
    p = tmp_path / "x.h5"
    with h5py.File(p, "w") as f:
        f.create_dataset("x", data=np.ones((4, 6)), chunks=(2, 3))
    rc, out, err = run_cli("stats", f"{p}:/x", "--axis", "0", "-o", str(tmp_path / "o.h5"), "--explain")
    assert rc == 0, err
    assert "axes=(0)" in out
    assert not (tmp_path / "o.h5").exists()    # nothing computed, nothing written
    rc, out, err = run_cli("stats", str(tmp_path / "nope.h5"), "--explain")
    assert rc == 1 and err.startswith("chunkarr: error:")
