"""`chunkarr stats` under `mpirun -n N` (issue 15, points 1, 2 and 4).

The ranks split each stage's chunks among themselves and merge the partial states in the same
fixed tree as one process: the JSON is byte for byte the plain run's, printed once, for N = 1, 2
and 3 (oversubscribed on this small machine, one thread per rank). Files are written here with
h5py and netCDF4-python (gzip, odd chunk counts, NaN, fill values, float32, integers); the plain
run itself is checked against NumPy, so that equal outputs are also right ones.

Open MPI refuses to run as root unless told it may: the two variables are set for mpirun's
environment only.
"""
import json
import os
import re
import shutil
import subprocess
import time

import h5py
import netCDF4
import numpy as np
import pytest

MPIRUN = shutil.which("mpirun")
pytestmark = pytest.mark.skipif(MPIRUN is None, reason="mpirun (openmpi-bin) is not installed")

TIMEOUT_S = 30  # a failing rank must never leave the others waiting


def mpi_env():
    env = dict(os.environ)
    env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_btl_vader_single_copy_mechanism="none")
    return env


def run(cmd, timeout=TIMEOUT_S):
    """(returncode, stdout, stderr, seconds) of `cmd`; a run past the timeout fails the test."""
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, env=mpi_env())
    except subprocess.TimeoutExpired:
        pytest.fail(f"did not finish within {timeout} s (a rank left waiting?): {cmd}", pytrace=False)
    return p.returncode, p.stdout.decode(), p.stderr.decode(), time.monotonic() - start


def mpirun(exe, n, *args):
    return run([MPIRUN, "--oversubscribe", "-n", str(n), exe, *map(str, args)])


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """An HDF5 file (gzip, odd chunk counts, NaN, a fill value) and a NetCDF-4 file."""
    d = tmp_path_factory.mktemp("mpi")
    rng = np.random.default_rng(15)
    f32 = rng.normal(5, 3, size=(37, 23, 11)).astype(np.float32)
    f32[rng.random(f32.shape) < 0.02] = np.nan
    i16 = rng.integers(-3000, 3000, size=(29, 17), dtype=np.int16)
    i16[::7, ::3] = -999  # the fill value: missing
    f64 = rng.normal(size=(13, 7, 5)) * 1e6
    with h5py.File(d / "data.h5", "w") as f:
        f.create_dataset("t", data=f32, chunks=(5, 4, 3), compression="gzip")
        v = f.create_dataset("counts", data=i16, chunks=(4, 5), compression="gzip", shuffle=True)
        v.attrs["_FillValue"] = np.int16(-999)
        f.create_dataset("one_chunk", data=f64, chunks=(13, 7, 5))
        f.create_dataset("tiny_chunks", data=f64[:5, :3, :2], chunks=(1, 1, 1))
    nc = netCDF4.Dataset(d / "data.nc", "w", format="NETCDF4")
    nc.createDimension("time", None)
    nc.createDimension("lat", 9)
    nc.createDimension("lon", 10)
    tv = nc.createVariable("tas", "f4", ("time", "lat", "lon"), chunksizes=(2, 4, 3), fill_value=np.float32(1e20),
                           zlib=True)
    tas = rng.normal(280, 10, size=(11, 9, 10)).astype(np.float32)
    tas[3, 2:5, :] = np.ma.masked
    tv[:] = np.ma.masked_invalid(np.where(np.arange(11)[:, None, None] == 3, np.nan, tas))
    uv = nc.createVariable("level", "u2", ("time", "lat"), chunksizes=(3, 4), fill_value=np.uint16(65535))
    lev = rng.integers(0, 60000, size=(11, 9)).astype(np.uint16)
    uv[:] = np.ma.masked_where(lev % 13 == 0, lev)
    nc.close()
    return {"dir": d, "h5": d / "data.h5", "nc": d / "data.nc", "f32": f32, "i16": i16, "lev": lev}


def test_plain_run_is_right(exe, files):
    """The reference the MPI runs are compared with agrees with NumPy."""
    code, out, err, _ = run([exe, "stats", f"{files['h5']}:/t", "--format", "json", "--threads", "1"])
    assert code == 0, err
    row = json.loads(out)[0]
    a = files["f32"].astype(np.float64)
    assert row["count"] == int(np.count_nonzero(~np.isnan(a)))
    assert row["min"] == float(np.nanmin(a)) and row["max"] == float(np.nanmax(a))
    assert row["mean"] == pytest.approx(np.nanmean(a), rel=1e-12)
    code, out, err, _ = run([exe, "stats", f"{files['h5']}:/counts", "--format", "json", "--threads", "1"])
    row = json.loads(out)[0]
    valid = files["i16"][files["i16"] != -999].astype(np.int64)
    assert (row["count"], row["sum"], row["min"]) == (valid.size, int(valid.sum()), int(valid.min()))


@pytest.mark.parametrize("which", ["h5", "nc"])
def test_stats_json_is_byte_identical_for_1_2_3_ranks(exe, files, which):
    path = files[which]
    args = ["stats", str(path), "--format", "json", "--threads", "1"]
    code, alone, err, _ = run([exe, *args])
    assert code == 0, err
    assert len(json.loads(alone)) >= 2  # every variable of the file
    for n in (1, 2, 3):
        code, out, err, _ = mpirun(exe, n, *args)
        assert code == 0, err
        assert out == alone, f"{n} ranks"  # byte for byte, printed once


def test_quantiles_and_per_index_under_mpi(exe, files):
    args = ["stats", f"{files['nc']}:tas", "--format", "json", "--threads", "1", "--stats", "count,median,p99,std"]
    _, alone, err, _ = run([exe, *args])
    assert json.loads(alone)[0]["median"] == pytest.approx(
        float(np.median(netCDF4.Dataset(files["nc"])["tas"][:].compressed())), rel=1e-6), err
    _, per_alone, _, _ = run([exe, "stats", f"{files['nc']}:tas", "--per", "time", "--format", "csv", "--threads", "1"])
    for n in (2, 3):
        code, out, err, _ = mpirun(exe, n, *args)
        assert (code, out) == (0, alone), err
        code, out, err, _ = mpirun(exe, n, "stats", f"{files['nc']}:tas", "--per", "time", "--format", "csv",
                                   "--threads", "1")
        assert (code, out) == (0, per_alone), err


def test_a_glob_of_netcdf_files_under_mpi(exe, tmp_path):
    rng = np.random.default_rng(3)
    for i in range(3):
        nc = netCDF4.Dataset(tmp_path / f"part_{i}.nc", "w", format="NETCDF4")
        nc.createDimension("time", None)
        nc.createDimension("x", 6)
        v = nc.createVariable("v", "f8", ("time", "x"), chunksizes=(1, 4), fill_value=-1.0)
        v[:] = rng.normal(size=(2 + i, 6))
        nc.close()
    args = ["stats", f"{tmp_path}/part_*.nc:v", "--format", "json", "--threads", "1"]
    code, alone, err, _ = run([exe, *args])
    assert code == 0, err
    assert json.loads(alone)[0]["count"] == (2 + 3 + 4) * 6
    for n in (2, 3):
        code, out, err, _ = mpirun(exe, n, *args)
        assert (code, out) == (0, alone), err


@pytest.mark.parametrize("suffix", [".nc", ".h5"])
def test_axis_output_equals_the_single_process_file(exe, files, tmp_path, suffix):
    alone, split = tmp_path / f"alone{suffix}", tmp_path / f"split{suffix}"
    common = ["stats", f"{files['h5']}:/t", "--axis", "0", "--threads", "1", "--stats", "count,mean,std,min,sum,median"]
    code, _, err, _ = run([exe, *common, "-o", alone])
    assert code == 0, err
    code, out, err, _ = mpirun(exe, 3, *common, "-o", split)
    assert code == 0, err
    assert out.count("wrote") == 1  # printed once
    with h5py.File(alone, "r") as a, h5py.File(split, "r") as b:
        assert sorted(a["t"].keys()) == sorted(b["t"].keys())
        for name in ("count", "mean", "std", "min", "sum", "median"):
            x, y = a["t"][name][...], b["t"][name][...]
            assert x.dtype == y.dtype and x.shape == y.shape == (23, 11)
            assert x.tobytes() == y.tobytes(), name
        expected = np.nanmean(files["f32"].astype(np.float64), axis=0)
        np.testing.assert_allclose(b["t"]["mean"][...], expected, rtol=1e-12)


UNITS = {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}


def progress_updates(stderr):
    """(percent, bytes done, bytes total) of each state the progress bar drew."""
    updates = []
    for text in stderr.split("\r\x1b[K"):
        m = re.search(r"\] +(\d+)%  ([\d.]+) (\w+) / ([\d.]+) (\w+)", text)
        if m:
            updates.append((int(m[1]), float(m[2]) * UNITS[m[3]], float(m[4]) * UNITS[m[5]]))
    return updates


def test_progress_of_rank_0_is_the_sum_over_ranks(exe, tmp_path):
    path = tmp_path / "progress.h5"
    data = np.random.default_rng(2).normal(size=(200, 100, 100)).astype(np.float32)  # 8 MB, 100 chunks
    with h5py.File(path, "w") as f:
        f.create_dataset("x", data=data, chunks=(4, 50, 50), compression="gzip", compression_opts=1)
    args = ["stats", f"{path}:/x", "--threads", "1", "--format", "json", "--progress"]
    code, alone, err, _ = run([exe, *args])
    assert code == 0, err
    [*_, last] = progress_updates(err)
    assert last == (100, 8e6, 8e6)
    for n in (2, 3):
        code, out, err, _ = mpirun(exe, n, *args)
        assert (code, out) == (0, alone), err
        updates = progress_updates(err)
        # Rank 0 (the only one that prints) ends on all ranks' bytes, never past the total.
        assert updates[-1] == last, err
        assert all(percent <= 100 and done <= total == 8e6 for percent, done, total in updates), updates


def test_missing_file_on_one_rank_fails_every_rank_once_within_seconds(exe, files, tmp_path):
    missing = tmp_path / "not_here.h5"
    good = f"{files['h5']}:/t"
    cmd = [MPIRUN, "--oversubscribe", "-n", "1", exe, "stats", good, "--threads", "1", ":",
           "-n", "1", exe, "stats", f"{missing}:/t", "--threads", "1", ":",
           "-n", "1", exe, "stats", good, "--threads", "1"]
    code, out, err, seconds = run(cmd)
    assert code != 0
    assert out == ""  # no rank printed statistics
    errors = [line for line in err.splitlines() if line.startswith("chunkarr: error:")]
    assert len(errors) == 1, err
    assert "not_here.h5" in errors[0]
    assert seconds < TIMEOUT_S


def test_ranks_that_see_different_files_refuse_to_read(exe, tmp_path):
    """Same path on every rank, other contents (as on nodes with unsynchronised copies)."""
    rng = np.random.default_rng(1)
    for name, rows in (("a.h5", 20), ("b.h5", 21)):
        with h5py.File(tmp_path / name, "w") as f:
            f.create_dataset("x", data=rng.normal(size=(rows, 8)), chunks=(4, 4))
    cmd = [MPIRUN, "--oversubscribe", "-n", "1", exe, "stats", f"{tmp_path / 'a.h5'}:/x", "--threads", "1", ":",
           "-n", "1", exe, "stats", f"{tmp_path / 'b.h5'}:/x", "--threads", "1"]
    code, out, err, _ = run(cmd)
    assert code != 0 and out == ""
    errors = [line for line in err.splitlines() if line.startswith("chunkarr: error:")]
    assert len(errors) == 1 and "rank 1 sees other files than rank 0" in errors[0], err


def test_a_failed_write_leaves_the_existing_output_untouched(exe, files, tmp_path):
    out_path = tmp_path / "kept.h5"
    out_path.write_bytes(b"an existing file")
    # The output's directory is fine but a rank cannot read its input: nothing is written.
    cmd = [MPIRUN, "--oversubscribe", "-n", "2", exe, "stats", f"{files['h5']}:/t", "--axis", "0", "--threads", "1",
           "-o", out_path, ":", "-n", "1", exe, "stats", f"{tmp_path / 'gone.h5'}:/t", "--axis", "0",
           "--threads", "1", "-o", out_path]
    code, out, err, _ = run([str(c) for c in cmd])
    assert code != 0
    assert out_path.read_bytes() == b"an existing file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.h5"]  # no temporary file left


def test_usage_errors_keep_their_status_under_mpi(exe, files):
    code, out, err, _ = mpirun(exe, 2, "stats", f"{files['h5']}:/t", "--format", "yaml")
    assert code == 2
    assert err.count("chunkarr: error:") == 1 and "--format" in err


def test_a_damaged_chunk_on_one_rank_fails_every_rank_once(exe, tmp_path):
    """Each rank runs in its own directory with its own copy of data.h5 (as on nodes with local
    copies): same size and metadata, but rank 1's copy has a damaged chunk, in rank 1's share."""
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    data = np.arange(4000 * 512, dtype=np.float64).reshape(4000, 512)  # several tasks of 1000 rows
    with h5py.File(good / "data.h5", "w") as f:
        f.create_dataset("x", data=data, chunks=(100, 512), compression="gzip")
    shutil.copy(good / "data.h5", bad / "data.h5")
    with h5py.File(bad / "data.h5", "r") as f:
        last = f["x"].id.get_chunk_info(f["x"].id.get_num_chunks() - 1)  # the last chunk: rank 1's
    with open(bad / "data.h5", "r+b") as f:
        f.seek(last.byte_offset)
        f.write(b"\xff" * last.size)
    assert (good / "data.h5").stat().st_size == (bad / "data.h5").stat().st_size
    args = ["stats", "data.h5:/x", "--threads", "1", "--format", "json"]
    cmd = [MPIRUN, "--oversubscribe", "-n", "1", "--wdir", str(good), exe, *args, ":",
           "-n", "1", "--wdir", str(bad), exe, *args]
    code, out, err, seconds = run(cmd)
    assert code != 0 and out == ""
    errors = [line for line in err.splitlines() if line.startswith("chunkarr: error:")]
    assert len(errors) == 1, err
    assert "data.h5" in errors[0] and "chunk" in errors[0]
    assert seconds < TIMEOUT_S
    # The same two directories with good copies: the run succeeds (the failure was the chunk).
    shutil.copy(good / "data.h5", bad / "data.h5")
    code, out, err, _ = run(cmd)
    assert code == 0, err
    assert json.loads(out)[0]["sum"] == float(data.sum())


@pytest.mark.parametrize("expression", ['mean(tas - mean(tas, "time"), "lat")', "where(isnan(tas), -1, tas * 2)",
                                        'quantile(tas, 0.9, "time")'])
def test_eval_output_equals_the_single_process_file(exe, files, tmp_path, expression):
    alone, split = tmp_path / "alone.nc", tmp_path / "split.nc"
    code, _, err, _ = run([exe, "eval", expression, str(files["nc"]), "-o", str(alone), "--threads", "1"])
    assert code == 0, err
    code, out, err, _ = mpirun(exe, 3, "eval", expression, files["nc"], "-o", split, "--threads", "1")
    assert code == 0, err
    with netCDF4.Dataset(alone) as a, netCDF4.Dataset(split) as b:
        assert sorted(a.variables) == sorted(b.variables)
        for name in a.variables:
            assert a[name][:].tobytes() == b[name][:].tobytes(), name


def test_eval_prints_a_number_once(exe, files):
    args = ["eval", 'mean(tas) - 2 * std(tas)', str(files["nc"]), "--threads", "1"]
    code, alone, err, _ = run([exe, *args])
    assert code == 0, err
    tas = netCDF4.Dataset(files["nc"])["tas"][:].compressed().astype(np.float64)
    assert float(alone) == pytest.approx(tas.mean() - 2 * tas.std(), rel=1e-6)
    for n in (2, 3):
        code, out, err, _ = mpirun(exe, n, *args)
        assert (code, out) == (0, alone), err


def zarr_files(store):
    """Every file of a Zarr store by relative path, the history attribute (a time stamp and the
    command) blanked."""
    files = {}
    for path in sorted(store.rglob("*")):
        if path.is_file():
            files[str(path.relative_to(store))] = re.sub(rb'"history": "(\\.|[^"\\])*"', b'"history": ""',
                                                           path.read_bytes())
    return files


@pytest.mark.parametrize("command", [["stats", "{nc}:tas", "--axis", "0", "--stats", "count,mean,std,median"],
                                     ["eval", "where(isnan(tas), -1, tas * 2)", "{nc}"],
                                     ["eval", 'quantile(tas, 0.9, "time")', "{nc}"]])
def test_zarr_output_is_the_single_process_store(exe, files, tmp_path, command):
    args = [a.format(nc=files["nc"]) for a in command] + ["--threads", "1"]
    (tmp_path / "alone").mkdir()
    alone = tmp_path / "alone" / "out.zarr"
    code, _, err, _ = run([exe, *args, "-o", alone])
    assert code == 0, err
    reference = zarr_files(alone)
    assert sum(name.endswith(".zarray") for name in reference) >= 1
    for n in (1, 2, 3):
        split = tmp_path / f"n{n}" / "out.zarr"
        split.parent.mkdir()
        code, out, err, _ = mpirun(exe, n, *args, "-o", split)
        assert code == 0, err
        assert out.count("wrote") == 1
        got = zarr_files(split)
        assert sorted(got) == sorted(reference), n  # the same chunk files, none missing
        for name in reference:
            assert got[name] == reference[name], (n, name)
        assert os.listdir(split.parent) == ["out.zarr"]  # no temporary directory left


def test_zarr_output_of_the_eval_is_right(exe, files, tmp_path):
    """The reference store itself holds the values (zarr-python reads it)."""
    import zarr
    out = tmp_path / "out.zarr"
    code, _, err, _ = mpirun(exe, 3, "eval", "where(isnan(tas), -1, tas * 2)", files["nc"], "-o", out, "--threads", "1")
    assert code == 0, err
    group = zarr.open_group(str(out), mode="r")
    [name] = [k for k in group.array_keys() if k not in ("time", "lat", "lon")]
    tas = netCDF4.Dataset(files["nc"])["tas"][:]
    want = np.where(tas.mask | np.isnan(tas.filled(np.nan)), -1, tas.filled(np.nan) * 2).astype(np.float32)
    np.testing.assert_array_equal(group[name][...], want)


def test_a_failed_zarr_write_leaves_the_existing_store_untouched(exe, files, tmp_path):
    store = tmp_path / "kept.zarr"
    code, _, err, _ = run([exe, "stats", f"{files['h5']}:/t", "--axis", "0", "--threads", "1", "-o", store])
    assert code == 0, err
    before = zarr_files(store)
    cmd = [MPIRUN, "--oversubscribe", "-n", "2", exe, "stats", f"{files['h5']}:/t", "--axis", "0", "--threads", "1",
           "-o", store, ":", "-n", "1", exe, "stats", f"{tmp_path / 'gone.h5'}:/t", "--axis", "0",
           "--threads", "1", "-o", store]
    code, out, err, _ = run([str(c) for c in cmd])
    assert code != 0 and "gone.h5" in err
    assert zarr_files(store) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.zarr"]  # no temporary directory left


@pytest.mark.parametrize("user_pml", [None, "^ucx"])
def test_on_one_node_ranks_talk_over_shared_memory_unless_told_otherwise(exe, files, user_pml):
    # Open MPI's cm messaging layer probes network libraries (PSM, PSM2) at every start; with all
    # ranks on one node chunkarr asks for ob1 (shared memory) instead. A pml the user chose stands.
    # Open MPI's own log of its choice (pml_base_verbose) shows which layers it opened.
    target = f"{files['h5']}:/t"
    plain = subprocess.run([exe, "stats", target, "--format", "json", "--no-progress"], capture_output=True)
    env = dict(mpi_env(), OMPI_MCA_pml_base_verbose="10")
    if user_pml:
        env["OMPI_MCA_pml"] = user_pml
    p = subprocess.run([MPIRUN, "--oversubscribe", "-n", "2", exe, "stats", target, "--format", "json",
                        "--no-progress", "--threads", "1"], capture_output=True, env=env, timeout=TIMEOUT_S)
    assert p.returncode == 0, p.stderr.decode()
    assert p.stdout == plain.stdout
    log = p.stderr.decode()
    assert log.count("component ob1 selected") == 2, log   # both ranks
    opened_cm = "found loaded component cm" in log
    assert opened_cm == (user_pml is not None), log
