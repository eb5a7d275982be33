#!/usr/bin/python3
"""chunkarr's lazy matmul vs dask.array's on the same in-memory NumPy operands.

    bench_matmul_vs_dask.py [--n 2000] [--chunk 500] [--dtype float64] [--repeat 3]
                            [--threads N] [--blas-threads-list 1,2]

Both sides wrap the same C-contiguous NumPy arrays (no copy) in (chunk x chunk) blocks and
compute `a @ b` to a NumPy array; best of --repeat wall times. Dask runs its threaded
scheduler (each block product a NumPy/BLAS call). chunkarr runs one BLAS gemm per
(output block, summed piece) on its own threads with BLAS held to one thread inside tasks;
each --blas-threads-list entry is run in a subprocess with CHUNKARR_BLAS_THREADS set, to
measure what letting BLAS thread inside tasks would do. NumPy's own a @ b (one BLAS call,
BLAS's threads) is printed for scale. Results must agree with NumPy (rtol 1e-10 for float64,
1e-4 for float32); exit status 1 when they do not.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def child(args):
    sys.path.insert(0, os.environ.get("CHUNKARR_PYTHONPATH", str(REPO / "build" / "python")))
    import chunkarr as ca
    rng = np.random.default_rng(0)
    a = rng.standard_normal((args.n, args.n)).astype(args.dtype)
    b = rng.standard_normal((args.n, args.n)).astype(args.dtype)
    x, y = ca.from_array(a, chunks=args.chunk), ca.from_array(b, chunks=args.chunk)
    seconds, result = best(lambda: (x @ y).compute(threads=args.threads), args.repeat)
    expected = a @ b
    rtol = 1e-10 if args.dtype == "float64" else 1e-4
    ok = bool(np.allclose(result, expected, rtol=rtol, atol=rtol * args.n))
    print(json.dumps({"seconds": seconds, "ok": ok, "blas": ca._chunkarr.blas_name()}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--dtype", default="float64", choices=["float32", "float64"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="chunkarr and dask threads (0: all cores)")
    parser.add_argument("--blas-threads-list", default="1")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    import dask
    import dask.array as da
    rng = np.random.default_rng(0)
    a = rng.standard_normal((args.n, args.n)).astype(args.dtype)
    b = rng.standard_normal((args.n, args.n)).astype(args.dtype)
    expected = a @ b
    threads = args.threads or os.cpu_count()
    flops = 2.0 * args.n ** 3
    print(f"a @ b, {args.n}x{args.n} {args.dtype}, chunks {args.chunk}x{args.chunk}, {threads} threads, "
          f"best of {args.repeat}")

    numpy_s, _ = best(lambda: a @ b, args.repeat)
    print(f"  numpy (one BLAS call)        {numpy_s:8.3f} s  {flops / numpy_s / 1e9:7.2f} GFLOP/s")

    x, y = da.from_array(a, chunks=args.chunk), da.from_array(b, chunks=args.chunk)
    with dask.config.set(scheduler="threads", num_workers=threads):
        dask_s, got = best(lambda: (x @ y).compute(), args.repeat)
    rtol = 1e-10 if args.dtype == "float64" else 1e-4
    failed = not np.allclose(got, expected, rtol=rtol, atol=rtol * args.n)
    print(f"  dask.array                   {dask_s:8.3f} s  {flops / dask_s / 1e9:7.2f} GFLOP/s")

    for blas_threads in [int(t) for t in args.blas_threads_list.split(",")]:
        env = dict(os.environ, CHUNKARR_BLAS_THREADS=str(blas_threads))
        command = [sys.executable, __file__, "--child", "--n", str(args.n), "--chunk", str(args.chunk), "--dtype",
                   args.dtype, "--repeat", str(args.repeat), "--threads", str(args.threads)]
        out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
        run = json.loads(out.strip().splitlines()[-1])
        failed = failed or not run["ok"]
        print(f"  chunkarr (BLAS threads {blas_threads})    {run['seconds']:8.3f} s  "
              f"{flops / run['seconds'] / 1e9:7.2f} GFLOP/s  dask/chunkarr = {dask_s / run['seconds']:.2f}"
              f"{'' if run['ok'] else '  RESULT MISMATCH'}")
    print(f"  BLAS: {run['blas']}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
