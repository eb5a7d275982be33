"""HDF5 bitfield datasets (issue 12, point 4): read as h5py reads them.

PyTables stores booleans as 8-bit bitfields (H5T_STD_B8LE); h5py reads an n-byte bitfield as
an unsigned integer of n bytes in the type's byte order (B16BE -> '>u2'), and chunkarr computes
with the same values (dtype uint8/16/32/64). h5py 3.7 cannot read a big-endian 8-bit bitfield
(no conversion path to '|u1'); for one byte the byte order means nothing, so chunkarr reads
its bytes as uint8, the values h5py gives for the same bytes stored as B8LE.

Files are written with h5py's low-level API, the raw bytes in the file type's byte order.
"""
import json
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_stats_vs_numpy import check_record  # noqa: E402

BITFIELDS = {
    "B8LE": (h5py.h5t.STD_B8LE, "<u1"), "B8BE": (h5py.h5t.STD_B8BE, ">u1"),
    "B16LE": (h5py.h5t.STD_B16LE, "<u2"), "B16BE": (h5py.h5t.STD_B16BE, ">u2"),
    "B32LE": (h5py.h5t.STD_B32LE, "<u4"), "B32BE": (h5py.h5t.STD_B32BE, ">u4"),
    "B64LE": (h5py.h5t.STD_B64LE, "<u8"), "B64BE": (h5py.h5t.STD_B64BE, ">u8"),
}
LAYOUTS = ["contiguous", "chunked", "gzip_shuffle", "compact", "partial"]
SHAPE = (37, 11)


def bit_values(numpy_type, shape, seed):
    """Values over the type's range (64-bit: small enough that no sum overflows)."""
    rng = np.random.default_rng(seed)
    dt = np.dtype(numpy_type)
    hi = 2**(8 * dt.itemsize) - 1 if dt.itemsize < 8 else 2**40
    return rng.integers(0, hi, size=shape, endpoint=True, dtype=np.uint64).astype(dt)


def write_bitfield(path, name, type_name, layout, data):
    """Dataset `name` of bitfield `type_name` holding `data` (written without conversion); for
    `partial`, only the first rows are written and the rest is unallocated chunks (fill 0)."""
    file_type, _ = BITFIELDS[type_name]
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    if layout == "compact":
        dcpl.set_layout(h5py.h5d.COMPACT)
    elif layout != "contiguous":
        dcpl.set_chunk((8, 4))
        if layout == "gzip_shuffle":
            dcpl.set_shuffle()
            dcpl.set_deflate(4)
    with h5py.File(path, "a") as f:
        space = h5py.h5s.create_simple(data.shape)
        ds = h5py.h5d.create(f.id, name.encode(), file_type, space, dcpl=dcpl)
        if layout == "partial":
            rows = 9
            file_space = ds.get_space()
            file_space.select_hyperslab((0, 0), (rows, data.shape[1]))
            ds.write(h5py.h5s.create_simple((rows, data.shape[1])), file_space,
                     np.ascontiguousarray(data[:rows]), mtype=file_type)
        else:
            ds.write(h5py.h5s.ALL, h5py.h5s.ALL, np.ascontiguousarray(data), mtype=file_type)


def h5py_values(path, name):
    with h5py.File(path, "r") as f:
        return f[name][()]


@pytest.fixture(params=["direct", "h5dread"])
def read_path(request, monkeypatch):
    """Both read paths: the direct one (pread, byte swap) and H5Dread under the lock."""
    if request.param == "h5dread":
        monkeypatch.setenv("CHUNKARR_HDF5_DIRECT", "0")
    return request.param


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("type_name", list(BITFIELDS))
def test_bitfield_like_h5py(tmp_path, stats_json, read_path, type_name, layout):
    p = tmp_path / "bits.h5"
    _, numpy_type = BITFIELDS[type_name]
    data = bit_values(numpy_type, SHAPE, seed=len(type_name) + len(layout))
    write_bitfield(p, "b", type_name, layout, data)
    if type_name == "B8BE":
        with pytest.raises(OSError, match="conversion path"):
            h5py_values(p, "b")   # h5py 3.7; when it learns to, compare with it below
        write_bitfield(p, "same_bytes_le", "B8LE", layout, data)
        expected = h5py_values(p, "same_bytes_le")
    else:
        expected = h5py_values(p, "b")
        assert expected.dtype == np.dtype(numpy_type), f"h5py reads {type_name} as {expected.dtype}"
    if layout == "partial":
        assert (expected[9:] == 0).all()
    [rec] = stats_json(f"{p}:b")
    check_record(rec, expected, variable="/b", file=p, dtype=np.dtype(numpy_type).newbyteorder("=").name)


def test_pytables_booleans(tmp_path, stats_json, run_cli):
    """PyTables' BoolAtom: an 8-bit little-endian bitfield of 0 and 1."""
    p = tmp_path / "bools.h5"
    data = (np.arange(100) % 3 == 0).astype("u1").reshape(10, 10)
    write_bitfield(p, "flags", "B8LE", "chunked", data)
    recs = stats_json(str(p))
    assert [r["variable"] for r in recs] == ["/flags"]
    check_record(recs[0], h5py_values(p, "flags"), variable="/flags", file=p)
    assert recs[0]["sum"] == 34 and recs[0]["dtype"] == "uint8"
    rc, out, err = run_cli("info", p, "--format", "json")
    assert rc == 0, err
    [ds] = json.loads(out)
    assert ds["path"] == "/flags" and ds["dtype"] == "uint8", ds


def test_unsupported_bitfield_size_is_named(tmp_path, run_cli):
    """A 3-byte bitfield has no NumPy type (h5py cannot read it either): one clear error."""
    p = tmp_path / "b24.h5"
    file_type = h5py.h5t.STD_B8LE.copy()
    file_type.set_size(3)
    with h5py.File(p, "w") as f:
        h5py.h5d.create(f.id, b"odd", file_type, h5py.h5s.create_simple((4,)))
    rc, out, err = run_cli("stats", f"{p}:odd")
    assert rc == 1 and out == ""
    assert err.startswith("chunkarr: error: ") and "bitfield" in err and err.count("\n") == 1, err
