"""reshape / ravel / flatten against NumPy on odd shapes and chunkings (issue 7)."""
import numpy as np
import pytest

CASES = [
    ((7, 5), (3, 2), (35,)),
    ((7, 5), (3, 2), (5, 7)),
    ((7, 5), (7, 1), (-1, 5)),
    ((6, 4), (4, 4), (4, 6)),
    ((6, 4), (4, 3), (2, 3, 4)),
    ((2, 3, 4), (1, 2, 3), (6, 4)),
    ((2, 3, 4), (1, 2, 3), (4, -1)),
    ((2, 3, 4), (2, 2, 2), (3, 8)),
    ((2, 3, 4), (1, 1, 1), (1, 24, 1)),
    ((35,), (8,), (5, 7)),
    ((35,), (8,), (7, 1, 5)),
    ((1, 6, 1), (1, 4, 1), (3, 2)),
    ((9, 10, 11), (4, 3, 5), (10, 99)),
    ((9, 10, 11), (4, 3, 5), (990,)),
    ((5, 12), ((2, 3), (5, 7)), (60,)),
]


@pytest.mark.parametrize("shape,chunks,new", CASES)
def test_reshape_matches_numpy(ca, shape, chunks, new):
    a = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    x = ca.from_array(a, chunks=chunks)
    y = x.reshape(new)
    want = a.reshape(new)
    assert y.shape == want.shape
    assert y.dtype == want.dtype
    assert tuple(sum(c) for c in y.chunks) == want.shape
    np.testing.assert_array_equal(y.compute(), want)
    np.testing.assert_array_equal(np.reshape(x, new).compute(), want)
    np.testing.assert_array_equal(((y + 1) * 2).reshape(shape).compute(), (want + 1).reshape(shape) * 2)
    np.testing.assert_array_equal(y.compute(threads=1, memory_limit="64MiB"), want)


def test_reshape_forms_and_errors(ca):
    a = np.arange(24, dtype=np.int16).reshape(4, 6)
    x = ca.from_array(a, chunks=(3, 4))
    np.testing.assert_array_equal(x.reshape(2, 12).compute(), a.reshape(2, 12))
    np.testing.assert_array_equal(x.reshape((3, -1)).compute(), a.reshape(3, -1))
    np.testing.assert_array_equal(ca.reshape(x, 24).compute(), a.reshape(24))
    np.testing.assert_array_equal(x.ravel().compute(), a.ravel())
    np.testing.assert_array_equal(np.ravel(x).compute(), a.ravel())
    np.testing.assert_array_equal(x.flatten().compute(), a.flatten())
    np.testing.assert_array_equal(x.T.ravel().compute(), a.T.ravel())
    with pytest.raises(ValueError, match="cannot reshape array of size 24 into shape"):
        x.reshape(5, 5)
    with pytest.raises(ValueError, match="one unknown dimension"):
        x.reshape(-1, -1)
    with pytest.raises(NotImplementedError):
        x.reshape(24, order="F")
    empty = ca.zeros((0, 4), chunks=2)
    assert empty.reshape(2, 0, 2).shape == (2, 0, 2)
    assert empty.reshape(-1).compute().shape == (0,)


def test_reshape_chunks_like_dask(ca):
    a = np.arange(6 * 4.0).reshape(6, 4)
    # A merge whose trailing axis is whole: one output block per input block.
    assert ca.from_array(a, chunks=(4, 4)).reshape(24).chunks == ((16, 8),)
    # Untouched leading axes keep their chunks.
    b = np.zeros((5, 6, 4))
    assert ca.from_array(b, chunks=(2, 3, 4)).reshape(5, 24).chunks == ((2, 2, 1), (12, 12))


def test_reshape_large_is_bounded(ca):
    x = ca.random.random((600, 500), chunks=(100, 100), seed=1)
    flat = x.ravel()
    assert max(max(c) for c in flat.chunks) <= 100 * 100
    np.testing.assert_allclose(flat.sum().compute(memory_limit="2MiB"), x.sum().compute(), rtol=1e-12)


def test_cumsum_cumprod_without_axis_flatten(ca):
    a = np.arange(1, 3 * 4 * 5 + 1, dtype=np.int32).reshape(3, 4, 5) % 7
    x = ca.from_array(a, chunks=(2, 3, 2))
    np.testing.assert_array_equal(x.cumsum().compute(), a.cumsum())
    np.testing.assert_array_equal(np.cumsum(x).compute(), np.cumsum(a))
    f = (a % 3 + 1).astype(np.float64) / 2
    np.testing.assert_allclose(ca.from_array(f, chunks=(1, 4, 3)).cumprod().compute(), f.cumprod(), rtol=1e-12)
