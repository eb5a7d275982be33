"""No silent omission: `chunkarr stats FILE` and `chunkarr info FILE` list every dataset of the
file; one that cannot be opened or listed (damaged object header, group, heap; a link that
leads nowhere) is a row naming it and why, in every format, the good ones are still there, and
the exit status is 1 with one `chunkarr: error:` line that names it.

The damaged files are written here with h5py and damaged at addresses h5py reports or that the
format fixes; what h5py says of each is checked first, so the test knows what is damaged."""
import csv
import io
import json
import shutil
import struct
from pathlib import Path

import h5py
import numpy as np
import pytest

PREFIX = "chunkarr: error: "
REGRESSIONS = Path(__file__).resolve().parents[1] / "data" / "regressions"
STATS_COLUMNS = ["count", "missing", "min", "max", "mean", "std", "sum"]


def error_line(err):
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, f"expected one stderr line, got {err!r}"
    assert lines[0].startswith(PREFIX), lines[0]
    for bad in ("Traceback", "HDF5-DIAG", "#000:", "terminate called", "Segmentation"):
        assert bad not in err
    return lines[0]


def flip(path, offset, mask=0xFF):
    with open(path, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)[0]
        f.seek(offset)
        f.write(bytes([byte ^ mask]))


def header_address(f, name):
    return h5py.h5o.get_info(f[name].id).addr


def symbol_table(path, group):
    """(B-tree address, local heap address) of an old-style group: its version-1 object header's
    symbol table message (type 0x11)."""
    with h5py.File(path, "r") as f:
        address = header_address(f, group)
    with open(path, "rb") as fh:
        fh.seek(address)
        header = fh.read(512)
    assert header[0] == 1, "expected a version-1 object header"
    count = struct.unpack_from("<H", header, 2)[0]
    at = 16
    for _ in range(count):
        kind, size = struct.unpack_from("<HH", header, at)
        if kind == 0x11:
            return struct.unpack_from("<QQ", header, at + 8)
        at += 8 + size
    raise AssertionError(f"no symbol table message in {group}")


def write_sample(path, libver="earliest"):
    """/a float64, /b int32, /g/c, /g/d; returns the values by path."""
    values = {"/a": np.arange(10.0), "/b": np.arange(5, dtype="i4"), "/g/c": np.linspace(-1, 1, 7),
              "/g/d": np.arange(12, dtype="u2").reshape(3, 4)}
    with h5py.File(path, "w", libver=libver) as f:
        for name, v in values.items():
            f[name] = v
    return values


def h5py_fails(path, action):
    with h5py.File(path, "r") as f:
        with pytest.raises(Exception):
            action(f)


def damaged_dataset_header(tmp_path, libver):
    p = tmp_path / f"header-{libver}.h5"
    values = write_sample(p, libver)
    with h5py.File(p, "r") as f:
        address = header_address(f, "b")
    # Version 1: the version byte; version 2: a byte under the checksum.
    flip(p, address if libver == "earliest" else address + 8)
    h5py_fails(p, lambda f: f["b"])
    with h5py.File(p, "r") as f:
        assert sorted(f) == ["a", "b", "g"]          # h5py lists the name, cannot open it
    return p, values, {"/b"}


def damaged_root_btree(tmp_path):
    p = tmp_path / "root-btree.h5"
    write_sample(p)
    btree, _ = symbol_table(p, "/")
    flip(p, btree)                                   # "TREE" signature
    h5py_fails(p, lambda f: list(f))
    return p, {}, {"/"}


def damaged_group_heap(tmp_path):
    p = tmp_path / "group-heap.h5"
    values = write_sample(p)
    _, heap = symbol_table(p, "/g")
    flip(p, heap)                                    # "HEAP" signature
    h5py_fails(p, lambda f: list(f["g"]))
    return p, {k: v for k, v in values.items() if not k.startswith("/g/")}, {"/g"}


CASES = {
    "dataset-header-v1": lambda t: damaged_dataset_header(t, "earliest"),
    "dataset-header-v2": lambda t: damaged_dataset_header(t, "latest"),
    "root-btree": damaged_root_btree,
    "group-heap": damaged_group_heap,
}


def good_values(values, bad):
    return {k: v for k, v in values.items() if k not in bad}


def check_row(rec, ref):
    a = ref.astype("f8")
    assert rec["count"] == a.size
    assert rec["missing"] == 0
    assert rec["min"] == pytest.approx(a.min())
    assert rec["max"] == pytest.approx(a.max())
    assert rec["mean"] == pytest.approx(a.mean())
    assert rec["std"] == pytest.approx(a.std())


@pytest.mark.parametrize("case", list(CASES))
def test_stats_json_lists_good_and_damaged(tmp_path, run_cli, case):
    p, values, bad = CASES[case](tmp_path)
    rc, out, err = run_cli("stats", p, "--format", "json")
    assert rc == 1, err
    line = error_line(err)
    assert any(b in line for b in bad) and p.name in line, line
    rows = json.loads(out)
    by_path = {r["variable"]: r for r in rows}
    assert set(by_path) == set(good_values(values, bad)) | bad
    for path in bad:
        assert by_path[path]["error"], by_path[path]
        assert path in by_path[path]["error"] and p.name in by_path[path]["error"]
        assert by_path[path]["count"] is None
    for path, ref in good_values(values, bad).items():
        assert "error" not in by_path[path]
        check_row(by_path[path], ref)


@pytest.mark.parametrize("case", list(CASES))
def test_stats_csv_has_an_error_column(tmp_path, run_cli, case):
    p, values, bad = CASES[case](tmp_path)
    rc, out, err = run_cli("stats", p, "--format", "csv")
    assert rc == 1
    error_line(err)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0].keys())[-1] == "error"
    errors = {r["variable"]: r["error"] for r in rows if r["error"]}
    assert set(errors) == bad
    good = {r["variable"]: r for r in rows if not r["error"]}
    assert set(good) == set(good_values(values, bad))
    for path, ref in good.items():
        assert int(ref["count"]) == values[path].size


@pytest.mark.parametrize("case", list(CASES))
def test_stats_table_names_the_damaged(tmp_path, run_cli, case):
    p, values, bad = CASES[case](tmp_path)
    rc, out, err = run_cli("stats", p)
    assert rc == 1
    error_line(err)
    lines = out.splitlines()
    assert lines[0].split()[-1] == "error"
    named = {l.split()[0] for l in lines[1:]}
    assert named == set(good_values(values, bad)) | bad


@pytest.mark.parametrize("case", list(CASES))
def test_info_lists_good_and_damaged(tmp_path, run_cli, case):
    p, values, bad = CASES[case](tmp_path)
    rc, out, err = run_cli("info", p, "--format", "json")
    assert rc == 1
    assert any(b in error_line(err) for b in bad)
    by_path = {d["path"]: d for d in json.loads(out)}
    assert set(by_path) == set(good_values(values, bad)) | bad
    for path in bad:
        assert path in by_path[path]["error"]
    for path, ref in good_values(values, bad).items():
        assert by_path[path]["shape"] == list(ref.shape)
    rc, out, err = run_cli("info", p)
    assert rc == 1
    error_line(err)
    assert "cannot be read" in out.splitlines()[0]
    for path in set(good_values(values, bad)) | bad:
        assert f"\n{path} " in out


def test_one_damaged_dataset_asked_for_is_an_error(tmp_path, run_cli):
    p, _, _ = damaged_dataset_header(tmp_path, "earliest")
    rc, out, err = run_cli("stats", f"{p}:/b")
    assert rc == 1 and out == ""
    assert "/b" in error_line(err)


def test_dataset_in_a_damaged_group_is_an_io_error_not_missing(tmp_path, run_cli):
    p, _, _ = damaged_group_heap(tmp_path)
    rc, out, err = run_cli("stats", f"{p}:/g/c")
    assert rc == 1 and out == ""
    line = error_line(err)
    assert "/g" in line and "no dataset" not in line, line


def test_damaged_dense_link_storage(tmp_path, run_cli):
    """A group with many links keeps them in a fractal heap; damaged, HDF5 1.10 itself crashes
    when asked for the links sorted (h5py's keys() does): chunkarr reports the group."""
    p = tmp_path / "dense.h5"
    with h5py.File(p, "w", libver="latest") as f:
        for i in range(40):
            f[f"d{i:02d}"] = np.arange(3.0) + i
    data = bytearray(p.read_bytes())
    assert data.count(b"FRHP") == 1
    data[data.index(b"FRHP")] ^= 0xFF
    p.write_bytes(bytes(data))
    rc, out, err = run_cli("stats", p, "--format", "json")
    assert rc == 1
    assert "fractal heap" in error_line(err)
    assert [r["variable"] for r in json.loads(out)] == ["/"]


def test_links_that_lead_nowhere_are_reported(tmp_path, run_cli):
    p = tmp_path / "links.h5"
    with h5py.File(p, "w") as f:
        f["a"] = np.arange(3.0)
        f["soft"] = h5py.SoftLink("/nowhere")
        f["ext"] = h5py.ExternalLink("missing.h5", "/x")
        f["g/x"] = np.arange(4)
        f["g/up"] = f["/"]                     # a hard link back to the root: a cycle
    with h5py.File(p, "r") as f:
        assert sorted(f) == ["a", "ext", "g", "soft"]
        with pytest.raises(KeyError):
            f["soft"]
    rc, out, err = run_cli("stats", p, "--format", "json")
    assert rc == 1
    assert "2 objects cannot be read" in error_line(err)
    rows = {r["variable"]: r for r in json.loads(out)}
    assert set(rows) == {"/a", "/ext", "/g/x", "/soft"}    # the cycle is followed once
    assert "/nowhere" in rows["/soft"]["error"]
    assert "missing.h5" in rows["/ext"]["error"]
    assert rows["/a"]["sum"] == 3.0 and rows["/g/x"]["sum"] == 6


def test_good_file_output_unchanged(tmp_path, run_cli):
    p = tmp_path / "good.h5"
    write_sample(p)
    for fmt in ("table", "csv", "json"):
        rc, out, err = run_cli("stats", p, "--format", fmt)
        assert rc == 0 and err == ""
        assert "error" not in out
    rc, out, err = run_cli("info", p)
    assert rc == 0 and err == "" and "error" not in out and "cannot be read" not in out


# ------------------------------------------------------------------ the regression file

def test_regression_omit(tmp_path, run_cli):
    """omit.h5: /a is fine, /b's object header is damaged (h5py lists it, cannot open it).
    Before: `stats` printed /a only and exited 0."""
    p = tmp_path / "omit.h5"
    shutil.copy(REGRESSIONS / "omit.h5", p)
    with h5py.File(p, "r") as f:
        assert sorted(f) == ["a", "b"]
        a = f["a"][()]
        with pytest.raises(Exception, match="object header"):
            f["b"]
    for fmt in ("table", "json", "csv"):
        rc, out, err = run_cli("stats", p, "--format", fmt)
        assert rc == 1, (fmt, err)
        line = error_line(err)
        assert "omit.h5" in line and "/b" in line, line
        if fmt == "json":
            rows = json.loads(out)
            assert [r["variable"] for r in rows] == ["/a", "/b"]
            check_row(rows[0], a)
            assert "object header" in rows[1]["error"]
        else:
            assert "/a" in out and "/b" in out
    rc, out, err = run_cli("info", p)
    assert rc == 1 and "/b" in error_line(err)
    assert out.startswith(f"{p}: 1 dataset") and "1 object cannot be read" in out


def test_netcdf4_with_a_damaged_variable(tmp_path, run_cli):
    """libnetcdf opens all of a NetCDF-4 file or nothing (netCDF4-python raises "HDF error"):
    chunkarr lists what HDF5 can read of it, and names the damaged variable."""
    import netCDF4
    p = tmp_path / "damaged.nc"
    with netCDF4.Dataset(p, "w") as ds:
        ds.createDimension("x", 5)
        ds.createVariable("a", "f8", ("x",))[:] = np.arange(5.0)
        ds.createVariable("b", "f8", ("x",))[:] = np.arange(5.0) * 2
    with h5py.File(p, "r") as f:
        address = header_address(f, "b")
    flip(p, address + 8)                             # under the version-2 header's checksum
    with pytest.raises(OSError):
        netCDF4.Dataset(p)
    for cmd in ("info", "stats"):
        rc, out, err = run_cli(cmd, p, "--format", "json")
        assert rc == 1, err
        assert "/b" in error_line(err)
        rows = json.loads(out)
        paths = {r.get("path", r.get("variable")): r for r in rows}
        assert set(paths) - {"/x"} == {"/a", "/b"}, out   # info lists the dimension's dataset too
        assert "error" not in paths["/a"] and paths["/b"]["error"]
