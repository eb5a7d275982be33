"""Classic NetCDF files whose header does not fit the file (issue 12, point 2).

libnetcdf believes a classic header: a record count with one flipped bit streams gigabytes of
zeros, and a truncated file reads as zeros where its bytes are missing. chunkarr compares the
bytes each variable needs (from the header: begin offsets, shapes, record size, numrecs) with
the file's size when it opens the file, and refuses with one line naming the variable and the
missing byte range -- quickly, before reading any data.

The regression files are kept in tests/data/regressions/:
- hang-numrecs.nc: CDF-2, one bit flipped in the record count (a billion records of 40 bytes);
- trunc-classic.nc: CDF-1, v(x=1000) float32 cut at 1020 of its 4080 bytes.
"""
import sys
import time
from pathlib import Path

import netCDF4
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_bad_input import assert_error  # noqa: E402

REGRESSIONS = Path(__file__).resolve().parents[1] / "data" / "regressions"
FORMATS = ["NETCDF3_CLASSIC", "NETCDF3_64BIT_OFFSET", "NETCDF3_64BIT_DATA"]


def quick_error(run_cli, *args):
    """run_cli's result for a run that must fail in under a second (the fastest of three
    tries, so that a loaded machine does not fail the test; a hang fails at 20 s)."""
    best = None
    for _ in range(3):
        start = time.monotonic()
        result = run_cli(*args, timeout=20)
        elapsed = time.monotonic() - start
        best = min(best or elapsed, elapsed)
        if best < 1.0:
            break
    assert best < 1.0, f"chunkarr {' '.join(map(str, args))} took {best:.2f} s to fail"
    return result


@pytest.mark.parametrize("cmd", ["stats", "info"])
def test_hang_numrecs(run_cli, cmd):
    path = REGRESSIONS / "hang-numrecs.nc"
    line = assert_error(quick_error(run_cli, cmd, path), 1, path, "/v", "bytes 100-42949673219",
                        "the file ends at 260", "1073741828 records")
    assert "Traceback" not in line


@pytest.mark.parametrize("cmd,spec", [("stats", ""), ("stats", ":v"), ("stats", ":/v"), ("info", "")])
def test_trunc_classic(run_cli, cmd, spec):
    path = REGRESSIONS / "trunc-classic.nc"
    assert_error(quick_error(run_cli, cmd, f"{path}{spec}"), 1, path, "variable /v needs bytes 80-4079",
                 "but the file ends at 1020")


def test_regressions_still_open_in_libnetcdf():
    """The files are damaged the way the issue says: libnetcdf opens them without a word."""
    with netCDF4.Dataset(REGRESSIONS / "hang-numrecs.nc") as d:
        assert d.dimensions["time"].size == 2**30 + 4
    with netCDF4.Dataset(REGRESSIONS / "trunc-classic.nc") as d:
        assert d["v"].shape == (1000,)
        assert np.ma.getdata(d["v"][-10:]).tolist() == [0.0] * 10


def write_file(path, fmt, last_padded=False):
    """Fixed variables of odd byte counts, three record variables (two records), a global
    attribute: the layout with padding everywhere. The file ends with r3's last record, 3 bytes
    and a byte of padding when `last_padded`, else 20 bytes."""
    with netCDF4.Dataset(path, "w", format=fmt) as d:
        d.setncattr("title", "odd")
        d.createDimension("time", None)
        d.createDimension("x", 3)
        d.createDimension("y", 5)
        d.createVariable("a", "i1", ("x",))[:] = [1, 2, 3]
        d.createVariable("r1", "i2", ("time",))[:] = [7, 8]
        d.createVariable("b", "f8", ("x", "y"))[:] = np.arange(15.0).reshape(3, 5)
        d.createVariable("r2", "i1", ("time", "x"))[:] = np.array([[1, 2, 3], [4, 5, 6]], "i1")
        if last_padded:
            d.createVariable("r3", "i1", ("time", "x"))[:] = np.array([[1, 2, 3], [4, 5, 6]], "i1")
        else:
            d.createVariable("r3", "f4", ("time", "y"))[:] = np.arange(10.0, dtype="f4").reshape(2, 5)
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_truncation_is_an_error(tmp_path, run_cli, stats_json, fmt):
    """Cut anywhere -- inside the header, a fixed variable, a record -- and stats fails with one
    line; whole, and with bytes appended, the file reads as before."""
    whole = write_file(tmp_path / "whole.nc", fmt)
    data = whole.read_bytes()
    expected = stats_json(str(whole))
    assert [r["variable"] for r in expected] == ["/a", "/b", "/r1", "/r2", "/r3"]
    cut = tmp_path / "cut.nc"
    for size in list(range(4, len(data), 11)) + [len(data) - 1]:
        cut.write_bytes(data[:size])
        line = assert_error(run_cli("stats", cut, timeout=20), 1, cut, f"the file ends at {size}")
        assert "needs bytes" in line, line
    longer = tmp_path / "longer.nc"
    longer.write_bytes(data + b"\0" * 13)
    assert [dict(r, file=None) for r in stats_json(str(longer))] == [dict(r, file=None) for r in expected]


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_padding_is_not_missing_data(tmp_path, stats_json, run_cli, fmt):
    """The format pads each record variable's record to 4 bytes; a file that ends without the
    last padding byte still holds every value (libnetcdf's writers add it; others may not)."""
    whole = write_file(tmp_path / "whole.nc", fmt, last_padded=True)
    data = whole.read_bytes()
    expected = stats_json(str(whole))
    short = tmp_path / "short.nc"
    short.write_bytes(data[:-1])
    assert [dict(r, file=None) for r in stats_json(str(short))] == [dict(r, file=None) for r in expected]
    short.write_bytes(data[:-2])
    assert_error(run_cli("stats", short), 1, short, "variable /r3 needs bytes", f"-{len(data) - 2} but")


@pytest.mark.parametrize("fmt", ["NETCDF3_64BIT_OFFSET", "NETCDF3_64BIT_DATA"])
def test_flipped_record_count(tmp_path, run_cli, fmt):
    path = write_file(tmp_path / "flip.nc", fmt)
    data = bytearray(path.read_bytes())
    data[4] ^= 0x40  # the record count's top byte (CDF-5: a 64-bit count)
    path.write_bytes(bytes(data))
    line = assert_error(quick_error(run_cli, "stats", path), 1, path, "variable /r1 needs bytes",
                        f"the file ends at {len(data)}")
    assert "records of" in line
