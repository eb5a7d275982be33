#!/usr/bin/python3
"""Exact median and percentiles of an HDF5 dataset: chunkarr vs h5py+NumPy vs Dask.

    bench_quantile.py [--size-mb 256] [--repeat 3] [--threads N] [--dir /tmp/chunkarr-bench-quantile]

One float64 dataset (time, y, x), chunks (8, 128, 128), uncompressed, written once. Measured
in one run, best of --repeat:
  * whole-array median (axis=None) and the 1st/99th percentiles:
      chunkarr  ca.open(...).median() / ca.percentile(x, [1, 99]): exact, out of core;
      NumPy     h5py reads it all into memory, then np.median / np.percentile (exact);
      Dask      da.percentile on the flattened array: approximate (its answer's error is
                printed), since dask's quantile(axis=None) is not implemented;
  * the median along time (axis=0): chunkarr vs NumPy vs Dask (da.median, which needs the
    time axis in one chunk: rechunked first, as a Dask user must).
Prints seconds and `tool s / chunkarr s` (> 1: chunkarr faster), and checks chunkarr's answers
against NumPy's bit for bit.
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
    sys.path.insert(0, os.environ.get("CHUNKARR_PYTHONPATH", str(REPO / "build" / "python")))
    import chunkarr
    return chunkarr


def ensure_file(directory, size_mb):
    path = Path(directory) / f"quantile_{size_mb:g}mb.h5"
    shape = (max(8, int(size_mb * 2**20 / (512 * 512 * 8))), 512, 512)
    if path.exists():
        with h5py.File(path, "r") as f:
            if f["x"].shape == shape:
                return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    with h5py.File(path, "w") as f:
        ds = f.create_dataset("x", shape=shape, dtype="f8", chunks=(8, 128, 128))
        for t in range(shape[0]):
            ds[t] = 280 + 15 * rng.standard_normal((512, 512)) + t * 0.01
    return path


def best(repeat, fn):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=float, default=256.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--dir", default="/tmp/chunkarr-bench-quantile")
    args = ap.parse_args(argv)
    ca = import_chunkarr()
    import dask
    import dask.array as da

    path = ensure_file(args.dir, args.size_mb)
    workers = args.threads or os.cpu_count()
    compute = {} if args.threads is None else {"threads": args.threads}

    def numpy_all():
        with h5py.File(path, "r") as f:
            a = f["x"][()]
        return np.median(a), np.percentile(a, [1, 99])

    def chunkarr_all():
        x = ca.open(str(path), "x")
        m, p = ca.compute(x.median(), ca.percentile(x, [1, 99]), **compute)
        return m, p

    def dask_all():
        f = h5py.File(path, "r")
        x = da.from_array(f["x"], chunks=(8, 128, 128)).ravel()
        m, p = dask.compute(da.percentile(x, [50]), da.percentile(x, [1, 99]), scheduler="threads",
                            num_workers=workers)
        f.close()
        return m[0], p

    def numpy_axis0():
        with h5py.File(path, "r") as f:
            return np.median(f["x"][()], axis=0)

    def chunkarr_axis0():
        return ca.open(str(path), "x").median(axis=0).compute(**compute)

    def dask_axis0():
        f = h5py.File(path, "r")
        x = da.from_array(f["x"], chunks=(8, 128, 128)).rechunk((-1, 32, 32))
        out = da.median(x, axis=0).compute(scheduler="threads", num_workers=workers)
        f.close()
        return out

    rows, ok = [], True
    t_np, (m_np, p_np) = best(args.repeat, numpy_all)
    t_ca, (m_ca, p_ca) = best(args.repeat, chunkarr_all)
    t_da, (m_da, p_da) = best(args.repeat, dask_all)
    exact = m_ca == m_np and np.array_equal(p_ca, p_np)
    ok &= exact
    rows.append(("median + p1/p99, axis=None", t_ca, t_np, t_da,
                 f"exact={exact}; dask error: median {abs(m_da - m_np):.3g}, "
                 f"p1/p99 {np.max(np.abs(np.asarray(p_da) - p_np)):.3g}"))
    t_np, r_np = best(args.repeat, numpy_axis0)
    t_ca, r_ca = best(args.repeat, chunkarr_axis0)
    t_da, r_da = best(args.repeat, dask_axis0)
    exact = np.array_equal(r_ca, r_np)
    ok &= exact
    rows.append(("median, axis=0", t_ca, t_np, t_da, f"exact={exact}; dask equal={np.array_equal(r_da, r_np)}"))

    with h5py.File(path, "r") as f:
        shape = f["x"].shape
    print(f"\nexact quantiles of {path.name} {shape} float64, {path.stat().st_size / 2**20:.0f} MiB, "
          f"best of {args.repeat}, {os.cpu_count()} logical CPUs, dask {dask.__version__}")
    hdr = f"{'computation':<28} {'chunkarr s':>10} {'numpy s':>8} {'dask s':>8} {'numpy/ca':>9} {'dask/ca':>8}  notes"
    print(hdr)
    print("-" * len(hdr))
    for name, tc, tn, td, note in rows:
        print(f"{name:<28} {tc:>10.3f} {tn:>8.3f} {td:>8.3f} {tn / tc:>9.2f} {td / tc:>8.2f}  {note}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
