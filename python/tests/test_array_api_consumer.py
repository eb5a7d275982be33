"""A consumer of the array API standard: code written only against the standard (it takes
xp = x.__array_namespace__() and nothing else) runs on numpy.array_api arrays and on chunkarr
arrays opened from an HDF5 file larger than the compute's memory budget, with equal results.
The chunkarr run happens in a subprocess so that its peak memory can be measured on its own."""
import json
import subprocess
import sys
import textwrap
import warnings

import h5py
import numpy as np
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)   # numpy.array_api says it is experimental
    import numpy.array_api as npx

ROWS, COLUMNS = 1_500_000, 8   # 96 MB of float64 in the file
MEMORY_LIMIT = 24 << 20        # the compute's budget: a quarter of the file

# The consumer: standardize the columns, their covariance (a correlation matrix), and its
# leading eigenpair by power iteration. Only standard names; x may be any conforming array.
CONSUMER = textwrap.dedent('''
    def standardized_covariance_and_leading_eigenpair(x, steps=30):
        xp = x.__array_namespace__()
        n = x.shape[0]
        z = (x - xp.mean(x, axis=0)) / xp.std(x, axis=0, correction=1)
        covariance = xp.sum(xp.expand_dims(z, axis=2) * xp.expand_dims(z, axis=1), axis=0) / (n - 1)
        v = xp.ones((covariance.shape[0],), dtype=covariance.dtype)
        for _ in range(steps):
            w = xp.matmul(covariance, v)
            v = w / xp.linalg.vector_norm(w)
        eigenvalue = xp.vecdot(v, xp.matmul(covariance, v))
        return covariance, eigenvalue, v
''')
namespace = {}
exec(CONSUMER, namespace)
consumer = namespace["standardized_covariance_and_leading_eigenpair"]

# Runs the consumer on chunkarr (lazy until one compute under the memory limit) and reports
# the results and the growth of the process's peak resident memory during the compute.
CHUNKARR_RUN = CONSUMER + textwrap.dedent('''
    import json, resource, sys
    sys.path.insert(0, sys.argv[1])
    import chunkarr as ca
    x = ca.open(sys.argv[2], "x")
    assert x.__array_namespace__() is ca.array_api
    results = standardized_covariance_and_leading_eigenpair(x)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    covariance, eigenvalue, vector = ca.compute(*results, memory_limit=int(sys.argv[3]))
    growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
    print(json.dumps({"covariance": covariance.tolist(), "eigenvalue": float(eigenvalue),
                      "vector": vector.tolist(), "peak_growth": growth}))
''')


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    """Correlated columns of different scales and offsets, written in slabs (never whole)."""
    path = tmp_path_factory.mktemp("consumer") / "big.h5"
    rng = np.random.default_rng(18)
    mixing = rng.standard_normal((COLUMNS, COLUMNS)) + 2 * np.eye(COLUMNS)
    with h5py.File(path, "w") as f:
        data = f.create_dataset("x", shape=(ROWS, COLUMNS), dtype="f8", chunks=(50_000, COLUMNS))
        for start in range(0, ROWS, 250_000):
            slab = rng.standard_normal((250_000, COLUMNS)) @ mixing
            data[start:start + 250_000] = slab * np.arange(1, COLUMNS + 1) + 100.0 * np.arange(COLUMNS)
    return path


def test_standard_consumer_runs_out_of_core_with_numpy_array_api_results(ca, big_file, chunkarr_pythonpath):
    with h5py.File(big_file, "r") as f:
        file_bytes = f["x"].size * f["x"].dtype.itemsize
        reference = consumer(npx.asarray(f["x"][...]))
    assert file_bytes > 3 * MEMORY_LIMIT
    run = subprocess.run([sys.executable, "-c", CHUNKARR_RUN, chunkarr_pythonpath, str(big_file), str(MEMORY_LIMIT)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout.strip().splitlines()[-1])
    want_covariance, want_eigenvalue, want_vector = (np.asarray(r) for r in reference)
    np.testing.assert_allclose(got["covariance"], want_covariance, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got["eigenvalue"], float(want_eigenvalue), rtol=1e-9)
    np.testing.assert_allclose(got["vector"], want_vector, rtol=1e-7, atol=1e-10)
    # A correlation matrix: a unit diagonal, and a leading eigenvalue above 1 (correlated columns).
    np.testing.assert_allclose(np.diag(got["covariance"]), 1.0, rtol=1e-12)
    assert got["eigenvalue"] > 1.5
    # Out of core: the compute's peak memory grew by far less than the file it read.
    assert got["peak_growth"] < file_bytes / 2, f"peak memory grew by {got['peak_growth']} bytes"


def test_standard_consumer_on_odd_chunks_and_float32(ca):
    """The same consumer on small float32 data in odd chunkings (chunk size 1, edge chunks, one chunk)."""
    rng = np.random.default_rng(5)
    data = (rng.standard_normal((37, 3)) @ np.array([[2.0, 1, 0], [0, 1, 0], [0, 0.5, 3]])).astype(np.float32)
    for chunks in [(1, 1), (10, 2), (37, 3)]:
        got = consumer(ca.from_array(data, chunks=chunks), steps=10)
        want = consumer(npx.asarray(data), steps=10)
        for g, w in zip(got, want):
            # float32 here (2022.12's sum keeps the dtype); numpy.array_api's 2021.12 sum gives float64.
            assert g.dtype == np.float32 and w.dtype == np.float64
            np.testing.assert_allclose(np.asarray(g.compute()), np.asarray(w), rtol=2e-4, atol=1e-5)
