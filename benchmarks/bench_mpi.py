#!/usr/bin/python3
"""`chunkarr stats` across MPI ranks vs threads on one machine (issue 15, point 6).

    bench_mpi.py [--exe build/chunkarr] [--dir /tmp/chunkarr-bench] [--size-mb 1024]
                 [--compression gzip] [--dtype float64] [--repeat 3]

On the stats benchmark's file (bench_stats_vs_dask.py makes or reuses it), best of --repeat
wall times, process start included, of:
  * 1 rank x 1 thread:  `chunkarr stats FILE:/t2m --threads 1`
  * 2 ranks x 1 thread: `mpirun --oversubscribe --bind-to none -n 2 chunkarr stats FILE:/t2m
    --threads 1` (unpinned, as the threads are: on a shared machine a pinned rank waits for
    its core while the other core is free)
  * 1 rank x 2 threads: `chunkarr stats FILE:/t2m --threads 2`
and mpirun's own start-up cost, measured apart: the same two ways (mpirun -n 2 vs one
process) on a tiny file (one 8-value chunk), whose work is nothing.
Prints the speed-ups over 1 x 1 and the ratio ranks / threads (2 x 1 over 1 x 2), with and
without the start-up cost; the issue's target is ranks at most 10 % over threads (ratio
<= 1.10), printed PASS or MISS. The JSON of every run must be byte-identical (exit status 1
otherwise, or when a run fails). Open MPI's consent to run as root is given to mpirun's
environment only.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

from bench_stats_vs_dask import REPO, ensure_file, verdict

TARGET_RANKS_OVER_THREADS = 1.10


def mpi_env():
    env = dict(os.environ)
    env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_btl_vader_single_copy_mechanism="none")
    return env


def best_of(cmd, repeat):
    """(best wall seconds, stdout) of `repeat` runs of `cmd`; every run's stdout the same."""
    best, output = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, env=mpi_env())
        seconds = time.perf_counter() - t0
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, cmd))} exited {p.returncode}: {p.stderr.decode()}")
        if output is not None and p.stdout != output:
            raise RuntimeError(f"{' '.join(map(str, cmd))}: output differs between runs")
        best, output = min(best, seconds), p.stdout
    return best, output


def layouts(exe, mpirun, target):
    """The three ways to run, by (ranks, threads)."""
    stats = [exe, "stats", target, "--format", "json", "--no-progress"]
    return {(1, 1): [*stats, "--threads", "1"],
            (2, 1): [mpirun, "--oversubscribe", "--bind-to", "none", "-n", "2", *stats, "--threads", "1"],
            (1, 2): [*stats, "--threads", "2"]}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--exe", default=os.environ.get("CHUNKARR_EXE", str(REPO / "build" / "chunkarr")))
    ap.add_argument("--dir", default="/tmp/chunkarr-bench")
    ap.add_argument("--size-mb", type=float, default=1024.0)
    ap.add_argument("--compression", choices=["none", "gzip"], default="gzip")
    ap.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    mpirun = shutil.which("mpirun")
    if mpirun is None:
        sys.exit("bench_mpi: mpirun (openmpi-bin) is not installed")
    os.makedirs(args.dir, exist_ok=True)
    path = ensure_file(args.dir, args.size_mb, args.compression, args.dtype)

    times, outputs = {}, {}
    for layout, cmd in layouts(args.exe, mpirun, f"{path}:/t2m").items():
        times[layout], outputs[layout] = best_of(cmd, args.repeat)
        print(f"{layout[0]} rank(s) x {layout[1]} thread(s): {times[layout]:.3f} s", flush=True)
    if len(set(outputs.values())) != 1:
        print("FAIL: the outputs differ between ranks and threads", file=sys.stderr)
        return 1

    # mpirun's start-up: the same runs on a file with nothing to do.
    with tempfile.TemporaryDirectory() as tiny_dir:
        tiny = Path(tiny_dir) / "tiny.h5"
        with h5py.File(tiny, "w") as f:
            f.create_dataset("t2m", data=np.arange(8.0), chunks=(8,))
        tiny_runs = layouts(args.exe, mpirun, f"{tiny}:/t2m")
        alone, _ = best_of(tiny_runs[(1, 1)], args.repeat)
        ranks, _ = best_of(tiny_runs[(2, 1)], args.repeat)
    startup = max(ranks - alone, 0.0)

    one = times[(1, 1)]
    ratio = times[(2, 1)] / times[(1, 2)]
    ratio_net = (times[(2, 1)] - startup) / times[(1, 2)]
    print()
    print(f"file: {path} ({args.compression}, {os.path.getsize(path) / 1e6:.0f} MB on disk)")
    print(f"mpirun start-up (2 ranks, tiny file): {startup:.3f} s "
          f"({ranks:.3f} s under mpirun, {alone:.3f} s alone)")
    print(f"speed-up over 1 x 1: 2 ranks x 1 thread {one / times[(2, 1)]:.2f}x, "
          f"1 rank x 2 threads {one / times[(1, 2)]:.2f}x")
    print(f"ranks / threads (2 x 1 over 1 x 2): {ratio:.3f} with mpirun's start-up, "
          f"{ratio_net:.3f} without")
    # (verdict(a, b): PASS when a >= b, here the target >= the ratio.)
    print(f"target ranks <= {TARGET_RANKS_OVER_THREADS:.2f} x threads: {ratio:.3f} "
          f"{verdict(TARGET_RANKS_OVER_THREADS, ratio)}; without the start-up {ratio_net:.3f} "
          f"{verdict(TARGET_RANKS_OVER_THREADS, ratio_net)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
