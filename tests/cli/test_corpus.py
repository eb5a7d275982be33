"""Debian's sample corpora against netCDF4-python and h5py (issue 12, point 4).

Every NetCDF and HDF5 file that the packages libncarg-data (NCAR Graphics), ferret-datasets
(Ferret) and python-tables-data (PyTables' test files) install is read twice: once by
`chunkarr stats FILE --format json` and once by the reference,

- netCDF4-python with its default auto mask-and-scale, for classic NetCDF (CDF-1/2/5) and
  NetCDF-4 files (HDF5 files with _NCProperties): count = values neither masked nor NaN,
  missing = the rest; the statistics of the decoded values in float64;
- h5py + NumPy for the other HDF5 files, with the CF rules chunkarr documents for HDF5
  (`missing_mask` and `unpack` of test_stats_vs_numpy).

For every file and numeric variable, count and missing must be equal, min/max/sum exact for
integers that are not packed (and min/max for unpacked floats), mean/std/sum to rounding. The
variables chunkarr lists must be the numeric variables the reference lists. A dataset the
reference cannot read (a filter without its plugin, a type h5py does not convert) is skipped
and its reason printed; a dataset chunkarr cannot read while the reference can is a failure.

The tests are skipped when a package is not installed (scripts/install-deps.sh installs them).
The whole corpus is checked, no sampling: 154 files (103 classic NetCDF, 51 HDF5; 158 MB),
about 1350 variables, in 10-35 s on two shared cores.
"""
import concurrent.futures
import json
import os
import re
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import h5py
import netCDF4
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_stats_vs_numpy import KEYS, missing_mask, unpack  # noqa: E402

PACKAGES = ["libncarg-data", "ferret-datasets", "python-tables-data"]
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
RTOL_EXACT = 1e-12    # float64 data, or float32 data accumulated in float64 by both
RTOL_DECODED = 1e-6   # values netCDF4-python decodes in float32 (packed with float32 scales)
TIMEOUT_S = 120
PREFIX = "chunkarr: error: "
# The refusals a reference-readable dataset may get: types chunkarr does not compute with.
# The one refusal allowed: numbers no chunkarr dtype holds (long double), named in a row.
UNSUPPORTED_TYPE = re.compile(r"holds float(96|128) numbers; chunkarr computes with ")
# libnetcdf is not thread-safe (netCDF4-python releases the GIL around its calls): one
# reference at a time, while chunkarr runs in its own process.
REFERENCE_LOCK = threading.Lock()


# --------------------------------------------------------------------------- the corpus

def package_files(package):
    """The regular files a Debian package installed, or None when it is not installed."""
    try:
        p = subprocess.run(["dpkg-query", "-L", package], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if p.returncode != 0:
        return None
    return sorted(f for f in p.stdout.split("\n") if f and os.path.isfile(f) and not os.path.islink(f))


def file_kind(path):
    """'classic', 'hdf5' or None, from the first bytes (HDF5 may sit after a user block)."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(8)
        if head[:3] == b"CDF" and head[3:4] in (b"\x01", b"\x02", b"\x05"):
            return "classic"
        offset = 0
        while offset + 8 <= size:
            f.seek(offset)
            if f.read(8) == HDF5_SIGNATURE:
                return "hdf5"
            offset = offset * 2 if offset else 512
    return None


def is_netcdf4(path):
    try:
        with h5py.File(path, "r") as f:
            return "_NCProperties" in f.attrs
    except Exception:  # noqa: BLE001 -- h5py cannot open it: not for netCDF4 either
        return False


# --------------------------------------------------------------------------- references

def numeric(dtype):
    return dtype.kind in "biuf"


def stats_of(values, mask, *, exact, rtol):
    """The reference record of `values` (float64 or exact integers) where `mask` is False."""
    values = np.asarray(values)
    mask = np.asarray(mask, dtype=bool)
    if values.dtype.kind == "f":
        mask = mask | np.isnan(values)
    good = values[~mask]
    r = {"shape": list(values.shape), "count": int(good.size), "missing": int(mask.sum()),
         "exact": exact, "rtol": rtol}
    if good.size == 0:
        return r
    f = good.astype(np.float64)
    if exact:
        r.update(min=int(good.min()), max=int(good.max()), sum=int(good.astype(object).sum()))
    else:
        r.update(min=float(f.min()), max=float(f.max()), sum=float(f.sum()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r.update(mean=float(f.mean()), std=float(f.std()))
    r.update(absmax=float(np.abs(f).max()), abssum=float(np.abs(f).sum()))
    return r


def netcdf_references(path):
    """{variable path: reference record or ('skip', reason)} through netCDF4-python."""
    refs = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with netCDF4.Dataset(path) as d:
            groups = [d]
            while groups:
                g = groups.pop()
                groups.extend(g.groups.values())
                prefix = g.path.rstrip("/")
                for name, v in g.variables.items():
                    key = f"{prefix}/{name}"
                    try:
                        dt = np.dtype(v.dtype)
                    except TypeError:
                        continue                       # str, compound, vlen, enum: not numeric
                    if not isinstance(v.datatype, np.dtype) or not numeric(dt):
                        continue
                    try:
                        decoded = np.ma.asarray(v[...])
                    except Exception as e:  # noqa: BLE001 -- the reason is reported
                        refs[key] = ("skip", f"netCDF4-python cannot read it: {e}")
                        continue
                    attrs = set(v.ncattrs())
                    packed = bool({"scale_factor", "add_offset"} & attrs)
                    data = np.asarray(decoded.data)
                    refs[key] = stats_of(data, np.ma.getmaskarray(decoded),
                                         exact=data.dtype.kind in "biu" and not packed,
                                         rtol=RTOL_DECODED if data.dtype == np.float32 and packed
                                         else RTOL_EXACT)
                    refs[key]["packed"] = packed
                    refs[key]["dtype"] = dt.newbyteorder("=").name
    return refs


def datasets_by_link(group, prefix="", depth=0):
    """(path, dataset) for every name that reaches a dataset: hard, soft and external links
    are all followed (a dataset linked twice is listed twice), as h5py resolves a name."""
    if depth > 64:
        return
    for name in group:
        try:
            obj = group[name]
        except Exception:  # noqa: BLE001 -- a dangling soft or external link names nothing
            continue
        path = f"{prefix}/{name}"
        if isinstance(obj, h5py.Group):
            yield from datasets_by_link(obj, path, depth + 1)
        elif isinstance(obj, h5py.Dataset):
            yield path, obj


def hdf5_references(path):
    """{dataset path: reference record or ('skip', reason)} through h5py + NumPy."""
    refs = {}
    with h5py.File(path, "r") as f:
        for key, d in datasets_by_link(f):
            try:
                dt = d.dtype
            except Exception as e:  # noqa: BLE001
                refs[key] = ("skip", f"h5py gives it no dtype: {e}")
                continue
            if dt.names is not None or dt.subdtype is not None or not numeric(dt):
                continue
            try:
                raw = d[()]
            except Exception as e:  # noqa: BLE001 -- a filter without its plugin, a conversion
                refs[key] = ("skip", f"h5py cannot read it: {e}")
                continue
            attrs = {}
            for a in ("_FillValue", "missing_value", "valid_min", "valid_max", "valid_range",
                      "scale_factor", "add_offset"):
                try:
                    if a in d.attrs:
                        attrs[a] = d.attrs[a]
                except Exception:  # noqa: BLE001 -- an attribute h5py cannot read: not CF
                    pass
            raw = np.asarray(raw)
            packed = "scale_factor" in attrs or "add_offset" in attrs
            refs[key] = stats_of(unpack(raw, attrs), missing_mask(raw, attrs),
                                 exact=raw.dtype.kind in "biu" and not packed, rtol=RTOL_EXACT)
            refs[key]["packed"] = packed
            refs[key]["dtype"] = "bool" if raw.dtype.kind == "b" else raw.dtype.newbyteorder("=").name
            if raw.dtype.kind == "f" and raw.dtype.itemsize == 2:
                refs[key]["dtype"] = "float32"  # chunkarr widens half precision (exactly)
    return refs


# --------------------------------------------------------------------------- chunkarr

def chunkarr_records(exe, path, variables):
    """{variable: record or ('error', line)}: the whole file in one run, else one run per
    variable (a variable chunkarr cannot read fails the whole-file run)."""
    def run(spec):
        p = subprocess.run([exe, "stats", spec, "--format", "json"], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=TIMEOUT_S)
        return p.returncode, p.stdout, p.stderr.strip()

    rc, out, err = run(path)
    if rc == 0:
        return {r["variable"]: r for r in json.loads(out)}
    records = {"": ("error", err)}
    for v in variables:
        rc, out, err = run(f"{path}:{v}")
        records[v] = json.loads(out)[0] if rc == 0 else ("error", err)
    return records


def chunkarr_refusal(exe, path, variable):
    """chunkarr's error line for `stats FILE:VARIABLE`, or None when it succeeds."""
    p = subprocess.run([exe, "stats", f"{path}:{variable}", "--format", "json"], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=TIMEOUT_S)
    return p.stderr.strip() if p.returncode else None


def compare(rec, ref, what):
    """The differences between a chunkarr record and a reference, as lines."""
    bad = []
    if set(rec) != KEYS:
        return [f"{what}: JSON keys {sorted(rec)}"]
    if rec["shape"] != ref["shape"]:
        return [f"{what}: shape {rec['shape']} != {ref['shape']}"]
    if rec["dtype"] != ref["dtype"]:
        bad.append(f"{what}: dtype {rec['dtype']} != {ref['dtype']}")
    for k in ("count", "missing"):
        if rec[k] != ref[k]:
            bad.append(f"{what}: {k} {rec[k]} != {ref[k]}")
    if bad or ref["count"] == 0:
        if ref["count"] == 0 and any(rec[k] is not None for k in ("min", "max", "mean", "std", "sum")):
            bad.append(f"{what}: statistics of no values must be null")
        return bad
    rtol = ref["rtol"]

    def close(k, scale, tol_rtol):
        got, exp = rec[k], ref[k]
        if not isinstance(got, (int, float)) or isinstance(got, bool):
            bad.append(f"{what}: {k} is {got!r}")
        elif abs(got - exp) > tol_rtol * max(abs(exp), scale):
            bad.append(f"{what}: {k} {got!r} != {exp!r}")

    exact_minmax = ref["exact"] or not ref["packed"]
    for k in ("min", "max"):
        close(k, 0.0, 0.0 if exact_minmax else rtol)
    close("sum", ref["abssum"], 0.0 if ref["exact"] else rtol)
    close("mean", ref["absmax"], rtol)
    close("std", ref["absmax"], rtol)
    return bad


# --------------------------------------------------------------------------- the tests

def check_file(exe, path):
    """(compared variables, skipped [(variable, reason)], differences [lines])."""
    kind = file_kind(path)
    netcdf = kind == "classic" or is_netcdf4(path)
    try:
        with REFERENCE_LOCK:
            refs = netcdf_references(path) if netcdf else hdf5_references(path)
    except Exception as e:  # noqa: BLE001 -- neither tool reads the file: say so
        tool = "netCDF4-python" if netcdf else "h5py"
        return 0, [(path, f"{tool} cannot open it: {e}")], []
    records = chunkarr_records(exe, path, sorted(refs))
    compared, skipped, bad = 0, [], []
    for key, ref in sorted(refs.items()):
        if not isinstance(ref, dict):
            skipped.append((f"{path}:{key}", ref[1]))
            continue
        rec = records.get(key)
        if rec is None:
            # Not listed: chunkarr must say why when asked for it, and the only answer allowed
            # is a type it does not compute with (float16, long double).
            reason = chunkarr_refusal(exe, path, key)
            if reason and UNSUPPORTED_TYPE.search(reason):
                skipped.append((f"{path}:{key}", f"chunkarr: {reason.removeprefix(PREFIX)}"))
            else:
                bad.append(f"{path}:{key}: not listed by chunkarr ({reason or 'it reads it when asked'})")
        elif isinstance(rec, tuple):
            if UNSUPPORTED_TYPE.search(rec[1]):
                skipped.append((f"{path}:{key}", f"chunkarr: {rec[1].removeprefix(PREFIX)}"))
            else:
                bad.append(f"{path}:{key}: chunkarr failed: {rec[1]}")
        else:
            compared += 1
            bad.extend(compare(rec, ref, f"{path}:{key}"))
    for key in sorted(set(records) - set(refs) - {""}):
        bad.append(f"{path}:{key}: listed by chunkarr but not a numeric variable of the reference")
    if "" in records and not any(isinstance(r, tuple) for k, r in records.items() if k):
        bad.append(f"{path}: `chunkarr stats FILE` failed, but every variable reads: {records[''][1]}")
    return compared, skipped, bad


def corpus_files(package):
    files = package_files(package)
    if files is None:
        pytest.skip(f"Debian package {package} is not installed (scripts/install-deps.sh)")
    chosen = [f for f in files if file_kind(f)]
    if not chosen:
        pytest.skip(f"{package} installs no NetCDF or HDF5 file")
    return chosen


@pytest.mark.parametrize("package", PACKAGES)
def test_corpus_matches_reference(exe, package, capsys):
    files = corpus_files(package)
    start = time.monotonic()
    # chunkarr runs in subprocesses: two files at a time keep both cores busy.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda f: check_file(exe, f), files))
    compared = sum(r[0] for r in results)
    skipped = [s for r in results for s in r[1]]
    bad = [b for r in results for b in r[2]]
    with capsys.disabled():
        print(f"\n{package}: {len(files)} files, {compared} variables compared, "
              f"{len(skipped)} skipped, {len(bad)} differences ({time.monotonic() - start:.1f} s)")
        for what, reason in skipped:
            print(f"  skipped {what}: {reason}")
    assert not bad, f"{len(bad)} differences from the reference:\n" + "\n".join(bad[:60])
