"""Torn reads are named: while another process appends to a file without SWMR (HDF5: a chunked
dataset with an unlimited axis extended and written; NetCDF classic: records appended),
`chunkarr stats` gives either a consistent result or one clear error line, never a mix of two
versions of the file (README, "Reading files that are being written").

Row i of /x holds the value i in every column, so a consistent result for n rows is known
exactly: count n*C, min 0, max n-1, sum C*n*(n-1)/2. Anything else is a torn read."""
import json
import os
import subprocess
import sys
import textwrap
import time

import h5py
import netCDF4
import numpy as np
import pytest

COLUMNS = 32
START_ROWS = 40
READS = 25
CHANGED = "changed while it was being read"

HDF5_WRITER = textwrap.dedent("""
    import sys, time
    import h5py, numpy as np
    path, seconds = sys.argv[1], float(sys.argv[2])
    end = time.time() + seconds
    with h5py.File(path, "a") as f:
        x = f["x"]
        n = x.shape[0]
        print("ready", flush=True)
        while time.time() < end:
            k = 1
            x.resize(n + k, axis=0)
            x[n:n + k] = np.repeat(np.arange(n, n + k, dtype="f8")[:, None], x.shape[1], axis=1)
            n += k
            f.flush()
            # Bursts of appends, then a pause in which a reader may see a settled file.
            time.sleep(0.4 if n % 5 == 0 else 0.002)
""")

NETCDF_WRITER = textwrap.dedent("""
    import sys, time
    import netCDF4, numpy as np
    path, seconds = sys.argv[1], float(sys.argv[2])
    end = time.time() + seconds
    with netCDF4.Dataset(path, "a") as ds:
        x = ds["x"]
        n = len(ds.dimensions["time"])
        print("ready", flush=True)
        while time.time() < end:
            k = 1
            x[n:n + k, :] = np.repeat(np.arange(n, n + k, dtype="f8")[:, None], x.shape[1], axis=1)
            n += k
            ds.sync()
            time.sleep(0.4 if n % 5 == 0 else 0.002)
""")


def rows(n):
    return np.repeat(np.arange(n, dtype="f8")[:, None], COLUMNS, axis=1)


def make_hdf5(path):
    with h5py.File(path, "w") as f:
        f.create_dataset("x", data=rows(START_ROWS), maxshape=(None, COLUMNS), chunks=(8, COLUMNS),
                         compression="gzip")


def make_netcdf(path):
    with netCDF4.Dataset(path, "w", format="NETCDF3_64BIT_OFFSET") as ds:
        ds.createDimension("time", None)
        ds.createDimension("col", COLUMNS)
        ds.createVariable("x", "f8", ("time", "col"))[:START_ROWS, :] = rows(START_ROWS)


FORMATS = {"hdf5": (make_hdf5, HDF5_WRITER, "data.h5", "/x"), "netcdf": (make_netcdf, NETCDF_WRITER, "data.nc", "x")}


def unlocked_env():
    # HDF5 1.10 locks a file a writer has open, so a reader cannot open it at all; clusters
    # often turn that off (and file systems may not honour it): the case torn reads come from.
    return dict(os.environ, HDF5_USE_FILE_LOCKING="FALSE")


def start_writer(script, path, seconds):
    writer = subprocess.Popen([sys.executable, "-c", script, str(path), str(seconds)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=unlocked_env())
    assert writer.stdout.readline().strip() == "ready", writer.stderr.read()
    return writer


def file_being_written(tmp_path, fmt, seconds):
    """(path, variable, writer): a file of `fmt` and a writer appending to it for `seconds`."""
    make, script, name, variable = FORMATS[fmt]
    path = tmp_path / name
    make(path)
    return path, variable, start_writer(script, path, seconds)


def check_consistent(record):
    n, remainder = divmod(record["count"], COLUMNS)
    assert remainder == 0 and n >= START_ROWS, f"torn read: {record}"
    assert record["missing"] == 0, f"torn read (fill values): {record}"
    assert record["min"] == 0.0 and record["max"] == n - 1, f"torn read: {record}"
    assert record["sum"] == COLUMNS * n * (n - 1) / 2, f"torn read: {record}"
    return n


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_reads_while_another_process_appends(tmp_path, exe, fmt):
    path, variable, writer = file_being_written(tmp_path, fmt, seconds=30)
    results, errors = [], []
    try:
        for _ in range(READS):
            p = subprocess.run([exe, "stats", f"{path}:{variable}", "--format", "json"], capture_output=True,
                               text=True, timeout=60, env=unlocked_env())
            if p.returncode == 0:
                [record] = json.loads(p.stdout)
                results.append(check_consistent(record))
            else:
                lines = p.stderr.strip().splitlines()
                assert p.returncode == 1 and len(lines) == 1 and lines[0].startswith("chunkarr: error: "), \
                    (p.returncode, p.stderr)
                assert str(path) in lines[0], lines[0]
                errors.append(lines[0])
            time.sleep(0.01)
        assert writer.poll() is None, "the writer stopped early: " + writer.stderr.read()
    finally:
        writer.kill()
        writer.wait()
    # Whatever happened was named: a change while reading is said in those words; other
    # errors are ones the storage library gave on metadata it read mid-write.
    changed = [e for e in errors if CHANGED in e]
    print(f"{fmt}: {len(results)} consistent results (rows {sorted(set(results))[:3]}...), "
          f"{len(changed)} 'changed' errors, {len(errors) - len(changed)} others: {errors[:3]}")
    assert results or changed


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_after_the_writer_is_done_the_result_is_complete(tmp_path, run_cli, fmt):
    path, variable, writer = file_being_written(tmp_path, fmt, seconds=0.3)
    writer.wait(timeout=60)
    assert writer.returncode == 0, writer.stderr.read()
    rc, out, err = run_cli("stats", f"{path}:{variable}", "--format", "json")
    assert rc == 0, err
    [record] = json.loads(out)
    n = check_consistent(record)
    if fmt == "hdf5":
        with h5py.File(path, "r") as f:
            assert f["x"].shape[0] == n
    else:
        with netCDF4.Dataset(path) as ds:
            assert len(ds.dimensions["time"]) == n


def test_an_hdf5_writer_holding_the_file_lock_is_named(tmp_path, run_cli):
    """With HDF5's file locking (the default), a file another process has open for writing
    cannot be opened at all: the error says so, not "damaged"."""
    path = tmp_path / "locked.h5"
    make_hdf5(path)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, h5py; f = h5py.File(sys.argv[1], 'a'); print('ready', flush=True); "
         "sys.stdin.read()", str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={k: v for k, v in os.environ.items() if k != "HDF5_USE_FILE_LOCKING"})
    try:
        assert holder.stdout.readline().strip() == "ready", holder.stderr.read()
        with pytest.raises(Exception):
            subprocess.run([sys.executable, "-c", "import sys, h5py; h5py.File(sys.argv[1], 'r')", str(path)],
                           check=True, capture_output=True)
        rc, out, err = run_cli("stats", f"{path}:/x")
        assert rc == 1 and out == ""
        assert "another process has it open for writing" in err and "damaged" not in err, err
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_a_file_open_in_swmr_mode_is_named(tmp_path, run_cli):
    """chunkarr does not read SWMR: HDF5 refuses a reader without it while a SWMR writer (or any
    writer of a superblock-3 file) has the file; the error says so."""
    path = tmp_path / "swmr.h5"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent("""
            import sys, h5py, numpy as np
            f = h5py.File(sys.argv[1], "w", libver="latest")
            f.create_dataset("x", data=np.arange(10.0), maxshape=(None,), chunks=(4,))
            f.swmr_mode = True
            f.flush()
            print("ready", flush=True)
            sys.stdin.read()
        """), str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready", holder.stderr.read()
        rc, out, err = run_cli("stats", f"{path}:/x")
        assert rc == 1 and out == ""
        assert "marked as open for writing" in err and "SWMR" in err, err
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    rc, out, err = run_cli("stats", f"{path}:/x", "--format", "json")
    assert rc == 0 and json.loads(out)[0]["sum"] == 45.0, err
