"""`chunkarr info --format json` against what h5py reports (pins /work/notes/cli_contract.md)."""
import json

import h5py
import numpy as np
import pytest

KEYS = {"path", "shape", "dtype", "byte_order", "layout", "chunks", "filters",
        "nbytes", "storage_bytes"}
FILTER_NAMES = {2: "shuffle", 3: "fletcher32", 4: "szip", 5: "nbit", 6: "scaleoffset"}
LAYOUTS = {h5py.h5d.CONTIGUOUS: "contiguous", h5py.h5d.CHUNKED: "chunked",
           h5py.h5d.COMPACT: "compact"}


def expected(ds):
    """What the contract says `info` reports for an h5py dataset."""
    dcpl = ds.id.get_create_plist()
    filters = []
    for i in range(dcpl.get_nfilters()):
        code, _flags, vals, _name = dcpl.get_filter(i)
        if code == 1:
            filters.append(f"deflate({vals[0]})")
        else:
            filters.append(FILTER_NAMES.get(code, f"filter-{code}"))
    dt = ds.dtype
    if h5py.check_string_dtype(dt) is not None:
        name = "string"
    elif dt.kind in "biuf":
        name = dt.newbyteorder("=").name
    elif dt.names is not None:
        name = "compound"
    else:
        name = "other"
    e = {
        "path": ds.name,
        "shape": list(ds.shape),
        "dtype": name,
        "layout": LAYOUTS[dcpl.get_layout()],
        "chunks": list(ds.chunks) if ds.chunks else None,
        "filters": filters,
        "storage_bytes": ds.id.get_storage_size(),
    }
    if name not in ("string", "compound", "other"):
        e["nbytes"] = int(ds.size) * dt.itemsize
        if dt.itemsize > 1:
            e["byte_order"] = dt.byteorder if dt.byteorder in "<>" else "<"
    return e


def make_compact(f, name, data):
    data = np.asarray(data)
    tid = h5py.h5t.py_create(data.dtype, logical=True)
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    h5py.h5d.create(f.id, name.encode(), tid, h5py.h5s.create_simple(data.shape), dcpl=dcpl)
    f[name][...] = data


@pytest.fixture
def info_file(tmp_path):
    p = tmp_path / "info.h5"
    rng = np.random.default_rng(0)
    with h5py.File(p, "w") as f:
        for dt in ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                   "uint64", "float32", "float64"]:
            f.create_dataset(f"types/{dt}", data=np.zeros((3, 4), dtype=dt))
        for dt in [">f8", ">i4", ">u2", "<f4"]:
            f.create_dataset(f"endian/{dt[1:]}_{'be' if dt[0] == '>' else 'le'}",
                             data=np.arange(10, dtype=dt))
        a = rng.normal(size=(37, 53))
        f.create_dataset("chunked/plain", data=a, chunks=(8, 10))
        f.create_dataset("chunked/gzip4_shuffle", data=a, chunks=(8, 10), compression="gzip",
                         compression_opts=4, shuffle=True)
        f.create_dataset("chunked/gzip9", data=a, chunks=(16, 16), compression="gzip",
                         compression_opts=9)
        f.create_dataset("chunked/all3", data=a, chunks=(8, 10), compression="gzip",
                         shuffle=True, fletcher32=True)
        f.create_dataset("chunked/fletcher32", data=a, chunks=(8, 10), fletcher32=True)
        f.create_dataset("chunked/scaleoffset", data=(a * 100).astype("i4"), chunks=(8, 10),
                         scaleoffset=0)
        f.create_dataset("chunked/lzf", data=a, chunks=(8, 10), compression="lzf")
        f.create_dataset("chunked/unallocated", shape=(100, 100), chunks=(10, 10), dtype="f4")
        f.create_dataset("contig", data=a)
        make_compact(f, "compact", np.arange(12, dtype="i2").reshape(3, 4))
        f.create_dataset("scalar", data=np.float64(1.5))
        f.create_dataset("empty", shape=(0,), dtype="f8")
        f.create_dataset("empty2d", shape=(3, 0), dtype="i4")
        f.create_dataset("grp/sub/deep/x", data=np.arange(6.0).reshape(2, 3), chunks=(1, 3))
        f.create_dataset("strings/vlen", data=np.array(["a", "bb"], dtype=object),
                         dtype=h5py.string_dtype())
        f.create_dataset("strings/fixed", data=np.array([b"abc", b"de"], dtype="S3"))
        f.create_dataset("cmpd", data=np.zeros(3, dtype=[("a", "i4"), ("b", "f8")]))
        f.create_group("emptygroup")
    return p


def _expected_all(p):
    out = {}
    with h5py.File(p, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[obj.name] = expected(obj)
        f.visititems(visit)
    return out


def test_info_json_matches_h5py(info_file, run_cli):
    rc, out, err = run_cli("info", info_file, "--format", "json")
    assert rc == 0 and err == "", err
    got = json.loads(out)
    assert isinstance(got, list)
    exp = _expected_all(info_file)
    paths = [d["path"] for d in got]
    assert paths == sorted(exp), f"paths/order: {paths}"
    for d in got:
        assert set(d) == KEYS, f"{d.get('path')}: keys {sorted(d)}"
        e = exp[d["path"]]
        for k, v in e.items():
            assert d[k] == v, f"{d['path']}: {k} = {d[k]!r}, h5py says {v!r}"
        assert type(d["storage_bytes"]) is int
        if d["chunks"] is not None:
            assert d["layout"] == "chunked"


def test_info_specific_values(info_file, run_cli):
    rc, out, err = run_cli("info", info_file, "--format", "json")
    assert rc == 0, err
    got = {d["path"]: d for d in json.loads(out)}
    assert got["/chunked/gzip4_shuffle"]["filters"] == ["shuffle", "deflate(4)"]
    assert got["/chunked/all3"]["filters"] == ["shuffle", "deflate(4)", "fletcher32"]
    assert got["/chunked/gzip9"]["filters"] == ["deflate(9)"]
    assert got["/chunked/scaleoffset"]["filters"] == ["scaleoffset"]
    assert got["/chunked/lzf"]["filters"] == ["filter-32000"]
    assert got["/chunked/plain"]["chunks"] == [8, 10]
    assert got["/chunked/plain"]["nbytes"] == 37 * 53 * 8
    assert got["/chunked/unallocated"]["storage_bytes"] == 0
    assert got["/contig"]["layout"] == "contiguous" and got["/contig"]["chunks"] is None
    assert got["/compact"]["layout"] == "compact" and got["/compact"]["chunks"] is None
    assert got["/scalar"]["shape"] == [] and got["/scalar"]["nbytes"] == 8
    assert got["/empty"]["shape"] == [0] and got["/empty"]["nbytes"] == 0
    assert got["/empty2d"]["shape"] == [3, 0]
    assert got["/grp/sub/deep/x"]["dtype"] == "float64"
    assert got["/strings/vlen"]["dtype"] == "string"
    assert got["/strings/fixed"]["dtype"] == "string"
    assert got["/cmpd"]["dtype"] == "compound"
    assert got["/types/bool"]["dtype"] == "bool"
    assert got["/endian/f8_be"]["byte_order"] == ">" and got["/endian/f8_be"]["dtype"] == "float64"
    assert got["/endian/i4_be"]["byte_order"] == ">" and got["/endian/i4_be"]["dtype"] == "int32"
    assert got["/endian/u2_be"]["byte_order"] == ">" and got["/endian/u2_be"]["dtype"] == "uint16"
    assert got["/endian/f4_le"]["byte_order"] == "<"
    assert "/emptygroup" not in got


def test_info_table(info_file, run_cli):
    rc, out, err = run_cli("info", info_file)
    assert rc == 0 and err == "", err
    rc2, out2, _ = run_cli("info", info_file, "--format", "table")
    assert rc2 == 0 and out2 == out
    # the table layout is "human readable, not pinned": only check one line per dataset,
    # in path order (summary/header lines before it are allowed)
    lines = [l for l in out.splitlines() if l.strip()]
    exp = _expected_all(info_file)
    rows = [l for l in lines if l.split() and l.split()[0] in exp]
    assert [r.split()[0] for r in rows] == sorted(exp), f"table rows:\n{out}"


def test_info_empty_file(tmp_path, run_cli):
    p = tmp_path / "nothing.h5"
    with h5py.File(p, "w") as f:
        f.create_group("g")
    rc, out, err = run_cli("info", p, "--format", "json")
    assert rc == 0 and err == "", err
    assert json.loads(out) == []


def test_info_storage_bytes_compressed_smaller(tmp_path, run_cli):
    p = tmp_path / "c.h5"
    with h5py.File(p, "w") as f:
        f.create_dataset("z", data=np.zeros((200, 200)), chunks=(50, 50), compression="gzip")
        sz = f["z"].id.get_storage_size()
    rc, out, err = run_cli("info", p, "--format", "json")
    assert rc == 0, err
    [d] = json.loads(out)
    assert d["storage_bytes"] == sz < d["nbytes"] == 200 * 200 * 8
