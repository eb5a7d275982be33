"""Complex Zarr arrays (issue 17, point 1: all numeric dtypes): complex64 and complex128 stores
written here by zarr-python (both byte orders, C and F order, edge chunks, fill values, missing
chunks, Blosc, zlib and no compressor) read by ca.open exactly as zarr-python reads them, and the
operations on them (ComplexArray) against NumPy on the same values; the clear errors for what is
real-only; a round trip through to_zarr read back by zarr-python.
"""
import numcodecs
import numpy as np
import pytest

zarr = pytest.importorskip("zarr")

DTYPES = ["<c8", ">c8", "<c16", ">c16"]
COMPRESSORS = {
    "blosc-lz4-shuffle": numcodecs.Blosc("lz4", 5, numcodecs.Blosc.SHUFFLE),
    "blosc-zstd-bitshuffle": numcodecs.Blosc("zstd", 3, numcodecs.Blosc.BITSHUFFLE),
    "zlib": numcodecs.Zlib(4),
    "none": None,
}


def complex_values(shape, dtype, seed=0):
    """Random complex values of `dtype` with NaN, inf and signed zeros among them."""
    rng = np.random.default_rng(seed)
    values = (rng.standard_normal(shape) * 100 + 1j * rng.standard_normal(shape) * 100).astype(dtype)
    flat = values.reshape(-1)
    if flat.size >= 4:
        flat[0] = complex(np.nan, 1)
        flat[1] = complex(2, np.inf)
        flat[2] = complex(-0.0, -0.0)
    return values


def write_store(path, values, chunks, fill_value=0, order="C", compressor=None, written=None, **kw):
    """A root-array store; `written`: the index written (default all), the rest left as missing
    chunks. Returns what zarr-python reads back."""
    z = zarr.open_array(str(path), mode="w", shape=values.shape, chunks=chunks, dtype=values.dtype,
                        order=order, fill_value=fill_value, compressor=compressor, **kw)
    index = (...,) if written is None else written
    z[index] = values[index]
    return zarr.open_array(str(path), mode="r")[...]


def assert_same(got, expected):
    """Same dtype (in native order) and the same values, zeros' signs included (NaN where NaN,
    of any sign: NumPy gives a NaN's sign no meaning)."""
    got = np.asarray(got)
    assert got.dtype == expected.dtype.newbyteorder("="), (got.dtype, expected.dtype)
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
    for part in ("real", "imag"):
        g, e = getattr(got, part), getattr(expected, part)
        assert np.array_equal(np.signbit(g) & ~np.isnan(g), np.signbit(e) & ~np.isnan(e)), part


@pytest.mark.parametrize("compressor", COMPRESSORS, ids=list(COMPRESSORS))
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_complex_stores_read_as_zarr_python_reads_them(ca, tmp_path, dtype, order, compressor):
    values = complex_values((11, 7), dtype)
    # Rows 8-10 are never written: those chunks are missing and read as the fill value.
    expected = write_store(tmp_path / "s.zarr", values, (4, 3), fill_value=complex(1.5, -2.25), order=order,
                           compressor=COMPRESSORS[compressor], written=np.s_[:8])
    z = ca.open(tmp_path / "s.zarr", "", mask_and_scale=False)
    assert isinstance(z, ca.ComplexArray)
    assert z.dtype == np.dtype(dtype).newbyteorder("=")
    assert z.shape == (11, 7)
    assert_same(z.compute(), expected)
    assert_same(np.asarray(z), expected)
    assert_same(z.real.compute(), expected.real)
    assert_same(z.imag.compute(), expected.imag)


@pytest.mark.parametrize("fill_value", [complex(np.nan, 0), complex(0, -np.inf), 7, 0],
                         ids=["nan", "imag-inf", "real-number", "zero"])
@pytest.mark.parametrize("dtype", ["<c8", ">c16"])
def test_fill_values_of_missing_chunks(ca, tmp_path, dtype, fill_value):
    values = complex_values((5, 4), dtype)
    expected = write_store(tmp_path / "s.zarr", values, (2, 3), fill_value=fill_value, written=np.s_[:2, :3])
    # zarr-python 2 decodes the fill value [re, im] as re + 1j * im, which makes the real part NaN
    # when im is infinite (0 + 1j * -inf is nan - inf j); chunkarr gives the value the .zarray
    # states, its parts as written.
    stated = np.empty((), np.dtype(dtype))
    stated.real, stated.imag = np.real(fill_value), np.imag(fill_value)
    expected[2:, :] = stated
    expected[:, 3:] = stated
    assert_same(ca.open(tmp_path / "s.zarr", "", mask_and_scale=False).compute(), expected)


def test_null_fill_value_reads_missing_chunks_as_zero(ca, tmp_path):
    """zarr-python leaves them uninitialised (np.empty); chunkarr reads 0, as for real dtypes."""
    values = complex_values((4,), "<c16")
    write_store(tmp_path / "s.zarr", values, (2,), fill_value=None, written=np.s_[:2])
    got = ca.open(tmp_path / "s.zarr", "", mask_and_scale=False).compute()
    assert_same(got[:2], values[:2])
    assert_same(got[2:], np.zeros(2, "<c16"))


def test_cf_attributes_do_not_decode_complex_values(ca, tmp_path):
    """Unpacking acts on whole values (xarray adds add_offset to the real part only): chunkarr
    applies no _FillValue, missing_value, scale_factor or add_offset attribute to complex values
    (only the array's fill_value masks, below) and keeps the attributes."""
    values = complex_values((6,), "<c16")
    z = zarr.open_array(str(tmp_path / "s.zarr"), mode="w", shape=(6,), chunks=(4,), dtype="<c16", fill_value=None)
    z[...] = values
    z.attrs.update({"scale_factor": 2.0, "add_offset": 1.0, "_FillValue": 0.0, "missing_value": 5.0})
    assert_same(ca.open(tmp_path / "s.zarr", "").compute(), values)
    assert_same(ca.open(tmp_path / "s.zarr", "", mask_and_scale=False).compute(), values)


@pytest.mark.parametrize("fill_value", [0, complex(1.5, -2.25), complex(np.nan, 0)], ids=["zero", "number", "nan"])
@pytest.mark.parametrize("dtype", ["<c8", ">c16"])
def test_values_equal_to_the_fill_value_are_missing_as_xarray_decodes(ca, tmp_path, dtype, fill_value):
    """xr.open_zarr masks values equal to fill_value (both parts) as nan+nanj, missing chunks
    included; ca.open does too (a NaN part equals nothing), mask_and_scale=False gives them."""
    xr = pytest.importorskip("xarray")
    values = complex_values((7, 5), dtype, seed=9)
    values[1, 1:4] = fill_value                      # written values equal to the fill value
    values[2, 0] = complex(np.real(fill_value), 1)   # one part equal only: kept
    root = zarr.open_group(str(tmp_path / "g.zarr"), mode="w")
    z = root.create_dataset("z", shape=values.shape, chunks=(3, 2), dtype=values.dtype, fill_value=fill_value)
    z[:6] = values[:6]                               # the last row's chunks are missing
    z.attrs["_ARRAY_DIMENSIONS"] = ["y", "x"]
    want = xr.open_zarr(str(tmp_path / "g.zarr"), consolidated=False)["z"].values
    got = ca.open(tmp_path / "g.zarr", "z").compute()
    assert_same(got, want)
    assert np.isnan(got[6]).all()   # missing chunks: masked, or the NaN fill value itself
    assert np.isnan(got[1, 1:4]).all() and np.isnan(got[2, 0]) == np.isnan(fill_value)   # one part equal: kept
    # xarray's dtype: complex128 when a fill value masks (its np.where with nan+nanj promotes)
    assert got.dtype == (np.complex64 if np.isnan(fill_value) and dtype == "<c8" else np.complex128)
    assert_same(ca.open(tmp_path / "g.zarr", "z", mask_and_scale=False).compute(), z[...])


@pytest.mark.parametrize("shape,chunks", [((9,), (1,)), ((5, 3), (5, 3)), ((), ()), ((0, 4), (2, 2)), ((6, 1, 5), (4, 1, 2))],
                         ids=["chunk-size-1", "one-chunk", "0-d", "empty", "3-d-edges"])
def test_odd_shapes_and_chunkings(ca, tmp_path, shape, chunks):
    values = complex_values(shape, "<c16", seed=3)
    expected = write_store(tmp_path / "s.zarr", values, chunks, compressor=numcodecs.Zlib(1))
    z = ca.open(tmp_path / "s.zarr", "", mask_and_scale=False)
    assert_same(np.asarray(z.compute()), expected)


def test_arrays_in_groups_with_nested_chunk_keys(ca, tmp_path):
    root = zarr.open_group(str(tmp_path / "g.zarr"), mode="w")
    values = complex_values((6, 5), "<c8")
    wave = root.create_group("sub").create_dataset("wave", shape=values.shape, chunks=(4, 2), dtype=values.dtype,
                                                   dimension_separator="/", fill_value=None)
    wave[...] = values
    root.create_dataset("t", data=np.arange(3.0))
    zarr.consolidate_metadata(str(tmp_path / "g.zarr"))
    assert_same(ca.open(tmp_path / "g.zarr", "sub/wave", mask_and_scale=False).compute(), values)
    assert isinstance(ca.open(tmp_path / "g.zarr", "t"), ca.Array)  # real arrays stay Arrays


def test_a_glob_of_complex_stores_joins_along_a_dimension(ca, tmp_path):
    parts = []
    for i, rows in enumerate((3, 5)):
        values = complex_values((rows, 4), "<c8", seed=i)
        root = zarr.open_group(str(tmp_path / f"part{i}.zarr"), mode="w")
        z = root.create_dataset("z", shape=values.shape, chunks=(2, 3), dtype=values.dtype, fill_value=None)
        z[...] = values
        z.attrs["_ARRAY_DIMENSIONS"] = ["time", "x"]
        parts.append(values)
    joined = ca.open(str(tmp_path / "part*.zarr"), "z", concat="time", mask_and_scale=False)
    assert isinstance(joined, ca.ComplexArray)
    assert_same(joined.compute(), np.concatenate(parts))



@pytest.mark.parametrize("chunks", [(6, 4), (2, 4)], ids=["one-chunk", "three-chunks"])
@pytest.mark.parametrize("threads", [1, 2])
def test_chunks_rewritten_between_computes_read_anew(ca, tmp_path, threads, chunks):
    """zarr-python's z[...] = and xarray's to_zarr(region=) rewrite chunk files only (.zarray stays):
    the next compute() reads the new values, in the same process on the same threads."""
    values = np.arange(24.0).reshape(6, 4) - 1j * np.arange(24.0).reshape(6, 4)
    write_store(tmp_path / "s.zarr", values, chunks, compressor=numcodecs.Blosc("lz4"))
    z = ca.open(tmp_path / "s.zarr", "", mask_and_scale=False)
    assert_same(z.compute(threads=threads), values)
    for k in (2, 3):
        zarr.open_array(str(tmp_path / "s.zarr"), mode="r+")[...] = values * k
        assert_same(ca.open(tmp_path / "s.zarr", "", mask_and_scale=False).real.compute(threads=threads), (values * k).real)
        assert_same(z.compute(threads=threads), values * k)

# ---------------------------------------------------------------- operations against NumPy
@pytest.fixture(params=["<c8", "<c16"])
def pair(request, ca, tmp_path):
    """(chunkarr's complex array from a store, NumPy's values), edge chunks along both axes."""
    values = complex_values((9, 7), request.param, seed=5)
    expected = write_store(tmp_path / "s.zarr", values, (4, 3), compressor=numcodecs.Blosc("lz4"))
    return ca.open(tmp_path / "s.zarr", "", mask_and_scale=False), expected


def close(got, expected, ulps=4):
    """NumPy's dtype, values within a few float steps of NumPy's (NaN where NaN): the engine's
    loops and NumPy's may round the last bit differently (NumPy's abs is not its hypot)."""
    got = np.asarray(got.compute() if hasattr(got, "compute") else got)
    expected = np.asarray(expected)
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    assert got.shape == expected.shape
    eps = np.finfo(expected.real.dtype).eps
    with np.errstate(invalid="ignore"):
        np.testing.assert_allclose(got, expected, rtol=ulps * eps, atol=0, equal_nan=True)


def test_parts_magnitude_angle_conjugate(ca, pair):
    z, v = pair
    assert_same(z.real.compute(), v.real)
    assert_same(np.real(z).compute(), v.real)
    assert_same(np.imag(z).compute(), v.imag)
    close(abs(z), np.abs(v))
    close(np.abs(z), np.abs(v))
    close(np.absolute(z), np.abs(v))
    close(np.angle(z), np.angle(v))
    close(np.angle(z, deg=True), np.angle(v, deg=True))
    assert_same(z.conj().compute(), np.conj(v))
    assert_same(np.conj(z).compute(), np.conj(v))
    assert_same((-z).compute(), -v)


def test_arithmetic_between_complex_arrays(ca, pair):
    z, v = pair
    w, u = z[::-1], v[::-1]
    with np.errstate(all="ignore"):
        close(z + w, v + u)
        close(z - w, v - u)
        close(z * w, v * u)
        close(z / w, v / u)
        close(np.add(z, w), v + u)
        close(np.true_divide(z, w), v / u)
        close(np.multiply(z, w), v * u)


@pytest.mark.parametrize("real_dtype", ["float64", "float32", "int32", "int16", "uint8", "bool"])
def test_arithmetic_with_real_arrays_follows_numpy_promotion(ca, pair, real_dtype):
    z, v = pair
    r = (np.arange(7) - 3).astype(real_dtype)
    x = ca.from_array(r, chunks=3)
    with np.errstate(all="ignore"):
        for got, expected in [(z + x, v + r), (x + z, r + v), (z - x, v - r), (x - z, r - v), (z * x, v * r),
                              (x * z, r * v), (z / x, v / r), (x / z, r / v), (z * r, v * r), (r - z, r - v)]:
            close(got, expected)


@pytest.mark.parametrize("number", [2, -0.5, 1j, 2.5 - 3j, np.float64(1.5), np.complex64(1 - 1j)],
                         ids=["int", "float", "imaginary", "complex", "np-float64", "np-complex64"])
def test_arithmetic_with_numbers(ca, pair, number):
    z, v = pair
    with np.errstate(all="ignore"):
        for got, expected in [(z + number, v + number), (number + z, number + v), (z - number, v - number),
                              (number - z, number - v), (z * number, v * number), (number * z, number * v),
                              (z / number, v / number), (number / z, number / v)]:
            close(got, expected)


@pytest.mark.parametrize("dtype", ["<c8", "<c16"])
@pytest.mark.parametrize("number", [0.3 + 0.7j, 0.7 - 0.3j, 1.1, 3, -1e-3j, np.complex128(1 / 3 + 2j), np.float32(0.1)],
                         ids=["real-larger", "imaginary-larger", "float", "int", "imaginary", "np-complex128",
                              "np-float32"])
def test_division_by_a_number_is_bit_identical_to_numpy(ca, dtype, number):
    """NumPy casts the divisor to the result's type first: complex64 values divide in float32."""
    rng = np.random.default_rng(5)
    magnitude = 10.0 ** rng.uniform(-3, 3, (2, 4000))
    v = (rng.standard_normal(4000) * magnitude[0] + 1j * rng.standard_normal(4000) * magnitude[1]).astype(dtype)
    z = ca.from_array(v, chunks=1500)
    got, expected = (z / number).compute(), v / number
    assert got.dtype == expected.dtype
    part = f"u{expected.real.itemsize}"
    assert np.array_equal(got.view(part), expected.view(part))


def test_real_array_with_a_complex_number_is_complex(ca):
    r = np.linspace(-2, 2, 9)
    for dtype in ["float32", "float64", "int32", "int16", "uint8", "bool"]:  # int16 + 1j: complex128
        x = ca.from_array(r.astype(dtype), chunks=4)
        close(x + 1j, r.astype(dtype) + 1j)
        close(x * (1 - 2j), r.astype(dtype) * (1 - 2j))
        close(np.multiply(x, 1j), np.multiply(r.astype(dtype), 1j))


def test_sum_and_mean(ca, pair):
    z, v = pair
    finite = np.isfinite(v)
    zf = ca.ComplexArray(ca.where(ca.from_array(finite), z.real, 0), ca.where(ca.from_array(finite), z.imag, 0))
    vf = np.where(finite, v, 0)
    close(zf.sum(), vf.sum(), ulps=64)
    close(zf.mean(axis=0), vf.mean(axis=0), ulps=64)
    close(zf.sum(axis=1, keepdims=True), vf.sum(axis=1, keepdims=True), ulps=64)
    close(np.sum(zf, axis=0), np.sum(vf, axis=0), ulps=64)
    close(np.mean(zf), np.mean(vf), ulps=64)
    assert np.isnan(z.sum().compute().real)  # NaN in the data: NumPy's sum is NaN too
    # A fixed summation tree: the same bits on 1 and 4 threads.
    one = zf.sum(axis=0).compute(threads=1)
    four = zf.sum(axis=0).compute(threads=4)
    assert one.tobytes() == four.tobytes()


@pytest.mark.parametrize("dtype", ["<c8", "<c16"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1)])
def test_mean_with_infinities_is_numpys(ca, dtype, axis):
    """NumPy divides the complex sum by n + 0j with its complex loop: inf+1j and 1 average to
    inf+nanj (the parts' own means would give inf+0.5j). Few values: the sums are exact."""
    v = np.array([[np.inf + 1j, 1, 2 - 1j, 0.5], [1 + 2j, 3, np.nan, -0.25j], [-np.inf, 0.75, 1j, 2]], dtype)
    z = ca.from_array(v, chunks=2)
    with np.errstate(all="ignore"):
        expected = v.mean(axis=axis)
    assert_same(z.mean(axis=axis).compute(), np.asarray(expected))
    assert_same(np.mean(z, axis=axis).compute(), np.asarray(expected))


def test_indexing_layout_and_joining(ca, pair):
    z, v = pair
    assert_same(z[2:7:2, ::-1].compute(), v[2:7:2, ::-1])
    assert_same(z[3].compute(), v[3])
    assert_same(np.asarray(z[3, 4]), np.asarray(v[3, 4]))
    assert_same(z.T.compute(), v.T)
    assert_same(z.rechunk((2, 5)).compute(), v)
    assert z.rechunk((2, 5)).chunks == ((2, 2, 2, 2, 1), (5, 2))
    assert_same(z.reshape(7, 9).compute(), v.reshape(7, 9))
    assert_same(ca.concatenate([z, z[:2]], axis=0).compute(), np.concatenate([v, v[:2]]))
    assert_same(np.concatenate([z[:2], z]).compute(), np.concatenate([v[:2], v]))
    r = np.ones((2, 7), v.real.dtype)
    assert_same(ca.concatenate([z, ca.from_array(r)]).compute(), np.concatenate([v, r]))
    assert_same(ca.stack([z, z]).compute(), np.stack([v, v]))
    assert_same(z.astype(np.complex128).compute(), v.astype(np.complex128))
    assert_same(((z == z[::-1]) | (z != z)).compute(), (v == v[::-1]) | (v != v))


def test_layout_methods_and_explain(ca, pair):
    z, v = pair
    assert_same(z.swapaxes(0, 1).compute(), v.swapaxes(0, 1))
    assert_same(z.ravel().compute(), v.ravel())
    assert_same(z[None].squeeze(0).compute(), v)
    plan = z.explain()
    assert "s.zarr" in plan and "real part" in plan and "imaginary part" in plan
    assert ca.explain(abs(z), z) != ""


def test_compute_several_arrays_with_complex_ones(ca, pair):
    z, v = pair
    got_z, got_abs, got_sum = ca.compute(z, abs(z), z.sum())
    assert_same(got_z, v)
    close(got_abs, np.abs(v))
    assert np.isnan(got_sum.real) and got_sum.dtype == v.dtype



def test_complex_lists_and_numpy_arrays_where_arrays_are_taken(ca, tmp_path):
    """Complex NumPy data or lists given where chunkarr takes arrays are complex values: joined,
    computed, written to Zarr; refused with one line where complex values cannot go."""
    r = np.arange(3.0)
    x = ca.from_array(r)
    assert_same(ca.concatenate([[1j, 2j], x]).compute(), np.concatenate([[1j, 2j], r]))
    assert_same(ca.stack([[1j, 2j, 3j], x]).compute(), np.stack([[1j, 2j, 3j], r]))
    assert_same(np.concatenate([x, np.array([1 - 1j], "<c8")]).compute(), np.concatenate([r, np.array([1 - 1j], "<c8")]))
    (got,) = ca.compute(np.array([1j, -2], "<c8"))
    assert_same(got, np.array([1j, -2], "<c8"))
    got_real, got_complex = ca.compute([1.5, 2], [1 + 2j])
    assert_same(got_complex, np.array([1 + 2j]))
    np.testing.assert_array_equal(got_real, [1.5, 2])
    ca.to_zarr([1j, 2], tmp_path / "list.zarr")
    assert_same(zarr.open_array(str(tmp_path / "list.zarr"), mode="r")[...], np.array([1j, 2]))


@pytest.mark.parametrize("write", [
    lambda ca, p, z: ca.to_hdf5(p / "f.h5", {"z": z}),
    lambda ca, p, z: ca.to_hdf5(p / "f.h5", {"a": np.array([1j])}),
    lambda ca, p, z: ca.to_hdf5(p / "f.h5", {"r": z.real, "z": z}),
    lambda ca, p, z: ca.to_netcdf(p / "f.nc", {"z": z}),
    lambda ca, p, z: ca.to_netcdf(p / "f.nc", {"a": [1j, 2]}),
], ids=["hdf5-complex-array", "hdf5-numpy", "hdf5-second-variable", "netcdf-complex-array", "netcdf-list"])
def test_complex_values_to_hdf5_or_netcdf_are_one_clear_type_error(ca, tmp_path, write):
    z = ca.from_array(complex_values((4,), "<c16"))
    with pytest.raises(TypeError) as error:
        write(ca, tmp_path, z)
    message = str(error.value)
    assert "\n" not in message and "complex" in message and "to_zarr" in message, message
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize("value", [1j, np.complex64(1 - 1j), np.array([1j, 2j]), [1j, 2j],
                                   lambda ca: ca.from_array(np.array([1j, 2j]))],
                         ids=["python-complex", "numpy-complex64", "numpy-array", "list", "complex-array"])
def test_setting_complex_values_into_a_real_array_is_a_type_error(ca, value):
    """NumPy refuses x[0] = 1j for a real x (and drops the imaginary part of complex arrays, with
    a warning): chunkarr refuses both with one line."""
    x = ca.from_array(np.arange(3.0))
    value = value(ca) if callable(value) else value
    with pytest.raises(TypeError) as error:
        x[:2] = value
    message = str(error.value)
    assert "\n" not in message and "complex" in message and ".real" in message, message
    np.testing.assert_array_equal(x.compute(), [0.0, 1.0, 2.0])

@pytest.mark.parametrize("dtype", ["int16", "int64", "float32", "float64", "bool"])
def test_astype_complex_of_a_real_array(ca, dtype):
    r = (np.arange(7) - 3).astype(dtype)
    x = ca.from_array(r, chunks=3)
    for complex_dtype in (np.complex64, np.complex128):
        assert_same(x.astype(complex_dtype).compute(), r.astype(complex_dtype))
    with pytest.raises(TypeError, match="according to the rule 'safe'"):
        ca.from_array(np.arange(3.0)).astype(np.complex64, casting="safe")


@pytest.mark.parametrize("source, target, casting", [
    ("c16", "c8", "safe"), ("c16", "c8", "equiv"), ("c8", "c16", "no"), ("c16", "c8", "same_kind"),
    ("c8", "c16", "safe"), ("c16", "c8", "unsafe"), ("c8", "c8", "no"), ("c16", ">c16", "equiv")])
def test_astype_of_a_complex_array_follows_casting(ca, source, target, casting):
    """NumPy's rule: complex128 to complex64 is no 'safe' cast, but a 'same_kind' one."""
    values = complex_values((5,), source)
    z = ca.from_array(values, chunks=2)
    if np.can_cast(values.dtype, np.dtype(target), casting=casting):
        assert_same(z.astype(target, casting=casting).compute(), values.astype(target, casting=casting))
    else:
        with pytest.raises(TypeError, match=f"according to the rule '{casting}'"):
            values.astype(target, casting=casting)  # NumPy refuses it too
        with pytest.raises(TypeError, match=f"according to the rule '{casting}'"):
            z.astype(target, casting=casting)


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_creation_functions_with_a_complex_dtype(ca, pair, dtype):
    z, v = pair
    for got, expected in [(ca.zeros((3, 4), dtype=dtype, chunks=2), np.zeros((3, 4), dtype)),
                          (ca.ones(5, dtype=dtype), np.ones(5, dtype)),
                          (ca.full((2, 3), 1.5 - 2j, dtype=dtype), np.full((2, 3), 1.5 - 2j, dtype)),
                          (ca.full_like(z, -1j, dtype=dtype), np.full_like(v, -1j, dtype=dtype)),
                          (ca.zeros_like(z, dtype=dtype), np.zeros_like(v, dtype=dtype))]:
        assert isinstance(got, ca.ComplexArray)
        assert_same(got.compute(), expected)
    assert ca.zeros_like(z).chunks == z.chunks
    assert ca.full((2,), 1 + 1j).dtype == np.complex128


def test_from_array_of_complex_values(ca):
    v = complex_values((5, 6), ">c16")
    z = ca.from_array(v, chunks=(2, 4))
    assert isinstance(z, ca.ComplexArray)
    assert z.chunks == ((2, 2, 1), (4, 2))
    assert_same(z.compute(), v.astype("<c16"))
    assert complex(z[1, 1]) == complex(v[1, 1])
    assert "complex128" in repr(z)


@pytest.mark.parametrize("value", [0j, 1j, 2 + 0j, complex(-0.0, 0.0), complex(np.nan, 0)])
@pytest.mark.parametrize("shape", [(), (1,), (1, 1)])
def test_truth_value_of_one_element_is_numpys(ca, value, shape):
    v = np.full(shape, value, np.complex64)
    assert bool(ca.from_array(v)) is bool(v)
    assert bool(ca.from_array(v.astype(np.complex128)).real) is bool(v.real)


def test_truth_value_of_several_elements_is_ambiguous(ca):
    v = np.array([1j, 0])
    with pytest.raises(ValueError, match="ambiguous"):
        bool(v)  # as NumPy
    with pytest.raises(ValueError, match="ambiguous"):
        bool(ca.from_array(v))


@pytest.mark.parametrize("operation", [
    lambda z: z.max(), lambda z: z.min(axis=0), lambda z: z.std(), lambda z: z.var(), lambda z: z.argmax(),
    lambda z: z.cumsum(), lambda z: np.quantile(z, 0.5), lambda z: np.median(z), lambda z: np.sort(z),
    lambda z: np.sqrt(z), lambda z: np.exp(z), lambda z: np.maximum(z, z), lambda z: z < 1, lambda z: z >= z,
    lambda z: z.real < z, lambda z: z ** 2, lambda z: z.astype(np.float64), lambda z: np.nansum(z),
], ids=["max", "min", "std", "var", "argmax", "cumsum", "quantile", "median", "sort", "sqrt", "exp", "maximum",
        "less", "greater-equal", "real-less-complex", "power", "astype-real", "nansum"])
def test_real_only_operations_are_one_clear_type_error(ca, pair, operation):
    z, _ = pair
    with pytest.raises(TypeError) as error:
        operation(z)
    message = str(error.value)
    assert "\n" not in message
    assert "complex" in message and ".real" in message, message


def test_where_and_asarray(ca, pair):
    z, v = pair
    c = np.abs(v) > 100
    assert_same(ca.where(ca.from_array(c), z, 0).compute(), np.where(c, v, 0))
    assert_same(np.where(c, 1j, z).compute(), np.where(c, 1j, v))
    assert_same(ca.where(c, z.real, z[::-1]).compute(), np.where(c, v.real, v[::-1]))
    assert ca.asarray(z) is z
    assert_same(ca.asarray(v).compute(), v)
    assert_same(ca.asarray(z.real, dtype=v.dtype).compute(), v.real.astype(v.dtype))


@pytest.mark.parametrize("function", [lambda ca, z: ca.clip(z, 0, 1), lambda ca, z: ca.cumsum(z),
                                      lambda ca, z: ca.maximum(z, 1), lambda ca, z: ca.minimum(1, z),
                                      lambda ca, z: ca.sqrt(z), lambda ca, z: ca.nanmean(z)],
                         ids=["clip", "cumsum", "maximum", "minimum", "sqrt", "nanmean"])
def test_real_only_functions_refuse_complex_values_clearly(ca, pair, function):
    z, _ = pair
    with pytest.raises(TypeError) as error:
        function(ca, z)
    message = str(error.value)
    assert "complex" in message and ".real" in message and "\n" not in message, message


def test_a_complex_numpy_operand_of_real_arrays_is_complex_arithmetic(ca):
    r = np.arange(3.0)
    x = ca.from_array(r)
    got = x + x * np.array([1j, 2, 3])
    assert isinstance(got, ca.ComplexArray)
    assert_same(got.compute(), r + r * np.array([1j, 2, 3]))


def test_unknown_attributes_are_attribute_errors(ca, pair):
    z, _ = pair
    assert not hasattr(z, "no_such_thing")


# ---------------------------------------------------------------- writing Zarr
@pytest.mark.parametrize("dtype", ["<c8", ">c16"])
def test_to_zarr_round_trip_read_by_zarr_python(ca, tmp_path, dtype):
    values = complex_values((9, 5), dtype, seed=8)
    z = ca.from_array(values, chunks=(4, 2))
    (z * 2).to_zarr(tmp_path / "out.zarr", "wave", chunks=(3, 4), compressor=numcodecs.Zlib(3))
    stored = zarr.open_group(str(tmp_path / "out.zarr"), mode="r")["wave"]
    assert stored.dtype == np.dtype(dtype).newbyteorder("<")
    assert stored.chunks == (3, 4)
    assert stored.attrs["_ARRAY_DIMENSIONS"] == ["dim_0", "dim_1"]
    with np.errstate(all="ignore"):
        expected = values.astype(stored.dtype) * 2
    assert_same(stored[...], expected)
    # And chunkarr reads it back, and xarray with the dimension names.
    assert_same(ca.open(tmp_path / "out.zarr", "wave", mask_and_scale=False).compute(), expected)
    xr = pytest.importorskip("xarray")
    wave = xr.open_zarr(tmp_path / "out.zarr")["wave"]
    assert wave.dims == ("dim_0", "dim_1")
    assert_same(wave.values, expected)


def test_to_zarr_of_a_complex_array_leaves_an_existing_store_alone(ca, tmp_path):
    z = ca.from_array(complex_values((4,), "<c16"))
    z.to_zarr(tmp_path / "out.zarr")
    before = sorted(p.name for p in (tmp_path / "out.zarr").iterdir())
    with pytest.raises(FileExistsError):
        z.to_zarr(tmp_path / "out.zarr")
    assert sorted(p.name for p in (tmp_path / "out.zarr").iterdir()) == before


def test_a_failed_complex_write_leaves_an_existing_store_untouched(ca, tmp_path):
    """A corrupt source chunk found while writing with overwrite=True: the error names it, the
    store that was there stays as it was, and no temporary store is left beside it."""
    values = complex_values((8, 5), "<c16")
    write_store(tmp_path / "in.zarr", values, (2, 5), compressor=numcodecs.Blosc("lz4"))
    (tmp_path / "in.zarr" / "3.0").write_bytes(b"garbage" * 3)
    existing = zarr.open_array(str(tmp_path / "out.zarr"), mode="w", shape=(2,), dtype="f8")
    existing[...] = [1, 2]
    before = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    with pytest.raises(OSError) as error:
        ca.open(tmp_path / "in.zarr", "", mask_and_scale=False).to_zarr(tmp_path / "out.zarr", "w", overwrite=True)
    message = str(error.value)
    assert "\n" not in message and "in.zarr" in message and "chunk 3.0" in message, message
    assert "(chunk (0, 0) at [0:8, 0:5])" in message  # the user's 2-d chunk, not the pairs' 3-d one
    after = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.zarr", "out.zarr"]
    np.testing.assert_array_equal(zarr.open_array(str(tmp_path / "out.zarr"), mode="r")[...], [1, 2])
