#!/usr/bin/python3
"""`chunkarr stats` vs Dask on the same generated files, uncompressed and shuffle+gzip.

    bench_stats_vs_dask.py [--exe build/chunkarr] [--dir /tmp/chunkarr-bench]
                           [--size-mb 1024] [--repeat 3] [--threads N] [--dtype float64]
                           [--thread-list 1,2,4,8,16] [--decode-bench PATH]
                           [--decode-max-chunks N]

For each file (made by scripts/make_sample.py with --no-fill, so NaN is the only missing
value and both tools see the same data; reused when the parameters match):
  * chunkarr: `chunkarr stats FILE:/t2m --format json --no-progress` as a subprocess,
    best of --repeat wall times (process start, file open and output included);
  * Dask: `da.from_array(h5py_dataset, chunks=dataset.chunks)`, then
    nanmin/nanmax/nanmean/nanstd/nansum in one `dask.compute` on the threaded scheduler,
    best of --repeat wall times (the file is opened once, outside the timing).
The results must agree (rtol 1e-9). Runs are warm (page cache not dropped: that needs
root), so this measures decode + compute + scheduling, not disk.

In the same run (issue 3):
  * single-core decode throughput of the gzip file's real chunks with
    `chunkarr_decode_bench FILE:/t2m --codec zlib|libdeflate` (when that binary exists; best
    of --repeat); the machine's "decode limit" is the libdeflate figure x cores (--threads,
    else os.cpu_count());
  * thread scaling: `chunkarr stats --threads N` for N in {1, 2, cores} and --thread-list,
    on both files, speedup vs 1 thread (outputs must be bit-identical across N);
  * chunkarr's decompressed throughput on the gzip file at `cores` threads (logical bytes /
    wall seconds) as a fraction of the decode limit;
  * the issue's targets next to the measured values, PASS/MISS:
      dask/chunkarr >= 4 on the gzip file, >= 3 on the uncompressed one,
      chunkarr gzip throughput >= 0.7 x decode limit.
Exit status: 1 when results disagree (with Dask or across thread counts) or a tool fails;
a MISS alone does not change it.
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
TARGET_DASK_GZIP = 4.0
TARGET_DASK_NONE = 3.0
TARGET_DECODE_FRACTION = 0.7
# Issue 14: against Dask, and against the limit (chunkarr_limit_bench: pread + decode + the
# stats kernel on the same chunks, no engine, same threads).
TARGET14_DASK_GZIP = 12.0
TARGET14_DASK_NONE = 6.0
TARGET14_LIMIT_NONE = 0.5


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


def run_chunkarr(exe, path, threads, raw=False):
    """One run; returns (seconds, record, peak RSS in MiB) (+ the stdout text if raw)."""
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
        text = out.read().decode()
        [rec] = json.loads(text)
    if raw:
        return secs, rec, ru.ru_maxrss / 1024.0, text
    return secs, rec, ru.ru_maxrss / 1024.0


def run_decode_bench(bench, path, codec, repeat, max_chunks):
    """Best of `repeat` runs of `chunkarr_decode_bench PATH:/t2m --codec CODEC`.

    Returns the parsed JSON object of the fastest run plus "bytes_per_s" (computed from
    decompressed_bytes / seconds, so the MB convention of the tool does not matter), or
    {"error": message}.
    """
    cmd = [bench, f"{path}:/t2m", "--codec", codec]
    if max_chunks:
        cmd += ["--max-chunks", str(max_chunks)]
    best = None
    for _ in range(repeat):
        try:
            p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=3600)
        except (OSError, subprocess.TimeoutExpired) as e:
            return {"error": f"{' '.join(cmd)}: {e}"}
        if p.returncode != 0:
            return {"error": f"{' '.join(cmd)} exited {p.returncode}: "
                             f"{p.stderr.decode(errors='replace').strip()}"}
        try:
            r = json.loads(p.stdout)
            if r.get("seconds") and r.get("decompressed_bytes"):
                r["bytes_per_s"] = float(r["decompressed_bytes"]) / float(r["seconds"])
            else:
                r["bytes_per_s"] = float(r["decompressed_mb_per_s"]) * 1e6
        except (ValueError, TypeError, KeyError) as e:
            return {"error": f"{' '.join(cmd)}: unexpected output ({e}): {p.stdout[:500]!r}"}
        if best is None or r["bytes_per_s"] > best["bytes_per_s"]:
            best = r
    return best


def run_limit_bench(bench, path, threads, repeat, variable="/t2m"):
    """`chunkarr_limit_bench PATH:VARIABLE --threads N --repeat R`: the parsed JSON, or {"error"}."""
    cmd = [bench, f"{path}:{variable}", "--threads", str(threads), "--repeat", str(repeat)]
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as e:
        return {"error": f"{' '.join(cmd)}: {e}"}
    if p.returncode != 0:
        return {"error": f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.decode(errors='replace').strip()}"}
    return json.loads(p.stdout)


def parse_thread_list(s):
    try:
        v = [int(x) for x in s.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad --thread-list {s!r} (want e.g. 1,2,4,8,16)")
    if not v or min(v) < 1:
        raise argparse.ArgumentTypeError(f"bad --thread-list {s!r} (positive integers)")
    return v


def verdict(value, target):
    if value is None:
        return "n/a"
    return "PASS" if value >= target else "MISS"


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
    ap.add_argument("--thread-list", type=parse_thread_list, default=[],
                    help="extra chunkarr --threads values for the scaling table, e.g. "
                         "1,2,4,8,16 (1, 2 and the core count are always run)")
    ap.add_argument("--decode-bench", default=os.environ.get("CHUNKARR_DECODE_BENCH"),
                    help="chunkarr_decode_bench binary (default: next to --exe); skipped "
                         "when it does not exist")
    ap.add_argument("--limit-bench", default=os.environ.get("CHUNKARR_LIMIT_BENCH"),
                    help="chunkarr_limit_bench binary (default: next to --exe); the limit column "
                         "is n/a when it does not exist")
    ap.add_argument("--decode-max-chunks", type=int, default=None,
                    help="pass --max-chunks N to chunkarr_decode_bench")
    args = ap.parse_args(argv)
    if not (os.path.isfile(args.exe) and os.access(args.exe, os.X_OK)):
        ap.error(f"chunkarr executable not found: {args.exe} (build it or pass --exe)")
    if args.threads is not None and args.threads < 1:
        ap.error("--threads must be >= 1")
    if args.decode_max_chunks is not None and args.decode_max_chunks < 1:
        ap.error("--decode-max-chunks must be >= 1")
    bench = args.decode_bench or str(Path(args.exe).resolve().parent / "chunkarr_decode_bench")
    limit_bench = args.limit_bench or str(Path(args.exe).resolve().parent / "chunkarr_limit_bench")
    have_limit_bench = os.path.isfile(limit_bench) and os.access(limit_bench, os.X_OK)
    cores = args.threads or os.cpu_count() or 1
    thread_set = sorted({1, 2, cores, *args.thread_list})

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
        limit_s = None
        if have_limit_bench:
            r = run_limit_bench(limit_bench, path, args.threads or os.cpu_count() or 1, args.repeat)
            if "error" in r:
                ok = False
                print(f"limit bench failed: {r['error']}", flush=True)
            else:
                limit_s = r["seconds"]
        rows.append((path.name, path.stat().st_size / 2**20, min(times), t_dask,
                     t_dask / min(times), max(rss), "yes" if not bad else "NO",
                     limit_s / min(times) if limit_s else None))
        print(f"done {path.name}: chunkarr {min(times):.3f} s, dask {t_dask:.3f} s", flush=True)

    # ---- single-core decode throughput on the gzip file's real chunks
    decode = {}
    gzip_path = next((p for p, c in zip(files, args.compression) if c == "gzip"), None)
    have_bench = os.path.isfile(bench) and os.access(bench, os.X_OK)
    if gzip_path is not None and have_bench:
        for codec in ("zlib", "libdeflate", "isal"):
            decode[codec] = run_decode_bench(bench, gzip_path, codec, args.repeat,
                                             args.decode_max_chunks)
            if codec == "isal" and "no ISA-L" in decode[codec].get("error", ""):
                del decode[codec]   # ISA-L is optional (libisal-dev): the comparison skips it
                continue
            if "error" in decode[codec]:
                ok = False
                print(f"decode bench failed: {decode[codec]['error']}", flush=True)
            else:
                print(f"done decode bench {codec}: "
                      f"{decode[codec]['bytes_per_s'] / 1e6:.0f} MB/s", flush=True)

    # ---- thread scaling (chunkarr only); outputs must be bit-identical across thread counts
    scaling = {}
    for path in files:
        outs = {}
        for n in thread_set:
            best, text, rec = float("inf"), None, None
            for _ in range(args.repeat):
                s, rec, _, text = run_chunkarr(args.exe, path, n, raw=True)
                best = min(best, s)
            outs[n] = text
            scaling[(path.name, n)] = (best, rec)
            print(f"done {path.name} --threads {n}: {best:.3f} s", flush=True)
        differ = [n for n in thread_set if outs[n] != outs[thread_set[0]]]
        if differ:
            ok = False
            print(f"MISMATCH on {path.name}: output with --threads {differ} differs from "
                  f"--threads {thread_set[0]}", flush=True)

    thr = args.threads if args.threads else f"default (dask: {os.cpu_count()} workers)"
    print()
    print(f"chunkarr stats vs dask {dask.__version__}, h5py {h5py.__version__} "
          f"(HDF5 {h5py.version.hdf5_version}), best of {args.repeat}, threads: {thr}, "
          f"{os.cpu_count()} logical CPUs; warm page cache (not dropped: needs root)")
    hdr = (f"{'file':<46} {'MiB':>7} {'chunkarr s':>10} {'dask s':>8} {'dask/chunkarr':>13} {'of limit':>8} "
           f"{'ca RSS MiB':>10} {'agree':>5}")
    print(hdr)
    print("-" * len(hdr))
    for name, mib, tc, td, ratio, rss, agree, of_limit in rows:
        shown = f"{of_limit:8.2f}" if of_limit is not None else f"{'n/a':>8}"
        print(f"{name:<46} {mib:>7.0f} {tc:>10.3f} {td:>8.3f} {ratio:>13.2f} {shown} {rss:>10.0f} {agree:>5}")
    print("of limit: chunkarr_limit_bench's seconds (pread + decode + the stats kernel on the same chunks, "
          "no engine, same threads) / chunkarr's (process start included)")

    # ---- decode throughput
    limit = None
    print()
    if gzip_path is None:
        print("single-core decode throughput: skipped (no gzip file in --compression)")
    elif not have_bench:
        print(f"single-core decode throughput: skipped ({bench} not found; build the "
              f"chunkarr_decode_bench target or pass --decode-bench)")
    else:
        print(f"single-core decode throughput (inflate + unshuffle) of {gzip_path.name}'s "
              f"stored chunks, chunkarr_decode_bench, best of {args.repeat}:")
        hdr = f"{'codec':<11} {'chunks':>7} {'compr MB':>9} {'decompr MB':>10} {'s':>8} {'MB/s':>8}"
        print(hdr)
        print("-" * len(hdr))
        for codec, r in decode.items():
            if "error" in r:
                print(f"{codec:<11} failed: {r['error']}")
                continue
            print(f"{codec:<11} {r.get('chunks', 0):>7} {r.get('compressed_bytes', 0) / 1e6:>9.1f} "
                  f"{r.get('decompressed_bytes', 0) / 1e6:>10.1f} {r.get('seconds', 0):>8.3f} "
                  f"{r['bytes_per_s'] / 1e6:>8.0f}")
        good = {c: r for c, r in decode.items() if "error" not in r}
        if len(good) >= 2:
            fast, *slower = sorted(good, key=lambda c: -good[c]["bytes_per_s"])
            print(f"fastest: {fast} (" + ", ".join(
                f"{good[fast]['bytes_per_s'] / good[c]['bytes_per_s']:.2f}x {c}" for c in slower) + ")")
        if "libdeflate" in good:
            one = good["libdeflate"]["bytes_per_s"]
            limit = one * cores
            print(f"decode limit = libdeflate {one / 1e6:.0f} MB/s x {cores} cores = "
                  f"{limit / 1e6:.0f} MB/s")

    # ---- thread scaling
    print()
    print(f"chunkarr stats thread scaling (best of {args.repeat}; "
          f"{os.cpu_count()} logical CPUs):")
    hdr = f"{'file':<46} {'threads':>7} {'s':>8} {'speedup vs 1':>12} {'logical MB/s':>12}"
    print(hdr)
    print("-" * len(hdr))
    logical = {}
    inflated = {}   # bytes the decoder produces: every stored chunk whole, edge chunks included
    for path in files:
        with h5py.File(path, "r") as f:
            ds = f["t2m"]
            logical[path.name] = ds.size * ds.dtype.itemsize
            chunk_bytes = int(np.prod(ds.chunks)) * ds.dtype.itemsize if ds.chunks else 0
            inflated[path.name] = ds.id.get_num_chunks() * chunk_bytes if ds.chunks else logical[path.name]
        t1 = scaling[(path.name, 1)][0]
        for n in thread_set:
            s = scaling[(path.name, n)][0]
            print(f"{path.name:<46} {n:>7} {s:>8.3f} {t1 / s:>12.2f} "
                  f"{logical[path.name] / s / 1e6:>12.0f}")

    # ---- targets
    ratio = {c: r[4] for c, r in zip(args.compression, rows)}
    of_limit = {c: r[7] for c, r in zip(args.compression, rows)}
    fraction = None
    if gzip_path is not None:
        s = scaling[(gzip_path.name, cores)][0]
        # Same unit as the decode limit: bytes inflated per second (whole stored chunks).
        thru = inflated[gzip_path.name] / s
        thru_logical = logical[gzip_path.name] / s
        if limit:
            fraction = thru / limit
        print()
        print(f"chunkarr on {gzip_path.name} at {cores} threads: {thru / 1e6:.0f} MB/s inflated "
              f"(whole stored chunks / wall s; {thru_logical / 1e6:.0f} MB/s of logical data)"
              + (f" = {fraction:.2f} of the decode limit "
                 f"({thru_logical / limit:.2f} counting logical bytes only)" if fraction is not None else
                 " (decode limit unknown)"))
    print()
    for issue, targets in (("3", [("dask/chunkarr, shuffle+gzip(1) file", ratio.get("gzip"), TARGET_DASK_GZIP),
                                  ("dask/chunkarr, uncompressed file", ratio.get("none"), TARGET_DASK_NONE),
                                  ("fraction of decode limit (gzip)", fraction, TARGET_DECODE_FRACTION)]),
                           ("14", [("dask/chunkarr, shuffle+gzip(1) file", ratio.get("gzip"), TARGET14_DASK_GZIP),
                                   ("dask/chunkarr, uncompressed file", ratio.get("none"), TARGET14_DASK_NONE),
                                   ("fraction of the limit, uncompressed", of_limit.get("none"),
                                    TARGET14_LIMIT_NONE)])):
        print(f"issue {issue} targets:")
        for label, value, target in targets:
            shown = f"{value:6.2f}" if value is not None else "   n/a"
            print(f"  {label:<36}: {shown}  (target >= {target:g})  {verdict(value, target)}")
    if have_bench:
        index = run_index_bench(bench, Path(args.dir))
        if "error" in index:
            ok = False
            print(f"  chunk index of {INDEX_CHUNKS} chunks     : failed: {index['error']}")
        else:
            built = "built" if index.get("index_built") else "NOT built (chunks looked up one by one)"
            print(f"  chunk index of {index['index_chunks']} chunks   : {index['index_seconds']:6.3f} s, {built}  "
                  f"(target: well under 1 s)  {verdict(1.0 / max(index['index_seconds'], 1e-9), 2.0)}")
    return 0 if ok else 1


INDEX_CHUNKS = 100_000


def run_index_bench(bench, directory):
    """Time of building the chunk index of a 1-d dataset of INDEX_CHUNKS gzip chunks."""
    path = directory / f"index_{INDEX_CHUNKS}_chunks.h5"
    if not path.exists():
        with h5py.File(path, "w") as f:
            f.create_dataset("t2m", data=np.arange(INDEX_CHUNKS * 16, dtype="f8"), chunks=(16,),
                             compression="gzip", compression_opts=1, shuffle=True)
    return run_decode_bench(bench, path, "libdeflate", 1, 10)


if __name__ == "__main__":
    sys.exit(main())
