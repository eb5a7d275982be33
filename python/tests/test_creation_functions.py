"""zeros_like/ones_like/full_like/empty_like, eye, tri, indices, meshgrid against NumPy (shapes,
dtypes, chunks), and the Array attributes Dask has: chunksize, itemsize, real, imag, conj, copy."""
import numpy as np
import pytest
from conftest import assert_matches, sample


def check(got, expected):
    assert got.shape == np.shape(expected)
    assert_matches(got.compute(), expected)


@pytest.mark.parametrize("dtype", ["int8", "uint16", "float32", "float64", "bool"])
@pytest.mark.parametrize("chunks", [1, (2, 3), None])
def test_like(ca, dtype, chunks):
    a = sample((4, 5), dtype)
    x = ca.from_array(a, chunks=chunks)
    for ours, theirs in ((ca.zeros_like, np.zeros_like), (ca.ones_like, np.ones_like)):
        got = ours(x)
        assert got.chunks == x.chunks
        check(got, theirs(a))
        check(theirs(x), theirs(a))
        check(ours(x, dtype=np.float32), theirs(a, dtype=np.float32))
        check(ours(x, shape=(2, 7)), theirs(a, shape=(2, 7)))
        assert ours(x, chunks=2).chunks == ((2, 2), (2, 2, 1))
    assert np.array_equal(ca.empty_like(x).compute(), np.zeros_like(a))
    assert ca.empty_like(x).dtype == a.dtype and np.empty_like(x).shape == a.shape
    for value in (7, 2.7, -1, True):
        check(ca.full_like(x, value), np.full_like(a, value))
        check(np.full_like(x, value), np.full_like(a, value))
    check(ca.full_like(x, np.nan, dtype=np.float64, shape=3), np.full_like(a, np.nan, dtype=np.float64, shape=3))
    check(ca.zeros_like(a), np.zeros_like(a))   # a NumPy input


@pytest.mark.parametrize("chunks", ["auto", 2, None])
@pytest.mark.parametrize("dtype", [float, np.int8, bool])
def test_eye_tri(ca, chunks, dtype):
    for N, M, k in ((4, None, 0), (3, 5, 1), (5, 3, -2), (3, 3, 7), (0, 2, 0)):
        got = ca.eye(N, chunks=chunks, M=M, k=k, dtype=dtype)
        check(got, np.eye(N, M, k, dtype=dtype))
        if chunks == 2 and N:
            assert got.chunks[0][0] == 2
        check(ca.tri(N, M, k, dtype=dtype, chunks=chunks), np.tri(N, M, k, dtype=dtype))
    with pytest.raises(ValueError, match="negative dimensions"):
        ca.eye(-1)
    with pytest.raises(ValueError, match="negative dimensions"):
        ca.tri(2, -3)


@pytest.mark.parametrize("chunks", ["auto", 1, 3])
def test_indices(ca, chunks):
    for dims in ((2, 3), (4,), (2, 3, 4), (0, 3)):
        for dtype in (int, np.float32, np.int8):
            check(ca.indices(dims, dtype=dtype, chunks=chunks), np.indices(dims, dtype=dtype))
    check(ca.indices(()), np.indices(()))


@pytest.mark.parametrize("indexing", ["xy", "ij"])
def test_meshgrid(ca, indexing):
    x, y, z = np.arange(3.0), np.linspace(0, 1, 4).astype(np.float32), np.arange(2)
    lazy = [ca.from_array(v, chunks=2) for v in (x, y, z)]
    for count in (1, 2, 3):
        for sparse in (False, True):
            got = ca.meshgrid(*lazy[:count], indexing=indexing, sparse=sparse)
            want = np.meshgrid(x, y, z, indexing=indexing, sparse=sparse)[:count] if count == 3 else \
                np.meshgrid(*(x, y, z)[:count], indexing=indexing, sparse=sparse)
            assert len(got) == len(want)
            for g, w in zip(got, want):
                check(g, w)
    for g, w in zip(np.meshgrid(lazy[0], y, indexing=indexing), np.meshgrid(x, y, indexing=indexing)):
        check(g, w)
    with pytest.raises(ValueError, match="indexing"):
        ca.meshgrid(lazy[0], indexing="yx")


def test_array_attributes(ca):
    a = sample((5, 7), "float32")
    x = ca.from_array(a, chunks=(2, 3))
    assert x.chunksize == (2, 3)
    assert ca.from_array(a, chunks=((1, 4), (3, 4))).chunksize == (4, 4)
    assert ca.from_array(np.zeros((0, 3)), chunks=2).chunksize == (0, 2)
    assert x.itemsize == a.itemsize == 4
    assert ca.from_array(np.zeros(2, np.int16)).itemsize == 2
    check(x.real, a.real)
    check(x.imag, a.imag)
    check(x.conj(), a.conj())
    check(x.copy(), a.copy())


def test_fromfunction_and_triangle_indices(ca):
    got = ca.fromfunction(lambda i, j: i * 10 + j, (5, 7), dtype=np.int64, chunks=(2, 3))
    np.testing.assert_array_equal(got.compute(), np.fromfunction(lambda i, j: i * 10 + j, (5, 7), dtype=np.int64))
    assert got.chunks == ((2, 2, 1), (3, 3, 1))
    for ours, theirs, args in ((ca.tril_indices, np.tril_indices, (4, 1, 6)), (ca.triu_indices, np.triu_indices, (5,))):
        for g, e in zip(ours(*args), theirs(*args)):
            np.testing.assert_array_equal(g.compute(), e)
    a = np.zeros((3, 5))
    x = ca.from_array(a, chunks=2)
    for g, e in zip(np.triu_indices_from(x, 1), np.triu_indices_from(a, 1)):
        np.testing.assert_array_equal(g.compute(), e)


@pytest.mark.parametrize("value, dtype", [(2 ** 60 + 1, np.int64), (-(2 ** 62) - 3, np.int64),
                                          (2 ** 64 - 1, np.uint64), (2 ** 53 + 1, np.uint64), (-0.0, np.float64),
                                          (-0.0, np.float32), (0.0, np.float64), (2 ** 53, np.int64)])
def test_full_is_exact_where_a_double_is_not(ca, value, dtype):
    """The engine fills through a double: integers beyond 2**53 and -0.0 keep their exact value."""
    want = np.full((5, 3), value, dtype=dtype)
    got = ca.full((5, 3), value, dtype=dtype, chunks=(2, 2))
    assert got.chunks == ((2, 2, 1), (2, 1)) and got.dtype == want.dtype
    values = got.compute()
    assert np.array_equal(values, want) and np.array_equal(np.signbit(values), np.signbit(want))
    x = ca.from_array(np.zeros(4, dtype=dtype), chunks=3)
    assert np.array_equal(ca.full_like(x, value).compute(), np.full(4, value, dtype=dtype))
