"""Issue 5 from Python: explain(), and an anomaly on a file twice the memory budget vs NumPy."""
import h5py
import numpy as np


def test_anomaly_twice_the_budget_matches_numpy(ca, tmp_path):
    # 16 MiB of float64 in 128 KiB chunks; an 8 MiB budget. The plan computes the mean first and
    # streams the file again for the deviations, so it fits (the C++ test checks the peak).
    rng = np.random.default_rng(5)
    data = rng.normal(280, 15, size=(256, 8192))
    path = tmp_path / "big.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("t", data=data, chunks=(2, 8192))
    x = ca.open(path, "t")
    anomaly = x - x.mean(axis=0)
    got = anomaly.std(axis=0).compute(memory_limit="8MiB")
    np.testing.assert_allclose(got, np.std(data - data.mean(axis=0), axis=0), rtol=1e-12)
    text = anomaly.std(axis=0).explain()
    assert "stage 1" in text and "stage 2" in text


def test_explain_shows_pushed_down_slices_and_fusion(ca):
    x = ca.ones((40, 60), chunks=(8, 10))
    y = ca.full((40, 60), 2.0, chunks=(8, 10))
    text = ((x * y + 1.0)[10:20, ::4]).explain()
    assert "optimized:" in text
    optimized = text.split("optimized:")[1].split("plan:")[0]
    # In the optimized graph the slice sits on the sources, below the multiply.
    assert "[10:20, 0:60:4]" in optimized.splitlines()[2]
    assert "reads:" in text
    assert "[fused into its consumer]" in ca.explain(abs(np.sqrt(x + 1.0) * 2.0))
