"""Every NumPy ufunc on chunkarr arrays (python/chunkarr/_ufuncs.py): lazy, NumPy's values and
dtypes (float16 results are float32 in chunkarr) on odd chunkings, every dtype NumPy accepts,
special values; two-output ufuncs; out=/where=/dtype=; ufunc.reduce/accumulate/outer; the
Python operators; prod/nanprod."""
import operator
import warnings

import numpy as np
import pytest

from conftest import DTYPES, assert_matches, np_expected, sample

CASES = [((), None), ((17,), 5), ((7, 11), (3, 4)), ((0, 5), 2), ((4, 9, 5), ((1, 3), (4, 5), (5,)))]


def all_numpy_ufuncs():
    return sorted({getattr(np, n) for n in dir(np) if isinstance(getattr(np, n), np.ufunc)} - {np.isnat},
                  key=lambda u: u.__name__)


def numpy_result(ufunc, *args):
    """NumPy's answer as chunkarr computes it (float16 -> float32), or None where NumPy refuses
    the dtypes."""
    try:
        result = np_expected(ufunc, *args)
    except TypeError:
        return None
    results = result if isinstance(result, tuple) else (result,)
    if any(np.asarray(r).dtype == np.float16 for r in results):  # NumPy's float16 loop: redo in float32
        widened = [np.asarray(v).astype(np.float32)
                   if np.asarray(v).dtype.kind in "biu" and not (ufunc is np.ldexp and k == 1) else v
                   for k, v in enumerate(args)]
        result = np_expected(ufunc, *widened)
    return result


def check(ufunc, got, expected, what):
    got = got if isinstance(got, tuple) else (got,)
    expected = expected if isinstance(expected, tuple) else (expected,)
    assert len(got) == len(expected), f"{what}: {len(got)} outputs, NumPy has {len(expected)}"
    for g, e in zip(got, expected):
        e = np.asarray(e)
        rtol = 2e-6 if e.dtype == np.float32 else 1e-12
        try:
            assert_matches(g.compute(), e, rtol=rtol)
        except AssertionError as err:
            raise AssertionError(f"{what}: {err}") from None


def test_every_numpy_ufunc_is_supported(ca):
    from chunkarr import _ufuncs
    missing = [u.__name__ for u in all_numpy_ufuncs() if u not in set(_ufuncs.UFUNCS)]
    assert not missing, f"ufuncs chunkarr does not compute: {missing}"


def test_datetime_ufunc_is_refused_clearly(ca):
    x = ca.from_array(np.arange(4.0), chunks=2)
    with pytest.raises(TypeError):
        np.isnat(x)


def domain_data(ufunc, shape, dtype, seed):
    a = sample(shape, dtype, seed=seed)
    if ufunc is np.reciprocal and a.dtype.kind in "iu":
        a = np.where(a == 0, 1, a).astype(a.dtype)  # NumPy's integer 1/0 is undefined
    if ufunc in (np.exp, np.exp2, np.expm1, np.cosh, np.sinh, np.spacing) and a.dtype.kind in "iu":
        a = np.asarray(a % 20, dtype=a.dtype)
    return a


UNARY = [u for u in all_numpy_ufuncs() if u.nin == 1]
BINARY = [u for u in all_numpy_ufuncs() if u.nin == 2 and u is not np.matmul]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ufunc", UNARY, ids=lambda u: u.__name__)
def test_unary_ufuncs_match_numpy(ca, ufunc, dtype):
    for shape, chunks in CASES:
        a = domain_data(ufunc, shape, dtype, seed=1)
        x = ca.from_array(a, chunks=chunks)
        expected = numpy_result(ufunc, a)
        if expected is None:
            with pytest.raises((TypeError, ValueError)):
                ufunc(x)
            continue
        got = ufunc(x)
        outputs = got if isinstance(got, tuple) else (got,)
        assert all(isinstance(g, ca.Array) for g in outputs), f"np.{ufunc.__name__} is not lazy"
        check(ufunc, got, expected, f"np.{ufunc.__name__} on {dtype} {shape}")


SPECIAL = np.array([0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 1.5, -2.5, 3.0, 1e-30, -1e30, 7.0, np.inf, -np.inf, np.nan])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_unary_ufuncs_on_special_values(ca, dtype):
    a = SPECIAL.astype(dtype)
    x = ca.from_array(a, chunks=4)
    for ufunc in UNARY:
        expected = numpy_result(ufunc, a)
        if expected is None:
            continue
        check(ufunc, ufunc(x), expected, f"np.{ufunc.__name__} on special {dtype}")


def binary_data(ufunc, shape, dtype):
    a = sample(shape, dtype, seed=2)
    b = sample(shape, dtype, seed=3, nonzero=True)
    kind = np.dtype(dtype).kind
    if ufunc in (np.power, np.float_power):
        if kind in "iu":
            b = np.asarray(np.abs(b) % 3, dtype=dtype)
        elif kind == "f":
            a = np.abs(a)
    if ufunc in (np.left_shift, np.right_shift) and kind in "iu":
        b = np.asarray(np.abs(b) % 7, dtype=dtype)
    if ufunc is np.ldexp:
        b = np.asarray(b, dtype=np.int32) if kind != "b" else b
    return a, b


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ufunc", BINARY, ids=lambda u: u.__name__)
def test_binary_ufuncs_match_numpy(ca, ufunc, dtype):
    for shape, chunks in CASES:
        a, b = binary_data(ufunc, shape, dtype)
        x, y = ca.from_array(a, chunks=chunks), ca.from_array(b, chunks=chunks)
        expected = numpy_result(ufunc, a, b)
        if expected is None:
            with pytest.raises((TypeError, ValueError)):
                ufunc(x, y)
            continue
        got = ufunc(x, y)
        outputs = got if isinstance(got, tuple) else (got,)
        assert all(isinstance(g, ca.Array) for g in outputs), f"np.{ufunc.__name__} is not lazy"
        what = f"np.{ufunc.__name__} on {dtype} {shape}"
        check(ufunc, got, expected, what)
        # a NumPy array on the left, and a broadcast row on the right
        check(ufunc, ufunc(a, y), expected, what + " (NumPy left operand)")
        if a.size > 0:
            row = b[(0,) * (b.ndim - 1)] if b.ndim > 1 else b
            check(ufunc, ufunc(x, ca.from_array(row, chunks=3)), numpy_result(ufunc, a, row), what + " (broadcast)")


def test_binary_ufuncs_on_special_values(ca):
    a, b = np.meshgrid(SPECIAL, SPECIAL)
    x, y = ca.from_array(a, chunks=(4, 6)), ca.from_array(b, chunks=5)
    for ufunc in BINARY:
        if ufunc is np.ldexp:
            continue
        expected = numpy_result(ufunc, a, b)
        if expected is None:
            continue
        check(ufunc, ufunc(x, y), expected, f"np.{ufunc.__name__} on special values")


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8", "uint64"])
def test_integer_division_edge_cases(ca, dtype):
    info = np.iinfo(dtype)
    values = np.array([v for v in sorted({info.min, info.min + 1, -7, -1, 0, 1, 7, info.max})
                       if info.min <= v <= info.max], dtype=dtype)
    a, b = np.meshgrid(values, values)
    x, y = ca.from_array(a, chunks=3), ca.from_array(b, chunks=(2, 5))
    for ufunc in (np.floor_divide, np.remainder, np.fmod, np.divmod):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            expected = ufunc(a, b)
        check(ufunc, ufunc(x, y), expected, f"np.{ufunc.__name__} on {dtype} with 0, -1 and MIN")


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint16"])
def test_shifts_past_the_width(ca, dtype):
    a = np.array([1, -3, 5, 127, -128, 0, 9], dtype=np.int64).astype(dtype)
    b = np.array([0, 1, 7, 8, 63, 64, 70], dtype=dtype)
    x, y = ca.from_array(a, chunks=3), ca.from_array(b, chunks=2)
    for ufunc in (np.left_shift, np.right_shift):
        check(ufunc, ufunc(x, y), ufunc(a, b), f"np.{ufunc.__name__} on {dtype}")


def test_ldexp_keeps_an_integer_exponent(ca):
    m = np.array([0.5, -1.25, 3.0, np.inf, np.nan, 1e-30], dtype=np.float32)
    e = np.array([1, -3, 100, 2, 0, -200], dtype=np.int32)
    x, y = ca.from_array(m, chunks=4), ca.from_array(e, chunks=4)
    check(np.ldexp, np.ldexp(x, y), np.ldexp(m, e), "ldexp(float32, int32)")
    check(np.ldexp, np.ldexp(x, 3), np.ldexp(m, 3), "ldexp(float32, 3)")
    with pytest.raises((TypeError, ValueError), match="exponent"):
        np.ldexp(x, x)


def test_weak_scalars_follow_numpy(ca):
    a = sample((7, 5), "int16", seed=4)
    f = sample((7, 5), "float32", seed=5, nonzero=True)
    for data, ufunc, s in ((a, np.floor_divide, 3), (a, np.remainder, 4), (a, np.bitwise_and, 6),
                           (a, np.left_shift, 2), (a, np.fmax, 0), (a, np.gcd, 4), (f, np.arctan2, 2.0),
                           (f, np.hypot, 1.5), (f, np.copysign, -1.0), (f, np.floor_divide, 2), (f, np.remainder, 0.5),
                           (f, np.logaddexp, 1)):
        x = ca.from_array(data, chunks=3)
        check(ufunc, ufunc(x, s), numpy_result(ufunc, data, s), f"np.{ufunc.__name__}({data.dtype}, {s!r})")
        check(ufunc, ufunc(s, x), numpy_result(ufunc, s, data), f"np.{ufunc.__name__}({s!r}, {data.dtype})")


# ---- operators ---------------------------------------------------------------------------------

OPERATORS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv, operator.mod,
             operator.pow, operator.and_, operator.or_, operator.xor, operator.lshift, operator.rshift,
             operator.lt, operator.le, operator.eq, operator.ne, operator.gt, operator.ge, divmod]


@pytest.mark.parametrize("dtype", ["int32", "uint8", "float64", "bool"])
@pytest.mark.parametrize("op", OPERATORS, ids=lambda o: o.__name__)
def test_operators_reflected_and_with_scalars(ca, op, dtype):
    a = sample((6, 7), dtype, seed=6)
    b = sample((6, 7), dtype, seed=7, nonzero=True)
    if op in (operator.lshift, operator.rshift, operator.pow) and a.dtype.kind in "iu":
        b = np.asarray(np.abs(b) % 5, dtype=dtype)
    x, y = ca.from_array(a, chunks=(4, 3)), ca.from_array(b, chunks=5)
    scalar = 2 if dtype != "bool" else True
    for left, right, na, nb in ((x, y, a, b), (x, scalar, a, scalar), (scalar, y, scalar, b), (a, y, a, b)):
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                expected = op(na, nb)
        except TypeError:
            with pytest.raises((TypeError, ValueError)):
                op(left, right)
            continue
        got = op(left, right)
        check(op, got, expected, f"{op.__name__}({type(left).__name__}, {type(right).__name__}) on {dtype}")


@pytest.mark.parametrize("dtype", ["int8", "uint16", "int64", "bool", "float32"])
def test_unary_operators(ca, dtype):
    a = sample((5, 6), dtype, seed=8)
    x = ca.from_array(a, chunks=4)
    for op in (operator.invert, operator.neg, operator.pos, operator.abs):
        try:
            expected = op(a)
        except TypeError:
            with pytest.raises((TypeError, ValueError)):
                op(x)
            continue
        check(op, op(x), expected, f"{op.__name__} on {dtype}")


def test_in_place_operators_rebind_lazily(ca):
    a = sample((5, 6), "int32", seed=9)
    x = ca.from_array(a, chunks=4)
    y = x
    y += 3
    y //= 2
    y %= 5
    y <<= 1
    y |= 1
    assert isinstance(y, ca.Array) and y is not x
    assert_matches(x.compute(), a)  # the original is untouched
    assert_matches(y.compute(), ((((a + 3) // 2) % 5) << 1) | 1)


# ---- keywords and methods ------------------------------------------------------------------------

def test_out_into_a_numpy_array(ca):
    a = sample((5, 6), "float64", seed=10)
    x = ca.from_array(a, chunks=4)
    out = np.empty_like(a)
    result = np.add(x, 1.0, out=out)
    assert result is out
    np.testing.assert_array_equal(out, a + 1.0)
    m, e = np.empty_like(a), np.empty(a.shape, np.int32)
    got = np.frexp(x, out=(m, e))
    assert got[0] is m and got[1] is e
    np.testing.assert_array_equal(m, np.frexp(a)[0])
    np.testing.assert_array_equal(e, np.frexp(a)[1])


def test_out_cannot_be_a_chunkarr_array(ca):
    x = ca.from_array(np.arange(6.0), chunks=4)
    with pytest.raises(TypeError, match="out= cannot be a chunkarr array"):
        np.sqrt(x, out=x)


def test_where_keyword(ca):
    a = sample((5, 6), "float64", seed=11)
    mask = a > 0
    x = ca.from_array(a, chunks=4)
    out = np.full_like(a, -7.0)
    np.sqrt(x, where=mask, out=out)
    np.testing.assert_array_equal(out, np.sqrt(a, where=mask, out=np.full_like(a, -7.0)))
    lazy = np.sqrt(x, where=ca.from_array(mask, chunks=3))
    assert isinstance(lazy, ca.Array)
    np.testing.assert_array_equal(lazy.compute()[mask], np.sqrt(a[mask]))
    np.testing.assert_array_equal(lazy.compute()[~mask], 0.0)


def test_dtype_keyword(ca):
    a = sample((5, 6), "int16", seed=12)
    x = ca.from_array(a, chunks=4)
    for ufunc, dtype in ((np.add, np.float32), (np.multiply, np.int64), (np.true_divide, np.float32)):
        check(ufunc, ufunc(x, x, dtype=dtype), ufunc(a, a, dtype=dtype), f"np.{ufunc.__name__} dtype={dtype}")
    check(np.sqrt, np.sqrt(x, dtype=np.float32), np.sqrt(a, dtype=np.float32), "sqrt dtype=float32")


@pytest.mark.parametrize("dtype", ["int32", "float32", "float64", "bool", "uint8"])
def test_ufunc_reduce_accumulate_outer(ca, dtype):
    a = sample((6, 7, 5), dtype, seed=13)
    if a.dtype.kind == "f":
        a[1, 2, 3] = np.nan
    x = ca.from_array(a, chunks=(4, 3, 2))
    for ufunc in (np.add, np.multiply, np.maximum, np.minimum, np.fmax, np.fmin, np.logical_and, np.logical_or):
        for kwargs in ({}, {"axis": 1}, {"axis": -1, "keepdims": True}, {"axis": (0, 2)}, {"axis": None}):
            expected = np_expected(ufunc.reduce, a, **kwargs)
            got = ufunc.reduce(x, **kwargs)
            assert isinstance(got, ca.Array)
            assert_matches(got.compute(), expected, reduction=True)
    for ufunc in (np.add, np.multiply):
        for axis in (0, 2):
            expected = np_expected(ufunc.accumulate, a, axis=axis)
            assert_matches(ufunc.accumulate(x, axis=axis).compute(), expected, reduction=True)
    small = a[:3, :2, 0]
    y = ca.from_array(small, chunks=2)
    for ufunc in (np.add, np.maximum, np.greater, np.logical_xor):
        try:
            expected = np_expected(ufunc.outer, small, a[0, :4, 0])
        except TypeError:
            continue
        got = ufunc.outer(y, ca.from_array(a[0, :4, 0], chunks=3))
        assert_matches(got.compute(), expected)


def test_unsupported_ufunc_methods_say_so(ca):
    x = ca.from_array(np.arange(6.0), chunks=4)
    with pytest.raises(TypeError, match="no lazy reduction for arctan2"):
        np.arctan2.reduce(x)
    with pytest.raises(TypeError, match="at is not supported"):
        np.add.at(x, [0], 1)


# ---- prod ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint8", "uint64", "float32", "float64", "bool"])
def test_prod_and_nanprod(ca, dtype):
    rng = np.random.default_rng(14)
    for shape, chunks in [((), None), ((0, 4), 2), ((13,), 4), ((6, 9, 4), (4, 2, 3))]:
        a = sample(shape, dtype, seed=15, nonzero=True)
        if a.dtype.kind == "f" and a.size:
            a.flat[rng.integers(0, a.size, 2)] = np.nan
            a = a * np.asarray(0.9, a.dtype)
        x = ca.from_array(a, chunks=chunks)
        for kwargs in ({}, {"axis": 0}, {"axis": -1, "keepdims": True}, {"axis": tuple(range(a.ndim))}):
            if a.ndim == 0 and kwargs:
                continue
            for name in ("prod", "nanprod"):
                expected = np_expected(getattr(np, name), a, **kwargs)
                got = getattr(np, name)(x, **kwargs)
                assert isinstance(got, ca.Array)
                assert_matches(got.compute(), expected, reduction=True, rtol=1e-5 if dtype == "float32" else None)
                assert_matches(getattr(x, name)(**kwargs).compute(), expected, reduction=True,
                               rtol=1e-5 if dtype == "float32" else None)


def test_integer_prod_wraps_as_numpy(ca):
    a = np.full(70, 3, dtype=np.int64)  # 3**70 overflows int64
    x = ca.from_array(a, chunks=9)
    assert x.prod().compute() == np.prod(a)
    b = np.arange(1, 40, dtype=np.uint8)
    assert ca.from_array(b, chunks=7).prod().compute() == np.prod(b)
