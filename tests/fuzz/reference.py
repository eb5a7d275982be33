"""What the reference tools make of a (possibly damaged) file: h5py, netCDF4-python, and for
classic NetCDF a strict reader of the format (corpus.parse_classic).

reference(path, kind) returns, per tool that applies to the format:

  {"error": None or why the file could not be opened,
   "paths": {path: {"numeric": bool, "shape": [...] or None, "dim_only": bool,
                    "stats": {...} or None, "error": None or why the data was not read}},
   "broken": [paths of links and groups that could not be opened or listed]}

"stats" holds count, missing, min, max, sum, mean, std (missing values as chunkarr's contract
says: NaN, _FillValue, missing_value, valid_min/valid_max/valid_range, the NetCDF default fill
as netCDF4-python applies it; packed data unpacked as netCDF4-python does, in NumPy's type of
data * scale_factor + add_offset), plus exact_int, n, abssum and
absmax for the comparison's tolerances.

Libraries can hang or exhaust memory on damaged metadata, so this runs in a worker process
(`python3 reference.py --worker`: one JSON request per line on stdin, one JSON answer per line
on stdout) that the test kills when it takes too long; its address space is limited, and data
larger than MAX_BYTES is not read ("too large to verify").
"""
import json
import sys
import warnings

import numpy as np

sys.path.insert(0, __import__("os").path.dirname(__file__))
import corpus  # noqa: E402

MAX_BYTES = 64 << 20
CF_NAMES = ("_FillValue", "missing_value", "valid_min", "valid_max", "valid_range", "scale_factor", "add_offset")
# netCDF4-python's default fill values (netCDF4.default_fillvals), by NumPy kind+size.
NC_DEFAULT_FILL = {"i1": -127, "u1": 255, "i2": -32767, "u2": 65535, "i4": -2147483647, "u4": 4294967295,
                   "i8": -9223372036854775806, "u8": 18446744073709551614, "f4": 9.969209968386869e36,
                   "f8": 9.969209968386869e36}
TOO_LARGE = "too large to verify"


def _numeric(dtype):
    return dtype is not None and dtype.kind in "biuf" and dtype.names is None and dtype.subdtype is None


def stats_of(raw, mask, scale=None, offset=None):
    """Statistics of the values of `raw` not in `mask`, unpacked with scale/offset if given."""
    raw = np.asarray(raw)
    mask = np.asarray(mask, dtype=bool) | (np.isnan(raw) if raw.dtype.kind == "f" else False)
    good = raw[~mask]
    packed = scale is not None or offset is not None
    out = {"count": int(good.size), "missing": int(mask.sum()), "n": int(raw.size),
           "exact_int": raw.dtype.kind in "biu" and not packed, "unsigned": raw.dtype.kind in "bu"}
    if good.size == 0:
        out.update(min=None, max=None, sum=None, mean=None, std=None, abssum=0.0, absmax=0.0)
        return out
    if packed:
        with np.errstate(all="ignore"):
            values = good
            if scale is not None:
                values = values * scale   # NumPy scalars of the attributes' types: they choose the result's
            if offset is not None:
                values = values + offset
            if values.dtype.kind != "f":  # integer attributes: chunkarr unpacks those in float64
                values = (good.astype(np.float64) * (1.0 if scale is None else float(scale))
                          + (0.0 if offset is None else float(offset)))
    else:
        values = good
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        f = values.astype(np.float64)
        if out["exact_int"]:
            ints = [int(v) for v in good.ravel().tolist()]
            out.update(min=min(ints), max=max(ints), sum=sum(ints))
        else:
            out.update(min=float(f.min()), max=float(f.max()), sum=float(f.sum()))
        out["mean"] = float(f.mean())
        out["std"] = float(f.std())
        out["abssum"] = float(np.abs(f).sum())
        out["absmax"] = float(np.abs(f).max())
    return out


def _attr_numbers(value):
    a = np.asarray(value)
    if a.dtype.kind not in "biuf" or a.size == 0:
        return None
    return a.ravel()


def cf_mask(raw, attrs, *, netcdf, no_fill=False):
    """The missing values of `raw` by its attributes (dict name -> value), netCDF4-python's rules:
    _FillValue (else, in NetCDF files, the type's default fill: bytes too unless no_fill),
    missing_value, valid_min/valid_max/valid_range, all compared in the stored type."""
    raw = np.asarray(raw)
    mask = np.zeros(raw.shape, dtype=bool)

    def cast(v):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.asarray(v).astype(raw.dtype)

    fill = _attr_numbers(attrs["_FillValue"]) if "_FillValue" in attrs else None
    if fill is not None:
        for v in fill[:1]:
            mask |= raw == cast(v)
    elif netcdf and "_FillValue" not in attrs and raw.dtype.kind in "iuf":
        key = raw.dtype.str[1:]
        if key in NC_DEFAULT_FILL and not (no_fill and key in ("i1", "u1")):
            mask |= raw == cast(NC_DEFAULT_FILL[key])
    mv = _attr_numbers(attrs["missing_value"]) if "missing_value" in attrs else None
    if mv is not None:
        for v in mv:
            mask |= raw == cast(v)
    vr = _attr_numbers(attrs["valid_range"]) if "valid_range" in attrs else None
    lo = hi = None
    if vr is not None and vr.size >= 2:
        lo, hi = vr[0], vr[1]
    vmin = _attr_numbers(attrs["valid_min"]) if "valid_min" in attrs else None
    vmax = _attr_numbers(attrs["valid_max"]) if "valid_max" in attrs else None
    if vmin is not None:
        lo = vmin[0]
    if vmax is not None:
        hi = vmax[0]
    if lo is not None:
        mask |= raw < cast(lo)
    if hi is not None:
        mask |= raw > cast(hi)
    return mask


def _scale_offset(attrs):
    def number(name):
        v = _attr_numbers(attrs[name]) if name in attrs else None
        return v[0] if v is not None else None   # a NumPy scalar: its type sets the unpacked type

    return number("scale_factor"), number("add_offset")


def _error(e):
    return f"{type(e).__name__}: {e}"[:300]


# ----------------------------------------------------------------------------- h5py

def _v1_btree_problem(data, ds):
    """For a dataset whose chunks are indexed by a version-1 B-tree (the 1.8 format, netCDF-4):
    what in the tree's bytes breaks the format's rules, or None. HDF5's listing calls hide some
    of it (the trailing element offset of a key), yet its reads go wrong on them."""
    import struct

    import h5py

    # H5Gget_objinfo: H5Oget_info also counts attributes and fails on damage unrelated to data.
    objno = h5py.h5g.get_objinfo(ds.id).objno
    address = objno[0] | (objno[1] << 32) if objno[1] else objno[0]
    layouts = corpus._object_header_messages(data, address, wanted=(8,))
    if not layouts:
        return None
    start, stop = layouts[0]
    layout = data[start:stop]
    if len(layout) < 11 or layout[0] != 3 or layout[1] != 2:
        return None  # not a version-3 chunked layout: another index type
    ndims = layout[2]
    root = struct.unpack("<Q", layout[3:11])[0]
    dims = struct.unpack(f"<{ndims}I", layout[11:11 + 4 * ndims]) if len(layout) >= 11 + 4 * ndims else None
    if dims is None or ndims != len(ds.chunks) + 1 or tuple(dims[:-1]) != tuple(ds.chunks):
        return "layout message disagrees with the chunk shape HDF5 reports"
    if root == 0xFFFFFFFFFFFFFFFF:
        return None  # nothing written
    key = 8 + 8 * ndims
    origins = []
    seen_nodes = set()

    def walk(at, depth):
        if depth > 16 or at in seen_nodes:
            return f"B-tree node at {at} revisited or too deep"
        seen_nodes.add(at)
        if at + 24 > len(data) or data[at:at + 4] != b"TREE":
            return f"no B-tree node at {at}"
        node_type, level, entries = data[at + 4], data[at + 5], struct.unpack("<H", data[at + 6:at + 8])[0]
        if node_type != 1:
            return f"B-tree node at {at} has type {node_type}"
        p = at + 24
        keys, children = [], []
        for i in range(entries + 1):
            if p + key > len(data):
                return f"B-tree node at {at} runs past the end of the file"
            size, _mask = struct.unpack("<II", data[p:p + 8])
            offsets = struct.unpack(f"<{ndims}Q", data[p + 8:p + key])
            keys.append((size, offsets))
            p += key
            if i < entries:
                children.append(struct.unpack("<Q", data[p:p + 8])[0])
                p += 8
        for i, (size, offsets) in enumerate(keys[:-1]):
            if offsets[-1] != 0:
                return f"key {i} of the B-tree node at {at} has element offset {offsets[-1]}"
            if any(o % c for o, c in zip(offsets[:-1], dims[:-1])):
                return f"key {i} of the B-tree node at {at}: origin {offsets[:-1]} off the chunk grid"
            if i and offsets[:-1] <= keys[i - 1][1][:-1]:
                return f"keys of the B-tree node at {at} out of order"
        for i, child in enumerate(children):
            if level == 0:
                size, offsets = keys[i]
                if child + size > len(data):
                    return f"chunk {offsets[:-1]} past the end of the file"
                origins.append((offsets[:-1], child, size))
            else:
                problem = walk(child, depth + 1)
                if problem:
                    return problem
        return None

    return walk(root, 0)


def _chunk_index_problem(ds, file_size, data):
    """Why HDF5's own view of the chunk index is inconsistent (then what h5py reads from it is not
    trusted), or None: the v1 B-tree's bytes by the format's rules (_v1_btree_problem); every
    chunk origin on the chunk grid, listed in increasing order, none twice, none beyond the
    extent of a dataset that cannot be resized; every chunk's bytes inside the file, no two
    chunks' bytes overlapping."""
    if ds.chunks is None:
        return None
    problem = _v1_btree_problem(data, ds)
    if problem:
        return problem
    chunks = ds.chunks
    fixed = ds.maxshape == ds.shape
    seen, spans, previous = set(), [], None
    n = ds.id.get_num_chunks()
    grid = 1
    for extent, c in zip(ds.shape, chunks):
        grid *= -(-extent // c)
    if n > max(grid, 1) * 4 + 16:
        return f"{n} chunks listed for a grid of {grid}"
    for i in range(n):
        info = ds.id.get_chunk_info(i)
        if info.chunk_offset is None or info.byte_offset is None:
            return f"chunk {i}: no offset"
        origin = tuple(info.chunk_offset)
        if len(origin) != len(chunks) or any(o % c for o, c in zip(origin, chunks)):
            return f"chunk origin {origin} not on the {chunks} grid"
        if origin in seen:
            return f"chunk origin {origin} listed twice"
        if previous is not None and origin < previous:
            return f"chunk origin {origin} listed after {previous}"
        if fixed and any(o >= extent for o, extent in zip(origin, ds.shape)):
            return f"chunk origin {origin} outside the extent {ds.shape}"
        seen.add(origin)
        previous = origin
        if info.byte_offset + info.size > file_size:
            return f"chunk {origin}: bytes {info.byte_offset}+{info.size} past the end of the file ({file_size})"
        spans.append((info.byte_offset, info.byte_offset + info.size, origin))
    spans.sort()
    for (a0, a1, oa), (b0, _b1, ob) in zip(spans, spans[1:]):
        if b0 < a1:
            return f"chunks {oa} and {ob} overlap in the file"
    return None


def _crashes_hdf5(data, group, raw):
    """Whether opening the dataset `raw` in `group` would crash HDF5 1.10 (and this worker): a
    chunked layout message with a chunk dimension of 0 or no dimensions, which it divides by.
    Mirrors src/io/hdf5/header_check.cpp."""
    import h5py

    try:
        objno = h5py.h5g.get_objinfo(group.id, raw).objno
    except Exception:  # noqa: BLE001 - then opening fails cleanly too
        return False
    for start, stop in corpus._object_header_messages(data, objno[0] | (objno[1] << 32), wanted=(8,)):
        m = data[start:stop]
        if len(m) < 5:
            return False
        width = 4
        if m[0] in (1, 2) and m[2] == 2:
            rank, at = m[1], 16
        elif m[0] == 3 and m[1] == 2:
            rank, at = m[2], 11
        elif m[0] == 4 and m[1] == 2 and 1 <= m[4] <= 8:
            rank, width, at = m[3], m[4], 5
        else:
            return False
        if at + rank * width > len(m):
            return False
        return rank < 2 or any(int.from_bytes(m[at + k * width:at + (k + 1) * width], "little") == 0
                               for k in range(rank))
    return False


def h5py_reference(path, *, netcdf):
    import os

    import h5py

    out = {"error": None, "paths": {}, "broken": []}
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        f = h5py.File(path, "r")
    except Exception as e:  # noqa: BLE001 - any failure is an answer
        out["error"] = _error(e)
        return out
    with f:
        def dataset(p, ds):
            entry = {"numeric": False, "shape": None, "dim_only": False, "stats": None, "error": None}
            out["paths"][p] = entry
            try:
                dtype = ds.dtype
                entry["shape"] = list(ds.shape) if ds.shape is not None else None
                entry["numeric"] = _numeric(dtype)
                if netcdf:
                    name = ds.attrs.get("NAME", b"")
                    entry["dim_only"] = isinstance(name, bytes) and name.startswith(
                        b"This is a netCDF dimension but not a netCDF variable")
                if not entry["numeric"] or entry["shape"] is None:
                    return
                if ds.size * dtype.itemsize > MAX_BYTES:
                    entry["error"] = TOO_LARGE
                    return
                problem = _chunk_index_problem(ds, size, data)
                if problem:
                    entry["error"] = "chunk index: " + problem
                    return
                attrs = {k: ds.attrs[k] for k in CF_NAMES if k in ds.attrs}
                raw = np.asarray(ds[()])
                no_fill = ds.id.get_create_plist().get_fill_time() == h5py.h5d.FILL_TIME_NEVER
                mask = cf_mask(raw, attrs, netcdf=netcdf, no_fill=no_fill)
                scale, offset = _scale_offset(attrs)
                entry["stats"] = stats_of(raw, mask, scale, offset)
            except Exception as e:  # noqa: BLE001
                entry["error"] = _error(e)

        def walk(group, prefix):
            try:
                n = group.id.get_num_objs()
            except Exception:  # noqa: BLE001
                out["broken"].append(prefix or "/")
                return
            for i in range(n):
                try:
                    raw = group.id.get_objname_by_idx(i)
                    raw = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogateescape")
                except Exception:  # noqa: BLE001
                    if (prefix or "/") not in out["broken"]:
                        out["broken"].append(prefix or "/")
                    continue
                # Paths as chunkarr prints them: the bytes of the name, undecodable ones escaped.
                p = f"{prefix}/{raw.decode('utf-8', 'surrogateescape')}"
                try:
                    link = group.get(raw, getlink=True)
                    if not isinstance(link, h5py.HardLink):
                        continue
                    if _crashes_hdf5(data, group, raw):
                        raise OSError("a chunk dimension of 0: HDF5 would crash opening it")
                    obj = group[raw]
                except Exception:  # noqa: BLE001
                    out["broken"].append(p)
                    continue
                if isinstance(obj, h5py.Group):
                    walk(obj, p)
                elif isinstance(obj, h5py.Dataset):
                    dataset(p, obj)

        walk(f, "")
    return out


# ----------------------------------------------------------------------------- netCDF4-python

def netcdf4_reference(path, *, classic_header=None):
    """netCDF4-python's view; for classic files a variable whose bytes the strict header says lie
    past the end of the file is not read (libnetcdf returns zeros there: not data it read)."""
    import netCDF4

    out = {"error": None, "paths": {}, "broken": []}
    try:
        d = netCDF4.Dataset(path, "r")
    except Exception as e:  # noqa: BLE001
        out["error"] = _error(e)
        return out
    beyond = {}
    if classic_header is not None:
        beyond = classic_header
    with d:
        def walk(group, prefix):
            try:
                variables = dict(group.variables)
                groups = dict(group.groups)
            except Exception:  # noqa: BLE001
                out["broken"].append(prefix or "/")
                return
            for name, v in variables.items():
                p = f"{prefix}/{name}"
                entry = {"numeric": False, "shape": None, "dim_only": False, "stats": None, "error": None}
                out["paths"][p] = entry
                try:
                    dtype = np.dtype(v.dtype) if not isinstance(v.dtype, str) else None
                    entry["shape"] = list(v.shape)
                    entry["numeric"] = dtype is not None and _numeric(dtype)
                    if not entry["numeric"]:
                        continue
                    if beyond.get(p):
                        entry["error"] = beyond[p]
                        continue
                    if int(np.prod(v.shape, dtype=object)) * dtype.itemsize > MAX_BYTES:
                        entry["error"] = TOO_LARGE
                        continue
                    v.set_auto_mask(True)
                    v.set_auto_scale(False)
                    data = v[...]
                    raw = np.ma.getdata(data)
                    mask = np.ma.getmaskarray(data)
                    attrs = {k: v.getncattr(k) for k in CF_NAMES if k in v.ncattrs()}
                    scale, offset = _scale_offset(attrs)
                    entry["stats"] = stats_of(np.asarray(raw), mask, scale, offset)
                except Exception as e:  # noqa: BLE001
                    entry["error"] = _error(e)
            for name, g in groups.items():
                walk(g, f"{prefix}/{name}")

        walk(d, "")
    return out


# ----------------------------------------------------------------------------- strict classic reader

def strict_classic_reference(path):
    """The format's own rules, on the bytes: header well formed, every variable's bytes inside
    the file; values decoded with NumPy, masked as netCDF4-python would (classic files have no
    per-variable no-fill flag: bytes are masked by the default fill too)."""
    data = open(path, "rb").read()
    out = {"error": None, "paths": {}, "broken": [], "beyond": {}, "absurd": False}
    try:
        header = corpus.parse_classic(data)
    except corpus.ClassicHeaderError as e:
        out["error"] = f"header: {e}"
        out["absurd"] = isinstance(e, corpus.ClassicHeaderAbsurd)
        return out
    for v in header["variables"]:
        p = "/" + v["name"]
        dtype = np.dtype(corpus.NC_TYPES[v["nc_type"]][0])
        entry = {"numeric": v["nc_type"] != 2, "shape": list(v["shape"]), "dim_only": False, "stats": None,
                 "error": None}
        out["paths"][p] = entry
        past = [e for e in v["extents"] if e[1] > len(data)]
        if past:
            entry["error"] = (f"bytes {past[0][0]}..{past[-1][1]} lie past the end of the file "
                              f"({len(data)} bytes)")
            out["beyond"][p] = entry["error"]
            continue
        if not entry["numeric"]:
            continue
        n = sum(e[1] - e[0] for e in v["extents"])
        if n > MAX_BYTES:
            entry["error"] = TOO_LARGE
            continue
        raw = np.frombuffer(b"".join(data[a:b] for a, b in v["extents"]), dtype=dtype).reshape(v["shape"])
        attrs = {k: val for k, (_t, val) in v["attributes"].items() if k in CF_NAMES}
        mask = cf_mask(raw, attrs, netcdf=True)
        scale, offset = _scale_offset(attrs)
        entry["stats"] = stats_of(raw, mask, scale, offset)
    return out


def reference(path, kind):
    if kind == "h5":
        return {"h5py": h5py_reference(path, netcdf=False)}
    if kind == "nc4":
        nc, h5 = netcdf4_reference(path), h5py_reference(path, netcdf=True)
        # netCDF4-python reads through the same HDF5 chunk index: not trusted where it is broken.
        for p, entry in nc["paths"].items():
            problem = (h5["paths"].get(p) or {}).get("error") or ""
            if problem.startswith("chunk index:") and entry["stats"] is not None:
                entry["stats"], entry["error"] = None, "not trusted: " + problem
        return {"netCDF4": nc, "h5py": h5}
    strict = strict_classic_reference(path)
    beyond = strict.pop("beyond")
    if strict.pop("absurd"):
        nc = {"error": "not opened: " + strict["error"], "paths": {}, "broken": []}
        return {"netCDF4": nc, "strict": strict}
    if strict["error"]:
        # The header breaks the format's rules: nothing netCDF4-python reads from it is trusted
        # to be data; it still counts for the listing.
        beyond = None
    nc = netcdf4_reference(path, classic_header=beyond if beyond is not None else {})
    if beyond is None:
        for entry in nc["paths"].values():
            if entry["numeric"] and entry["error"] is None:
                entry["stats"] = None
                entry["error"] = "not trusted: the header breaks the format (" + strict["error"] + ")"
    return {"netCDF4": nc, "strict": strict}


def worker():
    import resource

    limit = 6 << 30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import h5py  # noqa: F401 - imported once, before the first request
    import netCDF4  # noqa: F401

    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = reference(request["path"], request["kind"])
        except BaseException as e:  # noqa: BLE001 - report, keep serving
            answer = {"crash": _error(e)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        worker()
    else:
        print(json.dumps(reference(sys.argv[1], sys.argv[2]), indent=1))
