"""chunkarr.array_api against NumPy's reference implementation of the standard
(numpy.array_api, 2021.12): every family of the namespace, on odd chunkings (chunk size 1,
edge chunks, one chunk), the standard's dtypes and edge values (NaN, infinities, signed zeros,
empty and 0-d arrays). Each test computes the same call in both namespaces and compares dtype,
shape and values (NaN where NaN, the sign of zeros where the operation is exact)."""
import warnings

import numpy as np
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)   # numpy.array_api says it is experimental
    import numpy.array_api as npx

FLOATS = ["float32", "float64"]
INTS = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
EDGE_FLOATS = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.5, -2.5, 0.5, -0.5, 3.0, 1e-3, -7.25]
CHUNKS = [1, 3, None]   # chunk size 1, edge chunks (3 on 12), one chunk


@pytest.fixture(scope="module")
def xp(ca):
    from chunkarr import array_api
    return array_api


def values(dtype, n=12, seed=0):
    """n values of dtype: the float edge values, or integers spanning the dtype's small range
    with its extremes."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return np.array((EDGE_FLOATS * 2)[:n], dtype=dtype)
    if dtype.kind == "b":
        return np.arange(n) % 3 == 0
    info = np.iinfo(dtype)
    rng = np.random.default_rng(seed)
    low = max(int(info.min), -20)
    result = rng.integers(low, 20, size=n).astype(dtype)
    result[0], result[-1] = info.min, info.max
    return result


def pair(ca, a, chunks):
    """The same data as a chunkarr array (in `chunks`) and a numpy.array_api array, each on its
    own copy (both wrap NumPy data without copying; in-place operators write into the reference's)."""
    return ca.from_array(np.array(a), chunks=chunks), npx.asarray(np.array(a))


def assert_same(got, expected, *, exact=True):
    """A chunkarr result equals numpy.array_api's: dtype, shape, values; exact=True also
    compares the sign of zeros, otherwise values within float tolerance."""
    got_values = np.asarray(got.compute()) if hasattr(got, "compute") else np.asarray(got)
    want = np.asarray(expected)
    assert got_values.dtype == want.dtype, f"dtype {got_values.dtype} != reference {want.dtype}"
    assert got_values.shape == want.shape, f"shape {got_values.shape} != reference {want.shape}"
    if want.dtype.kind == "f":
        rtol = 0 if exact else (2e-6 if want.dtype == np.float32 else 1e-12)
        np.testing.assert_allclose(got_values, want, rtol=rtol, atol=0, equal_nan=True)
        if exact:
            zeros = want == 0
            np.testing.assert_array_equal(np.signbit(got_values[zeros]), np.signbit(want[zeros]))
    else:
        np.testing.assert_array_equal(got_values, want)


def both(function_name, *args, module=None, **kwargs):
    """Calls function_name in the reference namespace with warnings silenced."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return getattr(module or npx, function_name)(*args, **kwargs)


# ---- the namespace and the array object -------------------------------------------------------
def test_namespace_and_array_attributes(ca, xp):
    x = ca.from_array(np.arange(12.0).reshape(3, 4), chunks=(2, 3))
    assert x.__array_namespace__() is xp
    assert xp.__array_api_version__ == "2021.12"
    assert x.device == "cpu" and x.to_device("cpu") is x
    with pytest.raises(ValueError, match="cpu"):
        x.to_device("gpu")
    assert_same(x.mT, npx.asarray(np.arange(12.0).reshape(3, 4)).mT)
    with pytest.raises(ValueError, match="two dimensions"):
        _ = xp.asarray([1.0]).mT
    for name in ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32",
                 "float64"]:
        assert getattr(xp, name) == getattr(npx, name)
    for name in ["e", "inf", "nan", "pi"]:
        reference = getattr(npx, name)
        assert getattr(xp, name) == reference or (np.isnan(reference) and np.isnan(getattr(xp, name)))


def test_scalar_conversions_compute_zero_d_arrays(xp):
    assert float(xp.sum(xp.asarray([1.5, 2.0]))) == 3.5
    assert int(xp.max(xp.asarray([3, 9, 2]))) == 9
    assert bool(xp.any(xp.asarray([False, True]))) is True
    assert [0, 1, 2, 3][xp.asarray(2)] == 2   # __index__
    with pytest.raises(TypeError):
        [0, 1][xp.asarray(1.0)]


def test_boolean_masks_on_empty_and_zero_d_arrays(ca, xp):
    cases = [((0, 1), np.zeros((0, 0), bool)), ((2, 3), np.array([[True, False, True], [False, False, True]])),
             ((), np.array(True)), ((), np.array(False)), ((2, 0), np.zeros((2,), bool))]
    for shape, mask in cases:
        a = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
        x, ref = pair(ca, a, None)
        assert_same(x[ca.from_array(mask)], ref[npx.asarray(mask)])
    # NumPy's empty masks select nothing from axes of any length.
    for shape, mask_shape in [((3,), (0,)), ((2, 3), (0, 3)), ((2, 3), (2, 0))]:
        a, mask = np.ones(shape), np.zeros(mask_shape, bool)
        assert_same(ca.from_array(a)[ca.from_array(mask)], a[mask])
    x = ca.from_array(np.array([True, False]))
    x[:0] = ca.from_array(np.zeros(0, bool))   # an empty selection changes nothing
    assert_same(x, np.array([True, False]))


def test_setitem_matches_reference(ca, xp):
    a = np.arange(24.0).reshape(4, 6)
    x, ref = pair(ca, a, (3, 4))
    for index, value in [((1, slice(None, None, -2)), 9.5), ((Ellipsis, 0), -0.0), ((slice(1, 3), slice(2, 5)), 1.0),
                         ((-1, Ellipsis), np.arange(6.0))]:
        x[index] = value if np.ndim(value) == 0 else xp.asarray(value)
        ref[index] = value if np.ndim(value) == 0 else npx.asarray(value)
        assert_same(x, ref)
    mask = a > 10
    x[ca.from_array(mask)] = np.nan
    ref[npx.asarray(mask)] = np.nan
    assert_same(x, ref)


def test_in_place_operators_keep_the_dtype_and_shape(ca, xp):
    a, b = values("int16").reshape(3, 4), (np.arange(4) + 1).astype(np.int8)
    x, ref = pair(ca, a, (2, 3))
    alias = x
    for op in ("+=", "-=", "*=", "//=", "%=", "&=", "|=", "^=", "<<="):
        operand, ref_operand = ca.from_array(b, chunks=3), npx.asarray(b)
        namespace = {"x": x, "ref": ref, "y": operand, "ref_y": ref_operand}
        exec(f"x {op} y\nref {op} ref_y", namespace)
        x, ref = namespace["x"], namespace["ref"]
        assert_same(x, ref)
    assert_same(alias, npx.asarray(a))   # x was rebound to the result, as Dask's (the old array is unchanged)
    f, ref_f = pair(ca, values("float32"), 5)
    f /= xp.asarray(2.0, dtype=xp.float32)
    ref_f /= npx.asarray(2.0, dtype=npx.float32)
    assert_same(f, ref_f)
    f **= 2
    ref_f **= 2
    assert_same(f, ref_f)
    with pytest.raises(TypeError):
        x += 0.5    # int16 cannot hold a float64 result
    with pytest.raises(ValueError):
        f += xp.ones((2, 12), dtype=xp.float32)   # the result would be larger than f


# ---- element-wise functions ---------------------------------------------------------------------
def _allowed(xp, name, dtype):
    from chunkarr.array_api._elementwise_functions import _BINARY, _UNARY
    from chunkarr.array_api._dtypes import CATEGORIES
    category = {**_UNARY, **_BINARY}[name][1]
    return np.dtype(dtype) in CATEGORIES[category]


UNARY = ["abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "bitwise_invert", "ceil", "cos", "cosh", "exp",
         "expm1", "floor", "isfinite", "isinf", "isnan", "log", "log1p", "log2", "log10", "logical_not", "negative",
         "positive", "round", "sign", "sin", "sinh", "square", "sqrt", "tan", "tanh", "trunc"]
EXACT_UNARY = {"abs", "bitwise_invert", "ceil", "floor", "isfinite", "isinf", "isnan", "logical_not", "negative",
               "positive", "round", "sign", "square", "sqrt", "trunc"}


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", ["bool", "int8", "uint16", "int64", "float32", "float64"])
def test_unary_functions(ca, xp, name, dtype):
    if not _allowed(xp, name, dtype):
        with pytest.raises(TypeError):
            getattr(xp, name)(ca.from_array(values(dtype)))
        return
    for chunks in CHUNKS:
        x, ref = pair(ca, values(dtype), chunks)
        assert_same(getattr(xp, name)(x), both(name, ref), exact=name in EXACT_UNARY)
    empty, ref = pair(ca, np.zeros((0, 3), dtype=dtype), None)
    assert_same(getattr(xp, name)(empty), both(name, ref))


BINARY = ["add", "atan2", "bitwise_and", "bitwise_left_shift", "bitwise_or", "bitwise_right_shift", "bitwise_xor",
          "divide", "equal", "floor_divide", "greater", "greater_equal", "less", "less_equal", "logaddexp",
          "logical_and", "logical_or", "logical_xor", "multiply", "not_equal", "pow", "remainder", "subtract"]
EXACT_BINARY = {"add", "bitwise_and", "bitwise_left_shift", "bitwise_or", "bitwise_right_shift", "bitwise_xor",
                "divide", "equal", "floor_divide", "greater", "greater_equal", "less", "less_equal", "logical_and",
                "logical_or", "logical_xor", "multiply", "not_equal", "subtract"}
PAIRS = [("float64", "float64"), ("float32", "float64"), ("int8", "uint8"), ("uint16", "int32"), ("bool", "bool"),
         ("uint32", "uint64"), ("int16", "int16")]


def _binary_operands(name, dtype1, dtype2):
    """Two (12,) or broadcasting (3, 4)/(4,) operands of the dtypes, safe for the function:
    shifts by 0..7, no integer division by zero, no negative integer powers."""
    a, b = values(dtype1), values(dtype2, seed=1)
    if name.startswith("bitwise_") and "shift" in name:
        a, b = np.abs(a % 50).astype(dtype1), (np.arange(12) % 8).astype(dtype2)
    if np.dtype(dtype2).kind in "iu" and name in ("floor_divide", "remainder"):
        b = np.where(b == 0, 3, b).astype(dtype2)
    if np.dtype(dtype2).kind in "iu" and name == "pow":
        a, b = (np.arange(12) % 5).astype(dtype1), (np.arange(12) % 4).astype(dtype2)
    return a.reshape(3, 4), b[:4]


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("dtypes", PAIRS, ids=lambda p: "-".join(p))
def test_binary_functions(ca, xp, name, dtypes):
    a, b = _binary_operands(name, *dtypes)
    if not (_allowed(xp, name, dtypes[0]) and _allowed(xp, name, dtypes[1])):
        with pytest.raises(TypeError):
            getattr(xp, name)(ca.from_array(a), ca.from_array(b))
        return
    for chunks in [(1, 3), (2, 4), None]:
        x1, ref1 = pair(ca, a, chunks)
        x2, ref2 = pair(ca, b, None if chunks is None else chunks[1])
        assert_same(getattr(xp, name)(x1, x2), both(name, ref1, ref2), exact=name in EXACT_BINARY)


def test_binary_functions_refuse_what_the_promotion_table_leaves_out(xp):
    for a, b in [([1.0], [1]), ([True], [1]), ([1], np.array([1], dtype=np.uint64))]:
        with pytest.raises(TypeError):
            xp.add(xp.asarray(a), xp.asarray(b))
        with pytest.raises(TypeError):
            npx.add(npx.asarray(a), npx.asarray(b))


def test_python_scalars_stay_weak(ca, xp):
    x, ref = pair(ca, values("int8"), 5)
    assert_same(xp.multiply(x, 2), npx.multiply(ref, npx.asarray(2, dtype=npx.int8)))
    f, ref_f = pair(ca, values("float32"), 5)
    assert_same(xp.add(f, 0.5), ref_f + 0.5)
    assert_same(f * -0.0, ref_f * -0.0)
    with pytest.raises(TypeError):
        xp.add(x, 0.5)
    with pytest.raises(OverflowError):
        xp.add(x, 1000)
    # Integers beyond 2**53 stay exact (the engine's weak scalars are doubles).
    big, ref_big = pair(ca, np.array([1, -5, 7], dtype=np.int64), 2)
    assert_same(xp.add(big, 2 ** 53 + 1), ref_big + (2 ** 53 + 1))
    assert_same(big - (2 ** 62 + 3), ref_big - (2 ** 62 + 3))
    unsigned, ref_unsigned = pair(ca, np.array([1, 2], dtype=np.uint64), 1)
    assert_same(unsigned + (2 ** 63 + 1), ref_unsigned + (2 ** 63 + 1))
    big[1] = 2 ** 53 + 1
    ref_big[1] = 2 ** 53 + 1
    assert_same(big, ref_big)


def test_zero_d_arrays_promote_by_dtype_alone(ca, xp):
    # No value-based casting: an int8 array with a 0-d int64 array is int64 (NumPy 1.x: int8).
    x = ca.from_array(np.array([1, 2, 3], dtype=np.int8))
    y = ca.from_array(np.array(5, dtype=np.int64))
    assert_same(xp.add(x, y), npx.add(npx.asarray([1, 2, 3], dtype=npx.int8), npx.asarray(5, dtype=npx.int64)))
    assert (x + y).dtype == np.int64


# ---- data type functions --------------------------------------------------------------------
ALL_DTYPES = ["bool"] + INTS + FLOATS


def test_result_type_and_can_cast_follow_the_table(xp):
    for d1 in ALL_DTYPES:
        for d2 in ALL_DTYPES:
            try:
                expected = npx.result_type(getattr(npx, d1), getattr(npx, d2))
            except TypeError:
                with pytest.raises(TypeError):
                    xp.result_type(getattr(xp, d1), getattr(xp, d2))
            else:
                assert xp.result_type(getattr(xp, d1), getattr(xp, d2)) == expected, (d1, d2)
            assert xp.can_cast(getattr(xp, d1), getattr(xp, d2)) == npx.can_cast(getattr(npx, d1),
                                                                                getattr(npx, d2)), (d1, d2)


def test_finfo_iinfo_astype(ca, xp):
    for dtype in FLOATS:
        got, want = xp.finfo(getattr(xp, dtype)), npx.finfo(getattr(npx, dtype))
        assert (got.bits, got.eps, got.max, got.min, got.smallest_normal) == \
            (want.bits, want.eps, want.max, want.min, want.smallest_normal)
    for dtype in INTS:
        got, want = xp.iinfo(getattr(xp, dtype)), npx.iinfo(getattr(npx, dtype))
        assert (got.bits, got.max, got.min) == (want.bits, want.max, want.min)
    x, ref = pair(ca, values("float64"), 5)
    finite, ref_finite = pair(ca, np.nan_to_num(values("float64")), 5)
    assert_same(xp.astype(x, xp.float32), npx.astype(ref, npx.float32))
    assert_same(xp.astype(finite, xp.int16), npx.astype(ref_finite, npx.int16))
    assert xp.astype(x, xp.float64, copy=False) is x


def test_broadcast(ca, xp):
    a, b = np.arange(3.0).reshape(3, 1), np.arange(4.0)
    got = xp.broadcast_arrays(ca.from_array(a), ca.from_array(b))
    want = npx.broadcast_arrays(npx.asarray(a), npx.asarray(b))
    for g, w in zip(got, want):
        assert_same(g, w)
    assert_same(xp.broadcast_to(ca.from_array(b, chunks=3), (2, 4)), npx.broadcast_to(npx.asarray(b), (2, 4)))


# ---- creation ---------------------------------------------------------------------------------
def test_creation_functions(xp):
    cases = [
        ("arange", (10,), {}), ("arange", (2, 11, 3), {}), ("arange", (1.5, -2.0, -0.5), {}),
        ("arange", (0, 5), {"dtype": "uint8"}), ("arange", (0,), {}),
        ("asarray", ([[1, 2], [3, 4]],), {}), ("asarray", ([1.5, -0.0, np.nan],), {}),
        ("asarray", (True,), {}), ("asarray", ([[]],), {}), ("asarray", ([1, 2],), {"dtype": "float32"}),
        ("full", ((2, 3), 7), {}), ("full", ((2,), -0.0), {}), ("full", ((), True), {}),
        ("full", ((3,), 2 ** 62 + 1), {}), ("full", ((2, 2), 1), {"dtype": "int8"}),
        ("zeros", ((0, 4),), {}), ("ones", ((3,),), {"dtype": "int32"}),
        ("eye", (3,), {}), ("eye", (3, 5), {"k": 2, "dtype": "int16"}), ("eye", (4, 2), {"k": -1}),
        ("linspace", (0.0, 1.0, 5), {}), ("linspace", (2, -3, 7), {"endpoint": False}),
        ("linspace", (0, 1, 1), {"dtype": "float32"}), ("linspace", (0, 1, 0), {}),
        ("linspace", (1.0, -1.1641537733808605e-10, 9998), {"dtype": "float32"}),   # ends at stop exactly
    ]
    for name, args, kwargs in cases:
        ours = {k: getattr(xp, v) if k == "dtype" else v for k, v in kwargs.items()}
        theirs = {k: getattr(npx, v) if k == "dtype" else v for k, v in kwargs.items()}
        assert_same(getattr(xp, name)(*args, **ours), both(name, *args, **theirs))
    # NumPy's empty is uninitialized memory: only its dtype and shape can be compared.
    assert (xp.empty((2, 1)).dtype, xp.empty((2, 1)).shape) == (npx.empty((2, 1)).dtype, npx.empty((2, 1)).shape)


def test_like_functions_and_triangles(ca, xp):
    a = values("float32").reshape(3, 4)
    for chunks in [(1, 3), None]:
        x, ref = pair(ca, a, chunks)
        assert_same(xp.zeros_like(x), npx.zeros_like(ref))
        assert_same(xp.ones_like(x, dtype=xp.int8), npx.ones_like(ref, dtype=npx.int8))
        assert_same(xp.full_like(x, -0.0), npx.full_like(ref, -0.0))
        assert_same(xp.empty_like(x).shape, npx.empty_like(ref).shape)
        for k in (-1, 0, 2):
            assert_same(xp.tril(x, k=k), npx.tril(ref, k=k))
            assert_same(xp.triu(x, k=k), npx.triu(ref, k=k))
    grid = xp.meshgrid(xp.asarray([1, 2, 3]), xp.asarray([4, 5]))
    ref_grid = npx.meshgrid(npx.asarray([1, 2, 3]), npx.asarray([4, 5]))
    for g, w in zip(grid, ref_grid):
        assert_same(g, w)
    ij = xp.meshgrid(xp.asarray([1.0, 2.0]), xp.asarray([4.0, 5.0, 6.0]), indexing="ij")
    for g, w in zip(ij, npx.meshgrid(npx.asarray([1.0, 2.0]), npx.asarray([4.0, 5.0, 6.0]), indexing="ij")):
        assert_same(g, w)


def test_device_argument(xp):
    assert xp.zeros(3, device="cpu").device == "cpu"
    with pytest.raises(ValueError, match="cpu"):
        xp.ones(3, device="cuda")


def test_asarray_refuses_ints_beyond_int64(xp):
    with pytest.raises(OverflowError):
        xp.asarray(2 ** 63)
    with pytest.raises(OverflowError):
        xp.asarray([1, 2 ** 64])


# ---- statistical and utility functions ---------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64", "int8", "uint16", "int64"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1), ()])
@pytest.mark.parametrize("keepdims", [False, True])
def test_statistical_functions(ca, xp, dtype, axis, keepdims):
    a = values(dtype, 12).reshape(3, 4)
    if np.dtype(dtype).kind in "iu":
        a = (a % 7).astype(dtype)   # small values: the products stay exact
    for chunks in [(1, 3), (2, 4)]:
        x, ref = pair(ca, a, chunks)
        names = ["max", "min", "sum", "prod"] + (["mean", "std", "var"] if dtype in FLOATS else [])
        for name in names:
            # Sums of floats keep the dtype (2022.12's rule; numpy.array_api keeps 2021.12's float64).
            kwargs = {"dtype": ref.dtype} if name in ("sum", "prod") and dtype in FLOATS else {}
            assert_same(getattr(xp, name)(x, axis=axis, keepdims=keepdims),
                        both(name, ref, axis=axis, keepdims=keepdims, **kwargs), exact=name in ("max", "min"))
        if dtype in FLOATS:
            for correction in (1, 1.5):
                assert_same(xp.var(x, axis=axis, correction=correction),
                            both("var", ref, axis=axis, correction=correction), exact=False)
        assert_same(xp.sum(x, axis=axis, dtype=xp.float64), both("sum", ref, axis=axis, dtype=npx.float64),
                    exact=False)
        b, ref_b = pair(ca, a != 0, chunks)
        assert_same(xp.all(b, axis=axis, keepdims=keepdims), both("all", ref_b, axis=axis, keepdims=keepdims))
        assert_same(xp.any(b, axis=axis, keepdims=keepdims), both("any", ref_b, axis=axis, keepdims=keepdims))


def test_reductions_numpy_allows_beyond_the_standard(ca, xp):
    # The standard leaves sum of bools and mean of integers unspecified; xarray (which calls this
    # namespace) expects NumPy's answers.
    a = values("int16", 12).reshape(3, 4)
    for chunks in [(1, 3), None]:
        x = ca.from_array(a, chunks=chunks)
        assert_same(xp.sum(x > 0, axis=0), np.sum(a > 0, axis=0))
        assert_same(xp.prod(x != 0, axis=1), np.prod(a != 0, axis=1))
        assert_same(xp.mean(x, axis=1), np.mean(a, axis=1), exact=False)
        assert_same(xp.var(x, axis=0, correction=1), np.var(a, axis=0, ddof=1), exact=False)
        assert_same(xp.std(x > 0), np.std(a > 0), exact=False)
        assert_same(xp.sum(ca.from_array(a.astype(np.float32), chunks=chunks)), np.sum(a.astype(np.float32)),
                    exact=False)


def test_reductions_of_empty_arrays(ca, xp):
    x, ref = pair(ca, np.zeros((0, 3), dtype=np.float32), None)
    for name in ("sum", "prod"):
        assert_same(getattr(xp, name)(x, axis=0), both(name, ref, axis=0, dtype=npx.float32))
    for name in ("all", "any"):
        assert_same(getattr(xp, name)(x != 0, axis=0), both(name, ref != 0, axis=0))
    assert_same(xp.sum(x), both("sum", ref, dtype=npx.float32))


# ---- manipulation ---------------------------------------------------------------------------------
def test_manipulation_functions(ca, xp):
    a = values("float64", 24).reshape(2, 3, 4)
    b = values("int16", 24).reshape(2, 3, 4)
    for chunks in [(1, 2, 3), None]:
        x, ref = pair(ca, a, chunks)
        y, ref_y = pair(ca, b, chunks)
        assert_same(xp.concat([x, x], axis=1), npx.concat([ref, ref], axis=1))
        assert_same(xp.concat([x, x], axis=None), npx.concat([ref, ref], axis=None))
        assert_same(xp.concat([y, xp.astype(y, xp.int8)], axis=-1), npx.concat([ref_y, npx.astype(ref_y, npx.int8)],
                                                                             axis=-1))
        assert_same(xp.stack([x, x, x], axis=2), npx.stack([ref, ref, ref], axis=2))
        assert_same(xp.expand_dims(x, axis=-1), npx.expand_dims(ref, axis=-1))
        for axis in (None, 0, (0, 2), -1):
            assert_same(xp.flip(x, axis=axis), npx.flip(ref, axis=axis))
        assert_same(xp.permute_dims(x, (2, 0, 1)), npx.permute_dims(ref, (2, 0, 1)))
        assert_same(xp.reshape(x, (4, -1)), npx.reshape(ref, (4, -1)))
        for shift, axis in [(1, None), (-2, 1), ((1, 5), (0, 2))]:
            assert_same(xp.roll(x, shift, axis=axis), npx.roll(ref, shift, axis=axis))
        assert_same(xp.squeeze(xp.expand_dims(x, axis=1), axis=1), npx.squeeze(npx.expand_dims(ref, axis=1), axis=1))
    with pytest.raises(ValueError):
        xp.squeeze(xp.asarray([[1.0, 2.0]]), axis=1)
    with pytest.raises(TypeError):
        xp.concat([xp.asarray([1.0]), xp.asarray([1])])


# ---- searching, sorting, sets ---------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "int8", "uint64"])
def test_searching_and_sorting(ca, xp, dtype):
    a = values(dtype, 12).reshape(3, 4)
    a = np.where(np.isnan(a), 0, a).astype(dtype) if dtype in FLOATS else a   # NaN order differs by design
    for chunks in [(1, 3), None]:
        x, ref = pair(ca, a, chunks)
        for axis in (None, 0, 1):
            assert_same(xp.argmax(x, axis=axis), npx.argmax(ref, axis=axis))
            assert_same(xp.argmin(x, axis=axis, keepdims=True), npx.argmin(ref, axis=axis, keepdims=True))
        for axis in (0, -1):
            for descending in (False, True):
                assert_same(xp.sort(x, axis=axis, descending=descending),
                            npx.sort(ref, axis=axis, descending=descending))
                assert_same(xp.argsort(x, axis=axis, descending=descending),
                            npx.argsort(ref, axis=axis, descending=descending))
        for got, want in zip(xp.nonzero(x), npx.nonzero(ref)):
            assert_same(got, want)
        condition, ref_condition = pair(ca, a > a.flat[5], chunks)
        assert_same(xp.where(condition, x, xp.zeros_like(x)), npx.where(ref_condition, ref, npx.zeros_like(ref)))


def test_where_promotes_and_sort_is_stable_descending(ca, xp):
    c = ca.from_array(np.array([True, False, True]))
    got = xp.where(c, xp.asarray([1, 2, 3], dtype=xp.int8), xp.asarray([4, 5, 6], dtype=xp.int16))
    assert_same(got, npx.where(npx.asarray([True, False, True]), npx.asarray([1, 2, 3], dtype=npx.int8),
                               npx.asarray([4, 5, 6], dtype=npx.int16)))
    ties = np.array([2, 1, 2, 1, 2], dtype=np.int32)
    assert_same(xp.argsort(ca.from_array(ties, chunks=2), descending=True),
                npx.argsort(npx.asarray(ties), descending=True))


def test_set_functions(ca, xp):
    a = np.array([[3.0, np.nan, 1.0], [-0.0, 3.0, np.nan], [1.0, 0.0, 2.0]])
    for chunks in [1, None]:
        x, ref = pair(ca, a, chunks)
        for name in ("unique_all", "unique_counts", "unique_inverse"):
            got, want = getattr(xp, name)(x), getattr(npx, name)(ref)
            assert got._fields == want._fields
            for g, w in zip(got, want):
                assert_same(g, w, exact=False)
        assert_same(xp.unique_values(x), npx.unique_values(ref), exact=False)
    assert xp.unique_values(xp.asarray([np.nan, np.nan])).shape == (2,)   # NaNs are distinct


# ---- linear algebra ----------------------------------------------------------------------------
def test_linalg_lazy_functions(ca, xp):
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((2, 5, 4)), rng.standard_normal((4, 3))
    for chunks in [(1, 2, 3), None]:
        x, ref = pair(ca, a, chunks)
        y, ref_y = pair(ca, b, None if chunks is None else chunks[1:])
        assert_same(xp.matmul(x, y), npx.matmul(ref, ref_y), exact=False)
        assert_same(xp.linalg.matmul(x, y), npx.linalg.matmul(ref, ref_y), exact=False)
        assert_same(xp.matrix_transpose(x), npx.matrix_transpose(ref))
        assert_same(xp.tensordot(x, y, axes=1), npx.tensordot(ref, ref_y, axes=1), exact=False)
        assert_same(xp.tensordot(x, x, axes=([1, 2], [1, 2])), npx.tensordot(ref, ref, axes=([1, 2], [1, 2])),
                    exact=False)
        assert_same(xp.vecdot(x, x), npx.vecdot(ref, ref), exact=False)
        assert_same(xp.vecdot(x, x, axis=1), npx.vecdot(ref, ref, axis=1), exact=False)
        for offset in (0, 1, -2):
            assert_same(xp.linalg.trace(x, offset=offset), npx.linalg.trace(ref, offset=offset), exact=False)
            assert_same(xp.linalg.diagonal(x, offset=offset), npx.linalg.diagonal(ref, offset=offset))
        for axis, keepdims, order in [(None, False, 2), (1, True, 1), ((0, 2), False, np.inf), (-1, False, 0),
                                      (-1, True, -np.inf), (2, False, 3)]:
            assert_same(xp.linalg.vector_norm(x, axis=axis, keepdims=keepdims, ord=order),
                        npx.linalg.vector_norm(ref, axis=axis, keepdims=keepdims, ord=order), exact=False)
        for order in ("fro", 1, np.inf, -1, 2, "nuc"):
            assert_same(xp.linalg.matrix_norm(x, ord=order), npx.linalg.matrix_norm(ref, ord=order), exact=False)
        assert_same(xp.linalg.outer(x[0, 0], y[:, 0]), npx.linalg.outer(ref[0, 0, ...], ref_y[:, 0]), exact=False)
        assert_same(xp.linalg.cross(x[:, :, :3], x[:, :, 1:]), npx.linalg.cross(ref[:, :, :3], ref[:, :, 1:]),
                    exact=False)
    ints = np.arange(12, dtype=np.int8).reshape(3, 4)
    # 2021.12: "The returned array must have the same data type as x" (numpy.array_api sums int8 in int64).
    assert_same(xp.linalg.trace(ca.from_array(ints)), npx.astype(npx.linalg.trace(npx.asarray(ints)), npx.int8))


def test_linalg_in_memory_functions(ca, xp):
    rng = np.random.default_rng(4)
    m = rng.standard_normal((3, 4, 4))
    spd = m @ np.swapaxes(m, -1, -2) + 4 * np.eye(4)
    x, ref = pair(ca, spd, (2, 3, 3))
    for name in ("det", "eigvalsh", "inv", "svdvals", "matrix_rank", "pinv"):
        assert_same(getattr(xp.linalg, name)(x), getattr(npx.linalg, name)(ref), exact=False)
    for name in ("slogdet", "eigh"):
        for g, w in zip(getattr(xp.linalg, name)(x), getattr(npx.linalg, name)(ref)):
            assert_same(g, w, exact=False)
    assert_same(xp.linalg.cholesky(x, upper=True), npx.linalg.cholesky(ref, upper=True), exact=False)
    q, r = xp.linalg.qr(x)
    assert_same(q @ r, ref, exact=False)
    u, s, vh = xp.linalg.svd(x, full_matrices=False)
    assert_same(xp.matmul(u * xp.expand_dims(s, axis=-2), vh), ref, exact=False)
    rhs = rng.standard_normal((3, 4, 2))
    assert_same(xp.linalg.solve(x, ca.from_array(rhs)), npx.linalg.solve(ref, npx.asarray(rhs)), exact=False)
    # A 1-d x2 is one vector for every matrix; a 2-d x2 is one matrix (NumPy would read (4, 2)
    # beside (3, 4, 4) as three vectors).
    for shape in [(4,), (4, 2)]:
        b = rng.standard_normal(shape)
        assert_same(xp.linalg.solve(x, ca.from_array(b)), npx.linalg.solve(ref, npx.asarray(b)), exact=False)
    for n in (0, 1, 3, -2):
        assert_same(xp.linalg.matrix_power(x, n), npx.linalg.matrix_power(ref, n), exact=False)


def test_linalg_factorizations_refuse_arrays_that_do_not_fit(xp, monkeypatch):
    monkeypatch.setattr(xp.linalg, "IN_MEMORY_LIMIT", 100)
    with pytest.raises(MemoryError, match="IN_MEMORY_LIMIT"):
        xp.linalg.inv(xp.eye(10))


# ---- 2022.12 additions (numpy.array_api 1.24 lacks them: compared with NumPy) ----------------
def test_take_and_isdtype(ca, xp):
    a = values("float64", 12).reshape(3, 4)
    x = ca.from_array(a, chunks=(2, 3))
    indices = np.array([3, 0, 0, 2])
    assert_same(xp.take(x, xp.asarray(indices), axis=1), np.take(a, indices, axis=1))
    assert_same(xp.take(x[0], xp.asarray([-1, 1]), axis=0), np.take(a[0], [-1, 1]))
    with pytest.raises(TypeError):
        xp.take(x, xp.asarray([0.0]), axis=0)
    assert xp.isdtype(xp.int8, "signed integer") and not xp.isdtype(xp.uint8, "signed integer")
    assert xp.isdtype(xp.float32, ("integral", "real floating")) and xp.isdtype(xp.bool, "bool")
    assert not xp.isdtype(xp.float64, "integral") and xp.isdtype(xp.uint64, "numeric")
    assert xp.isdtype(xp.int16, xp.int16) and not xp.isdtype(xp.int16, xp.int32)


def test_full_values_that_print_alike_stay_distinct(xp):
    # Generated sources are shared graph nodes by their description; it once printed six digits.
    first, second = xp.full(2, 1009321445120.0), xp.full(2, 1009315000001.0)
    assert float(first[0]) == 1009321445120.0 and float(second[1]) == 1009315000001.0
    ramp, other = xp.arange(0.5, 1.0, 1e-1), xp.arange(0.5, 1.0, 1.0000001e-1)
    assert float(ramp[4]) == 0.5 + 4 * 1e-1 and float(other[4]) == 0.5 + 4 * 1.0000001e-1
