"""Complex Zarr arrays on the command line (issue 17, point 1): `info` lists them with their
dtype, `eval` takes their real and imaginary parts, magnitude, angle and complex arithmetic
(checked against NumPy on what zarr-python reads back), and `stats` or a real-only function on
one is a single clear error line saying to take real(z), imag(z) or abs(z).
"""
import json
import sys
from pathlib import Path

import numcodecs
import numpy as np
import pytest
import zarr

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_bad_input import assert_error  # noqa: E402

netCDF4 = pytest.importorskip("netCDF4")


@pytest.fixture(params=["<c8", ">c16"])
def store(request, tmp_path):
    """A store with complex `z` (time: 7, x: 5; edge chunks, one chunk missing: its fill value)
    and real `t` (x: 5); returns (path, z as zarr-python reads it, t)."""
    dtype = request.param
    rng = np.random.default_rng(4)
    root = zarr.open_group(str(tmp_path / "c.zarr"), mode="w")
    z = root.create_dataset("z", shape=(7, 5), chunks=(3, 2), dtype=dtype, fill_value=complex(0.5, -1),
                            compressor=numcodecs.Blosc("zstd", 3, numcodecs.Blosc.SHUFFLE))
    values = (rng.standard_normal((7, 5)) * 10 + 1j * rng.standard_normal((7, 5)) * 10).astype(dtype)
    z[:6] = values[:6]  # rows 6: chunk (2, *) of one row, never written
    z.attrs["_ARRAY_DIMENSIONS"] = ["time", "x"]
    t = root.create_dataset("t", data=np.linspace(1, 3, 5), compressor=numcodecs.Zlib(2))
    t.attrs["_ARRAY_DIMENSIONS"] = ["x"]
    return tmp_path / "c.zarr", root["z"][...], root["t"][...]


def printed_number(run_cli, expression, path):
    rc, out, err = run_cli("eval", expression, path)
    assert rc == 0, err
    return float(out.strip())


def test_info_lists_complex_arrays_with_their_dtype(run_cli, store):
    path, z, _ = store
    rc, out, err = run_cli("info", path, "--format", "json")
    assert rc == 0, err
    rows = {row["path"]: row for row in json.loads(out)}
    assert rows["/z"]["dtype"] == z.dtype.name  # complex64 / complex128
    assert rows["/z"]["byte_order"] == z.dtype.byteorder.replace("=", "<")
    assert rows["/z"]["nbytes"] == z.nbytes
    assert rows["/z"]["shape"] == [7, 5]
    rc, out, err = run_cli("info", path)
    assert rc == 0, err
    assert z.dtype.name in out


@pytest.mark.parametrize("expression,numpy", [
    ("mean(abs(z))", lambda z, t: np.abs(z).mean()),
    ("sum(real(z))", lambda z, t: z.real.sum()),
    ("max(imag(z))", lambda z, t: z.imag.max()),
    ("min(angle(z))", lambda z, t: np.angle(z).min()),
    ("sum(real(z * conj(z)))", lambda z, t: (z * np.conj(z)).real.sum()),
    ("sum(imag(z * t - 2 / z))", lambda z, t: (z * t - 2 / z).imag.sum()),
    ("mean(abs(z[time=6]))", lambda z, t: np.abs(z[6]).mean()),  # the missing chunk: fill value
    ("sum(imag(-z + z[time=0]))", lambda z, t: (-z + z[0]).imag.sum()),
], ids=["mean-abs", "sum-real", "max-imag", "min-angle", "z-times-conj", "with-real-variable", "fill-row",
        "selection"])
def test_eval_on_complex_values_matches_numpy(run_cli, store, expression, numpy):
    path, z, t = store
    expected = numpy(z.astype(z.dtype.newbyteorder("=")), t)
    got = printed_number(run_cli, expression, path)
    tolerance = 1e-5 if z.dtype.itemsize == 8 else 1e-12
    assert got == pytest.approx(float(expected), rel=tolerance, abs=tolerance)


def test_eval_writes_the_magnitude_to_a_file(run_cli, store, tmp_path):
    path, z, _ = store
    rc, out, err = run_cli("eval", "abs(z)", path, "-o", tmp_path / "out.nc")
    assert rc == 0, err
    with netCDF4.Dataset(tmp_path / "out.nc") as ds:
        [name] = [v for v in ds.variables if ds.variables[v].dimensions == ("time", "x")]
        got = ds.variables[name][...]
    assert got.dtype == z.real.dtype.newbyteorder("=")
    rtol = 4 * np.finfo(got.dtype).eps
    np.testing.assert_allclose(got, np.abs(z), rtol=rtol)


def test_stats_of_a_complex_array_is_one_error_line(run_cli, store):
    path, z, _ = store
    assert_error(run_cli("stats", f"{path}:z"), 1, "c.zarr", "/z", z.dtype.name, "real(z)", "imag(z)", "abs(z)")


def test_stats_of_a_nested_complex_array_points_to_python(run_cli, tmp_path):
    """eval names root variables only: for g1/v the error line says how Python reaches it, and
    suggests no eval expression (real(g1/v) would not parse)."""
    root = zarr.open_group(str(tmp_path / "g.zarr"), mode="w")
    root.create_group("g1").create_dataset("v", data=np.array([1j, 2], "<c8"))
    rc, out, err = run_cli("stats", f"{tmp_path / 'g.zarr'}:g1/v")
    assert_error((rc, out, err), 1, "g.zarr", "/g1/v", "complex64", 'chunkarr.open(store, "g1/v")', ".real")
    assert "real(g1/v)" not in err


def test_top_level_help_lists_every_eval_function(run_cli):
    rc, top, _ = run_cli("--help")
    assert rc == 0
    rc, eval_help, _ = run_cli("eval", "--help")
    assert rc == 0
    listed = top.split("(functions:")[1].split(")")[0].split()
    documented = [line.split("(")[0].strip() for line in eval_help.split("functions (")[1].split("options:")[0]
                  .splitlines()[2:] if line.strip()]
    assert {"real", "imag", "angle", "conj", "abs"} <= set(documented)
    assert sorted(listed) == sorted(documented)


def test_stats_of_the_whole_store_lists_the_complex_array_as_an_error_row(run_cli, store):
    path, z, t = store
    rc, out, err = run_cli("stats", path, "--format", "json")
    assert rc == 1
    rows = {row["variable"]: row for row in json.loads(out)}
    assert rows["/t"]["sum"] == pytest.approx(t.sum())
    assert "complex" in rows["/z"]["error"] and "real(z)" in rows["/z"]["error"]
    [line] = err.splitlines()
    assert line.startswith("chunkarr: error: ") and "/z" in line


@pytest.mark.parametrize("expression,names", [
    ("z", ["the result is complex", "real(z)", "abs(z)"]),
    ("max(z)", ["max is not defined for complex values", "real(z)"]),
    ("sqrt(z)", ["sqrt is not defined for complex values"]),
    ("z < 1", ["operator < is not defined for complex values"]),
    ("quantile(z, 0.5)", ["quantile is not defined for complex values"]),
], ids=["result", "max", "sqrt", "less", "quantile"])
def test_real_only_uses_are_one_error_line(run_cli, store, expression, names, tmp_path):
    path, _, _ = store
    rc, out, err = run_cli("eval", expression, path, "-o", tmp_path / "out.nc")
    assert rc == 1 and out == ""
    assert err.startswith("chunkarr: error: ") and "Traceback" not in err
    first = err.splitlines()[0]
    for name in names:
        assert name in first, first
    assert not (tmp_path / "out.nc").exists()


def test_eval_joins_complex_arrays_of_many_stores(run_cli, tmp_path):
    parts = []
    for i, rows in enumerate((3, 4)):
        rng = np.random.default_rng(i)
        values = (rng.standard_normal((rows, 2)) + 1j * rng.standard_normal((rows, 2))).astype("<c16")
        root = zarr.open_group(str(tmp_path / f"part{i}.zarr"), mode="w")
        z = root.create_dataset("z", shape=values.shape, chunks=(2, 2), dtype=values.dtype)
        z[...] = values
        z.attrs["_ARRAY_DIMENSIONS"] = ["time", "x"]
        parts.append(values)
    joined = np.concatenate(parts)
    got = printed_number(run_cli, "sum(imag(z * conj(z[time=0])))", str(tmp_path / "part*.zarr"))
    assert got == pytest.approx((joined * np.conj(joined[0])).imag.sum(), rel=1e-12, abs=1e-12)
