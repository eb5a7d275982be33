"""Draws the multi-year mean temperature and the standard deviation of the daily anomalies
side by side: plot_map.py MEAN.nc ANOMALY_STD.nc OUT.png (matplotlib, no display needed)."""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
import netCDF4  # noqa: E402


def read(path, name):
    with netCDF4.Dataset(path) as ds:
        return ds["lon"][:], ds["lat"][:], ds[name][:]


def main(mean_path, std_path, out_path):
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.5), constrained_layout=True)
    for ax, (path, name, title, cmap) in zip(
        axes,
        [(mean_path, "t2m_mean", "mean 2 m temperature (°C)", "RdYlBu_r"),
         (std_path, "t2m_anomaly_std", "std of daily anomalies (K)", "viridis")],
    ):
        lon, lat, values = read(path, name)
        mesh = ax.pcolormesh(lon, lat, values, shading="auto", cmap=cmap)
        ax.set_title(title)
        ax.set_xlabel("longitude")
        ax.set_ylabel("latitude")
        fig.colorbar(mesh, ax=ax)
    fig.savefig(out_path, dpi=80)


if __name__ == "__main__":
    main(*sys.argv[1:4])
