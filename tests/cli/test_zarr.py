"""Zarr v2 stores (issue 17): `chunkarr stats` / `chunkarr info` on stores written here with
zarr-python (every codec and option chunkarr reads) and xarray's `to_zarr`.

The reference is what zarr-python reads back, reduced with NumPy as the contract says: NaN and
the array's fill_value (xarray's _FillValue) are missing; packed values are unpacked. xarray's
own decoding is the reference for stores xarray writes.
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
from test_stats_vs_numpy import check_record, sample_values  # noqa: E402

DTYPES = ["|b1", "|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8", "<f4", "<f8"]
BLOSC = [(c, s) for c in ("lz4", "lz4hc", "zstd", "zlib", "blosclz")
         for s in (numcodecs.Blosc.NOSHUFFLE, numcodecs.Blosc.SHUFFLE, numcodecs.Blosc.BITSHUFFLE)]


def write(path, data, chunks, fill_value=None, **kw):
    """An array store at `path`; returns (what zarr-python reads back, its attrs for the reference)."""
    z = zarr.open_array(str(path), mode="w", shape=data.shape, chunks=chunks, dtype=data.dtype,
                        fill_value=fill_value, **kw)
    z[...] = data
    return reference(zarr.open_array(str(path), mode="r"))


def reference(z):
    # As xarray: fill_value is the _FillValue (replacing one in .zattrs).
    attrs = dict(z.attrs)
    if z.fill_value is not None and z.dtype.kind != "b":
        attrs["_FillValue"] = z.fill_value
    return z[...], attrs


def stats_of(stats_json, spec):
    [rec] = stats_json(spec)
    return rec


@pytest.mark.parametrize("cname,shuffle", BLOSC, ids=[f"{c}-{s}" for c, s in BLOSC])
@pytest.mark.parametrize("dtype", ["<f8", "<i2"])
def test_blosc_codecs_and_shuffles(tmp_path, stats_json, cname, shuffle, dtype):
    data = sample_values(dtype, (37, 53), seed=1)
    raw, attrs = write(tmp_path / "s.zarr", data, (8, 10), fill_value=None,
                       compressor=numcodecs.Blosc(cname=cname, clevel=5, shuffle=shuffle))
    check_record(stats_of(stats_json, tmp_path / "s.zarr"), raw, attrs, variable="/")


@pytest.mark.parametrize("compressor", [numcodecs.Zlib(level=6), numcodecs.GZip(level=3), None],
                         ids=["zlib", "gzip", "none"])
@pytest.mark.parametrize("order", ["C", "F"])
def test_deflate_and_uncompressed(tmp_path, stats_json, compressor, order):
    data = sample_values("<f4", (29, 31, 5), seed=2)
    raw, attrs = write(tmp_path / "s.zarr", data, (4, 7, 3), fill_value=None, compressor=compressor,
                       order=order)
    check_record(stats_of(stats_json, tmp_path / "s.zarr"), raw, attrs, variable="/")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("endian", ["<", ">"])
@pytest.mark.parametrize("order", ["C", "F"])
def test_every_dtype_byte_order_and_order(tmp_path, stats_json, dtype, endian, order):
    dt = np.dtype(dtype).newbyteorder(endian) if np.dtype(dtype).itemsize > 1 else np.dtype(dtype)
    data = sample_values(dtype, (23, 17), seed=3).astype(dt)
    raw, attrs = write(tmp_path / "s.zarr", data, (5, 4), fill_value=None, order=order,
                       compressor=numcodecs.Blosc("lz4", shuffle=numcodecs.Blosc.SHUFFLE))
    assert zarr.open_array(str(tmp_path / "s.zarr")).dtype == dt
    check_record(stats_of(stats_json, tmp_path / "s.zarr"), raw, attrs, variable="/",
                 dtype=np.dtype(dtype).name)


@pytest.mark.parametrize("separator", [".", "/"])
def test_dimension_separator_and_missing_chunks(tmp_path, stats_json, separator):
    store = tmp_path / "s.zarr"
    z = zarr.open_array(str(store), mode="w", shape=(20, 9), chunks=(6, 4), dtype="<i4", fill_value=-7,
                        compressor=numcodecs.Zlib(), dimension_separator=separator)
    z[:6, :] = np.arange(54).reshape(6, 9)  # the chunks of rows 6.. are never written
    z[18:, 8:] = 5
    nested = (store / "0" / "0").is_file()
    assert nested == (separator == "/")
    raw, attrs = reference(zarr.open_array(str(store), mode="r"))
    assert (raw == -7).sum() > 100
    rec = stats_of(stats_json, store)
    check_record(rec, raw, attrs, variable="/")
    assert rec["missing"] == int((raw == -7).sum())


def test_fill_value_nan_and_null(tmp_path, stats_json):
    z = zarr.open_array(str(tmp_path / "nan.zarr"), mode="w", shape=(10,), chunks=(3,), dtype="<f8",
                        fill_value=np.nan)
    z[:4] = [1.0, 2.0, np.nan, 4.0]
    rec = stats_of(stats_json, tmp_path / "nan.zarr")
    assert (rec["count"], rec["missing"], rec["sum"]) == (3, 7, 7.0)
    z = zarr.open_array(str(tmp_path / "null.zarr"), mode="w", shape=(10,), chunks=(3,), dtype="<i2",
                        fill_value=None)
    z[:3] = [5, 6, 7]
    z[9] = 1
    raw = z[...]
    raw[3:9] = 0  # zarr-python leaves unwritten chunks of a null fill undefined; chunkarr reads 0
    rec = stats_of(stats_json, tmp_path / "null.zarr")
    assert (rec["count"], rec["missing"], rec["sum"]) == (10, 0, 19)


@pytest.mark.parametrize("shape,chunks", [((1,), (1,)), ((13, 1), (1, 1)), ((5, 6), (5, 6)),
                                          ((5, 6), (50, 60)), ((0, 4), (2, 2))],
                         ids=["one", "chunk-1", "one-chunk", "chunk-larger", "empty"])
def test_odd_chunkings(tmp_path, stats_json, shape, chunks):
    data = np.random.default_rng(4).normal(size=shape)
    raw, attrs = write(tmp_path / "s.zarr", data, chunks, fill_value=None)
    check_record(stats_of(stats_json, tmp_path / "s.zarr"), raw, attrs, variable="/")


def test_zero_d(tmp_path, stats_json):
    z = zarr.open_array(str(tmp_path / "s.zarr"), mode="w", shape=(), dtype="<f8", fill_value=None)
    z[...] = 2.5
    rec = stats_of(stats_json, tmp_path / "s.zarr")
    assert (rec["shape"], rec["count"], rec["sum"]) == ([], 1, 2.5)


def nested_store(path, consolidate):
    root = zarr.open_group(str(path), mode="w")
    rng = np.random.default_rng(7)
    a = root.create_dataset("a", data=rng.normal(size=(11, 6)), chunks=(4, 4), fill_value=None)
    sub = root.create_group("grp").create_group("sub")
    b = sub.create_dataset("b", data=rng.integers(-50, 50, size=(9,)).astype("<i8"), chunks=(2,),
                           fill_value=3, compressor=numcodecs.GZip())
    sub.create_group("empty_group")
    if consolidate:
        zarr.consolidate_metadata(str(path))
    return {"/a": reference(a), "/grp/sub/b": reference(b)}


@pytest.mark.parametrize("consolidate", [False, True], ids=["plain", "consolidated"])
def test_nested_groups(tmp_path, stats_json, consolidate):
    store = tmp_path / "g.zarr"
    expected = nested_store(store, consolidate)
    records = stats_json(store)
    assert [r["variable"] for r in records] == ["/a", "/grp/sub/b"]
    for rec in records:
        raw, attrs = expected[rec["variable"]]
        check_record(rec, raw, attrs, variable=rec["variable"])
    for name in ("grp/sub/b", "/grp/sub/b"):
        raw, attrs = expected["/grp/sub/b"]
        check_record(stats_of(stats_json, f"{store}:{name}"), raw, attrs, variable="/grp/sub/b")


def test_consolidated_metadata_is_what_is_read(tmp_path, stats_json):
    # As xarray does: with .zmetadata present, its copy of the metadata is used.
    store = tmp_path / "g.zarr"
    nested_store(store, True)
    meta = json.loads((store / ".zmetadata").read_text())
    meta["metadata"]["a/.zattrs"] = {"_FillValue": 1e300}
    (store / ".zmetadata").write_text(json.dumps(meta))
    (store / "a" / ".zarray").write_text("not json")
    rec = stats_of(stats_json, f"{store}:a")
    assert rec["count"] == 66


def test_a_consolidated_store_reads_no_array_files(tmp_path, stats_json, run_cli):
    # As zarr.open_consolidated: with .zmetadata, every array's .zarray and .zattrs may be gone.
    store = tmp_path / "g.zarr"
    root = zarr.open_group(str(store), mode="w")
    data = sample_values(">i2", (13, 7), seed=9)
    packed = root.create_group("grp").create_dataset("p", data=data, chunks=(4, 3), dtype=">i2", fill_value=None)
    packed.attrs.update({"scale_factor": 0.5, "add_offset": -3.0, "_FillValue": int(data[0, 0]), "units": "K"})
    zarr.consolidate_metadata(str(store))
    removed = [f for name in (".zarray", ".zattrs") for f in store.rglob(name)]
    for f in removed:
        f.unlink()
    assert len(removed) == 2 and not (store / "grp" / "p" / ".zarray").exists()
    expected = reference(zarr.open_consolidated(str(store), mode="r")["grp/p"])
    assert expected[1]["scale_factor"] == 0.5  # the attributes come from .zmetadata alone
    rec = stats_of(stats_json, f"{store}:grp/p")
    check_record(rec, *expected, variable="/grp/p")
    rc, out, err = run_cli("info", store, "--format", "json")
    assert rc == 0, err
    [row] = json.loads(out)
    assert (row["path"], row["shape"], row["chunks"]) == ("/grp/p", [13, 7], [4, 3])


def test_info_lists_the_arrays(tmp_path, run_cli):
    store = tmp_path / "g.zarr"
    nested_store(store, False)
    rc, out, err = run_cli("info", store, "--format", "json")
    assert rc == 0, err
    rows = json.loads(out)
    assert [r["path"] for r in rows] == ["/a", "/grp/sub/b"]
    assert rows[0]["shape"] == [11, 6] and rows[0]["chunks"] == [4, 4] and rows[0]["dtype"] == "float64"
    assert rows[1]["filters"] == ["gzip(1)"]
    on_disk = sum(f.stat().st_size for f in (store / "grp" / "sub" / "b").iterdir() if not f.name.startswith("."))
    assert rows[1]["storage_bytes"] == on_disk
    rc, out, err = run_cli("info", store)
    assert rc == 0 and "/grp/sub/b" in out


def test_detection_by_content_not_name(tmp_path, stats_json):
    store = tmp_path / "no_extension"
    raw, attrs = write(store, sample_values("<f8", (6, 5)), (4, 4), fill_value=None)
    check_record(stats_of(stats_json, store), raw, attrs, variable="/")


# ---------------------------------------------------------------- xarray conventions

def xarray_store(path):
    xr = pytest.importorskip("xarray")
    rng = np.random.default_rng(11)
    t = rng.normal(280, 10, size=(6, 4, 5))
    t[0, 0, :] = np.nan
    ds = xr.Dataset({"t2m": (("time", "lat", "lon"), t)})
    ds["t2m"].encoding = {"dtype": "int16", "scale_factor": 0.01, "add_offset": 280.0, "_FillValue": -32767,
                          "chunks": (2, 3, 5)}
    ds["t2m"].attrs["units"] = "K"
    ds.to_zarr(str(path), mode="w")
    return xr.open_zarr(str(path)).load()


def test_xarray_packed_variable(tmp_path, stats_json):
    store = tmp_path / "x.zarr"
    decoded = xarray_store(store)
    rec = stats_of(stats_json, f"{store}:t2m")
    t = decoded["t2m"].values.astype(np.float64)
    good = t[~np.isnan(t)]
    assert (rec["count"], rec["missing"]) == (good.size, int(np.isnan(t).sum()))
    for key, ref in (("min", good.min()), ("max", good.max()), ("mean", good.mean()), ("std", good.std())):
        assert rec[key] == pytest.approx(ref, rel=1e-6), key


def test_xarray_dimension_names(tmp_path, stats_json, run_cli):
    store = tmp_path / "x.zarr"
    decoded = xarray_store(store)
    t = decoded["t2m"].values.astype(np.float64)
    rows = stats_json(f"{store}:t2m", "--per", "time")
    assert len(rows) == 6
    for i, row in enumerate(rows):
        assert row["mean"] == pytest.approx(np.nanmean(t[i]), rel=1e-6)
    h5py = pytest.importorskip("h5py")
    out = tmp_path / "clim.h5"
    rc, _, err = run_cli("stats", f"{store}:t2m", "--axis", "time", "--stats", "mean", "-o", out)
    assert rc == 0, err
    with h5py.File(out, "r") as f:
        [group] = list(f)
        np.testing.assert_allclose(f[group]["mean"][...], np.nanmean(t, axis=0), rtol=1e-6)


# ---------------------------------------------------------------- bad input (exit 1, one line)

def damaged_store(path, compressor=numcodecs.Blosc("lz4")):
    root = zarr.open_group(str(path), mode="w")
    root.create_dataset("v", data=np.arange(40.0).reshape(8, 5), chunks=(4, 5), compressor=compressor)
    return path / "v"


def test_corrupt_blosc_header(tmp_path, run_cli):
    array = damaged_store(tmp_path / "s.zarr")
    chunk = array / "1.0"
    chunk.write_bytes(b"\xff" * 16 + chunk.read_bytes()[16:])
    assert_error(run_cli("stats", f"{tmp_path / 's.zarr'}:v"), 1, "s.zarr", "/v", "chunk 1.0", "Blosc")


@pytest.mark.parametrize("compressor", [numcodecs.Blosc("zstd"), numcodecs.Zlib(), numcodecs.GZip(), None],
                         ids=["blosc", "zlib", "gzip", "none"])
def test_truncated_chunk(tmp_path, run_cli, compressor):
    array = damaged_store(tmp_path / "s.zarr", compressor)
    chunk = array / "0.0"
    chunk.write_bytes(chunk.read_bytes()[: chunk.stat().st_size // 2])
    assert_error(run_cli("stats", f"{tmp_path / 's.zarr'}:v"), 1, "s.zarr", "/v", "chunk 0.0")


@pytest.mark.parametrize("compressor", [numcodecs.Blosc("lz4"), numcodecs.Zlib(), None], ids=["blosc", "zlib", "none"])
@pytest.mark.parametrize("values", [10, 30])
def test_chunk_of_the_wrong_size(tmp_path, run_cli, compressor, values):
    array = damaged_store(tmp_path / "s.zarr", compressor)
    data = np.arange(float(values)).tobytes()
    (array / "1.0").write_bytes(compressor.encode(data) if compressor else data)
    assert_error(run_cli("stats", f"{tmp_path / 's.zarr'}:v"), 1, "s.zarr", "/v", "chunk 1.0", "160 bytes")


@pytest.mark.parametrize("change,message", [
    (lambda m: "{not json", "is not JSON"),
    (lambda m: json.dumps({k: v for k, v in m.items() if k != "chunks"}), 'no "chunks"'),
    (lambda m: json.dumps({k: v for k, v in m.items() if k != "dtype"}), 'no "dtype"'),
    (lambda m: json.dumps({**m, "dtype": "|c16"}), "dtype |c16"),
    (lambda m: json.dumps({**m, "dtype": "<M8[ns]"}), "dtype <M8[ns]"),
    (lambda m: json.dumps({**m, "compressor": {"id": "lzma"}}), "codec 'lzma'"),
    (lambda m: json.dumps({**m, "filters": [{"id": "delta", "dtype": "<f8"}]}), 'filter "delta"'),
    (lambda m: json.dumps({**m, "compressor": {"id": "blosc", "cname": "snappy"}}), "snappy"),
    (lambda m: json.dumps({**m, "chunks": [0, 5]}), "chunks"),
    (lambda m: json.dumps({**m, "shape": [10**15, 5], "chunks": [1, 5]}), "more than 2^32"),
    (lambda m: json.dumps({**m, "chunks": [10**6, 10**6]}), "larger than 16 GiB"),
    (lambda m: json.dumps({**m, "shape": [8]}), "chunks"),
], ids=["not-json", "no-chunks", "no-dtype", "complex", "datetime", "codec", "filter", "blosc-cname",
        "zero-chunk", "too-many-chunks", "huge-chunk", "rank-mismatch"])
def test_bad_zarray(tmp_path, run_cli, change, message):
    array = damaged_store(tmp_path / "s.zarr")
    meta = json.loads((array / ".zarray").read_text())
    (array / ".zarray").write_text(change(meta))
    assert_error(run_cli("stats", f"{tmp_path / 's.zarr'}:v"), 1, "s.zarr", "/v", message)
    # Of the whole store, the array is a row of its own and the others are still listed.
    zarr.open_group(str(tmp_path / "s.zarr")).create_dataset("w", data=np.arange(4.0), fill_value=None)
    for command in ("stats", "info"):
        rc, out, err = run_cli(command, tmp_path / "s.zarr")
        assert rc == 1, err
        assert "/w" in out and message in out
        [line] = err.splitlines()
        assert line.startswith("chunkarr: error: ") and "s.zarr:/v" in line and message in line


def test_missing_array_and_plain_directory(tmp_path, run_cli):
    damaged_store(tmp_path / "s.zarr")
    assert_error(run_cli("stats", f"{tmp_path / 's.zarr'}:nope"), 1, "nope", "s.zarr")
    (tmp_path / "plain").mkdir()
    assert_error(run_cli("stats", tmp_path / "plain"), 1, "plain", "directory")


# ---------------------------------------------------------------- stats --axis -o OUT.zarr

@pytest.mark.parametrize("compression", [None, "gzip", "none"])
def test_axis_results_into_a_zarr_store(tmp_path, run_cli, compression):
    xr = pytest.importorskip("xarray")
    store = tmp_path / "x.zarr"
    decoded = xarray_store(store)
    t = decoded["t2m"].values.astype(np.float64)
    out = tmp_path / "clim.zarr"
    extra = ["--compression", compression] if compression else []
    rc, _, err = run_cli("stats", f"{store}:t2m", "--axis", "time", "--stats", "mean,max,count", "-o", out, *extra)
    assert rc == 0, err
    ds = xr.open_zarr(str(out), group="t2m")
    assert ds["mean"].dims == ("lat", "lon")
    np.testing.assert_allclose(ds["mean"].values, np.nanmean(t, axis=0), rtol=1e-6)
    np.testing.assert_allclose(ds["max"].values, np.nanmax(t, axis=0), rtol=1e-6)
    np.testing.assert_array_equal(ds["count"].values, (~np.isnan(t)).sum(axis=0))
    z = zarr.open_group(str(out), mode="r")["t2m/mean"]
    assert (z.compressor is None) == (compression == "none")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clim.zarr", "x.zarr"]


def test_failed_axis_run_leaves_the_old_zarr_output(tmp_path, run_cli):
    array = damaged_store(tmp_path / "s.zarr")
    out = tmp_path / "o.zarr"
    zarr.open_array(str(out), mode="w", shape=(2,), chunks=(2,), dtype="<f8")[...] = [1.0, 2.0]
    before = sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*") if p.is_file())
    (array / "1.0").write_bytes(b"garbage")
    assert_error(run_cli("stats", f"{tmp_path / 's.zarr'}:v", "--axis", "0", "-o", out), 1, "chunk 1.0")
    after = sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*") if p.is_file())
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.zarr", "s.zarr"]


def test_glob_of_stores_joined_along_a_dimension(tmp_path, stats_json):
    parts = []
    for i in range(3):
        a = np.random.default_rng(i).normal(size=(4, 5))
        root = zarr.open_group(str(tmp_path / f"part{i}.zarr"), mode="w")
        z = root.create_dataset("v", data=a, chunks=(3, 5), fill_value=None)
        z.attrs["_ARRAY_DIMENSIONS"] = ["time", "x"]
        parts.append(a)
    joined = np.concatenate(parts, axis=0)
    rec = stats_of(stats_json, f"{tmp_path}/part*.zarr:v")
    assert rec["shape"] == [12, 5]
    check_record(rec, joined, {}, variable="/v")
    rows = stats_json(f"{tmp_path}/part*.zarr:v", "--concat", "x")
    assert rows[0]["shape"] == [4, 15]


def test_bad_zmetadata_and_zattrs(tmp_path, run_cli):
    store = tmp_path / "g.zarr"
    nested_store(store, True)
    (store / ".zmetadata").write_text("{truncated")
    assert_error(run_cli("stats", store), 1, "g.zarr", ".zmetadata is not JSON")
    assert_error(run_cli("info", store), 1, "g.zarr", ".zmetadata is not JSON")
    (store / ".zmetadata").unlink()
    (store / "a" / ".zattrs").write_text('{"_ARRAY_DIMENSIONS": ["only_one"]}')
    assert_error(run_cli("stats", f"{store}:a"), 1, "g.zarr:/a", "_ARRAY_DIMENSIONS")
    (store / "a" / ".zattrs").write_text("[1, 2]")
    assert_error(run_cli("stats", f"{store}:a"), 1, "g.zarr:/a", ".zattrs is not a JSON object")


def test_oversized_chunk_file_is_not_read(tmp_path, run_cli):
    array = damaged_store(tmp_path / "s.zarr")
    (array / "0.0").write_bytes(b"\0" * 10**6)
    assert_error(run_cli("stats", f"{tmp_path / 's.zarr'}:v"), 1, "s.zarr:/v", "chunk 0.0", "1000000 bytes")


def test_nested_store_without_a_dimension_separator_key(tmp_path, stats_json):
    # As NestedDirectoryStore wrote them before zarr 2.8: chunks in "i/j", nothing in .zarray.
    store = tmp_path / "n.zarr"
    data = np.arange(60.0).reshape(6, 10)
    z = zarr.open_array(zarr.NestedDirectoryStore(str(store)), mode="w", shape=data.shape, chunks=(4, 4),
                        dtype="<f8", fill_value=None)
    z[...] = data
    meta = json.loads((store / ".zarray").read_text())
    meta.pop("dimension_separator", None)
    (store / ".zarray").write_text(json.dumps(meta))
    assert (store / "1" / "2").is_file()
    check_record(stats_of(stats_json, store), data, {}, variable="/")


def test_eval_reads_and_writes_zarr_stores(tmp_path, run_cli):
    xr = pytest.importorskip("xarray")
    store = tmp_path / "x.zarr"
    decoded = xarray_store(store)
    t = decoded["t2m"].values.astype(np.float64)
    out = tmp_path / "m.zarr"
    rc, _, err = run_cli("eval", 'mean(t2m, "time") - 273.15', store, "-o", f"{out}:clim")
    assert rc == 0, err
    ds = xr.open_zarr(str(out))
    assert ds["clim"].dims == ("lat", "lon")
    np.testing.assert_allclose(ds["clim"].values, np.nanmean(t, axis=0) - 273.15, rtol=0, atol=1e-4)
