"""Arrays: constructors, attributes, operators, indexing, astype, rechunk, where, compute.

Every result is compared with NumPy (values and result dtype) and, where Dask has the same
name, with Dask (.chunks, .numblocks for the same chunks argument).
"""
import gc
import operator

import dask
import dask.array as da
import numpy as np
import pytest

from conftest import (
    DTYPES,
    SHAPE_CHUNKS,
    assert_matches,
    assert_scalar_result,
    case_id,
    chunkarr_dtype,
    normalize_chunks,
    np_expected,
    sample,
)


# ---------------------------------------------------------------------------------------------
# from_array and attributes


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", SHAPE_CHUNKS, ids=case_id)
def test_from_array_attributes_match_numpy_and_dask(ca, case, dtype):
    shape, chunks = case
    a = sample(shape, dtype)
    x = ca.from_array(a, chunks=chunks)
    assert isinstance(x, ca.Array)
    assert x.shape == a.shape and isinstance(x.shape, tuple)
    assert isinstance(x.dtype, np.dtype) and x.dtype == a.dtype
    assert x.ndim == a.ndim
    assert x.size == a.size
    assert x.nbytes == a.nbytes
    expected_chunks = normalize_chunks(chunks, shape)
    assert x.chunks == expected_chunks
    assert all(isinstance(c, tuple) for c in x.chunks)
    if chunks is not None:
        d = da.from_array(a, chunks=chunks)
        assert x.chunks == d.chunks
        assert x.numblocks == d.numblocks
    else:
        assert x.numblocks == tuple(1 for _ in shape)
    got = x.compute()
    if a.ndim == 0:
        assert_scalar_result(got, a.dtype)
        assert got == a[()]
    else:
        assert isinstance(got, np.ndarray)
        assert_matches(got, a)


def test_from_array_default_is_one_chunk(ca):
    a = sample((7, 11), "float64")
    x = ca.from_array(a)
    assert x.chunks == ((7,), (11,))
    assert x.numblocks == (1, 1)


def test_from_array_does_not_copy(ca):
    # Expected no-copy semantics: from_array keeps a reference to the NumPy buffer and reads it
    # at compute time, so writing to the NumPy array between from_array and compute changes
    # the result (as with dask.array.from_array).
    a = np.arange(20, dtype=np.float64).reshape(4, 5)
    x = ca.from_array(a, chunks=(3, 2))
    a[0, 0] = 100.0
    a[3, 4] = -7.0
    got = x.compute()
    assert got[0, 0] == 100.0
    assert got[3, 4] == -7.0
    np.testing.assert_array_equal(got, a)
    # the result itself is a new array, not a view of the input
    got[1, 1] = 12345.0
    assert a[1, 1] != 12345.0


def test_from_array_keeps_the_buffer_alive(ca):
    x = ca.from_array(np.arange(1000, dtype=np.int32) * 3, chunks=128)
    gc.collect()
    junk = [np.full(1000, -1, dtype=np.int32) for _ in range(50)]  # reuse freed memory
    np.testing.assert_array_equal(x.compute(), np.arange(1000, dtype=np.int32) * 3)
    del junk


def test_from_array_non_contiguous_input_is_copied(ca):
    base = np.arange(60, dtype=np.float64).reshape(6, 10)
    view = base[1:, ::3]
    expected = view.copy()
    x = ca.from_array(view, chunks=(2, 2))
    base[:] = -1.0  # a copy was made at from_array time: this does not show
    assert_matches(x.compute(), expected)

    fortran = np.asfortranarray(np.arange(30, dtype=np.int32).reshape(5, 6))
    y = ca.from_array(fortran, chunks=(2, 4))
    assert_matches(y.compute(), np.ascontiguousarray(fortran))


def test_from_array_read_only_input(ca):
    a = np.arange(12, dtype=np.int64).reshape(3, 4)
    a.setflags(write=False)
    x = ca.from_array(a, chunks=2)
    assert_matches((x + 1).compute(), a + 1)


@pytest.mark.parametrize("dtype", ["uint8", "int16", "uint32", "uint64"])
def test_from_array_other_supported_dtypes(ca, dtype):
    a = sample((9, 4), dtype)
    x = ca.from_array(a, chunks=(4, 3))
    assert x.dtype == np.dtype(dtype)
    assert_matches(x.compute(), a)
    assert_matches((x + x).compute(), a + a)


@pytest.mark.parametrize(
    "a",
    [
        np.zeros(3, dtype=np.float16),
        np.array(["a", "b"]),
        np.zeros(3, dtype="datetime64[s]"),
        np.array([None, 1], dtype=object),
    ],
    ids=["float16", "str", "datetime64", "object"],
)
def test_from_array_unsupported_dtype_is_type_error(ca, a):
    with pytest.raises(TypeError):
        ca.from_array(a)


def test_T(ca):
    for shape in [(), (5,)]:
        a = sample(shape, "float64")
        x = ca.from_array(a)
        assert x.T.shape == a.shape
        assert_matches(np.asarray(x.T.compute()), a)
    a = sample((3, 5), "int32")
    x = ca.from_array(a, chunks=2)
    try:
        t = x.T
    except NotImplementedError:
        return  # allowed by the contract for ndim > 1
    assert t.shape == (5, 3)
    assert_matches(t.compute(), a.T)


# ---------------------------------------------------------------------------------------------
# Generators


ZERO_CASES = [((7, 11), (3, 4)), ((17,), 5), ((5, 6, 7), 4), ((0, 3), 2), ((), None), ((4, 4), None)]


@pytest.mark.parametrize("dtype", [None, "int8", "int32", "uint16", "int64", "float32", "bool"])
@pytest.mark.parametrize("case", ZERO_CASES, ids=case_id)
@pytest.mark.parametrize("name", ["zeros", "ones"])
def test_zeros_ones(ca, name, case, dtype):
    shape, chunks = case
    kwargs = {} if dtype is None else {"dtype": dtype}
    x = getattr(ca, name)(shape, chunks=chunks, **kwargs)
    expected = getattr(np, name)(shape, **kwargs)
    assert isinstance(x, ca.Array)
    assert x.dtype == expected.dtype
    assert x.chunks == normalize_chunks(chunks, shape)
    if chunks is not None:
        d = getattr(da, name)(shape, chunks=chunks, **kwargs)
        assert x.chunks == d.chunks and x.numblocks == d.numblocks
    got = x.compute()
    if shape == ():
        assert_scalar_result(got, expected.dtype)
    assert_matches(got, expected)


@pytest.mark.parametrize(
    "value,dtype",
    [(7, None), (2.5, None), (True, None), (-3, "int8"), (9, "uint16"), (1.5, "float32"), (0, "bool"), (2**40, "int64")],
)
def test_full(ca, value, dtype):
    shape, chunks = (7, 11), (3, 4)
    x = ca.full(shape, value, dtype=dtype, chunks=chunks)
    expected = np.full(shape, value, dtype=dtype)
    d = da.full(shape, value, dtype=dtype, chunks=chunks)
    assert x.chunks == d.chunks
    assert_matches(x.compute(), expected)


@pytest.mark.parametrize(
    "args,kwargs",
    [
        ((10,), {}),
        ((10,), {"chunks": 3}),
        ((2, 17, 3), {"chunks": 4}),
        ((0.5, 3.2, 0.3), {"chunks": 4}),
        ((10, 0, -3), {}),
        ((5,), {"dtype": "float32", "chunks": 2}),
        ((0, 1000), {"dtype": "int32", "chunks": 64}),
        ((-4, 9), {"dtype": "int8", "chunks": 5}),
        ((3, 3), {"chunks": 2}),  # empty
    ],
)
def test_arange(ca, args, kwargs):
    x = ca.arange(*args, **kwargs)
    np_kwargs = {k: v for k, v in kwargs.items() if k != "chunks"}
    expected = np.arange(*args, **np_kwargs)
    assert x.shape == expected.shape
    assert x.dtype == expected.dtype
    if "chunks" in kwargs:
        d = da.arange(*args, **kwargs)
        assert x.chunks == d.chunks
        assert x.numblocks == d.numblocks
    assert_matches(x.compute(), expected)


@pytest.mark.parametrize(
    "args,kwargs",
    [
        ((0, 1), {"num": 13, "chunks": 5}),
        ((-2.5, 7), {}),
        ((1, 1), {"num": 4, "chunks": 3}),
        ((0, 10), {"num": 1}),
        ((0, 10), {"num": 0, "chunks": 2}),
        ((3, -3), {"num": 25, "chunks": 7, "dtype": "float32"}),
    ],
)
def test_linspace(ca, args, kwargs):
    x = ca.linspace(*args, **kwargs)
    np_kwargs = {k: v for k, v in kwargs.items() if k != "chunks"}
    expected = np.linspace(*args, **np_kwargs)
    assert x.dtype == expected.dtype
    assert x.shape == expected.shape
    if "chunks" in kwargs:
        assert x.chunks == da.linspace(*args, **kwargs).chunks
    assert_matches(x.compute(), expected, rtol=1e-6 if expected.dtype == np.float32 else 1e-12)


def test_random(ca):
    x = ca.random.random((70, 110), chunks=(30, 40), seed=1)
    assert isinstance(x, ca.Array)
    assert x.dtype == np.float64 and x.shape == (70, 110)
    assert x.chunks == da.random.random((70, 110), chunks=(30, 40)).chunks
    a = x.compute()
    assert a.dtype == np.float64 and a.shape == (70, 110)
    assert a.min() >= 0.0 and a.max() < 1.0
    assert abs(a.mean() - 0.5) < 0.02
    assert len(np.unique(a)) > 7000
    # deterministic for a seed, independent of the chunking
    np.testing.assert_array_equal(a, ca.random.random((70, 110), chunks=(30, 40), seed=1).compute())
    np.testing.assert_array_equal(a, ca.random.random((70, 110), seed=1).compute())
    np.testing.assert_array_equal(a, ca.random.random((70, 110), chunks=(7, 13), seed=1).compute())
    # another seed, other numbers
    assert not np.array_equal(a, ca.random.random((70, 110), chunks=(30, 40), seed=2).compute())
    # default seed is 0
    np.testing.assert_array_equal(
        ca.random.random((5, 5)).compute(), ca.random.random((5, 5), seed=0).compute()
    )


# ---------------------------------------------------------------------------------------------
# Operators

BINARY_OPS = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

OP_CASES = [
    ((), None),
    ((17,), 5),
    ((17,), ((5, 5, 7),)),
    ((0,), 3),
    ((7, 11), (3, 4)),
    ((13, 1), (5, 1)),
    ((4, 9, 5), ((1, 3), (4, 5), (5,))),
    ((3, 0, 4), 2),
]


def _skip_for_bool(name, dtype):
    # NumPy raises TypeError for bool subtraction/negation; chunkarr raises an error too.
    return np.dtype(dtype) == np.bool_ and name in ("-",)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", OP_CASES, ids=case_id)
def test_binary_operators_between_arrays(ca, case, dtype):
    shape, chunks = case
    a = sample(shape, dtype, seed=1)
    b = sample(shape, dtype, seed=2, nonzero=True)
    if np.dtype(dtype).kind in "iu":
        b_pow = np.asarray(np.abs(b) % 3, dtype=dtype)  # small non-negative exponents
    else:
        b_pow = b
    x = ca.from_array(a, chunks=chunks)
    y = ca.from_array(b, chunks=chunks)
    y_pow = ca.from_array(b_pow, chunks=chunks)
    for name, op in BINARY_OPS.items():
        if _skip_for_bool(name, dtype):
            continue
        if name == "**":
            if np.dtype(dtype).kind == "f":
                xa, xb, yy = np.abs(a), b_pow, y_pow
                xx = abs(x)
            else:
                xa, xb, xx, yy = a, b_pow, x, y_pow
        else:
            xa, xb, xx, yy = a, b, x, y
        z = op(xx, yy)
        assert isinstance(z, ca.Array), name
        expected = np_expected(op, xa, xb)
        got = z.compute()
        try:
            assert_matches(got, expected)
        except AssertionError as e:
            raise AssertionError(f"x {name} y for {dtype} {shape} chunks={chunks}: {e}") from None


@pytest.mark.parametrize("dtype", DTYPES)
def test_unary_operators(ca, dtype):
    a = sample((7, 11), dtype, seed=3)
    x = ca.from_array(a, chunks=(3, 4))
    assert_matches(abs(x).compute(), np.abs(a))
    if np.dtype(dtype) != np.bool_:
        assert_matches((-x).compute(), -a)


def test_binary_operators_with_different_chunks(ca):
    a = sample((7, 11), "float64", seed=1)
    b = sample((7, 11), "float64", seed=2)
    x = ca.from_array(a, chunks=(3, 4))
    y = ca.from_array(b, chunks=((2, 5), (6, 5)))
    for op in (operator.add, operator.mul, operator.lt):
        assert_matches(op(x, y).compute(), op(a, b))
    assert_matches((x * y + x - y / 2).compute(), a * b + a - b / 2)


@pytest.mark.parametrize(
    "shape_a,shape_b",
    [((5, 6, 7), (6, 7)), ((5, 6, 7), (7,)), ((7, 11), (7, 1)), ((7, 1), (1, 11)), ((4, 3), (3,)), ((1,), (9,))],
)
def test_broadcasting(ca, shape_a, shape_b):
    a = sample(shape_a, "float32", seed=1)
    b = sample(shape_b, "int32", seed=2)
    x = ca.from_array(a, chunks=2 if a.ndim else None)
    y = ca.from_array(b, chunks=3 if b.ndim else None)
    z = x + y
    assert z.shape == np.broadcast_shapes(shape_a, shape_b)
    assert_matches(z.compute(), a + b)
    assert_matches((y * x).compute(), b * a)


def test_broadcast_mismatch_is_value_error_at_build_time(ca):
    x = ca.ones((3, 4), chunks=2)
    y = ca.ones((5,), chunks=2)
    with pytest.raises(ValueError):
        x + y


SCALARS = [2, 3.0, np.float32(1.5), np.float64(2.0), np.int64(3), np.int8(2), True]


@pytest.mark.parametrize("dtype", DTYPES)
def test_operators_with_scalars_on_either_side(ca, dtype):
    a = sample((7, 11), dtype, seed=4, positive=True)
    x = ca.from_array(a, chunks=(3, 4))
    for s in SCALARS:
        for name, op in BINARY_OPS.items():
            if _skip_for_bool(name, dtype) or (name == "-" and isinstance(s, (bool, np.bool_))):
                continue
            for left in (True, False):
                if name == "**" and (np.dtype(dtype) == np.bool_ or (not left and np.dtype(dtype).kind in "iu")):
                    # bool ** 2 is a NumPy fast-path special case (np.square: int8, while
                    # bool + 2 is int64); 2 ** int-array overflows quickly: not compared here.
                    continue
                z = op(x, s) if left else op(s, x)
                assert isinstance(z, ca.Array), (name, s, left)
                expected = np_expected(op, a, s) if left else np_expected(op, s, a)
                try:
                    assert_matches(z.compute(), expected)
                except AssertionError as e:
                    side = f"x {name} {s!r}" if left else f"{s!r} {name} x"
                    raise AssertionError(f"{side} ({type(s).__name__}) for {dtype}: {e}") from None


@pytest.mark.parametrize(
    "dtype,expr,expected",
    [
        ("float32", lambda x: x * 2.0, "float32"),
        ("float32", lambda x: 2.0 * x, "float32"),
        ("float32", lambda x: x + np.float64(1.0), "float32"),
        ("float32", lambda x: x / 3, "float32"),
        ("int16", lambda x: x + 1, "int16"),
        ("int8", lambda x: x * 2, "int8"),
        ("uint16", lambda x: x + 3, "uint16"),
        ("int32", lambda x: x + 1.5, "float64"),
        ("int8", lambda x: x * 2.5, "float64"),
        ("int32", lambda x: x / 2, "float64"),
        ("bool", lambda x: x + 1, "int64"),
        ("float64", lambda x: x * np.float32(2), "float64"),
        ("int32", lambda x: x > 0.5, "bool"),
    ],
)
def test_weak_scalars_keep_dtype_like_numpy_1_24(ca, dtype, expr, expected):
    a = sample((5, 3), dtype, positive=True)
    x = ca.from_array(a, chunks=2)
    assert expr(a).dtype == np.dtype(expected)  # NumPy 1.24's own answer
    z = expr(x)
    assert z.dtype == np.dtype(expected)
    assert_matches(z.compute(), expr(a))


def test_expression_chain_and_anomaly(ca):
    a = sample((6, 7, 8), "float32", seed=5)
    x = ca.from_array(a, chunks=(2, 3, 5))
    anomaly = x - x.mean(axis=0)
    assert anomaly.shape == a.shape and anomaly.dtype == np.float32
    assert_matches(anomaly.compute(), a - a.mean(axis=0), rtol=1e-5)
    z = (x * 2 + 1) ** 2 / (abs(x) + 1) - x
    assert_matches(z.compute(), (a * 2 + 1) ** 2 / (np.abs(a) + 1) - a, rtol=1e-5)


# ---------------------------------------------------------------------------------------------
# Indexing

INDEXES = [
    (2,),
    (-1,),
    (2, 3),
    (2, 3, 4),
    (-1, -2, -3),
    (slice(1, 8, 2), slice(None, None, 3)),
    (Ellipsis, 0),
    (Ellipsis, slice(2, -2)),
    (slice(-5, -1),),
    (slice(3, 100),),
    (slice(5, 2),),
    (1, Ellipsis, -2),
    (slice(None), 4),
    (-9,),
    (slice(None, None, 4), slice(1, None, 5), slice(None, None, 2)),
    (slice(None, None, 20),),
    (),
    (slice(-100, 3), slice(7, None), slice(None, -10)),
]


@pytest.mark.parametrize("dtype", ["int8", "float32", "bool", "uint16"])
@pytest.mark.parametrize("index", INDEXES, ids=repr)
def test_basic_indexing(ca, index, dtype):
    a = sample((9, 10, 11), dtype, seed=6)
    x = ca.from_array(a, chunks=(4, 3, 5))
    if len(index) == 1:
        index = index[0]  # x[2] rather than x[(2,)]
    z = x[index]
    assert isinstance(z, ca.Array)
    expected = a[index]
    assert z.shape == np.shape(expected)
    assert z.dtype == a.dtype
    got = z.compute()
    if np.ndim(expected) == 0:
        assert_scalar_result(got, a.dtype)
    assert_matches(got, expected)


def test_indexing_1d_and_chained(ca):
    a = np.arange(17, dtype=np.int64) * 3
    x = ca.from_array(a, chunks=5)
    for index in [3, -1, slice(None, None, 5), slice(2, 15, 4), slice(-3, None), slice(16, 17)]:
        assert_matches(np.asarray(x[index].compute()), a[index])
    b = sample((9, 10, 11), "float64")
    y = ca.from_array(b, chunks=(4, 3, 5))
    assert_matches(y[1:][::2][0].compute(), b[1:][::2][0])
    assert_matches(y[..., 1:9:3][2:, -1].compute(), b[..., 1:9:3][2:, -1])
    assert_matches((y[1:5] + y[2:6]).compute(), b[1:5] + b[2:6])


def test_indexing_out_of_bounds(ca):
    x = ca.from_array(sample((9, 10), "float64"), chunks=4)
    with pytest.raises((IndexError, ValueError)):
        x[9]
    with pytest.raises((IndexError, ValueError)):
        x[0, -11]
    with pytest.raises((IndexError, ValueError)):
        x[0, 0, 0]


def test_invalid_index_is_index_error(ca):
    # Integer arrays and masks are supported now (python/tests/test_indexing.py); other types
    # are NumPy's IndexError.
    x = ca.from_array(sample((9, 10), "float64"), chunks=4)
    for bad in ["a", 1.5, np.array([1.0, 2.0])]:
        with pytest.raises(IndexError):
            x[bad]


# ---------------------------------------------------------------------------------------------
# astype, rechunk, where, compute


@pytest.mark.parametrize("src", DTYPES)
@pytest.mark.parametrize("dst", DTYPES)
def test_astype(ca, src, dst):
    a = sample((7, 11), src, seed=7)
    if np.dtype(dst).kind == "u" and np.dtype(src).kind in "if":
        a = np.abs(a)  # negative -> unsigned is not portable
    x = ca.from_array(a, chunks=(3, 4))
    z = x.astype(dst)
    assert isinstance(z, ca.Array)
    assert z.dtype == np.dtype(dst)
    assert z.chunks == x.chunks
    assert_matches(z.compute(), a.astype(dst))
    assert x.astype(np.dtype(dst)).dtype == np.dtype(dst)


def test_astype_float_truncates_toward_zero(ca):
    a = np.array([-5.7, -0.5, 0.0, 0.5, 2.9, 100.2])
    x = ca.from_array(a, chunks=4)
    assert_matches(x.astype(np.int32).compute(), a.astype(np.int32))
    assert_matches(x.astype(bool).compute(), a.astype(bool))


def test_astype_casting_and_copy_as_numpy(ca):
    a = np.array([1.5, -2.0, np.nan])
    x = ca.from_array(a, chunks=2)
    assert_matches(x.astype(np.float32, copy=False).compute(), a.astype(np.float32, copy=False))
    assert_matches(x.astype(np.float32, casting="same_kind").compute(), a.astype(np.float32, casting="same_kind"))
    assert_matches(x.astype(np.float64, casting="no").compute(), a)
    for dtype, casting in ((np.int32, "same_kind"), (np.float32, "safe"), (np.float32, "equiv")):
        with pytest.raises(TypeError, match=f"Cannot cast array data from .*according to the rule '{casting}'"):
            a.astype(dtype, casting=casting)   # NumPy refuses the same
        with pytest.raises(TypeError, match=f"Cannot cast array data from .*according to the rule '{casting}'"):
            x.astype(dtype, casting=casting)
    assert_matches(x.astype(np.complex128).compute(), a.astype(np.complex128))  # a ComplexArray


def test_iter_of_0d_array_fails_at_once_as_numpy(ca):
    x = ca.from_array(np.float64(2.5))
    for zero_d in (np.array(2.5), x):
        with pytest.raises(TypeError, match="iteration over a 0-d array"):
            iter(zero_d)
        assert not np.iterable(zero_d)   # matplotlib asks this of a 0-d value
    y = ca.from_array(np.arange(5), chunks=2)
    assert np.iterable(y)
    assert [int(v.compute()) for v in y] == list(range(5))


RECHUNK_CASES = [
    ((17,), 5, 3),
    ((17,), 5, ((10, 7),)),
    ((7, 11), (3, 4), ((2, 5), (6, 5))),
    ((7, 11), None, 2),
    ((7, 11), 2, (7, 11)),
    ((5, 6, 7), (2, 3, 4), (5, 1, 7)),
    ((5, 6, 7), (2, 3, 4), ((1, 1, 3), (6,), (2, 2, 3))),
    ((0, 5), 2, 3),
]


@pytest.mark.parametrize("dtype", ["int32", "float32", "bool"])
@pytest.mark.parametrize("shape,old,new", RECHUNK_CASES)
def test_rechunk(ca, shape, old, new, dtype):
    a = sample(shape, dtype, seed=8)
    x = ca.from_array(a, chunks=old)
    z = x.rechunk(new)
    assert isinstance(z, ca.Array)
    assert z.shape == a.shape and z.dtype == a.dtype
    expected_chunks = da.from_array(a, chunks=old if old is not None else a.shape).rechunk(new).chunks
    assert z.chunks == expected_chunks
    assert z.numblocks == tuple(len(c) for c in expected_chunks)
    assert_matches(z.compute(), a)
    assert_matches((z + x).compute(), a + a if dtype != "bool" else a | a)


def test_rechunk_bad_chunks_is_value_error(ca):
    x = ca.from_array(np.zeros((7, 11)), chunks=3)
    with pytest.raises(ValueError):
        x.rechunk(((3, 3), (11,)))  # does not add up to 7


def test_where(ca):
    a = sample((7, 11), "float32", seed=9)
    b = sample((7, 11), "float32", seed=10)
    c = a > 0.5
    x = ca.from_array(a, chunks=(3, 4))
    y = ca.from_array(b, chunks=(2, 5))
    cond = x > 0.5
    z = ca.where(cond, x, y)
    assert isinstance(z, ca.Array)
    assert_matches(z.compute(), np.where(c, a, b))
    z = ca.where(cond, x, np.nan)
    assert_matches(z.compute(), np.where(c, a, np.nan))
    # broadcasting, mixed dtypes
    i = sample((11,), "int32", seed=11)
    z = ca.where(cond, x, ca.from_array(i, chunks=4))
    assert_matches(z.compute(), np.where(c, a, i))
    z = ca.where(ca.from_array(c, chunks=5), 1.0, 0.0)
    assert_matches(np.asarray(z.compute()), np.where(c, 1.0, 0.0))


@pytest.mark.parametrize("dtype", DTYPES)
def test_compute_returns_numpy(ca, dtype):
    a = sample((7, 11), dtype)
    x = ca.from_array(a, chunks=(3, 4))
    got = x.compute()
    assert type(got) is np.ndarray
    assert got.flags.c_contiguous and got.flags.writeable
    assert_matches(got, a)


def test_compute_options_give_the_same_bits(ca):
    x = ca.random.random((300, 200), chunks=(37, 41), seed=3)
    expr = (np.sqrt(x) * 3.3 - x**2).sum(axis=0)
    one = expr.compute(threads=1)
    two = expr.compute(threads=2)
    default = expr.compute()
    limited = expr.compute(memory_limit=64 * 1024 * 1024)
    for other in (two, default, limited):
        assert other.tobytes() == one.tobytes()  # deterministic: bit-identical
    progress = expr.compute(progress=True)
    assert progress.tobytes() == one.tobytes()


def test_compute_many(ca):
    a = sample((9, 10), "float64", seed=12)
    x = ca.from_array(a, chunks=(4, 3))
    results = ca.compute(x.mean(), x.std(), x + 1, x.sum(axis=0), x[2:4])
    assert isinstance(results, tuple) and len(results) == 5
    mean, std, plus, colsum, part = results
    assert_scalar_result(mean, np.float64)
    assert_matches(mean, a.mean(), reduction=True)
    assert_matches(std, a.std(), reduction=True)
    assert_matches(plus, a + 1)
    assert_matches(colsum, a.sum(axis=0), reduction=True)
    assert_matches(part, a[2:4])
    # options pass through
    again = ca.compute(x.mean(), x.max(), threads=1, progress=False)
    assert again[0] == mean and again[1] == a.max()
    assert ca.compute(x)[0].shape == a.shape
    # the same results as with dask
    d = da.from_array(a, chunks=(4, 3))
    dm, ds = dask.compute(d.mean(), d.std(), scheduler="synchronous")
    assert_matches(mean, dm, reduction=True)
    assert_matches(std, ds, reduction=True)


def test_arrays_are_lazy_and_reusable(ca):
    a = sample((6, 6), "int32")
    x = ca.from_array(a, chunks=4)
    y = x * 2
    z = y + x  # building never computes
    assert_matches(z.compute(), a * 3)
    assert_matches(z.compute(), a * 3)  # computing twice gives the same
    assert_matches(y.compute(), a * 2)
    assert chunkarr_dtype(np.float16) == np.float32


def test_explain(ca):
    a = sample((9, 10), "float32")
    x = ca.from_array(a, chunks=(4, 3))
    expr = (x - x.mean(axis=0))[2:, ::2] * 2.0
    text = expr.explain()
    assert isinstance(text, str)
    assert "optimized" in text
    assert text == expr.explain()  # stable
    assert "optimized" in x.std().explain()
    # explaining does not compute or change anything
    assert_matches(expr.compute(), (a - a.mean(axis=0))[2:, ::2] * 2.0, rtol=1e-5)


def test_iteration_and_index_errors_like_numpy(ca):
    a = np.arange(12).reshape(3, 4)
    x = ca.from_array(a, chunks=2)
    rows = [r.compute() for r in x]
    assert len(rows) == 3
    np.testing.assert_array_equal(rows[2], a[2])
    with pytest.raises(IndexError):
        x[3]
    with pytest.raises(IndexError):
        x[0, -5]


def test_dask_array_members_view_partitions_to_svg(ca):
    a = np.arange(12, dtype=np.int32).reshape(3, 4)
    x = ca.from_array(a, chunks=2)
    np.testing.assert_array_equal(x.view(np.float32).compute(), a.view(np.float32))
    np.testing.assert_array_equal(x.partitions[1, 0].compute(), x.blocks[1, 0].compute())
    assert x.to_svg().startswith("<svg")
    with pytest.raises(NotImplementedError, match="item size"):
        x.view(np.int64)
