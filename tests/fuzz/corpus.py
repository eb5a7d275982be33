"""The fuzz corpus: small files of every format chunkarr reads, where their data lies, and the
seeded damage done to copies of them.

Base files (each a few KB, written the same way on every run):

  h5v18-*     HDF5 in the 1.8 file format (h5py libver=('earliest', 'v108')): v1 object headers,
              v1 B-tree chunk indexes, no metadata checksums
  h5latest-*  HDF5 in the latest format (libver=('latest', 'latest')): v2 object headers with
              checksums; fixed-array, extensible-array, v2 B-tree and single-chunk indexes
    *-contig    contiguous datasets: NaN, big-endian, a _FillValue attribute, a group, a scalar,
                a bitfield (how PyTables stores booleans) and a string dataset (listed by info only)
    *-chunked   chunked without filters: edge chunks, big-endian, unallocated chunks (the
                dataset fill value), resizable datasets (other chunk indexes in the latest format)
    *-filters   shuffle+gzip, gzip, fletcher32 and all three, with edge and unallocated chunks
  nc4         NetCDF-4 (netCDF4-python): a record dimension, zlib+shuffle, fletcher32, packed
              data (scale_factor/add_offset), _FillValue, valid_range, a byte variable without
              _FillValue, big-endian, a group, coordinate variables
  nc3-cdf1    classic NetCDF (format='NETCDF3_CLASSIC'), with a record dimension
  nc3-cdf2    64-bit offset NetCDF (format='NETCDF3_64BIT_OFFSET'), the same variables

Damage kinds (DAMAGE_KINDS): bit flips in data (stored chunks, contiguous data, classic
variable data) and in metadata (everything else), bit flips aimed at what locates the data in
HDF5 (chunk index nodes -- v1 B-tree, fixed and extensible array, v2 B-tree -- and each
dataset's layout, dataspace and filter pipeline messages: a random flip in metadata seldom
lands there), zeroed
ranges in data or metadata, truncation, and appended bytes. Every case has a name `<base>/<kind>/<n>` and a seed derived from that name
alone (crc32), so one case can be rerun by itself and gives the same bytes every time
(CHUNKARR_FUZZ_SEED=S derives other seeds from the same names, to explore).
"""
import os
import struct
import zlib
from pathlib import Path

import numpy as np

# How many cases of each kind per base file (9 base files: 9 * 32 + 7 * 6 = 330 cases).
DAMAGE_KINDS = {
    "flip-data": 8,
    "flip-meta": 9,
    "flip-index": 6,  # HDF5 and NetCDF-4 only
    "zero-data": 3,
    "zero-meta": 4,
    "truncate": 5,
    "append": 3,
}

HDF5_LIBVERS = {"h5v18": ("earliest", "v108"), "h5latest": ("latest", "latest")}


# ----------------------------------------------------------------------------- base files

def _rng(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


class _Skipped:
    """Stands in for a dataset a reduced base file leaves out (see _Only)."""

    def __init__(self):
        self.attrs = {}

    def __setitem__(self, _key, _value):
        pass


class _Only:
    """An h5py.File that creates only the datasets named in `only` (all when None), with the
    same values as the full file: minimize.py makes small regression files this way."""

    def __init__(self, f, only):
        self.f, self.only = f, only

    def wanted(self, name):
        return self.only is None or name in self.only

    def create_dataset(self, name, **kw):
        if not self.wanted(name):
            return _Skipped()
        import h5py

        parts = name.split("/")[:-1]
        for depth in range(1, len(parts) + 1):  # groups without modification times
            group = "/".join(parts[:depth])
            if group not in self.f:
                gcpl = h5py.h5p.create(h5py.h5p.GROUP_CREATE)
                gcpl.set_obj_track_times(False)
                h5py.h5g.create(self.f.id, group.encode(), gcpl=gcpl)
        return self.f.create_dataset(name, **kw)


def _h5_create(path, libver):
    """h5py.File(path, "w", libver=libver), without modification times (the root group would
    record them in the latest format): the same bytes on every run."""
    import h5py

    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
    fcpl.set_obj_track_times(False)
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    levels = {"earliest": h5py.h5f.LIBVER_EARLIEST, "v108": h5py.h5f.LIBVER_V18, "latest": h5py.h5f.LIBVER_LATEST}
    fapl.set_libver_bounds(levels[libver[0]], levels[libver[1]])
    return h5py.File(h5py.h5f.create(str(path).encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl, fapl=fapl))


def _write_bitfield(group, name, values):
    """A 1-byte little-endian bitfield dataset (h5py cannot create one at the high level)."""
    import h5py

    if not group.wanted(name):
        return
    group = group.f
    space = h5py.h5s.create_simple(values.shape)
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_obj_track_times(False)
    dataset = h5py.h5d.create(group.id, name.encode(), h5py.h5t.STD_B8LE.copy(), space, dcpl=dcpl)
    dataset.write(h5py.h5s.ALL, h5py.h5s.ALL, np.ascontiguousarray(values, dtype="u1"),
                  mtype=h5py.h5t.NATIVE_UINT8)


def write_h5_contig(path, libver, only=None):
    import h5py

    r = _rng("contig")
    with _h5_create(path, libver) as h5:
        f = _Only(h5, only)
        x = r.normal(280.0, 15.0, 40)
        x[[3, 17, 18]] = np.nan
        f.create_dataset("f8nan", data=x)
        f.create_dataset("be_i4", data=r.integers(-10**6, 10**6, (6, 7)).astype(">i4"))
        f.create_dataset("g/sub/u1", data=r.integers(0, 255, 50).astype("u1"))
        y = r.normal(0.0, 3.0, 30).astype("f4")
        y[[0, 9, 29]] = -999.0
        d = f.create_dataset("fill_f4", data=y)
        d.attrs["_FillValue"] = np.float32(-999.0)
        f.create_dataset("scalar", data=np.float64(42.5))
        f.create_dataset("text", data=np.array([b"ab", b"cde", b"f"], dtype="S4"))
        _write_bitfield(f, "bits", np.array([0, 1, 1, 0, 1, 1, 0, 0, 1, 1], dtype="u1"))


def write_h5_chunked(path, libver, only=None):
    import h5py

    r = _rng("chunked")
    with _h5_create(path, libver) as h5:
        f = _Only(h5, only)
        f.create_dataset("edge_f8", data=r.normal(0.0, 1.0, (13, 11)), chunks=(4, 5))
        f.create_dataset("be_f8", data=r.normal(5.0, 2.0, 20).astype(">f8"), chunks=(6,))
        p = f.create_dataset("partial_i2", shape=(30,), dtype="i2", chunks=(8,), fillvalue=-5)
        p[0:8] = r.integers(-300, 300, 8)
        p[24:30] = r.integers(-300, 300, 6)
        f.create_dataset("g/i8", data=r.integers(-2**40, 2**40, (5, 6)), chunks=(2, 3))
        # Resizable: an extensible array (one unlimited axis) and a v2 B-tree (two) in the
        # latest format; v1 B-trees in the 1.8 format.
        f.create_dataset("ext_u4", data=r.integers(0, 2**32 - 1, 19).astype("u4"), chunks=(5,),
                         maxshape=(None,))
        f.create_dataset("bt2_f4", data=r.normal(1.0, 1.0, (7, 6)).astype("f4"), chunks=(3, 4),
                         maxshape=(None, None))


def write_h5_filters(path, libver, only=None):
    import h5py

    r = _rng("filters")
    with _h5_create(path, libver) as h5:
        f = _Only(h5, only)
        f.create_dataset("gz_shuf_f4", data=r.normal(10.0, 4.0, (17, 9)).astype(">f4"), chunks=(5, 4),
                         compression="gzip", shuffle=True)
        f.create_dataset("gz_i4", data=r.integers(-500, 500, 40).astype("i4"), chunks=(16,),
                         compression="gzip")
        f.create_dataset("fl_f8", data=r.normal(0.0, 100.0, 25), chunks=(10,), fletcher32=True)
        a = f.create_dataset("all_u2", shape=(12, 12), dtype=">u2", chunks=(5, 5), compression="gzip",
                             shuffle=True, fletcher32=True, fillvalue=7)
        a[0:5, :] = r.integers(0, 60000, (5, 12))
        a[10:12, 10:12] = r.integers(0, 60000, (2, 2))
        z = r.normal(-3.0, 1.0, 33)
        z[[2, 30]] = np.nan
        z[[5, 6]] = -1e20
        d = f.create_dataset("g/gz_nan_f8", data=z, chunks=(8,), compression="gzip", shuffle=True)
        d.attrs["_FillValue"] = -1e20
        f.create_dataset("gz_i1", data=r.integers(-128, 128, 21).astype("i1"), chunks=(21,),
                         compression="gzip", fletcher32=True)


def write_nc4(path):
    import netCDF4

    r = _rng("nc4")
    with netCDF4.Dataset(path, "w", format="NETCDF4") as d:
        d.createDimension("time", None)
        d.createDimension("y", 6)
        d.createDimension("x", 5)
        t = d.createVariable("time", "f8", ("time",))
        t[:] = np.arange(4) * 6.0
        xs = d.createVariable("x", "f4", ("x",), contiguous=True)
        xs[:] = np.linspace(-10, 10, 5)
        t2m = d.createVariable("t2m", "f4", ("time", "y", "x"), zlib=True, shuffle=True, chunksizes=(2, 4, 5),
                               fill_value=np.float32(-1e30))
        v = r.normal(280.0, 10.0, (4, 6, 5)).astype("f4")
        v[0, 0, 0] = np.nan
        t2m[:] = v
        t2m[1, 2, 3] = np.ma.masked
        p = d.createVariable("packed", "i2", ("time", "y"), zlib=True, fill_value=np.int16(-32767),
                             chunksizes=(3, 4))
        p.scale_factor = np.float32(0.01)
        p.add_offset = np.float32(273.15)
        p.set_auto_maskandscale(False)
        raw = r.integers(-3000, 3000, (4, 6)).astype("i2")
        raw[2, 2] = -32767
        p[:] = raw
        b = d.createVariable("b", "i1", ("x",))  # no _FillValue: -127 is the default fill
        b[:] = np.array([1, -127, 5, 100, -3], dtype="i1")
        c = d.createVariable("count", "i4", ("y",), contiguous=True)
        c[:] = r.integers(0, 1000, 6)
        u = d.createVariable("u8", "u8", ("y",), fletcher32=True, chunksizes=(4,))
        u[:] = r.integers(0, 2**50, 6).astype("u8")
        be = d.createVariable("be_f8", ">f8", ("x",), endian="big")
        be[:] = r.normal(0.0, 1.0, 5)
        g = d.createGroup("g")
        gv = g.createVariable("v", "f8", ("x",), zlib=True)
        gv.valid_range = np.array([-1.0, 1.0])
        gv[:] = np.array([-0.5, 0.0, 2.0, 0.25, -1.5])


def write_nc3(path, fmt):
    import netCDF4

    r = _rng("nc3")
    with netCDF4.Dataset(path, "w", format=fmt) as d:
        d.createDimension("time", None)
        d.createDimension("y", 3)
        d.createDimension("x", 5)
        d.createDimension("nchar", 4)
        t = d.createVariable("time", "f8", ("time",))
        t[:] = np.arange(4) * 24.0
        rf = d.createVariable("rec_f4", "f4", ("time", "x"), fill_value=np.float32(-9999.0))
        v = r.normal(15.0, 5.0, (4, 5)).astype("f4")
        v[1, 1] = np.nan
        rf[:] = v
        rf[3, 4] = np.ma.masked
        rp = d.createVariable("rec_i2", "i2", ("time", "y"))
        rp.scale_factor = 0.5
        rp.add_offset = -10.0
        rp.set_auto_maskandscale(False)
        rp[:] = r.integers(-200, 200, (4, 3)).astype("i2")
        rb = d.createVariable("rec_b", "i1", ("time",), fill_value=np.int8(-1))
        rb.set_auto_maskandscale(False)
        rb[:] = np.array([3, -1, 7, 9], dtype="i1")
        fi = d.createVariable("fix_i4", "i4", ("y", "x"))
        fi[:] = r.integers(-10**5, 10**5, (3, 5))
        fb = d.createVariable("fix_b", "i1", ("x",))  # no _FillValue: -127 is the default fill
        fb[:] = np.array([4, -127, 0, 12, -8], dtype="i1")
        fd = d.createVariable("fix_f8", "f8", ("x",))
        fd.valid_min = -1.0
        fd[:] = np.array([0.5, -2.0, 3.0, 1e10, -0.75])
        name = d.createVariable("name", "S1", ("y", "nchar"))
        name[:] = np.array([list("ab  "), list("cd  "), list("efgh")], dtype="S1")


def base_files():
    """name -> (format kind, writer(path))."""
    files = {}
    for tag, libver in HDF5_LIBVERS.items():
        files[f"{tag}-contig"] = ("h5", lambda p, lv=libver: write_h5_contig(p, lv))
        files[f"{tag}-chunked"] = ("h5", lambda p, lv=libver: write_h5_chunked(p, lv))
        files[f"{tag}-filters"] = ("h5", lambda p, lv=libver: write_h5_filters(p, lv))
    files["nc4"] = ("nc4", write_nc4)
    files["nc3-cdf1"] = ("nc3", lambda p: write_nc3(p, "NETCDF3_CLASSIC"))
    files["nc3-cdf2"] = ("nc3", lambda p: write_nc3(p, "NETCDF3_64BIT_OFFSET"))
    return files


def suffix(kind):
    return ".h5" if kind == "h5" else ".nc"


# ----------------------------------------------------------------------------- where data lies

def hdf5_data_regions(path):
    """Byte ranges [start, stop) of every dataset's raw data (stored chunks, contiguous data)."""
    import h5py

    regions = []

    def visit(_name, obj):
        if not isinstance(obj, h5py.Dataset):
            return
        if obj.chunks is not None:
            for i in range(obj.id.get_num_chunks()):
                info = obj.id.get_chunk_info(i)
                if info.byte_offset is not None:
                    regions.append((info.byte_offset, info.byte_offset + info.size))
        else:
            offset = obj.id.get_offset()
            if offset is not None:
                regions.append((offset, offset + obj.id.get_storage_size()))

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return sorted(regions)


# Classic NetCDF (CDF-1/CDF-2) header, parsed strictly: https://docs.unidata.ucar.edu/nug/current/
# file_format_specifications.html. Used to find the data (for damage), and as the second
# reference: whether each variable's bytes lie inside the file (libnetcdf reads zeros past EOF).
NC_TYPES = {1: ("i1", 1), 2: ("S1", 1), 3: (">i2", 2), 4: (">i4", 4), 5: (">f4", 4), 6: (">f8", 8)}


class ClassicHeaderError(ValueError):
    pass


class ClassicHeaderAbsurd(ClassicHeaderError):
    """A count or length larger than the rest of the file: libnetcdf spends a minute allocating
    for it before it fails, so the test does not hand such a file to netCDF4-python."""


class _Reader:
    def __init__(self, data):
        self.data = data
        self.at = 0

    def take(self, n):
        if n < 0 or self.at + n > len(self.data):
            raise ClassicHeaderError(f"header runs past the end of the file (byte {self.at}, {n} more)")
        out = self.data[self.at:self.at + n]
        self.at += n
        return out

    def u32(self):
        return struct.unpack(">I", self.take(4))[0]

    def u64(self):
        return struct.unpack(">Q", self.take(8))[0]

    def absurd(self, count, least, what):
        """A count that needs more than the rest of the file and more than 1 MiB."""
        if count * least > max(len(self.data) - self.at, 1 << 20):
            raise ClassicHeaderAbsurd(f"{what} of {count} at byte {self.at - 4}, in a file of {len(self.data)} bytes")

    def name(self):
        n = self.u32()
        if n > 256:  # NC_MAX_NAME; libnetcdf smashes its stack on some longer ones
            raise ClassicHeaderAbsurd(f"name of {n} bytes at byte {self.at - 4}")
        text = self.take(n)
        self.take((-n) % 4)
        return text.decode("utf-8", "replace")

    def values(self, nc_type):
        if nc_type not in NC_TYPES:
            raise ClassicHeaderError(f"unknown type {nc_type}")
        n = self.u32()
        size = NC_TYPES[nc_type][1]
        self.absurd(n, size, "attribute values")
        raw = self.take(n * size)
        self.take((-(n * size)) % 4)
        if nc_type == 2:
            return raw.rstrip(b"\0").decode("latin-1")
        return np.frombuffer(raw, dtype=NC_TYPES[nc_type][0]).copy()

    def list_header(self, tag):
        t = self.u32()
        n = self.u32()
        if n == 0:  # ABSENT is ZERO ZERO; libnetcdf ignores the tag of an empty list, and so do we
            return 0
        if t != tag:
            raise ClassicHeaderError(f"expected list tag {tag}, found {t}")
        self.absurd(n, 8, "list")  # every entry takes 8 bytes at least
        return n

    def attributes(self):
        out = {}
        for _ in range(self.list_header(0x0C)):
            name = self.name()
            nc_type = self.u32()
            out[name] = (nc_type, self.values(nc_type))
        return out


def parse_classic(data):
    """The header of a CDF-1/CDF-2 file: dims, attributes, variables with byte extents.

    Raises ClassicHeaderError for anything the format does not allow."""
    r = _Reader(data)
    magic = r.take(4)
    if magic[:3] != b"CDF" or magic[3] not in (1, 2):
        raise ClassicHeaderError(f"magic {magic!r}")
    offset64 = magic[3] == 2
    numrecs = r.u32()
    if numrecs == 0xFFFFFFFF:
        raise ClassicHeaderError("streaming numrecs")
    dims = []
    for _ in range(r.list_header(0x0A)):
        dims.append((r.name(), r.u32()))
    gatts = r.attributes()
    variables = []
    for _ in range(r.list_header(0x0B)):
        name = r.name()
        ndims = r.u32()
        r.absurd(ndims, 4, f"{name}: dimension list")
        dimids = [r.u32() for _ in range(ndims)]
        atts = r.attributes()
        nc_type = r.u32()
        if nc_type not in NC_TYPES:
            raise ClassicHeaderError(f"{name}: unknown type {nc_type}")
        vsize = r.u32()
        begin = r.u64() if offset64 else r.u32()
        for i, dim in enumerate(dimids):
            if dim >= len(dims):
                raise ClassicHeaderError(f"{name}: dimension id {dim}")
            if dims[dim][1] == 0 and i != 0:
                raise ClassicHeaderError(f"{name}: record dimension not first")
        variables.append(dict(name=name, dimids=dimids, attributes=atts, nc_type=nc_type, vsize=vsize, begin=begin))
    header_end = r.at
    for v in variables:
        v["record"] = bool(v["dimids"]) and dims[v["dimids"][0]][1] == 0
        shape = [numrecs if dims[d][1] == 0 else dims[d][1] for d in v["dimids"]]
        v["shape"] = shape
        per_record = int(np.prod([dims[d][1] for d in v["dimids"][1:]], dtype=object)) if v["record"] else None
        v["per_record"] = per_record
        if v["begin"] < header_end:
            raise ClassicHeaderError(f"{v['name']}: data at {v['begin']}, inside the header (ends at {header_end})")
    record_vars = [v for v in variables if v["record"]]
    item = {v["name"]: NC_TYPES[v["nc_type"]][1] for v in variables}
    # The stored vsize is redundant (the format says so, and libnetcdf recomputes it): computed
    # here too, each record's slab padded to 4 bytes, unless it is the only record variable.
    if len(record_vars) == 1:
        recsize = record_vars[0]["per_record"] * item[record_vars[0]["name"]]
    else:
        recsize = sum(-(-v["per_record"] * item[v["name"]] // 4) * 4 for v in record_vars)
    for v in variables:
        size = item[v["name"]]
        if v["record"]:
            n = v["per_record"] * size
            v["extents"] = [(v["begin"] + k * recsize, v["begin"] + k * recsize + n) for k in range(numrecs)] \
                if numrecs <= 1 << 20 else [(v["begin"], v["begin"] + numrecs * recsize)]
        else:
            n = int(np.prod(v["shape"], dtype=object)) * size
            v["extents"] = [(v["begin"], v["begin"] + n)]
    return dict(numrecs=numrecs, dims=dims, attributes=gatts, variables=variables, header_end=header_end,
                recsize=recsize)


def classic_data_regions(path):
    header = parse_classic(Path(path).read_bytes())
    return sorted(e for v in header["variables"] for e in v["extents"] if e[1] > e[0])


INDEX_SIGNATURES = {b"FAHD": 64, b"FADB": 256, b"EAHD": 96, b"EAIB": 256, b"EASB": 256, b"EADB": 256,
                    b"BTHD": 64, b"BTIN": 256, b"BTLF": 256}


def _object_header_messages(data, address, wanted):
    """Byte ranges of the messages of types `wanted` in the object header at `address` (v1 or v2
    header; its first chunk only)."""
    out = []
    if data[address:address + 4] == b"OHDR":
        flags = data[address + 5]
        at = address + 6 + (16 if flags & 0x20 else 0) + (4 if flags & 0x10 else 0)
        width = 1 << (flags & 3)
        size = int.from_bytes(data[at:at + width], "little")
        at += width
        end = min(at + size, len(data))
        order = 2 if flags & 0x04 else 0  # attribute creation order tracked: 2 more bytes per message
        while at + 4 + order <= end:
            mtype, msize = data[at], int.from_bytes(data[at + 1:at + 3], "little")
            at += 4 + order
            if mtype in wanted:
                out.append((at, min(at + msize, end)))
            at += msize
    elif data[address:address + 1] == b"\x01":
        size = int.from_bytes(data[address + 8:address + 12], "little")
        at, end = address + 16, min(address + 16 + size, len(data))
        while at + 8 <= end:
            mtype, msize = int.from_bytes(data[at:at + 2], "little"), int.from_bytes(data[at + 2:at + 4], "little")
            at += 8
            if mtype in wanted:
                out.append((at, min(at + msize, end)))
            at += msize
    return out


def hdf5_index_regions(path):
    """Where HDF5 keeps what locates each dataset's data: chunk index nodes (found by their
    signatures; v1 B-tree nodes up to their last used key) and the dataspace, layout and filter
    pipeline messages of every dataset's object header."""
    import h5py

    data = Path(path).read_bytes()
    regions = []
    at = data.find(b"TREE")
    while at >= 0:
        if at + 24 <= len(data):
            node_type, entries = data[at + 4], int.from_bytes(data[at + 6:at + 8], "little")
            key = 40 if node_type == 1 else 8  # chunk keys: up to rank 3
            regions.append((at, min(len(data), at + 24 + entries * (key + 8) + key)))
        at = data.find(b"TREE", at + 1)
    for signature, length in INDEX_SIGNATURES.items():
        at = data.find(signature)
        while at >= 0:
            regions.append((at, min(len(data), at + length)))
            at = data.find(signature, at + 1)
    headers = []
    with h5py.File(path, "r") as f:
        f.visititems(lambda _n, o: headers.append(h5py.h5o.get_info(o.id).addr)
                     if isinstance(o, h5py.Dataset) else None)
    for address in headers:
        regions += _object_header_messages(data, address, wanted=(1, 8, 11))
    return _merge(regions)


def data_regions(path, kind):
    return classic_data_regions(path) if kind == "nc3" else hdf5_data_regions(path)


def _merge(regions):
    out = []
    for start, stop in sorted(regions):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], stop))
        else:
            out.append((start, stop))
    return out


def complement(regions, size):
    out, at = [], 0
    for start, stop in _merge(regions):
        if start > at:
            out.append((at, start))
        at = max(at, stop)
    if at < size:
        out.append((at, size))
    return out


# ----------------------------------------------------------------------------- damage

def case_names():
    """Every case, in a fixed order: (base, kind, n)."""
    return [(base, kind, n) for base, (fmt, _w) in base_files().items() for kind, count in DAMAGE_KINDS.items()
            if kind != "flip-index" or fmt != "nc3" for n in range(count)]


def case_seed(base, kind, n):
    """The case's seed, from its name; CHUNKARR_FUZZ_SEED=S (a string) gives every case another
    one, to explore beyond the fixed corpus (the suite runs without it)."""
    salt = os.environ.get("CHUNKARR_FUZZ_SEED", "")
    return zlib.crc32(f"{base}/{kind}/{n}{'#' + salt if salt else ''}".encode())


def _pick_offset(rng, regions):
    """A byte offset uniformly over the union of `regions`."""
    sizes = np.array([stop - start for start, stop in regions], dtype=np.int64)
    k = int(rng.integers(0, int(sizes.sum())))
    for (start, _stop), size in zip(regions, sizes):
        if k < size:
            return start + k
        k -= int(size)
    raise AssertionError("unreachable")


def damage(original, regions, kind, seed, index_regions=()):
    """(damaged bytes, what was done) for damage `kind` with `seed`; `regions`: the data ranges,
    `index_regions`: the ranges flip-index aims at."""
    rng = np.random.default_rng(seed)
    data = bytearray(original)
    size = len(data)
    data_ranges = _merge(regions)
    meta_ranges = complement(regions, size)
    if kind in ("flip-data", "flip-meta", "flip-index", "zero-data", "zero-meta"):
        where = {"data": data_ranges, "meta": meta_ranges, "index": list(index_regions)}[kind.split("-")[1]]
        if not where:
            where = [(0, size)]
        if kind.startswith("flip"):
            flips = []
            for _ in range(int(rng.integers(1, 4))):
                at = _pick_offset(rng, where)
                bit = int(rng.integers(0, 8))
                data[at] ^= 1 << bit
                flips.append(f"{at}:{bit}")
            return bytes(data), "bit flips at " + ", ".join(flips)
        at = _pick_offset(rng, where)
        length = int(rng.integers(1, 65))
        length = min(length, size - at)
        data[at:at + length] = bytes(length)
        return bytes(data), f"zeroed {length} bytes at {at}"
    if kind == "truncate":
        cut = int(rng.integers(1, size))
        return bytes(data[:cut]), f"truncated to {cut} of {size} bytes"
    if kind == "append":
        n = int(rng.integers(1, 4097))
        tail = bytes(n) if rng.integers(0, 2) else rng.integers(0, 256, n, dtype=np.uint8).tobytes()
        return bytes(data) + tail, f"appended {n} {'zero' if not any(tail) else 'random'} bytes"
    raise ValueError(kind)
