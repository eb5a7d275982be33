#!/usr/bin/python3
"""Write a realistic sample HDF5 file for chunkarr tests and benchmarks.

    make_sample.py OUT.h5 [--size-mb 300] [--compression gzip|none] [--chunks 8,256,256]
                          [--dtype float64|float32] [--no-fill] [--grid 721,1440]
                          [--gzip-level 1] [--seed 0]

/t2m is a (time, lat, lon) 2-metre-temperature-like field on a regular 0.25 degree grid:
latitude profile + hemispheric seasonal cycle + diurnal cycle + stationary waves + noise,
with ~0.1 % NaN and, unless --no-fill, a `_FillValue` attribute and ~0.05 % of values set
to it. Coordinates /time, /lat, /lon are written as well. The file is written one row of
chunks (time-chunk x lat-chunk x all lon) at a time, so memory stays small whatever the
size. The parameters are stored as JSON in the root attribute `make_sample` so callers can
reuse an existing file. Prints one line describing what it wrote.

Needs NumPy and h5py (Debian: /usr/bin/python3).
"""
import argparse
import json
import os
import sys
import time

import h5py
import numpy as np

FILL = {"float64": -9999.0, "float32": np.float32(-9999.0)}


def parse_ints(s, option, count, minimum, form):
    """`count` comma-separated integers >= `minimum` (argparse type helper)."""
    try:
        values = tuple(int(v) for v in s.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad {option} {s!r} (want {form})")
    if len(values) != count or min(values) < minimum:
        raise argparse.ArgumentTypeError(f"bad {option} {s!r} (want {count} ints >= {minimum})")
    return values


def parse_chunks(s):
    return parse_ints(s, "--chunks", 3, 1, "T,Y,X")


def parse_grid(s):
    return parse_ints(s, "--grid", 2, 2, "NLAT,NLON")


def params_of(args):
    """The parameters that determine the file's contents (stored in the root attribute)."""
    return {
        "size_mb": args.size_mb, "compression": args.compression,
        "chunks": list(args.chunks), "dtype": args.dtype, "fill": not args.no_fill,
        "grid": list(args.grid), "gzip_level": args.gzip_level, "seed": args.seed,
        "version": 1,
    }


def field(t_idx, lat, lon, dt, rng):
    """Temperature [K] for time steps t_idx (6-hourly), latitudes lat, longitudes lon (deg)."""
    latr = np.deg2rad(lat)[None, :, None]
    lonr = np.deg2rad(lon)[None, None, :]
    days = (t_idx * 0.25)[:, None, None]
    hour = (t_idx % 4 * 6.0)[:, None, None]
    sinlat, coslat = np.sin(latr), np.cos(latr)
    base = 300.0 - 55.0 * sinlat ** 2                                   # (1, y, 1)
    season = -14.0 * sinlat * np.cos(2 * np.pi * (days - 15.0) / 365.25)  # (t, y, 1)
    diurnal = 4.0 * coslat * np.cos(2 * np.pi * (hour / 24.0) + lonr - np.pi)  # (t, y, x)
    waves = 3.0 * coslat ** 2 * np.sin(3 * lonr + 0.5 * sinlat)           # (1, y, x)
    out = np.empty((len(t_idx), len(lat), len(lon)), dtype=dt)
    # noise is drawn directly in the output dtype, then the smooth parts are added in place
    rng.standard_normal(out.shape, dtype=dt, out=out)
    out *= 1.5
    out += (base + season).astype(dt)
    out += diurnal.astype(dt)
    out += waves.astype(dt)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="output HDF5 file")
    ap.add_argument("--size-mb", type=float, default=300.0,
                    help="logical size of /t2m in MiB (default 300)")
    ap.add_argument("--compression", choices=["gzip", "none"], default="gzip",
                    help="gzip = shuffle + deflate (default), none = uncompressed chunks")
    ap.add_argument("--gzip-level", type=int, default=1, choices=range(0, 10), metavar="0-9")
    ap.add_argument("--chunks", type=parse_chunks, default=(8, 256, 256),
                    help="chunk shape T,Y,X (default 8,256,256)")
    ap.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    ap.add_argument("--no-fill", action="store_true",
                    help="no _FillValue attribute and no fill values (only NaN as missing)")
    ap.add_argument("--grid", type=parse_grid, default=(721, 1440),
                    help="NLAT,NLON (default 721,1440 = 0.25 degree)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    t_start = time.perf_counter()
    dt = np.dtype(args.dtype)
    nlat, nlon = args.grid
    step_bytes = nlat * nlon * dt.itemsize
    nt = max(1, int(round(args.size_mb * 2**20 / step_bytes)))
    ct, cy, cx = (min(args.chunks[0], nt), min(args.chunks[1], nlat), min(args.chunks[2], nlon))
    lat = np.linspace(90.0, -90.0, nlat)
    lon = np.linspace(0.0, 360.0, nlon, endpoint=False)
    fill = None if args.no_fill else FILL[args.dtype]
    comp = {}
    if args.compression == "gzip":
        comp = dict(compression="gzip", compression_opts=args.gzip_level, shuffle=True)

    rng = np.random.default_rng(args.seed)
    n_nan = n_fill = 0
    tmp = f"{args.out}.tmp-{os.getpid()}"
    try:
        with h5py.File(tmp, "w") as f:
            f.attrs["make_sample"] = json.dumps(params_of(args), sort_keys=True)
            f.attrs["title"] = "chunkarr synthetic 2 m temperature sample"
            tv = f.create_dataset("time", data=np.arange(nt) * 6.0)
            tv.attrs["units"] = "hours since 2020-01-01 00:00:00"
            tv.attrs["calendar"] = "proleptic_gregorian"
            lv = f.create_dataset("lat", data=lat)
            lv.attrs["units"] = "degrees_north"
            xv = f.create_dataset("lon", data=lon)
            xv.attrs["units"] = "degrees_east"
            ds = f.create_dataset("t2m", shape=(nt, nlat, nlon), dtype=dt, chunks=(ct, cy, cx),
                                  fillvalue=fill if fill is not None else np.nan, **comp)
            ds.attrs["units"] = "K"
            ds.attrs["long_name"] = "2 metre temperature"
            ds.attrs["standard_name"] = "air_temperature"
            if fill is not None:
                ds.attrs["_FillValue"] = np.array(fill, dtype=dt)
            for t0 in range(0, nt, ct):
                t_idx = np.arange(t0, min(t0 + ct, nt), dtype=np.float64)
                for y0 in range(0, nlat, cy):
                    y1 = min(y0 + cy, nlat)
                    slab = field(t_idx, lat[y0:y1], lon, dt, rng)
                    flat = slab.reshape(-1)
                    k = rng.binomial(flat.size, 0.001)
                    flat[rng.integers(0, flat.size, k)] = np.nan
                    if fill is not None:
                        k = rng.binomial(flat.size, 0.0005)
                        flat[rng.integers(0, flat.size, k)] = fill
                        n_fill += int(np.count_nonzero(flat == fill))
                    n_nan += int(np.count_nonzero(np.isnan(flat)))
                    ds[t0:t0 + len(t_idx), y0:y1, :] = slab
            storage = ds.id.get_storage_size()
        os.replace(tmp, args.out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    secs = time.perf_counter() - t_start
    comp_s = f"shuffle+gzip({args.gzip_level})" if comp else "uncompressed"
    fill_s = f"{n_fill} fill ({fill:g})" if fill is not None else "no _FillValue"
    print(f"wrote {args.out}: /t2m {args.dtype} {(nt, nlat, nlon)} chunks {(ct, cy, cx)} {comp_s}, "
          f"{nt * step_bytes / 2**20:.1f} MiB logical, {storage / 2**20:.1f} MiB stored, "
          f"{n_nan} NaN, {fill_s}, {secs:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
