"""The HDF5 chunk decode path (issue 3): chunks read with pread and decoded (deflate, shuffle,
fletcher32) on worker threads; other filters (scaleoffset, nbit, szip, unknown) through the
H5Dread fallback.  The CLI contract (/work/notes/cli_contract.md) does not change, so every
test compares `chunkarr stats` with NumPy on what h5py reads back (h5py is the ground truth):
exact for integers/bool, rtol 1e-12 for float64 (1e-6 float32, as in test_stats_vs_numpy).

Damaged data must give exactly one `chunkarr: error:` line naming the file and the dataset,
exit 1, never a signal and never a wrong answer.

Run:  /usr/bin/python3 -m pytest -q tests/cli/test_decoding.py   (-s prints the timing of
the 100 000-chunk test)
"""
import json
import shutil
import struct
import sys
import time
import zlib
from pathlib import Path

import h5py
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_bad_input import assert_error  # noqa: E402
from test_stats_vs_numpy import ALL_DTYPES, check_record, sample_values  # noqa: E402

BE_DTYPES = [">i2", ">i4", ">i8", ">u2", ">u4", ">u8", ">f4", ">f8"]
EVERY_DTYPE = ALL_DTYPES + BE_DTYPES          # 11 native (little-endian here) + 8 big-endian


def native_name(dtype):
    return np.dtype(dtype).newbyteorder("=").name


@pytest.fixture
def h5(tmp_path):
    return tmp_path / "data.h5"


def read_back(path, name):
    with h5py.File(path, "r") as f:
        return f[name][()]


def make_data(dtype, shape, seed=0):
    """sample_values (type extremes, subnormals, ...) plus a compressible slab (rows 16:24,
    which holds none of sample_values' special positions), so that deflate sees both
    literal-heavy and match-heavy input."""
    dt = np.dtype(dtype)
    data = sample_values(dt.newbyteorder("="), shape, seed=seed)
    if len(shape) >= 1 and shape[0] >= 24:
        pat = np.arange(int(np.prod(shape[1:], dtype=np.int64))) % 7
        if dt.kind == "b":
            pat = pat % 2
        data[16:24] = pat.reshape(shape[1:]).astype(data.dtype)
    return data.astype(dt)


def filter_kw(level, shuffle, fletcher32):
    kw = {}
    if level is not None:
        kw.update(compression="gzip", compression_opts=level)
    if shuffle:
        kw["shuffle"] = True
    if fletcher32:
        kw["fletcher32"] = True
    return kw


def pipeline(ds):
    pl = ds.id.get_create_plist()
    return [pl.get_filter(i)[0] for i in range(pl.get_nfilters())]


def write_and_check(h5, stats_json, name, data, **kw):
    with h5py.File(h5, "a") as f:
        f.create_dataset(name, data=data, **kw)
    raw = read_back(h5, name)
    with h5py.File(h5, "r") as f:
        assert f[name].dtype == np.dtype(data.dtype), "h5py did not keep the byte order"
    [rec] = stats_json(f"{h5}:/{name}")
    check_record(rec, raw, variable=f"/{name}", file=h5, dtype=native_name(data.dtype))
    return rec, raw


# --------------------------------------------------------------------------- filter matrix

LEVELS = [None, 1, 4, 9]


@pytest.mark.parametrize("fletcher32", [False, True], ids=["nofl", "fl32"])
@pytest.mark.parametrize("shuffle", [False, True], ids=["noshuf", "shuf"])
@pytest.mark.parametrize("level", LEVELS, ids=lambda l: "nogzip" if l is None else f"gzip{l}")
@pytest.mark.parametrize("dtype", EVERY_DTYPE)
def test_filter_matrix_3d_partial_edges(h5, stats_json, dtype, level, shuffle, fletcher32):
    """(37, 53, 5) in chunks (8, 10, 3): partial edge chunks in every axis."""
    data = make_data(dtype, (37, 53, 5), seed=1)
    write_and_check(h5, stats_json, "x", data, chunks=(8, 10, 3),
                    **filter_kw(level, shuffle, fletcher32))


ONE_D = {
    "gzip1+shuffle": (1, True, False),
    "gzip9": (9, False, False),
    "shuffle+gzip4+fletcher32": (4, True, True),
    "fletcher32": (None, False, True),
}


@pytest.mark.parametrize("filt", list(ONE_D))
@pytest.mark.parametrize("dtype", EVERY_DTYPE)
def test_filters_1d_partial_last_chunk(h5, stats_json, dtype, filt):
    data = make_data(dtype, (1001,), seed=2)         # 15 chunks of 64 + one of 41
    write_and_check(h5, stats_json, "v", data, chunks=(64,), **filter_kw(*ONE_D[filt]))


@pytest.mark.parametrize("level", [None, 6], ids=["nogzip", "gzip6"])
@pytest.mark.parametrize("dtype", ["uint8", "int8", "bool", "int16", ">i2", ">u4", "float64"])
def test_fletcher32_odd_chunk_byte_length(h5, stats_json, dtype, level):
    """Chunks of 7*9*3 = 189 elements: an odd number of bytes for 1-byte types (HDF5's
    fletcher32 handles the trailing odd byte specially), 378/756 bytes (not a multiple of 4)
    otherwise."""
    data = make_data(dtype, (30, 20, 7), seed=3)
    write_and_check(h5, stats_json, "x", data, chunks=(7, 9, 3),
                    **filter_kw(level, True, True))


@pytest.mark.parametrize("shape,chunks", [((5, 300), (16, 64)), ((3, 4, 2), (10, 10, 10)),
                                          ((9,), (100,)), ((40, 3), (8, 50))],
                         ids=["axis0", "all-axes", "1d", "axis1"])
@pytest.mark.parametrize("maxdim", ["unlimited", "fixed"])
@pytest.mark.parametrize("filt", ["none", "shuffle+gzip4+fletcher32", "gzip9"])
@pytest.mark.parametrize("dtype", ["float64", "int16", ">u4", ">f4", "bool"])
def test_chunk_bigger_than_dataset(h5, stats_json, shape, chunks, filt, dtype, maxdim):
    """HDF5 allows a chunk dimension larger than the dataset's only when the maximum dimension
    is unlimited or at least the chunk's (h5py checks against maxshape)."""
    kw = {"none": {}, "shuffle+gzip4+fletcher32": filter_kw(4, True, True),
          "gzip9": filter_kw(9, False, False)}[filt]
    maxshape = tuple((None if maxdim == "unlimited" else 3 * c) if c > s else s
                     for s, c in zip(shape, chunks))
    data = make_data(dtype, shape, seed=4)
    write_and_check(h5, stats_json, "x", data, chunks=chunks, maxshape=maxshape, **kw)


def test_incompressible_and_highly_compressible_chunks(h5, stats_json):
    """Random bytes (deflate output larger than input) next to constant chunks (tiny output)."""
    rng = np.random.default_rng(5)
    data = rng.integers(0, 256, size=(64, 256), dtype=np.uint8)
    data[32:] = 17
    write_and_check(h5, stats_json, "x", data, chunks=(16, 256), compression="gzip",
                    compression_opts=9, shuffle=True)
    f64 = rng.standard_normal((64, 256))
    f64[:32] = 0.0
    write_and_check(h5, stats_json, "y", f64, chunks=(16, 64), compression="gzip",
                    compression_opts=1)


def test_mixed_native_and_fallback_datasets_whole_file(h5, stats_json):
    """Whole-file mode over datasets that take different paths (pread+decode, uncompressed
    direct read, contiguous, scaleoffset fallback): every record must match."""
    rng = np.random.default_rng(6)
    with h5py.File(h5, "w") as f:
        f.create_dataset("a_gzip", data=rng.standard_normal((50, 60)), chunks=(16, 16),
                         compression="gzip", shuffle=True, fletcher32=True)
        f.create_dataset("b_plain_be", data=rng.integers(-1000, 1000, (50, 60)).astype(">i4"),
                         chunks=(16, 16))
        f.create_dataset("c_contig_be", data=rng.standard_normal((50, 60)).astype(">f8"))
        f.create_dataset("d_scaleoffset", data=rng.integers(0, 5000, (50, 60)).astype("i4"),
                         chunks=(16, 16), scaleoffset=0, compression="gzip")
        f.create_dataset("e_gzip_u8", data=rng.integers(0, 256, (50, 60)).astype("u1"),
                         chunks=(7, 9), compression="gzip", compression_opts=9)
    recs = stats_json(str(h5), "--threads", "2")
    names = ["a_gzip", "b_plain_be", "c_contig_be", "d_scaleoffset", "e_gzip_u8"]
    assert [r["variable"] for r in recs] == [f"/{n}" for n in names]
    for rec, n in zip(recs, names):
        raw = read_back(h5, n)
        check_record(rec, raw, variable=f"/{n}", file=h5, dtype=native_name(raw.dtype))


# --------------------------------------------------------------------------- unallocated chunks

FILLS = {"bool": True, "int8": -3, "int16": -3, "int32": -3, "int64": -3, "uint8": 7,
         "uint16": 7, "uint32": 7, "uint64": 7, "float32": -5.5, "float64": -5.5,
         ">i2": -3, ">i8": -3, ">u4": 7, ">f8": -5.5, ">f4": 2.25}


def _sparse(h5, dtype, fill, attrs=None, name="u", **kw):
    """(37, 53, 5) in chunks (8, 10, 3): 5 x 6 x 2 = 60 chunks, 5 of them written."""
    data = make_data(dtype, (37, 53, 5), seed=7)
    with h5py.File(h5, "a") as f:
        ds = f.create_dataset(name, shape=data.shape, dtype=data.dtype, chunks=(8, 10, 3),
                              fillvalue=fill, **kw)
        ds[0:8, 0:10, 0:3] = data[0:8, 0:10, 0:3]          # one full chunk
        ds[9:15, 22:28, 1:4] = data[9:15, 22:28, 1:4]      # part of 2 chunks (rest = fill)
        ds[36, 50:53, 3:5] = data[36, 50:53, 3:5]          # corner edge chunk, partly
        ds[16:24, 40:50, :] = data[16:24, 40:50, :]        # 2 chunks (z edge)
        for k, v in (attrs or {}).items():
            ds.attrs[k] = v
        n = ds.id.get_num_chunks()
        assert 0 < n < 60, f"{n} chunks allocated"
    return read_back(h5, name)


@pytest.mark.parametrize("filt", ["none", "shuffle+gzip4", "gzip1+fletcher32"])
@pytest.mark.parametrize("dtype", list(FILLS))
def test_unallocated_chunks_nonzero_fill(h5, stats_json, dtype, filt):
    kw = {"none": {}, "shuffle+gzip4": filter_kw(4, True, False),
          "gzip1+fletcher32": filter_kw(1, False, True)}[filt]
    raw = _sparse(h5, dtype, FILLS[dtype], **kw)
    assert (raw == np.asarray(FILLS[dtype], dtype=raw.dtype)).sum() > raw.size // 2
    [rec] = stats_json(f"{h5}:/u")
    exp = check_record(rec, raw, variable="/u", dtype=native_name(dtype))
    assert exp["count"] == raw.size and exp["missing"] == 0


@pytest.mark.parametrize("dtype", ["int16", ">i2", "float64", ">f4"])
def test_unallocated_fill_equal_to_FillValue_attr_is_missing(h5, stats_json, dtype):
    fill = FILLS[dtype]
    attrs = {"_FillValue": np.asarray(fill, dtype=np.dtype(dtype))}
    raw = _sparse(h5, dtype, fill, attrs=attrs, compression="gzip", shuffle=True)
    [rec] = stats_json(f"{h5}:/u")
    exp = check_record(rec, raw, attrs, variable="/u", dtype=native_name(dtype))
    assert exp["missing"] > raw.size // 2


@pytest.mark.parametrize("dtype", ["float32", ">f8"])
def test_unallocated_nan_fill_gzip(h5, stats_json, dtype):
    raw = _sparse(h5, dtype, np.nan, compression="gzip", fletcher32=True)
    [rec] = stats_json(f"{h5}:/u")
    exp = check_record(rec, raw, variable="/u", dtype=native_name(dtype))
    assert exp["missing"] > raw.size // 2


@pytest.mark.parametrize("dtype", ["uint16", ">i4", ">f8"])
def test_nothing_allocated_gzip(h5, stats_json, dtype):
    with h5py.File(h5, "w") as f:
        f.create_dataset("u", shape=(37, 53), chunks=(8, 10), dtype=dtype, fillvalue=3,
                         compression="gzip", shuffle=True, fletcher32=True)
    raw = read_back(h5, "u")
    [rec] = stats_json(f"{h5}:/u")
    check_record(rec, raw, variable="/u", dtype=native_name(dtype))
    assert rec["min"] == rec["max"] == 3 and rec["count"] == 37 * 53


# --------------------------------------------------------------------------- fallback filters

SCALEOFFSET = {
    "so": {},
    "so+shuffle+gzip": filter_kw(4, True, False),
}


@pytest.mark.parametrize("filt", list(SCALEOFFSET))
@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "uint16", "int32", "uint32",
                                   "int64", ">i2", ">u4", ">i8"])
def test_scaleoffset_int(h5, stats_json, dtype, filt):
    rng = np.random.default_rng(8)
    dt = np.dtype(dtype)
    lo = max(int(np.iinfo(dt).min), -3000)
    hi = min(int(np.iinfo(dt).max), 3000)
    data = rng.integers(lo, hi, size=(37, 53, 5), endpoint=True).astype(dt)
    rec, raw = write_and_check(h5, stats_json, "so", data, chunks=(8, 10, 3), scaleoffset=0,
                               **SCALEOFFSET[filt])
    with h5py.File(h5, "r") as f:
        assert h5py.h5z.FILTER_SCALEOFFSET in pipeline(f["so"])


@pytest.mark.parametrize("filt", list(SCALEOFFSET))
@pytest.mark.parametrize("dtype", ["float32", "float64", ">f8", ">f4"])
def test_scaleoffset_float(h5, stats_json, dtype, filt):
    rng = np.random.default_rng(9)
    data = (280 + 20 * np.sin(np.arange(37 * 53 * 5) / 50.0).reshape(37, 53, 5)
            + rng.normal(0, 1, (37, 53, 5))).astype(dtype)
    write_and_check(h5, stats_json, "so", data, chunks=(8, 10, 3), scaleoffset=3,
                    **SCALEOFFSET[filt])


def test_scaleoffset_with_unallocated_chunks(h5, stats_json):
    raw = _sparse(h5, "int32", -3, scaleoffset=0, compression="gzip")
    [rec] = stats_json(f"{h5}:/u")
    check_record(rec, raw, variable="/u")


NBIT = {  # file type, precision, offset, value range
    "i16p12": (h5py.h5t.STD_I16LE, 12, 0, (-2048, 2047)),
    "u16p10o3": (h5py.h5t.STD_U16LE, 10, 3, (0, 1023)),
    "i32p20be": (h5py.h5t.STD_I32BE, 20, 0, (-2**19, 2**19 - 1)),
    "u8p5": (h5py.h5t.STD_U8LE, 5, 0, (0, 31)),
}


@pytest.mark.parametrize("gzip", [False, True], ids=["nbit", "nbit+gzip"])
@pytest.mark.parametrize("kind", list(NBIT))
def test_nbit(h5, stats_json, kind, gzip):
    base, prec, off, (lo, hi) = NBIT[kind]
    try:
        tid = base.copy()
        tid.set_precision(prec)
        tid.set_offset(off)
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_chunk((8, 10, 3))
        dcpl.set_filter(h5py.h5z.FILTER_NBIT)
        if gzip:
            dcpl.set_deflate(4)
        with h5py.File(h5, "w") as f:
            h5py.h5d.create(f.id, b"nb", tid, h5py.h5s.create_simple((37, 53, 5)), dcpl=dcpl)
            ds = f["nb"]
            rng = np.random.default_rng(10)
            ds[...] = rng.integers(lo, hi, size=(37, 53, 5), endpoint=True).astype(
                ds.dtype.newbyteorder("="))
    except Exception as e:  # pragma: no cover - depends on the HDF5 build
        pytest.skip(f"cannot make an nbit dataset with this h5py/HDF5: {e}")
    raw = read_back(h5, "nb")
    with h5py.File(h5, "r") as f:
        assert h5py.h5z.FILTER_NBIT in pipeline(f["nb"])
    [rec] = stats_json(f"{h5}:/nb")
    check_record(rec, raw, variable="/nb", dtype=native_name(raw.dtype))


REDUCED = {  # file type, precision, bit offset, value range
    "i32le-p20": (h5py.h5t.STD_I32LE, 20, 0, (-2**19, 2**19 - 1)),
    "i32be-p20": (h5py.h5t.STD_I32BE, 20, 0, (-2**19, 2**19 - 1)),
    "u16le-p10o3": (h5py.h5t.STD_U16LE, 10, 3, (0, 1023)),
    "u16be-p10o3": (h5py.h5t.STD_U16BE, 10, 3, (0, 1023)),
    "i16le-p12o2": (h5py.h5t.STD_I16LE, 12, 2, (-2048, 2047)),
    "i64be-p40o8": (h5py.h5t.STD_I64BE, 40, 8, (-2**39, 2**39 - 1)),
}


@pytest.mark.parametrize("layout", ["contiguous", "chunked", "chunked+gzip", "nbit",
                                    "nbit+gzip"])
@pytest.mark.parametrize("kind", list(REDUCED))
def test_reduced_precision_integer_types(h5, stats_json, kind, layout):
    """Integer file types with precision < 8*size and/or a bit offset: the value is the
    `precision` bits at `offset` (sign-extended when signed), which HDF5's type conversion
    applies on H5Dread. A raw pread + byte swap of such data is wrong (it sees the shifted
    value and the padding), so the decode path must honour precision/offset or fall back."""
    base, prec, off, (lo, hi) = REDUCED[kind]
    tid = base.copy()
    tid.set_precision(prec)
    tid.set_offset(off)
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    if layout != "contiguous":
        dcpl.set_chunk((8, 10, 3))
    if layout.startswith("nbit"):
        dcpl.set_filter(h5py.h5z.FILTER_NBIT)
    if layout.endswith("gzip"):
        dcpl.set_shuffle()
        dcpl.set_deflate(4)
    rng = np.random.default_rng(17)
    with h5py.File(h5, "w") as f:
        h5py.h5d.create(f.id, b"rp", tid, h5py.h5s.create_simple((37, 53, 5)), dcpl=dcpl)
        ds = f["rp"]
        ds[...] = rng.integers(lo, hi, size=(37, 53, 5), endpoint=True).astype(
            ds.dtype.newbyteorder("="))
    raw = read_back(h5, "rp")
    assert raw.min() < 0 or lo >= 0
    [rec] = stats_json(f"{h5}:/rp")
    check_record(rec, raw, variable="/rp", dtype=native_name(raw.dtype))


@pytest.mark.parametrize("filt", ["none", "gzip", "shuffle+gzip"])
@pytest.mark.parametrize("order", ["le", "be"])
def test_reduced_precision_zero_padded_bits(h5, stats_json, order, filt):
    """20-bit signed values in a 32-bit type whose padding bits are ZERO on disk (what another
    writer, or HDF5 itself when converting from int64, may store): the value is the 20-bit
    field sign-extended, as h5py reads it. (HDF5 1.10's own conversion to a same-size native
    type of the other byte order does not sign-extend here.)"""
    tid = (h5py.h5t.STD_I32BE if order == "be" else h5py.h5t.STD_I32LE).copy()
    tid.set_precision(20)
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_chunk((6,))
    pipe = []
    if "shuffle" in filt:
        dcpl.set_shuffle()
        pipe.append(h5py.h5z.FILTER_SHUFFLE)
    if "gzip" in filt:
        dcpl.set_deflate(4)
        pipe.append(h5py.h5z.FILTER_DEFLATE)
    vals = np.array([[-5, -1, 7, -524288, 524287, 0], [-4, -3, -2, -1, 1, 2]])
    with h5py.File(h5, "w") as f:
        h5py.h5d.create(f.id, b"zp", tid, h5py.h5s.create_simple((12,)), dcpl=dcpl)
        ds = f["zp"]
        for k in range(2):
            bits = (vals[k] & 0xFFFFF).astype(">u4" if order == "be" else "<u4")
            payload, mask = encode_chunk(bits, pipe, set())
            ds.id.write_direct_chunk((6 * k,), payload, filter_mask=mask)
    raw = read_back(h5, "zp")
    assert np.array_equal(raw, vals.ravel()), raw
    [rec] = stats_json(f"{h5}:/zp")
    check_record(rec, raw, variable="/zp", dtype="int32")


@pytest.mark.parametrize("dtype", ["int32", "uint16", "float32", "float64"])
def test_szip(h5, stats_json, dtype):
    if not h5py.h5z.filter_avail(h5py.h5z.FILTER_SZIP):
        pytest.skip("szip not available in this HDF5")
    rng = np.random.default_rng(11)
    data = (rng.integers(0, 1000, size=(40, 64)) + np.arange(64)).astype(dtype)
    try:
        with h5py.File(h5, "w") as f:
            f.create_dataset("sz", data=data, chunks=(8, 32), compression="szip",
                             compression_opts=("nn", 16))
    except Exception as e:  # pragma: no cover - encoder may be absent
        pytest.skip(f"cannot write szip: {e}")
    raw = read_back(h5, "sz")
    [rec] = stats_json(f"{h5}:/sz")
    check_record(rec, raw, variable="/sz")


# --------------------------------------------------------------------------- filter masks

def fletcher32(b):
    """HDF5's H5_checksum_fletcher32 (16-bit big-endian words, odd trailing byte as hi byte);
    checked against the bytes HDF5 itself writes in test_fletcher32_reference."""
    b = bytes(b)
    n = len(b) // 2
    s1 = s2 = 0
    i = 0
    while n:
        t = min(n, 360)
        n -= t
        for _ in range(t):
            s1 += (b[i] << 8) | b[i + 1]
            i += 2
            s2 += s1
        s1 = (s1 & 0xFFFF) + (s1 >> 16)
        s2 = (s2 & 0xFFFF) + (s2 >> 16)
    if len(b) % 2:
        s1 += b[i] << 8
        s2 += s1
        s1 = (s1 & 0xFFFF) + (s1 >> 16)
        s2 = (s2 & 0xFFFF) + (s2 >> 16)
    s1 = (s1 & 0xFFFF) + (s1 >> 16)
    s2 = (s2 & 0xFFFF) + (s2 >> 16)
    return (((s2 << 16) | s1) & 0xFFFFFFFF).to_bytes(4, "little")


def shuffle_bytes(arr):
    a = np.ascontiguousarray(arr)
    return a.view(np.uint8).reshape(-1, a.dtype.itemsize).T.copy().tobytes()


@pytest.mark.parametrize("n", [1000, 1001, 24000])
def test_fletcher32_reference(tmp_path, n):
    p = tmp_path / "f.h5"
    with h5py.File(p, "w") as f:
        ds = f.create_dataset("x", data=np.arange(n, dtype="u1"), chunks=(n,), fletcher32=True)
        _, b = ds.id.read_direct_chunk((0,))
    assert b[-4:] == fletcher32(b[:-4])


MASKED = {
    # pipeline (h5py kwargs) -> list of (names of filters skipped in that chunk)
    "shuffle+deflate": (filter_kw(4, True, False), [{"deflate"}, {"shuffle"}, {"shuffle", "deflate"}]),
    "deflate": (filter_kw(6, False, False), [{"deflate"}]),
    "shuffle+deflate+fletcher32": (filter_kw(1, True, True),
                                   [{"deflate"}, {"deflate", "fletcher32"}, {"fletcher32"},
                                    {"shuffle"}, {"shuffle", "deflate", "fletcher32"}]),
}
FILTER_NAMES = {h5py.h5z.FILTER_SHUFFLE: "shuffle", h5py.h5z.FILTER_DEFLATE: "deflate",
                h5py.h5z.FILTER_FLETCHER32: "fletcher32"}


def encode_chunk(arr, pipe, skip):
    """Apply pipeline `pipe` (filter ids in order) except the filters named in `skip`."""
    b = np.ascontiguousarray(arr).tobytes()
    mask = 0
    for i, fid in enumerate(pipe):
        name = FILTER_NAMES[fid]
        if name in skip:
            mask |= 1 << i
            continue
        if name == "shuffle":
            b = shuffle_bytes(np.frombuffer(b, dtype=arr.dtype))
        elif name == "deflate":
            b = zlib.compress(b, 5)
        else:
            b = b + fletcher32(b)
    return b, mask


@pytest.mark.parametrize("dtype", ["float64", ">i4", "uint16", "int8"])
@pytest.mark.parametrize("pipe_name", list(MASKED))
def test_filter_mask_skips_filters(h5, stats_json, pipe_name, dtype):
    kw, skips = MASKED[pipe_name]
    data = make_data(dtype, (37, 53), seed=12)
    chunks = (8, 10)
    with h5py.File(h5, "w") as f:
        ds = f.create_dataset("m", data=data, chunks=chunks, **kw)
        pipe = pipeline(ds)
        assert [FILTER_NAMES[i] for i in pipe] == pipe_name.split("+")
        # interior chunks and the corner edge chunk (edge chunks are stored whole)
        offsets = [(8, 10), (16, 20), (24, 30), (8, 40), (32, 50)]
        for k, skip in enumerate(skips + [skips[0]] * (len(offsets) - len(skips))):
            off = offsets[k]
            block = make_data(dtype, chunks, seed=100 + k)
            if np.dtype(dtype).kind != "b":
                block = (block // 2 if np.dtype(dtype).kind in "iu" else block * 0.5).astype(dtype)
            payload, mask = encode_chunk(block, pipe, skip)
            assert mask != 0
            ds.id.write_direct_chunk(off, payload, filter_mask=mask)
        infos = [ds.id.get_chunk_info(i) for i in range(ds.id.get_num_chunks())]
        assert sum(1 for i in infos if i.filter_mask) == len(offsets)
    raw = read_back(h5, "m")
    # the written blocks really are what h5py reads back (our encoding is right)
    assert not np.array_equal(raw, data)
    [rec] = stats_json(f"{h5}:/m")
    check_record(rec, raw, variable="/m", dtype=native_name(dtype))
    [rec2] = stats_json(f"{h5}:/m", "--threads", "1")
    assert rec2 == rec


def test_filter_mask_skip_deflate_exact_values(h5, stats_json):
    """Small, hand-checkable case: one chunk of a shuffle+deflate dataset stored shuffled but
    not deflated; h5py must read exactly the values we put in."""
    with h5py.File(h5, "w") as f:
        ds = f.create_dataset("m", data=np.zeros((4, 6)), chunks=(2, 3), compression="gzip",
                              shuffle=True)
        pipe = pipeline(ds)
        idx = pipe.index(h5py.h5z.FILTER_DEFLATE)
        block = np.array([[1.5, -2.0, 3.25], [1e10, -7.0, 0.125]])
        ds.id.write_direct_chunk((2, 3), shuffle_bytes(block), filter_mask=1 << idx)
    raw = read_back(h5, "m")
    assert np.array_equal(raw[2:, 3:], block)
    [rec] = stats_json(f"{h5}:/m")
    check_record(rec, raw, variable="/m")
    assert rec["max"] == 1e10 and rec["min"] == -7.0


UNKNOWN_FILTER = 40000


def _unknown_filter_file(h5, all_skipped):
    with h5py.File(h5, "w") as f:
        ds = f.create_dataset("uf", shape=(40,), dtype="f8", chunks=(10,), fillvalue=0.5,
                              compression=UNKNOWN_FILTER, allow_unknown_filter=True)
        for k in range(4):
            if k == 2 and not all_skipped:
                ds.id.write_direct_chunk((10 * k,), b"\x01\x02not-a-known-encoding" * 4,
                                         filter_mask=0)
            else:
                ds.id.write_direct_chunk((10 * k,), np.arange(10.0 * k, 10.0 * k + 10).tobytes(),
                                         filter_mask=1)


def test_unknown_filter_skipped_by_every_chunk_reads(h5, stats_json):
    """Filter 40000 is registered nowhere, but every chunk's mask skips it, so HDF5 reads the
    dataset; chunkarr must too (and not refuse up front because of the pipeline)."""
    _unknown_filter_file(h5, all_skipped=True)
    raw = read_back(h5, "uf")
    [rec] = stats_json(f"{h5}:/uf")
    check_record(rec, raw, variable="/uf")


def test_unknown_filter_needed_is_a_clear_error(h5, run_cli):
    _unknown_filter_file(h5, all_skipped=False)
    with h5py.File(h5, "r") as f:
        with pytest.raises(Exception):
            f["uf"][()]
    assert_error(run_cli("stats", f"{h5}:/uf"), 1, "data.h5", "uf", any_of=(str(UNKNOWN_FILTER),))


# --------------------------------------------------------------------------- damaged chunks

def _damage_file(path, name, kw, data=None):
    if data is None:
        rng = np.random.default_rng(14)
        data = rng.standard_normal((64, 256)) * 100
    with h5py.File(path, "w") as f:
        f.create_dataset("ok", data=np.arange(5.0))      # first: the damaged chunks go last
        f.create_dataset(name, data=data, chunks=(16, 64), **kw)
        ds = f[name]
        return [ds.id.get_chunk_info(i) for i in range(ds.id.get_num_chunks())]


def _overwrite(path, offset, payload):
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(payload)


def _h5py_fails(path, name):
    with h5py.File(path, "r") as f:
        with pytest.raises(Exception):
            f[name][()]


GARBAGE = ["whole", "middle", "zeros", "header", "tail"]


@pytest.mark.parametrize("threads", ["1", "2"])
@pytest.mark.parametrize("how", GARBAGE)
@pytest.mark.parametrize("filt", ["gzip1", "shuffle+gzip9"])
def test_garbage_in_compressed_chunk(tmp_path, run_cli, filt, how, threads):
    p = tmp_path / "garbled.h5"
    kw = filter_kw(1, False, False) if filt == "gzip1" else filter_kw(9, True, False)
    infos = _damage_file(p, "damaged_var", kw)
    info = infos[len(infos) // 2 + 1]
    rng = np.random.default_rng(15)
    n = info.size
    if how == "whole":
        _overwrite(p, info.byte_offset, rng.integers(0, 256, n, dtype=np.uint8).tobytes())
    elif how == "middle":
        _overwrite(p, info.byte_offset + n // 2 - 16, rng.integers(0, 256, 32, dtype=np.uint8).tobytes())
    elif how == "zeros":
        _overwrite(p, info.byte_offset, bytes(n))
    elif how == "header":
        _overwrite(p, info.byte_offset, b"\xff\xff")
    else:  # last bytes of the stream, i.e. the adler32 trailer
        _overwrite(p, info.byte_offset + n - 3, b"\x00\xff\x00")
    _h5py_fails(p, "damaged_var")
    assert_error(run_cli("stats", f"{p}:/damaged_var", "--threads", threads, "--format", "json"),
                 1, "garbled.h5", "damaged_var")


def test_adler32_only_detects_damage(h5, run_cli):
    """A zlib stream of stored (level-0) blocks: a flipped payload byte leaves the deflate
    structure valid, so only the zlib adler32 trailer can catch it. It must be checked."""
    data = np.arange(37 * 53, dtype="f8").reshape(37, 53)
    with h5py.File(h5, "w") as f:
        ds = f.create_dataset("stored_blocks", data=data, chunks=(8, 10), compression="gzip")
        block = np.full((8, 10), 3.0)
        co = zlib.compressobj(0)
        payload = bytearray(co.compress(block.tobytes()) + co.flush())
        payload[100] ^= 0x40
        ds.id.write_direct_chunk((8, 10), bytes(payload), filter_mask=0)
    _h5py_fails(h5, "stored_blocks")
    assert_error(run_cli("stats", f"{h5}:/stored_blocks"), 1, "data.h5", "stored_blocks")


def test_chunk_decompresses_short(h5, run_cli):
    """A valid zlib stream that inflates to fewer bytes than the chunk: HDF5 silently leaves the
    rest of its buffer uninitialised; chunkarr must refuse instead of computing on garbage."""
    with h5py.File(h5, "w") as f:
        ds = f.create_dataset("short_chunk", data=np.ones(30), chunks=(10,), compression="gzip")
        ds.id.write_direct_chunk((10,), zlib.compress(np.arange(5.0).tobytes()), filter_mask=0)
    assert_error(run_cli("stats", f"{h5}:/short_chunk"), 1, "data.h5", "short_chunk")


@pytest.mark.parametrize("n", [11, 10000])
def test_chunk_decompresses_long(h5, run_cli, n):
    """A valid zlib stream that inflates to MORE bytes than the chunk (10 float64): one element
    more, or 1000x (output-buffer overrun bait). HDF5 keeps the first chunk-size bytes;
    chunkarr may do the same (then it must match h5py) or refuse with a clean error. Never a
    crash."""
    with h5py.File(h5, "w") as f:
        ds = f.create_dataset("long_chunk", data=np.ones(30), chunks=(10,), compression="gzip")
        ds.id.write_direct_chunk((10,), zlib.compress(np.arange(float(n)).tobytes()),
                                 filter_mask=0)
    rc, out, err = run_cli("stats", f"{h5}:/long_chunk", "--format", "json")
    assert rc in (0, 1), f"exit {rc} (negative = signal); stderr {err!r}"
    if rc == 1:
        assert_error((rc, out, err), 1, "data.h5", "long_chunk")
    else:
        [rec] = json.loads(out)
        check_record(rec, read_back(h5, "long_chunk"), variable="/long_chunk")


FLETCHER = {"fletcher32": filter_kw(None, False, True),
            "shuffle+gzip+fletcher32": filter_kw(4, True, True),
            "gzip9+fletcher32": filter_kw(9, False, True)}


@pytest.mark.parametrize("threads", ["1", "2"])
@pytest.mark.parametrize("where", ["middle", "first", "checksum"])
@pytest.mark.parametrize("filt", list(FLETCHER))
def test_fletcher32_flipped_byte(tmp_path, run_cli, filt, where, threads):
    p = tmp_path / "flipped.h5"
    infos = _damage_file(p, "checked_var", FLETCHER[filt])
    info = infos[len(infos) // 2]
    pos = {"middle": info.size // 2, "first": 0, "checksum": info.size - 2}[where]
    with open(p, "r+b") as fh:
        fh.seek(info.byte_offset + pos)
        b = fh.read(1)
        fh.seek(info.byte_offset + pos)
        fh.write(bytes([b[0] ^ 0x10]))
    _h5py_fails(p, "checked_var")
    line = assert_error(run_cli("stats", f"{p}:/checked_var", "--threads", threads), 1,
                        "flipped.h5", "checked_var")
    low = line.lower()
    assert "checksum" in low or "fletcher" in low, f"error should mention the checksum: {line!r}"


def test_fletcher32_flipped_byte_whole_file_mode(tmp_path, run_cli):
    p = tmp_path / "flipped.h5"
    infos = _damage_file(p, "checked_var", FLETCHER["shuffle+gzip+fletcher32"])
    info = infos[1]
    _overwrite(p, info.byte_offset + 10, b"\x00\x00\x00\x00\x00")
    _h5py_fails(p, "checked_var")
    line = assert_error(run_cli("stats", str(p), "--format", "json"), 1, "flipped.h5",
                        "checked_var")
    assert "checksum" in line.lower() or "fletcher" in line.lower(), line


TRUNC = {"gzip": filter_kw(1, True, False), "none": {}, "fletcher32": filter_kw(None, False, True)}


@pytest.mark.parametrize("eof", ["superblock-eof-kept", "superblock-eof-patched"])
@pytest.mark.parametrize("filt", list(TRUNC))
def test_truncated_inside_last_chunk(tmp_path, run_cli, filt, eof):
    """Cut the file in the middle of the chunk stored last. 'patched' also rewrites the v0
    superblock's end-of-file address (offset 40) so that the file opens and only the chunk
    read runs past the end of the file."""
    src = tmp_path / "src.h5"
    infos = _damage_file(src, "cut_var", TRUNC[filt])
    size = src.stat().st_size
    last = max(infos, key=lambda i: i.byte_offset + i.size)
    assert last.byte_offset + last.size == size, "the last chunk is not at the end of the file"
    cut = last.byte_offset + last.size // 2
    p = tmp_path / "truncated.h5"
    shutil.copy(src, p)
    with open(p, "r+b") as fh:
        fh.truncate(cut)
        if eof == "superblock-eof-patched":
            fh.seek(0)
            head = fh.read(48)
            assert head[:8] == b"\x89HDF\r\n\x1a\n" and head[8] == 0, "expected superblock v0"
            assert struct.unpack("<Q", head[40:48])[0] == size
            fh.seek(40)
            fh.write(struct.pack("<Q", cut))
    if eof == "superblock-eof-patched":
        _h5py_fails(p, "cut_var")
    names = ("truncated.h5",) if eof == "superblock-eof-kept" else ("truncated.h5", "cut_var")
    for threads in ("1", "2"):
        assert_error(run_cli("stats", f"{p}:/cut_var", "--threads", threads), 1, *names)


# --------------------------------------------------------------------------- threads

@pytest.fixture(scope="module")
def many_chunks_file(tmp_path_factory):
    p = tmp_path_factory.mktemp("many") / "many.h5"
    rng = np.random.default_rng(16)
    with h5py.File(p, "w") as f:
        a = 280 + 10 * rng.standard_normal((200, 300))
        a[rng.random(a.shape) < 0.01] = np.nan
        f.create_dataset("f64", data=a, chunks=(7, 11), compression="gzip", compression_opts=1,
                         shuffle=True)                                   # 29 x 28 = 812 chunks
        f.create_dataset("f32be", data=a.astype(">f4"), chunks=(9, 13), compression="gzip",
                         compression_opts=4, fletcher32=True)
        f.create_dataset("i64", data=rng.integers(-2**40, 2**40, (200, 300)), chunks=(5, 17),
                         compression="gzip", compression_opts=9, shuffle=True)
        f.create_dataset("u16", data=rng.integers(0, 2**16, (200, 300)).astype("u2"),
                         chunks=(3, 300), compression="gzip")
    return p


@pytest.mark.parametrize("spec", ["", ":/f64"], ids=["wholefile", "f64"])
def test_threads_bit_identical_gzip(many_chunks_file, run_cli, spec):
    p = many_chunks_file
    outs = []
    for t in ["1", "2", "2", "3", "8", "1"]:
        rc, out, err = run_cli("stats", f"{p}{spec}", "--format", "json", "--threads", t)
        assert rc == 0 and err == "", err
        outs.append((t, out))
    for t, out in outs[1:]:
        assert out == outs[0][1], f"--threads {t} output differs from --threads 1"


def test_many_chunks_against_numpy(many_chunks_file, stats_json):
    p = many_chunks_file
    recs = stats_json(str(p), "--threads", "2")
    assert [r["variable"] for r in recs] == ["/f32be", "/f64", "/i64", "/u16"]
    for rec in recs:
        raw = read_back(p, rec["variable"])
        check_record(rec, raw, variable=rec["variable"], dtype=native_name(raw.dtype))


# --------------------------------------------------------------------------- 100 000 chunks

N_CHUNKS = 100_000
HUNDRED_K = {
    "1d-u1": dict(shape=(N_CHUNKS,), chunks=(1,)),
    "1d-u1-gzip": dict(shape=(N_CHUNKS,), chunks=(1,), compression="gzip"),
    "2d-u1-gzip-shuffle": dict(shape=(400, 250), chunks=(1, 1), compression="gzip", shuffle=True),
    "1d-u1-latest": dict(shape=(N_CHUNKS,), chunks=(1,), libver="latest"),
    "1d-u1-sparse-fill": dict(shape=(N_CHUNKS,), chunks=(1,), compression="gzip", sparse=True),
}


@pytest.fixture(scope="module")
def hundred_k_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("hundredk")


@pytest.mark.parametrize("kind", list(HUNDRED_K))
def test_100k_chunks(hundred_k_dir, run_cli, kind):
    spec = dict(HUNDRED_K[kind])
    p = hundred_k_dir / f"{kind}.h5"
    shape = spec.pop("shape")
    libver = spec.pop("libver", "earliest")
    sparse = spec.pop("sparse", False)
    data = (np.arange(N_CHUNKS) % 251).astype("u1").reshape(shape)
    with h5py.File(p, "w", libver=libver) as f:
        if sparse:
            ds = f.create_dataset("x", shape=shape, dtype="u1", fillvalue=3, **spec)
            ds[::7] = data[::7]
        else:
            ds = f.create_dataset("x", data=data, **spec)
        nalloc = ds.id.get_num_chunks()
    assert nalloc == (N_CHUNKS + 6) // 7 if sparse else nalloc == N_CHUNKS
    assert p.stat().st_size < 16 * 2**20
    raw = read_back(p, "x")
    t0 = time.perf_counter()
    rc, out, err = run_cli("stats", f"{p}:/x", "--format", "json", timeout=60)
    secs = time.perf_counter() - t0
    print(f"\n[100k chunks] {kind}: chunkarr stats took {secs:.2f} s "
          f"({nalloc} allocated chunks, file {p.stat().st_size / 2**20:.1f} MiB)")
    assert rc == 0 and err == "", f"exit {rc}: {err!r}"
    [rec] = json.loads(out)
    check_record(rec, raw, variable="/x")
    assert secs < 30, f"stats on {N_CHUNKS} chunks took {secs:.1f} s (limit 30 s)"


@pytest.mark.parametrize("layout", ["contiguous", "chunked", "chunked+gzip", "chunked+shuffle+gzip+fletcher32"])
def test_userblock_offsets(tmp_path, stats_json, layout):
    """A file with a 512-byte user block: HDF5 reports chunk addresses relative to the end of
    the user block but contiguous offsets from the start of the file; both must land."""
    p = tmp_path / "userblock.h5"
    data = np.random.default_rng(3).normal(size=(37, 53)) * 10
    kw = {}
    if layout != "contiguous":
        kw["chunks"] = (8, 10)
    if "gzip" in layout:
        kw["compression"] = "gzip"
    if "shuffle" in layout:
        kw["shuffle"] = True
    if "fletcher32" in layout:
        kw["fletcher32"] = True
    with h5py.File(p, "w", userblock_size=512) as f:
        f.create_dataset("x", data=data, **kw)
    [rec] = stats_json(f"{p}:/x")
    check_record(rec, data, variable="/x")
