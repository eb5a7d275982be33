"""ca.compute(..., comm=MPI.COMM_WORLD) with mpi4py (issue 15, point 3).

One script runs under `mpirun -n N` (N = 1, 2, 3, oversubscribed, one thread per rank): every
rank must get the same answer, bit for bit what one process computes, and NumPy's answer; a
map_blocks function that counts its calls shows that the ranks split the chunks (each block
is computed once, not once per rank). Open MPI's consent to run as root is given to mpirun's
environment only.
"""
import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from conftest import CHUNKARR_PYTHONPATH

MPIRUN = shutil.which("mpirun")
HAVE_MPI4PY = importlib.util.find_spec("mpi4py") is not None
pytestmark = pytest.mark.skipif(MPIRUN is None or not HAVE_MPI4PY, reason="needs mpirun and mpi4py")

SCRIPT = textwrap.dedent("""
    import sys
    import h5py
    import numpy as np
    from mpi4py import MPI
    import chunkarr as ca

    comm = MPI.COMM_WORLD
    path = sys.argv[1]
    x = ca.open(path, "/x").rechunk((4, 5))  # 11 x 3 tasks
    doubled = x.map_blocks(lambda block: block * 2, dtype=x.dtype)
    reductions = (ca.nansum(doubled), ca.nanmean(x), ca.nanstd(x), ca.nanmax(x, axis=0), x + 1)
    total, mean, std, per_row, values = ca.compute(*reductions, threads=1, comm=comm)
    with h5py.File(path, "r") as f:
        data = f["x"][...]
    alone = ca.compute(*reductions, threads=1)
    same_as_alone = all(np.array_equal(a, b, equal_nan=True) and np.asarray(a).tobytes() == np.asarray(b).tobytes()
                        for a, b in zip((total, mean, std, per_row, values), alone))
    wide = data.astype(np.float64)
    right = (np.isclose(total, 2 * np.nansum(wide), rtol=1e-5) and np.isclose(mean, np.nanmean(wide), rtol=1e-5)
             and np.array_equal(per_row, np.nanmax(data, axis=0)) and np.array_equal(values, data + 1, equal_nan=True))
    gathered = comm.gather((np.asarray(total).tobytes(), np.asarray(std).tobytes(), per_row.tobytes(),
                            values.tobytes()), root=0)
    if comm.rank == 0:
        print("ranks-agree" if all(g == gathered[0] for g in gathered) else "ranks-differ",
              "same-as-alone" if same_as_alone else "differs-from-alone", "right" if right else "wrong", flush=True)
""")

COUNT_SCRIPT = textwrap.dedent("""
    import sys
    from mpi4py import MPI
    import chunkarr as ca

    comm = MPI.COMM_WORLD
    x = ca.open(sys.argv[1], "/x").rechunk((4, 5))  # 11 x 3 tasks
    calls = []

    def counted(block):
        calls.append(1)
        return block

    ca.compute(ca.nansum(x.map_blocks(counted, dtype=x.dtype)), threads=1, comm=comm)
    counts = comm.gather(len(calls), root=0)
    if comm.rank == 0:
        print("calls", *counts, flush=True)
""")


STORE_SCRIPT = textwrap.dedent("""
    import sys
    import h5py
    import numpy as np
    from mpi4py import MPI
    import chunkarr as ca

    comm = MPI.COMM_WORLD
    source, out_h5, out_nc, alone_h5, out_zarr, alone_zarr = sys.argv[1:7]
    x = ca.open(source, "/x").rechunk((4, 5))
    calls = []

    def counted(block):
        calls.append(1)
        return block * 2 - 1

    y = x.map_blocks(counted, dtype=x.dtype)
    y.to_hdf5(out_h5, "y", chunks=(4, 5), compression="gzip", threads=1, comm=comm)
    (x - ca.nanmean(x)).to_netcdf(out_nc, "anomaly", dims=("row", "col"), chunks=(3, 13), threads=1, comm=comm)
    counts = comm.gather(len(calls), root=0)
    y.to_zarr(out_zarr, chunks=(4, 5), dims=("row", "col"), threads=1, comm=comm)
    if comm.rank == 0:
        y.to_hdf5(alone_h5, "y", chunks=(4, 5), compression="gzip", threads=1)
        y.to_zarr(alone_zarr, chunks=(4, 5), dims=("row", "col"), threads=1)
        print("calls", *counts, flush=True)
""")


# The end of a script that defines compute(): each rank's outcome of it, printed by rank 0.
PRINT_OUTCOMES = textwrap.dedent("""
    try:
        compute()
        outcome = "no error"
    except Exception as error:
        outcome = type(error).__name__ + ": " + str(error).splitlines()[0]
    outcomes = comm.gather(outcome, root=0)
    if comm.rank == 0:
        print("\\n".join(outcomes), flush=True)
""")

ERROR_SCRIPT = textwrap.dedent("""
    import sys
    from mpi4py import MPI
    import chunkarr as ca

    comm = MPI.COMM_WORLD
    x = ca.open(sys.argv[1], "/x").rechunk((4, 5))

    def fails_on_rank_1(block):
        if comm.rank == 1:
            raise ValueError("boom on rank 1")
        return block

    def compute():
        ca.compute(ca.nansum(x.map_blocks(fails_on_rank_1, dtype=x.dtype)), threads=1, comm=comm)
""") + PRINT_OUTCOMES


QUANTILE_SCRIPT = textwrap.dedent("""
    import numpy as np
    from mpi4py import MPI
    import chunkarr as ca

    comm = MPI.COMM_WORLD
    rng = np.random.default_rng(5)
    data = rng.normal(size=(60, 7, 9))
    data[rng.random(data.shape) < 0.1] = np.nan
    x = ca.from_array(data, chunks=(7, 3, 4))
    calls = []

    def counted(block):
        calls.append(1)
        return block

    y = x.map_blocks(counted, dtype=x.dtype)
    median, deciles = ca.compute(ca.nanmedian(y), ca.nanquantile(y, [0.1, 0.9], axis=0), threads=1, comm=comm)
    alone = ca.compute(ca.nanmedian(x), ca.nanquantile(x, [0.1, 0.9], axis=0), threads=1)
    same = np.asarray(median).tobytes() == np.asarray(alone[0]).tobytes() and deciles.tobytes() == alone[1].tobytes()
    right = (np.isclose(median, np.nanmedian(data))
             and np.allclose(deciles, np.nanquantile(data, [0.1, 0.9], axis=0), rtol=0, atol=1e-12))
    results = comm.gather((len(calls), same, right), root=0)
    if comm.rank == 0:
        print(" ".join(f"{n}:{s}:{r}" for n, s, r in results), flush=True)
""")

PROGRESS_SCRIPT = textwrap.dedent("""
    import io
    import sys
    from mpi4py import MPI
    import chunkarr as ca

    comm = MPI.COMM_WORLD
    x = ca.open(sys.argv[1], "/x").rechunk((4, 5))  # 11 x 3 tasks
    work = (ca.nansum(x), ca.nanquantile(x, 0.5, axis=0), x * 2)

    class Recorder(ca.ProgressBar):
        \"\"\"Every report as it comes: tasks done and total, bytes done and total.\"\"\"
        def __init__(self):
            super().__init__(out=io.StringIO())
            self.reports = []

        def update(self, done, total, bytes_done, bytes_total):
            self.reports.append((done, total, bytes_done, bytes_total))

    def reports(**kwargs):
        with Recorder() as recorder:
            ca.compute(*work, threads=1, **kwargs)
        return recorder.reports

    split = reports(comm=comm)
    if comm.rank == 0:
        print("split", *("/".join(map(str, r)) for r in split))
        print("alone", *("/".join(map(str, r)) for r in reports()), flush=True)
""")

STAGED_SCRIPT = textwrap.dedent("""
    import os
    import sys
    import h5py
    import numpy as np
    from mpi4py import MPI
    import chunkarr as ca

    comm = MPI.COMM_WORLD
    source, out, scratch = sys.argv[1:4]
    scratch = os.path.join(scratch, f"rank{comm.rank}")  # each rank's own disk, for the stages' files
    os.makedirs(scratch, exist_ok=True)
    os.environ["TMPDIR"] = scratch
    calls = []

    def counted(block):
        calls.append(1)
        return block

    x = ca.open(source, "t2m").rechunk((1, 64, 48))  # its stored chunks: one map each
    z = x.map_blocks(counted, dtype=x.dtype).rechunk((40, 4, 4))  # time series
    assert "stage 2: chunks" in ca.explain(z, memory_limit="1MiB")
    options = dict(memory_limit="1MiB", threads=1)
    # (One compute each: together their tasks would not fit the small budget.)
    [anomaly], [spread] = (ca.compute(y, comm=comm, **options) for y in (ca.sum(z - z.mean(axis=0), axis=0),
                                                                        z.std(axis=0)))
    counts = comm.gather(len(calls), root=0)
    z.to_hdf5(out, "t2m", chunks=(40, 4, 4), compression="gzip", comm=comm, **options)
    left = os.listdir(scratch)
    with h5py.File(source, "r") as f:
        a = f["t2m"][...]
    y = x.rechunk((40, 4, 4))
    alone = [ca.compute(r, **options)[0] for r in (ca.sum(y - y.mean(axis=0), axis=0), y.std(axis=0))]
    same = anomaly.tobytes() == alone[0].tobytes() and spread.tobytes() == alone[1].tobytes()
    right = np.allclose(spread, a.std(axis=0), rtol=1e-12) and np.allclose(anomaly, 0, atol=1e-9)
    results = comm.gather((same, right, left), root=0)
    if comm.rank == 0:
        print("calls", *counts)
        print("same", *(s for s, _, _ in results))
        print("right", *(r for _, r, _ in results))
        print("left", sum(len(files) for _, _, files in results), flush=True)
""")

MEMORY_SCRIPT = textwrap.dedent("""
    import resource
    import sys
    from mpi4py import MPI
    import chunkarr as ca

    comm = MPI.COMM_WORLD
    x = ca.ones((6000, 4096), chunks=(100, 4096))  # 197 MB of float64, stored uncompressed
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    x.to_hdf5(sys.argv[1], "x", chunks=(100, 4096), memory_limit="32MiB", threads=1, comm=comm)
    grown = comm.gather((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024, root=0)
    if comm.rank == 0:
        print(*grown, flush=True)
""")

STAGE_ERROR_SCRIPT = textwrap.dedent("""
    import sys
    from mpi4py import MPI
    import chunkarr as ca

    comm = MPI.COMM_WORLD
    source, scratch, missing = sys.argv[1:4]
    z = ca.open(source, "t2m").rechunk((1, 64, 48)).rechunk((40, 4, 4))

    def compute():
        ca.compute(z.std(axis=0), memory_limit="1MiB", threads=1, comm=comm,
                   temp_dir=missing if comm.rank == 1 else scratch)  # rank 1 cannot write its stage
""") + PRINT_OUTCOMES


def run_under_mpi(n, script, *args, timeout=60):
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_btl_vader_single_copy_mechanism="none",
               PYTHONPATH=os.pathsep.join([CHUNKARR_PYTHONPATH, os.environ.get("PYTHONPATH", "")]))
    cmd = [MPIRUN, "--oversubscribe", "-n", str(n), sys.executable, "-c", script, *map(str, args)]
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"mpirun did not finish within {timeout} s", pytrace=False)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    import h5py
    import numpy as np
    path = tmp_path_factory.mktemp("mpi") / "x.h5"
    rng = np.random.default_rng(11)
    data = (rng.normal(size=(41, 13)) * 1e3).astype(np.float32)
    data[rng.random(data.shape) < 0.05] = np.nan
    with h5py.File(path, "w") as f:
        f.create_dataset("x", data=data, chunks=(4, 5), compression="gzip")  # 11 x 3 chunks
    return path


@pytest.mark.parametrize("n", [1, 2, 3])
def test_every_rank_gets_the_single_process_answer(data_file, n):
    code, out, err = run_under_mpi(n, SCRIPT, data_file)
    assert code == 0, err
    assert out.split() == ["ranks-agree", "same-as-alone", "right"], out + err


def test_the_ranks_split_the_chunks(data_file):
    code, out, err = run_under_mpi(3, COUNT_SCRIPT, data_file)
    assert code == 0, err
    words = out.split()
    assert words[0] == "calls", out + err
    counts = [int(w) for w in words[1:]]
    assert len(counts) == 3
    assert sum(counts) == 11 * 3  # every chunk once over all ranks
    assert all(0 < c < 33 for c in counts)  # no rank did them all


def test_comm_must_be_an_mpi4py_communicator(ca):
    with pytest.raises(TypeError, match="mpi4py communicator"):
        ca.compute(ca.ones(3), comm="COMM_WORLD")
    # Checking it did not start MPI here (importing mpi4py.MPI does: later forks could hang).
    assert "mpi4py.MPI" not in sys.modules


def test_stores_across_ranks_write_the_single_process_file(data_file, tmp_path):
    import h5py
    import netCDF4
    import numpy as np
    out_h5, out_nc, alone = tmp_path / "y.h5", tmp_path / "anomaly.nc", tmp_path / "alone.h5"
    out_zarr, alone_zarr = tmp_path / "y.zarr", tmp_path / "alone.zarr"
    code, out, err = run_under_mpi(3, STORE_SCRIPT, data_file, out_h5, out_nc, alone, out_zarr, alone_zarr)
    assert code == 0, err
    counts = [int(w) for w in out.split()[1:]]
    assert sum(counts) == 33 and all(0 < c < 33 for c in counts), out  # each rank its share of chunks
    with h5py.File(data_file, "r") as f:
        data = f["x"][...]
    with h5py.File(out_h5, "r") as split, h5py.File(alone, "r") as single:
        y = split["y"]
        assert y.chunks == (4, 5) and y.compression == "gzip"
        np.testing.assert_array_equal(y[...], data * 2 - 1)
        assert y[...].tobytes() == single["y"][...].tobytes()
        # Every stored chunk is there (none lost on its way to rank 0): 11 x 3 of them.
        assert y.id.get_num_chunks() == 33
    with netCDF4.Dataset(out_nc) as nc:
        v = nc["anomaly"]
        assert v.dimensions == ("row", "col")
        np.testing.assert_allclose(v[:].filled(np.nan), data - np.nanmean(data.astype(np.float64)), rtol=1e-5,
                                   atol=1e-3)
    # The Zarr store: every file as one process writes it (33 chunk files and the metadata).
    split_files = sorted(p.relative_to(out_zarr) for p in out_zarr.rglob("*") if p.is_file())
    assert split_files == sorted(p.relative_to(alone_zarr) for p in alone_zarr.rglob("*") if p.is_file())
    assert len(split_files) == 33 + 3
    assert all((out_zarr / f).read_bytes() == (alone_zarr / f).read_bytes() for f in split_files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alone.h5", "alone.zarr", "anomaly.nc", "y.h5",
                                                          "y.zarr"]  # no temporary files


def test_an_error_on_one_rank_is_raised_on_every_rank(data_file):
    code, out, err = run_under_mpi(3, ERROR_SCRIPT, data_file, timeout=30)
    assert code == 0, err
    outcomes = out.splitlines()
    assert len(outcomes) == 3, out + err
    assert all("boom on rank 1" in o for o in outcomes), out
    assert outcomes[1].startswith("ValueError")  # the failing rank: the function's own exception


def test_exact_quantiles_split_their_passes_across_ranks(tmp_path):
    _, alone, err = run_under_mpi(1, QUANTILE_SCRIPT)
    calls_alone = int(alone.split(":")[0])  # every block, in every selection pass
    code, out, err = run_under_mpi(3, QUANTILE_SCRIPT)
    assert code == 0, err
    results = [r.split(":") for r in out.split()]
    assert len(results) == 3, out + err
    assert all(same == "True" and right == "True" for _, same, right in results), out
    calls = [int(n) for n, _, _ in results]
    assert sum(calls) == calls_alone and max(calls) < calls_alone  # each pass's blocks shared out


@pytest.mark.parametrize("n", [2, 3])
def test_progress_on_rank_0_is_the_sum_over_ranks(data_file, n):
    code, out, err = run_under_mpi(n, PROGRESS_SCRIPT, data_file)
    assert code == 0, err
    lines = dict(line.split(" ", 1) for line in out.splitlines())
    split = [tuple(map(int, p.split("/"))) for p in lines["split"].split()]
    alone = [tuple(map(int, p.split("/"))) for p in lines["alone"].split()]
    done, total, bytes_done, bytes_total = alone[-1]
    assert done == total > 33  # the reduction, the selection passes, the blocks
    assert bytes_done == bytes_total > 0
    # Rank 0 ends on every rank's tasks and bytes, the counts of one process. Its task count is
    # kept under the total, but its bytes are the plain sum over ranks: a rank counted twice, or
    # a rank's work missing, shows there.
    assert split[-1] == alone[-1]
    assert all(d <= t and b <= bt for d, t, b, bt in split), split
    # Reports never go back: each is all that had been done by then.
    assert all(a[0] <= b[0] and a[2] <= b[2] for a, b in zip(split, split[1:])), split


@pytest.mark.parametrize("n", [1, 2, 3])
def test_staged_rechunks_split_their_chunks_across_ranks(tmp_path, n):
    """An orthogonal rechunk of a compressed file runs in stages (1 MiB budget): the ranks share
    each stage's chunks, every rank ends with the whole stage in its own temporary file, and the
    results are the single process's bits."""
    import h5py
    import numpy as np
    rng = np.random.default_rng(15)
    a = rng.normal(280, 10, size=(40, 64, 48))
    source = tmp_path / "maps.h5"
    with h5py.File(source, "w") as f:
        f.create_dataset("t2m", data=a, chunks=(1, 64, 48), compression="gzip", shuffle=True)
    out = tmp_path / "series.h5"
    code, text, err = run_under_mpi(n, STAGED_SCRIPT, source, out, tmp_path / "scratch", timeout=120)
    assert code == 0, err
    lines = {line.split()[0]: line.split()[1:] for line in text.splitlines()}
    calls = [int(c) for c in lines["calls"]]
    assert len(calls) == n and sum(calls) == 2 * 40  # each map read once per compute, over all ranks
    if n > 1:
        assert all(0 < c < 80 for c in calls)  # (before the split every rank read every map)
    assert lines["same"] == ["True"] * n and lines["right"] == ["True"] * n, text
    assert lines["left"] == ["0"]  # the stages' files are gone on every rank
    with h5py.File(out, "r") as f:
        assert f["t2m"].chunks == (40, 4, 4)
        np.testing.assert_array_equal(f["t2m"][...], a)


def test_the_writing_rank_stays_within_the_memory_limit(tmp_path):
    """Rank 0 takes the other ranks' chunks round by round, a quarter of the budget at a time:
    its memory grows by about the budget, not by the two thirds of the array the others make
    (before rounds: 268 MiB on rank 0, 141 MiB on the others)."""
    import h5py
    out = tmp_path / "ones.h5"
    code, text, err = run_under_mpi(3, MEMORY_SCRIPT, out, timeout=120)
    assert code == 0, err
    grown = [int(g) for g in text.split()]
    assert len(grown) == 3 and max(grown) < 64 << 20, grown  # twice the 32 MiB budget at most
    with h5py.File(out, "r") as f:
        x = f["x"]
        assert x.shape == (6000, 4096) and x.id.get_num_chunks() == 60
        assert x[::997].min() == x[::997].max() == 1.0


def test_a_stage_that_fails_on_one_rank_fails_every_rank(tmp_path):
    import h5py
    import numpy as np
    source = tmp_path / "maps.h5"
    with h5py.File(source, "w") as f:
        f.create_dataset("t2m", data=np.ones((40, 64, 48)), chunks=(1, 64, 48), compression="gzip")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    code, out, err = run_under_mpi(3, STAGE_ERROR_SCRIPT, source, scratch, tmp_path / "missing", timeout=30)
    assert code == 0, err
    outcomes = out.splitlines()
    assert len(outcomes) == 3, out + err
    assert all(o.startswith("OSError") and "missing" in o for o in outcomes), out
    assert list(scratch.iterdir()) == []  # the other ranks' stage files are gone


LIMITS_SCRIPT = textwrap.dedent("""
    import sys
    import numpy as np
    from mpi4py import MPI
    import chunkarr as ca

    comm = MPI.COMM_WORLD
    a = np.arange(512 * 1024, dtype=np.float64).reshape(512, 1024)
    limit = ["2MiB", "8MiB", "3MiB"][comm.rank]   # nodes with other memory: other default limits
    ca.from_array(a, chunks=(8, 1024)).to_hdf5(sys.argv[1], "x", chunks=(8, 1024), memory_limit=limit,
                                                threads=1, comm=comm)
""")


def test_ranks_with_other_memory_limits_store_in_the_same_rounds(tmp_path):
    """Each round is a collective: the ranks size them on the smallest budget of any rank (they
    took each other's payloads, 'internal:' errors, when their limits differed)."""
    import h5py
    import numpy as np
    out = tmp_path / "x.h5"
    code, text, err = run_under_mpi(3, LIMITS_SCRIPT, out, timeout=60)
    assert code == 0, err
    with h5py.File(out, "r") as f:
        np.testing.assert_array_equal(f["x"][...], np.arange(512 * 1024, dtype=np.float64).reshape(512, 1024))


LATE_ZARR_ERROR_SCRIPT = textwrap.dedent("""
    import sys
    import numpy as np
    from mpi4py import MPI
    import chunkarr as ca

    comm = MPI.COMM_WORLD
    x = ca.from_array(np.arange(240 * 1024, dtype=np.float64).reshape(240, 1024), chunks=(8, 1024))
    calls = []

    def fails_late_on_rank_2(block):
        calls.append(1)
        if comm.rank == 2 and len(calls) == 6:   # in a late round: earlier rounds are written
            raise ValueError("boom late on rank 2")
        return block + 1

    def compute():
        x.map_blocks(fails_late_on_rank_2, dtype=x.dtype).to_zarr(
            sys.argv[1], "x", chunks=(8, 1024), overwrite=True, memory_limit="4MiB", threads=1, comm=comm)
""") + PRINT_OUTCOMES


def test_a_zarr_store_failing_in_a_late_round_leaves_the_old_store(tmp_path):
    """Rank 2 fails after rank 0 has written chunks of earlier rounds: every rank raises that
    error, the existing store keeps every file as it was, and no temporary directory is left."""
    import numpy as np
    import chunkarr as ca
    store = tmp_path / "old.zarr"
    ca.from_array(np.zeros((4, 4))).to_zarr(store, "x")
    before = {p.relative_to(store): p.read_bytes() for p in sorted(store.rglob("*")) if p.is_file()}
    code, out, err = run_under_mpi(3, LATE_ZARR_ERROR_SCRIPT, store, timeout=60)
    assert code == 0, err
    outcomes = out.splitlines()
    assert len(outcomes) == 3 and all("boom late on rank 2" in o for o in outcomes), out + err
    after = {p.relative_to(store): p.read_bytes() for p in sorted(store.rglob("*")) if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.zarr"]
