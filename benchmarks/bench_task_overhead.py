#!/usr/bin/python3
"""Per-task cost: chunkarr vs Dask on the same graph, in one run (issue 5).

The graph is ones(shape, chunks=(1, 1)).sum() with N one-element chunks: no arithmetic to
speak of, so the time is the scheduler's. chunkarr: build_chunkarr/chunkarr_task_overhead
(build + optimize + plan timed apart from the run). Dask: da.ones(..., chunks=(1, 1)).sum()
with the threaded scheduler, graph construction and compute timed apart.

    /usr/bin/python3 benchmarks/bench_task_overhead.py                  # 10k and 1M for chunkarr,
                                                                         # 10k and 100k for Dask
    /usr/bin/python3 benchmarks/bench_task_overhead.py --dask-sizes 10000,100000,1000000
"""
import argparse
import json
import subprocess
import time
from pathlib import Path

import dask
import dask.array as da

REPO = Path(__file__).resolve().parents[1]
TARGET_US = 5.0
TARGET_BUILD_S = 2.0


def shape_of(n):
    columns = 1000 if n >= 1000 else n
    return (n // columns, columns)


def run_chunkarr(tool, sizes, threads):
    cmd = [str(tool)] + [a for n in sizes for a in ("--chunks", str(n))]
    if threads:
        cmd += ["--threads", str(threads)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def run_dask(n, threads):
    t0 = time.perf_counter()
    total = da.ones(shape_of(n), chunks=(1, 1)).sum()
    graph_tasks = len(total.__dask_graph__())
    t1 = time.perf_counter()
    value = total.compute(scheduler="threads", num_workers=threads or None)
    t2 = time.perf_counter()
    assert value == n, value
    return {"chunks": n, "tasks": graph_tasks, "build_s": t1 - t0, "run_s": t2 - t1,
            "us_per_task": (t2 - t1) / graph_tasks * 1e6}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tool", default=str(REPO / "build" / "chunkarr_task_overhead"))
    ap.add_argument("--sizes", default="10000,1000000", help="chunk counts for chunkarr")
    ap.add_argument("--dask-sizes", default="10000,100000",
                    help="chunk counts for Dask (1M takes minutes and GBs of memory there)")
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    dask_sizes = [int(s) for s in args.dask_sizes.split(",")]

    ours = run_chunkarr(args.tool, sizes, args.threads)
    theirs = [run_dask(n, args.threads) for n in dask_sizes]

    print(f"ones(shape, chunks=(1, 1)).sum(); dask {dask.__version__}, threads: {args.threads or 'default'}")
    print(f"{'engine':<9} {'chunks':>9} {'tasks':>9} {'build+opt s':>12} {'run s':>9} {'us/task':>9}")
    for r in ours:
        print(f"{'chunkarr':<9} {r['chunks']:>9} {r['tasks']:>9} {r['build_optimize_s']:>12.4f} {r['run_s']:>9.3f} "
              f"{r['us_per_task']:>9.2f}")
    for r in theirs:
        print(f"{'dask':<9} {r['chunks']:>9} {r['tasks']:>9} {r['build_s']:>12.4f} {r['run_s']:>9.3f} "
              f"{r['us_per_task']:>9.2f}")
    by_n = {r["chunks"]: r for r in ours}
    for d in theirs:
        if d["chunks"] in by_n:
            c = by_n[d["chunks"]]
            print(f"{d['chunks']} chunks: dask/chunkarr run time = {d['run_s'] / c['run_s']:.0f}x")
    worst = max(r["us_per_task"] for r in ours)
    build = max(r["build_optimize_s"] for r in ours)
    print()
    print("issue 5 targets:")
    print(f"  us per task (worst size)        : {worst:8.2f}  (target <= {TARGET_US:g})  "
          f"{'PASS' if worst <= TARGET_US else 'MISS'}")
    print(f"  build + optimize, largest graph : {build:8.4f} s (target < {TARGET_BUILD_S:g} s)  "
          f"{'PASS' if build < TARGET_BUILD_S else 'MISS'}")


if __name__ == "__main__":
    main()
