"""einsum against NumPy: explicit and implicit outputs, '...', repeated subscripts (diagonals),
batch subscripts shared by operands, several operands, on odd chunkings and dtypes."""
import numpy as np
import pytest
from conftest import assert_matches, sample

CASES = [
    ("ij,jk->ik", [(4, 5), (5, 3)]),
    ("ij,jk", [(4, 5), (5, 3)]),
    ("ij->ji", [(4, 5)]),
    ("ij", [(4, 5)]),
    ("ji", [(4, 5)]),
    ("ij->", [(4, 5)]),
    ("ii", [(4, 4)]),
    ("ii->i", [(4, 4)]),
    ("iji->j", [(3, 2, 3)]),
    ("i,i", [(6,), (6,)]),
    ("i,j->ij", [(3,), (4,)]),
    ("i,i->i", [(6,), (6,)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("bij,jk->bik", [(2, 3, 4), (4, 5)]),
    ("bij,bij->b", [(2, 3, 4), (2, 3, 4)]),
    ("ij,ij->i", [(3, 4), (3, 4)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("ij,jk,kl", [(2, 3), (3, 4), (4, 5)]),
    ("i,ij,j->", [(3,), (3, 4), (4,)]),
    ("...ij->...ji", [(2, 3, 4)]),
    ("...j,jk", [(2, 3, 4), (4, 5)]),
    ("i...->...", [(3, 2, 4)]),
    ("...,...", [(2, 3), (3,)]),
    ("ij...,jk...->ik...", [(2, 3, 4), (3, 5, 4)]),
    ("b i j, b j -> b i", [(2, 3, 4), (2, 4)]),
    ("ij,kl->ijkl", [(2, 3), (2, 2)]),
]


@pytest.mark.parametrize("subscripts,shapes", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("chunks", [1, 2, None])
@pytest.mark.parametrize("dtype", ["int8", "int32", "float32", "float64", "bool"])
def test_einsum(ca, subscripts, shapes, chunks, dtype):
    arrays = [sample(shape, dtype, seed) for seed, shape in enumerate(shapes)]
    lazy = [ca.from_array(a, chunks=chunks) for a in arrays]
    expected = np.einsum(subscripts, *arrays)
    got = ca.einsum(subscripts, *lazy)
    assert got.shape == expected.shape
    assert_matches(got.compute(), expected, reduction=True)
    assert_matches(np.einsum(subscripts, *lazy).compute(), expected, reduction=True)


def test_einsum_dtype_nan_empty(ca):
    a, b = sample((3, 4), "int8"), sample((4, 2), "float32")
    got = ca.einsum("ij,jk", ca.from_array(a, chunks=2), ca.from_array(b, chunks=3), dtype=np.float64)
    assert_matches(got.compute(), np.einsum("ij,jk", a, b, dtype=np.float64), reduction=True)
    n = sample((3, 3), "float64")
    n[1, 2] = np.nan
    x = ca.from_array(n, chunks=2)
    assert_matches(ca.einsum("ij,jk", x, x).compute(), np.einsum("ij,jk", n, n))
    assert_matches(ca.einsum("ii", x).compute(), np.einsum("ii", n))   # the NaN is off the diagonal
    e = np.zeros((0, 3))
    assert_matches(ca.einsum("ij,jk", ca.from_array(e, chunks=2), ca.from_array(n, chunks=2)).compute(),
                   np.einsum("ij,jk", e, n))
    assert_matches(ca.einsum("ij->j", ca.from_array(e, chunks=2)).compute(), np.einsum("ij->j", e))


def test_einsum_errors(ca):
    x = ca.from_array(np.ones((2, 3)), chunks=2)
    with pytest.raises(ValueError, match="2 subscript terms for 1 operands"):
        ca.einsum("ij,jk", x)
    with pytest.raises(ValueError, match="name 3"):
        ca.einsum("ijk", x)
    with pytest.raises(ValueError, match="does not appear"):
        ca.einsum("ij->k", x)
    with pytest.raises(ValueError, match="repeats"):
        ca.einsum("ij->ii", x)
    with pytest.raises(ValueError, match="lengths"):
        ca.einsum("ij,ij", x, ca.from_array(np.ones((3, 2))))
    with pytest.raises(ValueError, match="'i' has lengths 2 and 3"):
        ca.einsum("ii", x)
    with pytest.raises(ValueError, match="invalid subscript"):
        ca.einsum("i1", x)
    with pytest.raises(NotImplementedError, match="subscripts-string"):
        ca.einsum(x, [0, 1])
