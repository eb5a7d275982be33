"""chunkarr.linalg.norm (and numpy.linalg.norm on a chunkarr array) against NumPy: vector and
matrix norms, axes, keepdims, dtypes, NaN and empty arrays."""
import numpy as np
import pytest
from conftest import assert_matches, sample

VECTOR_ORDS = [None, 2, 1, 0, np.inf, -np.inf, 3, 0.5, -1, -2]
MATRIX_ORDS = [None, "fro", 1, -1, np.inf, -np.inf, 2, -2, "nuc"]


def check(got, expected, dtype):
    assert got.shape == np.shape(expected)
    assert_matches(got.compute(), expected, rtol=1e-5 if dtype == "float32" else 1e-10)


@pytest.mark.parametrize("chunks", [1, 2, 3, None])
@pytest.mark.parametrize("dtype", ["int8", "uint16", "float32", "float64"])
def test_vector_norms(ca, chunks, dtype):
    a = sample((4, 5, 3), dtype, nonzero=True)
    x = ca.from_array(a, chunks=chunks)
    for ord in VECTOR_ORDS:
        for axis in (0, 1, -1):
            for keepdims in (False, True):
                want = np.linalg.norm(a, ord, axis, keepdims)
                check(ca.linalg.norm(x, ord, axis, keepdims), want, dtype)
                check(np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims), want, dtype)
        check(ca.linalg.norm(x[0, :, 0], ord), np.linalg.norm(a[0, :, 0], ord), dtype)
    check(ca.linalg.norm(x), np.linalg.norm(a), dtype)
    check(ca.linalg.norm(x, keepdims=True), np.linalg.norm(a, keepdims=True), dtype)


@pytest.mark.parametrize("chunks", [1, 2, None])
@pytest.mark.parametrize("dtype", ["int32", "float32", "float64"])
def test_matrix_norms(ca, chunks, dtype):
    a = sample((4, 5, 3), dtype)
    x = ca.from_array(a, chunks=chunks)
    for ord in MATRIX_ORDS:
        for axis in ((0, 1), (1, 0), (2, 0), (-1, -2)):
            for keepdims in (False, True):
                want = np.linalg.norm(a, ord, axis, keepdims)
                check(ca.linalg.norm(x, ord, axis, keepdims), want, dtype)
        check(np.linalg.norm(x[1], ord), np.linalg.norm(a[1], ord), dtype)


def test_norm_nan_empty_errors(ca):
    a = sample((3, 4), "float64")
    a[1, 2] = np.nan
    x = ca.from_array(a, chunks=2)
    for ord in (None, 1, np.inf):
        assert_matches(ca.linalg.norm(x, ord, axis=1).compute(), np.linalg.norm(a, ord, axis=1))
    e = np.zeros((0, 3))
    assert_matches(ca.linalg.norm(ca.from_array(e, chunks=2), axis=0).compute(), np.linalg.norm(e, axis=0))
    assert_matches(ca.linalg.norm(ca.from_array(e, chunks=2)).compute(), np.linalg.norm(e))
    with pytest.raises(ValueError, match="Invalid norm order 'fro' for vectors"):
        ca.linalg.norm(x, "fro", axis=0)
    with pytest.raises(ValueError, match="Invalid norm order for matrices"):
        ca.linalg.norm(x, 3)
    with pytest.raises(ValueError, match="Improper number of dimensions"):
        ca.linalg.norm(ca.from_array(np.ones((2, 2, 2))), 1)
    with pytest.raises(ValueError, match="Duplicate axes"):
        ca.linalg.norm(x, axis=(1, 1))
