"""examples/snakemake runs end to end with Debian's snakemake, exactly as its README says
(`snakemake -c2 -s examples/snakemake/Snakefile -d WORKDIR`, the chunkarr under test given by
--config), and its numbers are xarray's on the files it wrote.
"""
import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

xr = pytest.importorskip("xarray")

REPO = Path(__file__).resolve().parents[2]
YEARS = [2001, 2002, 2003]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, exe):
    snakemake = shutil.which("snakemake")
    if not snakemake:
        pytest.skip("snakemake is not installed")
    work = tmp_path_factory.mktemp("snakemake")
    command = [snakemake, "-c2", "-s", str(REPO / "examples" / "snakemake" / "Snakefile"), "-d", str(work),
               "--config", f"chunkarr={exe}"]
    # Snakemake runs the example's scripts with its own interpreter (Debian's, with netCDF4).
    p = subprocess.run(command, cwd=work, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=600, env={**os.environ, "MPLBACKEND": "Agg"})
    assert p.returncode == 0, p.stdout.decode("utf-8", "replace")[-4000:]
    return work


def year_data(workdir, year):
    return xr.open_dataset(workdir / "data" / f"t2m_{year}.nc", decode_times=False).t2m.load()


@pytest.mark.parametrize("year", YEARS)
def test_each_year_statistics_match_xarray(workdir, year):
    t2m = year_data(workdir, year)
    [row] = json.loads((workdir / "years" / f"t2m_{year}_stats.json").read_text())
    values = t2m.values.astype("f8")
    assert row["count"] == int(t2m.count())
    assert row["missing"] == int(t2m.isnull().sum()) > 0
    assert row["min"] == pytest.approx(float(np.nanmin(values)))
    assert row["max"] == pytest.approx(float(np.nanmax(values)))
    assert row["mean"] == pytest.approx(float(np.nanmean(values)), rel=1e-9)
    assert row["std"] == pytest.approx(float(np.nanstd(values)), rel=1e-9)
    assert row["p99"] == pytest.approx(float(np.nanpercentile(values, 99)), rel=1e-9)
    with xr.open_dataset(workdir / "years" / f"t2m_{year}_mean.nc") as ds:
        np.testing.assert_allclose(ds.t2m_mean.values, t2m.mean("time").values, rtol=1e-6)
        np.testing.assert_array_equal(ds.lat.values, t2m.lat.values)


def test_the_years_combined_match_xarray(workdir):
    # In float64: xarray's float32 mean of 1095 days drifts by 1e-4; chunkarr sums float32 in float64.
    joined = xr.concat([year_data(workdir, y) for y in YEARS], "time").astype("f8")
    assert joined.sizes["time"] == 365 * len(YEARS)
    with xr.open_dataset(workdir / "results" / "t2m_mean.nc") as ds:
        np.testing.assert_allclose(ds.t2m_mean.values, joined.mean("time").values - 273.15, rtol=0, atol=1e-4)
        assert ds.t2m_mean.dims == ("lat", "lon")
        np.testing.assert_array_equal(ds.lon.values, joined.lon.values)
    with xr.open_dataset(workdir / "results" / "t2m_anomaly_std.nc") as ds:
        want = (joined - joined.mean("time")).std("time")
        np.testing.assert_allclose(ds.t2m_anomaly_std.values, want.values, rtol=2e-6)


def test_the_map_is_drawn(workdir):
    png = (workdir / "results" / "t2m_maps.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
