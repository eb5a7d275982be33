#!/usr/bin/python3
"""`chunkarr stats` vs `cdo timmean`, `cdo infon` and xarray+Dask on one NetCDF-4 file (issue 4).

    bench_netcdf.py [--exe build/chunkarr] [--dir /tmp/chunkarr-bench-nc] [--size-mb 1024]
                    [--chunks 8,256,256] [--repeat 3] [--threads N] [--cdo cdo]

The file (made here with netCDF4-python, reused when its stored parameters match) is a
NetCDF-4 file with t2m(time UNLIMITED, lat 721, lon 1440) float32, zlib complevel 1 +
shuffle, chunks --chunks, `_FillValue` 1e20 with ~0.05 % of the values set to it, and
time/lat/lon coordinate variables; written one time-chunk slab at a time.

Timed in one run, best of --repeat wall times each (process start and file open included):
  * chunkarr: `chunkarr stats FILE:t2m --format json --no-progress`, and the same job as
              cdo timmean: `chunkarr stats FILE:t2m --axis time --stats mean -o OUT.nc`
  * CDO:      `cdo -s timmean FILE OUT.nc` (OUT removed after each run) and
              `cdo -s infon FILE > /dev/null`
  * xarray+Dask: `xr.open_dataset(FILE, chunks=<the storage chunks>)`, then count, min, max,
              mean, std, sum of t2m in one `dask.compute` (threaded scheduler; mean/std/sum
              accumulated in float64)
chunkarr and xarray must agree (count exactly, the rest to rtol 1e-6). Targets (issue 4):
cdo timmean / chunkarr >= 5 and xarray+Dask / chunkarr >= 4, printed as PASS/MISS.
Exit status 1 when a tool fails or the results disagree; a MISS alone leaves it 0.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
from make_sample import field, parse_chunks  # noqa: E402  (same synthetic field, same --chunks syntax)

GRID = (721, 1440)
FILL = np.float32(1e20)
FILL_FRACTION = 0.0005
RTOL = 1e-6
TARGET_CDO = 5.0
TARGET_XARRAY = 4.0
VERSION = 1


def file_params(size_mb, chunks):
    return {"size_mb": float(size_mb), "chunks": list(chunks), "grid": list(GRID),
            "dtype": "float32", "zlib": 1, "shuffle": True, "fill": float(FILL),
            "fill_fraction": FILL_FRACTION, "seed": 0, "version": VERSION}


def ensure_file(directory, size_mb, chunks):
    import netCDF4

    tag = "x".join(str(c) for c in chunks)
    path = Path(directory) / f"t2m_{size_mb:g}mb_nc4_zlib1_shuffle_{tag}_f32.nc"
    want = file_params(size_mb, chunks)
    if path.exists():
        try:
            with netCDF4.Dataset(str(path)) as d:
                if json.loads(d.getncattr("chunkarr_bench")) == want:
                    print(f"reusing {path}", flush=True)
                    return path
        except Exception:
            pass
        print(f"parameters differ, regenerating {path}", flush=True)
    t_start = time.perf_counter()
    nlat, nlon = GRID
    step_bytes = nlat * nlon * 4
    nt = max(1, int(round(size_mb * 2**20 / step_bytes)))
    ct, cy, cx = min(chunks[0], nt), min(chunks[1], nlat), min(chunks[2], nlon)
    lat = np.linspace(90.0, -90.0, nlat)
    lon = np.linspace(0.0, 360.0, nlon, endpoint=False)
    rng = np.random.default_rng(0)
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    n_fill = 0
    try:
        with netCDF4.Dataset(str(tmp), "w", format="NETCDF4") as d:
            d.setncattr("chunkarr_bench", json.dumps(want, sort_keys=True))
            d.setncattr("title", "chunkarr synthetic 2 m temperature (NetCDF-4 benchmark)")
            d.setncattr("Conventions", "CF-1.8")
            d.createDimension("time", None)
            d.createDimension("lat", nlat)
            d.createDimension("lon", nlon)
            tv = d.createVariable("time", "f8", ("time",))
            tv.units = "hours since 2020-01-01 00:00:00"
            tv.calendar = "proleptic_gregorian"
            lv = d.createVariable("lat", "f8", ("lat",))
            lv.units = "degrees_north"
            lv[:] = lat
            xv = d.createVariable("lon", "f8", ("lon",))
            xv.units = "degrees_east"
            xv[:] = lon
            v = d.createVariable("t2m", "f4", ("time", "lat", "lon"), fill_value=FILL,
                                 zlib=True, complevel=1, shuffle=True, chunksizes=(ct, cy, cx))
            v.units = "K"
            v.long_name = "2 metre temperature"
            v.standard_name = "air_temperature"
            v.set_auto_maskandscale(False)
            tv.set_auto_maskandscale(False)
            for t0 in range(0, nt, ct):
                t_idx = np.arange(t0, min(t0 + ct, nt), dtype=np.float64)
                slab = field(t_idx, lat, lon, np.float32, rng)
                flat = slab.reshape(-1)
                k = rng.binomial(flat.size, FILL_FRACTION)
                flat[rng.integers(0, flat.size, k)] = FILL
                n_fill += int(np.count_nonzero(flat == FILL))
                v[t0:t0 + len(t_idx), :, :] = slab
                tv[t0:t0 + len(t_idx)] = t_idx * 6.0
        os.replace(tmp, path)
    except BaseException:
        if tmp.exists():
            tmp.unlink()
        raise
    print(f"wrote {path}: t2m float32 {(nt, nlat, nlon)} chunks {(ct, cy, cx)} zlib(1)+shuffle, "
          f"{nt * step_bytes / 2**20:.1f} MiB logical, {path.stat().st_size / 2**20:.1f} MiB "
          f"on disk, {n_fill} fill values, {time.perf_counter() - t_start:.1f} s", flush=True)
    return path


GNU_TIME = "/usr/bin/time"


def timed(cmd, capture=False):
    """Run cmd; returns (seconds, peak RSS MiB or None, stdout bytes or None). Raises on failure.

    The peak RSS comes from GNU time (`/usr/bin/time -f %M`) when it exists: os.wait4 on a
    child of this process would report at least this process's own peak (fork, vfork and
    posix_spawn all carry the parent's high-water mark into the child's ru_maxrss), while
    GNU time's child starts from a small process."""
    cmd = [str(c) for c in cmd]
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out, \
            tempfile.NamedTemporaryFile(prefix="rss-", suffix=".txt") as rss_file:
        use_time = os.access(GNU_TIME, os.X_OK)
        full = [GNU_TIME, "-f", "%M", "-o", rss_file.name, *cmd] if use_time else cmd
        t0 = time.perf_counter()
        p = subprocess.run(full, stdin=subprocess.DEVNULL,
                           stdout=out if capture else subprocess.DEVNULL, stderr=err)
        secs = time.perf_counter() - t0
        if p.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: "
                               f"{err.read().decode(errors='replace').strip()[:2000]}")
        rss = None
        if use_time:
            try:
                rss = int(Path(rss_file.name).read_text().split()[-1]) / 1024.0
            except (ValueError, IndexError, OSError):
                rss = None
        text = None
        if capture:
            out.seek(0)
            text = out.read()
    return secs, rss, text


def best_of(repeat, fn):
    best, rss, res = float("inf"), None, None
    for _ in range(repeat):
        s, r, res = fn()
        best = min(best, s)
        if r is not None:
            rss = r if rss is None else max(rss, r)
    return best, rss, res


def run_chunkarr(exe, path, threads, repeat):
    cmd = [exe, "stats", f"{path}:t2m", "--format", "json", "--no-progress"]
    if threads:
        cmd += ["--threads", str(threads)]

    def one():
        s, rss, out = timed(cmd, capture=True)
        [rec] = json.loads(out)
        return s, rss, rec
    return best_of(repeat, one)


def run_chunkarr_timmean(exe, path, workdir, threads, repeat):
    """The same job as `cdo timmean`: the time mean of t2m written to a NetCDF-4 file."""
    out = Path(workdir) / f"chunkarr-timmean-{os.getpid()}.nc"
    cmd = [exe, "stats", f"{path}:t2m", "--axis", "time", "--stats", "mean", "-o", str(out), "--no-progress"]
    if threads:
        cmd += ["--threads", str(threads)]

    def one():
        try:
            s, rss, _ = timed(cmd)
        finally:
            if out.exists():
                out.unlink()
        return s, rss, None
    return best_of(repeat, one)


def run_cdo_timmean(cdo, path, workdir, repeat):
    out = Path(workdir) / f"timmean-{os.getpid()}.nc"

    def one():
        if out.exists():
            out.unlink()
        try:
            s, rss, _ = timed([cdo, "-s", "timmean", str(path), str(out)])
        finally:
            if out.exists():
                out.unlink()
        return s, rss, None
    return best_of(repeat, one)


def run_cdo_infon(cdo, path, repeat):
    return best_of(repeat, lambda: timed([cdo, "-s", "infon", str(path)]))


def run_xarray(path, chunks, threads, repeat):
    import dask
    import xarray as xr

    kw = {"scheduler": "threads"}
    if threads:
        kw["num_workers"] = threads

    def one():
        t0 = time.perf_counter()
        ds = xr.open_dataset(path, chunks={"time": chunks[0], "lat": chunks[1],
                                           "lon": chunks[2]})
        try:
            x = ds["t2m"]
            r = dask.compute(x.count(), x.min(), x.max(), x.mean(dtype="float64"),
                             x.std(dtype="float64"), x.sum(dtype="float64"), **kw)
        finally:
            ds.close()
        secs = time.perf_counter() - t0
        res = {"count": int(r[0].values)}
        res.update({k: float(v.values) for k, v in zip(["min", "max", "mean", "std", "sum"], r[1:])})
        return secs, None, res
    return best_of(repeat, one)


def compare(rec, ref, total):
    bad = []
    if rec.get("count") != ref["count"]:
        bad.append(f"count: chunkarr {rec.get('count')!r} xarray {ref['count']!r}")
    if rec.get("missing") != total - ref["count"]:
        bad.append(f"missing: chunkarr {rec.get('missing')!r} xarray {total - ref['count']!r}")
    for k in ("min", "max", "mean", "std", "sum"):
        got = rec.get(k)
        if got is None or not np.isclose(got, ref[k], rtol=RTOL, atol=0):
            bad.append(f"{k}: chunkarr {got!r} xarray {ref[k]!r}")
    return bad


def verdict(value, target):
    return "n/a" if value is None else ("PASS" if value >= target else "MISS")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--exe", default=os.environ.get("CHUNKARR_EXE", str(REPO / "build" / "chunkarr")))
    ap.add_argument("--dir", default="/tmp/chunkarr-bench-nc")
    ap.add_argument("--size-mb", type=float, default=1024.0,
                    help="logical size of t2m in MiB (default 1024)")
    ap.add_argument("--chunks", type=parse_chunks, default=(8, 256, 256),
                    help="storage chunks T,Y,X (default 8,256,256; e.g. 1,721,1440)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=None,
                    help="chunkarr --threads and Dask num_workers (default: each tool's own)")
    ap.add_argument("--cdo", default=shutil.which("cdo") or "cdo")
    args = ap.parse_args(argv)
    if not (os.path.isfile(args.exe) and os.access(args.exe, os.X_OK)):
        ap.error(f"chunkarr executable not found: {args.exe} (build it or pass --exe)")
    if args.threads is not None and args.threads < 1:
        ap.error("--threads must be >= 1")
    if args.repeat < 1:
        ap.error("--repeat must be >= 1")

    import dask
    import netCDF4
    import xarray as xr

    Path(args.dir).mkdir(parents=True, exist_ok=True)
    path = ensure_file(args.dir, args.size_mb, args.chunks)
    with netCDF4.Dataset(str(path)) as d:
        v = d["t2m"]
        shape, chunks = v.shape, tuple(v.chunking())
    total = int(np.prod(shape))
    logical = total * 4

    ok, rows = True, {}
    try:
        rows["chunkarr stats"] = run_chunkarr(args.exe, path, args.threads, args.repeat)
        print(f"done chunkarr: {rows['chunkarr stats'][0]:.3f} s", flush=True)
    except Exception as e:
        print(f"chunkarr failed: {e}", flush=True)
        return 1
    try:
        rows["chunkarr timmean"] = run_chunkarr_timmean(args.exe, path, args.dir, args.threads, args.repeat)
        print(f"done chunkarr timmean: {rows['chunkarr timmean'][0]:.3f} s", flush=True)
    except Exception as e:
        ok = False
        print(f"chunkarr timmean failed: {e}", flush=True)
    have_cdo = shutil.which(args.cdo) is not None
    if have_cdo:
        for name, fn in (("cdo timmean", lambda: run_cdo_timmean(args.cdo, path, args.dir, args.repeat)),
                         ("cdo infon", lambda: run_cdo_infon(args.cdo, path, args.repeat))):
            try:
                rows[name] = fn()
                print(f"done {name}: {rows[name][0]:.3f} s", flush=True)
            except Exception as e:
                ok = False
                print(f"{name} failed: {e}", flush=True)
    else:
        print(f"cdo not found ({args.cdo}): CDO rows skipped", flush=True)
    try:
        rows["xarray+dask"] = run_xarray(path, chunks, args.threads, args.repeat)
        print(f"done xarray+dask: {rows['xarray+dask'][0]:.3f} s", flush=True)
    except Exception as e:
        ok = False
        print(f"xarray+dask failed: {e}", flush=True)

    rec = rows["chunkarr stats"][2]
    if "xarray+dask" in rows:
        bad = compare(rec, rows["xarray+dask"][2], total)
        if bad:
            ok = False
            print("MISMATCH chunkarr vs xarray: " + "; ".join(bad), flush=True)
        else:
            print("chunkarr and xarray+dask agree (count exact, min/max/mean/std/sum "
                  f"rtol {RTOL:g})", flush=True)

    t_ca = rows["chunkarr stats"][0]
    cdo_ver = ""
    if have_cdo:
        try:
            p = subprocess.run([args.cdo, "--version"], capture_output=True, text=True)
            m = re.search(r"version (\S+)", p.stdout + p.stderr)
            cdo_ver = m.group(1) if m else "?"
        except Exception:
            cdo_ver = "?"
    thr = args.threads if args.threads else f"default (dask: {os.cpu_count()} workers)"
    print()
    print(f"{path.name}: t2m float32 {shape}, chunks {chunks}, zlib(1)+shuffle, "
          f"{logical / 2**20:.0f} MiB logical, {path.stat().st_size / 2**20:.0f} MiB on disk")
    print(f"best of {args.repeat}; threads: {thr}; {os.cpu_count()} logical CPUs; "
          f"CDO {cdo_ver or 'n/a'}, xarray {xr.__version__}, dask {dask.__version__}, "
          f"netCDF4 {netCDF4.__version__} (libnetcdf {netCDF4.__netcdf4libversion__}); "
          f"warm page cache (not dropped: needs root)")
    hdr = f"{'tool':<16} {'seconds':>9} {'peer/chunkarr':>13} {'MB/s logical':>12} {'peak RSS MiB':>12}"
    print(hdr)
    print("-" * len(hdr))
    for name, (secs, rss, _) in rows.items():
        ratio = "" if name == "chunkarr stats" else f"{secs / t_ca:.2f}"
        rss_s = f"{rss:.0f}" if rss is not None else "-"
        print(f"{name:<16} {secs:>9.3f} {ratio:>13} {logical / secs / 1e6:>12.0f} {rss_s:>12}")
    print("(xarray+dask runs in this process: open_dataset + one dask.compute, no separate RSS;"
          f" peak RSS of the others {'by ' + GNU_TIME if os.access(GNU_TIME, os.X_OK) else 'n/a: no ' + GNU_TIME})")

    r_cdo = rows["cdo timmean"][0] / t_ca if "cdo timmean" in rows else None
    r_xr = rows["xarray+dask"][0] / t_ca if "xarray+dask" in rows else None
    fmt = lambda r: f"{r:6.2f}" if r is not None else "   n/a"  # noqa: E731
    print()
    print("issue 4 targets:")
    print(f"  cdo timmean / chunkarr  : {fmt(r_cdo)}  (target >= {TARGET_CDO:g})  "
          f"{verdict(r_cdo, TARGET_CDO)}")
    print(f"  xarray+dask / chunkarr  : {fmt(r_xr)}  (target >= {TARGET_XARRAY:g})  "
          f"{verdict(r_xr, TARGET_XARRAY)}")
    if "cdo infon" in rows:
        print(f"  (cdo infon / chunkarr   : {rows['cdo infon'][0] / t_ca:6.2f}, no target)")
    r_mean = (rows["cdo timmean"][0] / rows["chunkarr timmean"][0]
              if "cdo timmean" in rows and "chunkarr timmean" in rows else None)
    print("issue 14 target (the same job: the time mean written to NetCDF-4, "
          "`stats --axis time --stats mean -o OUT.nc` vs `cdo timmean`):")
    print(f"  cdo timmean / chunkarr timmean : {fmt(r_mean)}  (target >= {TARGET_CDO:g})  "
          f"{verdict(r_mean, TARGET_CDO)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
