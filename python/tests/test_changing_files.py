"""Damaged and changing files: `ca.open` of a dataset that cannot be read raises with its name,
and a computation never mixes two versions of a file another process wrote (README, "Reading
files that are being written"). Writers run in subprocesses: h5py in this process would share
the HDF5 library, and its open file, with chunkarr."""
import gc
import os
import subprocess
import sys
import textwrap
import time

import h5py
import netCDF4
import numpy as np
import pytest

CHANGED = "changed while it was being read"


def run_python(code, *args, env=None):
    subprocess.run([sys.executable, "-c", textwrap.dedent(code), *map(str, args)], check=True, env=env)


def write_with_damaged_header(path):
    """/a fine, /b with its object header's version byte flipped (h5py cannot open /b)."""
    with h5py.File(path, "w") as f:
        f["a"] = np.arange(10.0)
        f["b"] = np.arange(5)
        f["g/c"] = np.ones(3)
        address = h5py.h5o.get_info(f["b"].id).addr
    with open(path, "r+b") as fh:
        fh.seek(address)
        version = fh.read(1)[0]
        fh.seek(address)
        fh.write(bytes([version ^ 0xFF]))
    with h5py.File(path, "r") as f:
        with pytest.raises(Exception):
            f["b"]


def test_open_a_damaged_dataset_raises_with_its_name(ca, tmp_path):
    p = tmp_path / "damaged.h5"
    write_with_damaged_header(p)
    with pytest.raises(OSError, match="/b"):
        ca.open(p, "/b")
    np.testing.assert_array_equal(ca.open(p, "/a").compute(), np.arange(10.0))


def test_open_in_a_damaged_group_is_not_a_missing_name(ca, tmp_path):
    p = tmp_path / "group.h5"
    with h5py.File(p, "w") as f:
        f["g/c"] = np.ones(3)
        address = h5py.h5o.get_info(f["g"].id).addr
    with open(p, "r+b") as fh:
        fh.seek(address)
        fh.write(b"\x07")                       # no such object header version
    with pytest.raises(OSError, match="/g"):
        ca.open(p, "/g/c")
    with pytest.raises(KeyError):
        ca.open(p, "/h/c")


APPEND_HDF5 = """
    import sys, h5py, numpy as np
    with h5py.File(sys.argv[1], "a") as f:
        n = f["x"].shape[0]
        f["x"].resize(n + 4, axis=0)
        f["x"][n:] = 100.0
"""


def make_appendable(path, n=20):
    with h5py.File(path, "w") as f:
        f.create_dataset("x", data=np.arange(n * 3.0).reshape(n, 3), maxshape=(None, 3), chunks=(4, 3),
                         compression="gzip")


def test_hdf5_appended_after_open_is_an_error_not_a_mix(ca, tmp_path):
    p = tmp_path / "grow.h5"
    make_appendable(p)
    x = ca.open(p, "x")
    assert x.shape == (20, 3)
    assert float(x.sum().compute()) == float(np.arange(60.0).sum())
    # chunkarr holds the file open (with HDF5's shared lock): only a writer that skips the lock
    # can write it now.
    run_python(APPEND_HDF5, p, env=dict(os.environ, HDF5_USE_FILE_LOCKING="FALSE"))
    with pytest.raises(OSError, match=CHANGED):
        x.sum().compute()
    with pytest.raises(OSError, match="grow.h5"):
        x[:2].compute()
    del x
    gc.collect()
    y = ca.open(p, "x")                          # opened again: the new version, whole
    assert y.shape == (24, 3)
    assert float(y.sum().compute()) == float(np.arange(60.0).sum() + 12 * 100.0)


def test_netcdf_classic_records_appended_after_open_is_an_error(ca, tmp_path):
    p = tmp_path / "grow.nc"
    with netCDF4.Dataset(p, "w", format="NETCDF3_CLASSIC") as ds:
        ds.createDimension("time", None)
        ds.createVariable("t", "f4", ("time",))[:5] = np.arange(5.0)
    t = ca.open(p, "t")
    run_python("""
        import sys, netCDF4
        with netCDF4.Dataset(sys.argv[1], "a") as ds:
            ds["t"][5:7] = [5.0, 6.0]
    """, p)
    with pytest.raises(OSError, match=CHANGED):
        t.compute()
    np.testing.assert_array_equal(ca.open(p, "t").compute(), np.arange(7.0, dtype="f4"))


def test_a_file_replaced_after_open_is_an_error(ca, tmp_path):
    p = tmp_path / "replaced.h5"
    with h5py.File(p, "w") as f:
        f["x"] = np.arange(6.0)
    x = ca.open(p, "x")
    new = tmp_path / "new.h5"
    with h5py.File(new, "w") as f:
        f["x"] = np.arange(6.0) * 2
    os.replace(new, p)
    with pytest.raises(OSError, match="replaced"):
        x.compute()


def test_unchanged_files_compute_again_and_again(ca, tmp_path):
    p = tmp_path / "same.h5"
    make_appendable(p)
    x = ca.open(p, "x")
    for _ in range(3):
        np.testing.assert_array_equal(x.compute(), np.arange(60.0).reshape(20, 3))


def test_compute_while_another_process_appends(ca, tmp_path):
    """A writer extends /x and flushes in a loop (no SWMR, no file lock): every compute is a
    consistent version of the file or an OSError that says the file changed."""
    p = tmp_path / "live.h5"
    with h5py.File(p, "w") as f:
        f.create_dataset("x", data=np.zeros((8, 16)), maxshape=(None, 16), chunks=(4, 16), compression="gzip")
    env = dict(os.environ, HDF5_USE_FILE_LOCKING="FALSE")
    writer = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys, time, h5py, numpy as np
        end = time.time() + 30
        with h5py.File(sys.argv[1], "a") as f:
            x = f["x"]
            print("ready", flush=True)
            while time.time() < end:
                n = x.shape[0]
                x.resize(n + 2, axis=0)
                x[n:] = 1.0
                f.flush()
                time.sleep(0.002)
    """), str(p)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    old = os.environ.get("HDF5_USE_FILE_LOCKING")
    os.environ["HDF5_USE_FILE_LOCKING"] = "FALSE"  # read by HDF5 at each open
    outcomes = []
    try:
        assert writer.stdout.readline().strip() == "ready", writer.stderr.read()
        for _ in range(20):
            try:
                x = ca.open(p, "x")
                total = float(x.sum().compute())
                # Rows 0-7 are zeros, every later row is ones.
                assert total == (x.shape[0] - 8) * 16, f"torn read: sum {total} of shape {x.shape}"
                outcomes.append("ok")
            except OSError as e:
                assert "live.h5" in str(e), str(e)
                outcomes.append("changed" if CHANGED in str(e) else str(e))
            finally:
                x = None
                gc.collect()
            time.sleep(0.01)
        assert writer.poll() is None, writer.stderr.read()
    finally:
        writer.kill()
        writer.wait()
        if old is None:
            os.environ.pop("HDF5_USE_FILE_LOCKING", None)
        else:
            os.environ["HDF5_USE_FILE_LOCKING"] = old
    print({o: outcomes.count(o) for o in set(outcomes)})
    assert "ok" in outcomes or "changed" in outcomes, outcomes
