"""Writes one small year of daily 2 m temperature as NetCDF-4: make_data.py YEAR OUT.nc.

A seasonal cycle that is warmer towards the equator, plus weather noise; a few values are
missing (_FillValue), as in real station-gridded data. Seeded by the year: the same file every run.
"""
import datetime
import sys

import netCDF4
import numpy as np

N_LAT, N_LON = 18, 36


def main(year, path):
    rng = np.random.default_rng(year)
    days = 365
    lat = np.linspace(-85, 85, N_LAT)
    lon = np.arange(N_LON) * 10.0
    day = np.arange(days)
    season = np.cos(2 * np.pi * (day - 200) / 365)[:, None, None] * (np.sin(np.radians(lat)) * 15)[None, :, None]
    base = 300 - 40 * (np.abs(lat) / 90) ** 2
    t2m = base[None, :, None] + season + rng.normal(0, 3, (days, N_LAT, N_LON)) + 0.02 * (year - 2000)
    t2m = t2m.astype("f4")
    missing = rng.random(t2m.shape) < 0.001
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("time", None)
        ds.createDimension("lat", N_LAT)
        ds.createDimension("lon", N_LON)
        time = ds.createVariable("time", "f8", ("time",))
        # One time axis for all the years, so the files join into one (as CF readers decode it).
        time.units = "days since 2000-01-01"
        time[:] = day + (datetime.date(year, 1, 1) - datetime.date(2000, 1, 1)).days
        ds.createVariable("lat", "f4", ("lat",))[:] = lat
        ds.createVariable("lon", "f4", ("lon",))[:] = lon
        var = ds.createVariable("t2m", "f4", ("time", "lat", "lon"), chunksizes=(30, N_LAT, N_LON),
                                fill_value=np.float32(-9999), zlib=True)
        var.units = "K"
        var[:] = np.ma.masked_array(t2m, missing)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
