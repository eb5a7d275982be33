#!/usr/bin/python3
"""`chunkarr stats` vs Dask on the same generated files, uncompressed and shuffle+gzip.

    bench_stats_vs_dask.py [--exe build/chunkarr] [--dir /tmp/chunkarr-bench]
                           [--size-mb 1024] [--repeat 3] [--threads N] [--dtype float64]

For each file (made by scripts/make_sample.py with --no-fill, so NaN is the only missing
value and both tools see the same data; reused when the parameters match):
  * chunkarr: `chunkarr stats FILE:/t2m --format json --no-progress` as a subprocess,
    best of --repeat wall times (process start, file open and output included);
  * Dask: `da.from_array(h5py_dataset, chunks=dataset.chunks)`, then
    nanmin/nanmax/nanmean/nanstd/nansum in one `dask.compute` on the threaded scheduler,
    best of --repeat wall times (the file is opened once, outside the timing).
The results must agree (rtol 1e-9). Runs are warm (page cache not dropped: that needs
root), so this measures decode + compute + scheduling, not disk.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

REPO = Path(__file__).resolve().parents[1]
MAKE_SAMPLE = REPO / "scripts" / "make_sample.py"
CHUNKS = "8,256,256"
RTOL = 1e-9


def sample_params(size_mb, compression, dtype):
    # must mirror scripts/make_sample.py:params_of() for the options we pass
    return {"size_mb": float(size_mb), "compression": compression,
            "chunks": [int(c) for c in CHUNKS.split(",")], "dtype": dtype, "fill": False,
            "grid": [721, 1440], "gzip_level": 1, "seed": 0, "version": 1}


def ensure_file(directory, size_mb, compression, dtype):
    path = Path(directory) / f"t2m_{size_mb:g}mb_{compression}_{CHUNKS.replace(',', 'x')}_{dtype}_nofill.h5"
    want = sample_params(size_mb, compression, dtype)
    if path.exists():
        try:
            with h5py.File(path, "r") as f:
                have = json.loads(f.attrs["make_sample"])
            if have == want:
                print(f"reusing {path}", flush=True)
                return path
        except Exception:
            pass
        print(f"parameters differ, regenerating {path}", flush=True)
    cmd = [sys.executable, str(MAKE_SAMPLE), str(path), "--size-mb", f"{size_mb:g}",
           "--compression", compression, "--chunks", CHUNKS, "--dtype", dtype, "--no-fill"]
    subprocess.run(cmd, check=True)
    return path


def run_chunkarr(exe, path, threads):
    """One run; returns (seconds, record, peak RSS in MiB)."""
    cmd = [exe, "stats", f"{path}:/t2m", "--format", "json", "--no-progress"]
    if threads:
        cmd += ["--threads", str(threads)]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        secs = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {err.read().decode()}")
        [rec] = json.loads(out.read())
    return secs, rec, ru.ru_maxrss / 1024.0


def run_dask(path, threads, repeat):
    import dask
    import dask.array as da

    best, res = float("inf"), None
    with h5py.File(path, "r") as f:
        ds = f["t2m"]
        x = da.from_array(ds, chunks=ds.chunks)
        kw = {"scheduler": "threads"}
        if threads:
            kw["num_workers"] = threads
        for _ in range(repeat):
            t0 = time.perf_counter()
            r = dask.compute(da.nanmin(x), da.nanmax(x), da.nanmean(x), da.nanstd(x),
                             da.nansum(x), **kw)
            best = min(best, time.perf_counter() - t0)
            res = dict(zip(["min", "max", "mean", "std", "sum"], (float(v) for v in r)))
    return best, res


def compare(rec, ref):
    bad = []
    for k, v in ref.items():
        got = rec.get(k)
        if got is None or not np.isclose(got, v, rtol=RTOL, atol=0):
            bad.append(f"{k}: chunkarr {got!r} dask {v!r}")
    return bad


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--exe", default=os.environ.get("CHUNKARR_EXE", str(REPO / "build" / "chunkarr")))
    ap.add_argument("--dir", default="/tmp/chunkarr-bench")
    ap.add_argument("--size-mb", type=float, default=1024.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=None,
                    help="passed to both (chunkarr --threads, dask num_workers); "
                         "default: each tool's own default")
    ap.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    ap.add_argument("--compression", nargs="+", choices=["none", "gzip"], default=["none", "gzip"])
    args = ap.parse_args(argv)
    if not (os.path.isfile(args.exe) and os.access(args.exe, os.X_OK)):
        ap.error(f"chunkarr executable not found: {args.exe} (build it or pass --exe)")
    if args.threads is not None and args.threads < 1:
        ap.error("--threads must be >= 1")

    import dask
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    files = [ensure_file(args.dir, args.size_mb, c, args.dtype) for c in args.compression]

    rows, ok = [], True
    for path in files:
        times, rss = [], []
        for _ in range(args.repeat):
            s, rec, mib = run_chunkarr(args.exe, path, args.threads)
            times.append(s)
            rss.append(mib)
        t_dask, ref = run_dask(path, args.threads, args.repeat)
        bad = compare(rec, ref)
        if bad:
            ok = False
            print(f"MISMATCH on {path.name}: " + "; ".join(bad), flush=True)
        rows.append((path.name, path.stat().st_size / 2**20, min(times), t_dask,
                     t_dask / min(times), max(rss), "yes" if not bad else "NO"))
        print(f"done {path.name}: chunkarr {min(times):.3f} s, dask {t_dask:.3f} s", flush=True)

    thr = args.threads if args.threads else f"default (dask: {os.cpu_count()} workers)"
    print()
    print(f"chunkarr stats vs dask {dask.__version__}, h5py {h5py.__version__} "
          f"(HDF5 {h5py.version.hdf5_version}), best of {args.repeat}, threads: {thr}, "
          f"{os.cpu_count()} logical CPUs; warm page cache (not dropped: needs root)")
    hdr = f"{'file':<46} {'MiB':>7} {'chunkarr s':>10} {'dask s':>8} {'dask/chunkarr':>13} {'ca RSS MiB':>10} {'agree':>5}"
    print(hdr)
    print("-" * len(hdr))
    for name, mib, tc, td, ratio, rss, agree in rows:
        print(f"{name:<46} {mib:>7.0f} {tc:>10.3f} {td:>8.3f} {ratio:>13.2f} {rss:>10.0f} {agree:>5}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
