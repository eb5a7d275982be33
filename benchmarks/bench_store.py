#!/usr/bin/python3
"""Writing one array to HDF5 with shuffle+gzip: chunkarr's store vs h5py vs Dask.

    bench_store.py [--size-mb 256] [--chunks 16,256,256] [--level 4] [--repeat 3]
                   [--threads N] [--dir /tmp/chunkarr-bench-store] [--dtype float32]

The same in-memory NumPy array (a smooth temperature-like field with noise, rounded to 0.01 so
it compresses like real data) is written to a new file, same chunks and filters, by
  * chunkarr: ca.from_array(a, chunks).to_hdf5(path, "x", compression="gzip", ...) (all cores,
    and once more with threads=1);
  * h5py: f.create_dataset("x", data=a, chunks=..., compression="gzip", shuffle=True);
  * Dask: da.from_array(a, chunks).to_hdf5(path, "/x", compression="gzip", shuffle=True)
    (threaded scheduler; HDF5 compresses under its lock).
Best of --repeat wall times; every file is read back with h5py and compared to the array. Prints
seconds, the CPU seconds of that run (all threads; less sensitive to a busy machine), MiB/s
(uncompressed bytes), file size and `tool s / chunkarr s` (> 1: chunkarr faster).
"""
import argparse
import os
import sys
import time
from pathlib import Path

import h5py
import numpy as np

REPO = Path(__file__).resolve().parents[1]


def import_chunkarr():
    path = os.environ.get("CHUNKARR_PYTHONPATH", str(REPO / "build" / "python"))
    sys.path.insert(0, path)
    import chunkarr
    return chunkarr


def sample(size_mb, chunks, dtype):
    itemsize = np.dtype(dtype).itemsize
    ny, nx = 512, 512
    nt = max(1, int(size_mb * 2**20 / (ny * nx * itemsize)))
    rng = np.random.default_rng(1)
    y = np.linspace(-1, 1, ny)[:, None]
    x = np.linspace(-1, 1, nx)[None, :]
    base = 280 + 20 * np.cos(3 * y) + 5 * np.sin(4 * x)
    a = np.empty((nt, ny, nx), dtype=dtype)
    for t in range(nt):
        a[t] = np.round(base + 2 * np.sin(t / 10) + rng.normal(0, 0.5, (ny, nx)), 2)
    return a


def best(repeat, fn):
    """Best wall time and the CPU time (all threads of this process) of that run."""
    runs = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        runs.append((time.perf_counter() - start, time.process_time() - cpu))
    return min(runs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size-mb", type=float, default=256)
    ap.add_argument("--chunks", default="16,256,256")
    ap.add_argument("--level", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--dtype", default="float32")
    ap.add_argument("--dir", default="/tmp/chunkarr-bench-store")
    args = ap.parse_args()

    ca = import_chunkarr()
    import dask
    import dask.array as da

    chunks = tuple(int(c) for c in args.chunks.split(","))
    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    a = sample(args.size_mb, chunks, args.dtype)
    chunks = tuple(min(c, s) for c, s in zip(chunks, a.shape))
    mb = a.nbytes / 2**20
    threads = args.threads or ca._chunkarr.physical_cores()
    print(f"array {a.shape} {a.dtype} ({mb:.0f} MiB), chunks {chunks}, gzip {args.level} + shuffle, "
          f"best of {args.repeat}, {threads} thread(s), {os.cpu_count()} CPUs")

    def remove(p):
        if p.exists():
            p.unlink()

    runs = {}

    def chunkarr_run(n):
        p = out / f"chunkarr_{n}.h5"
        x = ca.from_array(a, chunks=chunks)

        def go():
            remove(p)
            x.to_hdf5(p, "x", compression="gzip", compression_opts=args.level, threads=n)
        return p, best(args.repeat, go)

    def h5py_run():
        p = out / "h5py.h5"

        def go():
            with h5py.File(p, "w") as f:
                f.create_dataset("x", data=a, chunks=chunks, compression="gzip", compression_opts=args.level,
                                 shuffle=True)
        return p, best(args.repeat, go)

    def dask_run():
        p = out / "dask.h5"
        d = da.from_array(a, chunks=chunks)

        def go():
            remove(p)
            with dask.config.set(scheduler="threads", num_workers=threads):
                d.to_hdf5(str(p), "/x", compression="gzip", compression_opts=args.level, shuffle=True)
        return p, best(args.repeat, go)

    runs[f"chunkarr ({threads} threads)"] = chunkarr_run(threads)
    if threads != 1:
        runs["chunkarr (1 thread)"] = chunkarr_run(1)
    runs["h5py"] = h5py_run()
    runs[f"dask ({threads} workers)"] = dask_run()

    ok = True
    reference = next(iter(runs.values()))[1][0]
    print(f"{'writer':28} {'seconds':>8} {'cpu s':>7} {'MiB/s':>8} {'file MiB':>9} {'s / chunkarr s':>15}")
    for name, (p, (seconds, cpu)) in runs.items():
        with h5py.File(p, "r") as f:
            same = np.array_equal(f["x"][()], a)
            ok &= same
        size = p.stat().st_size / 2**20
        print(f"{name:28} {seconds:8.3f} {cpu:7.2f} {mb / seconds:8.1f} {size:9.1f} {seconds / reference:15.2f}"
              f"{'' if same else '  MISMATCH'}")
    for p, _ in runs.values():
        remove(p)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
