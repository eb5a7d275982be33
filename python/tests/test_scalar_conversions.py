"""float(), int(), bool(), complex(), operator.index() and .item() of chunkarr arrays: computed
(as Dask does) for arrays of one element, refused as NumPy refuses larger ones."""
import operator

import numpy as np
import pytest

from conftest import sample

DTYPES = ["int8", "uint16", "int64", "bool", "float32", "float64"]
CONVERSIONS = [float, int, bool, complex]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (1,), (1, 1)])
@pytest.mark.parametrize("convert", CONVERSIONS, ids=lambda f: f.__name__)
def test_one_element_converts_as_numpy(ca, dtype, shape, convert):
    a = sample(shape, dtype, seed=3)
    x = ca.from_array(a, chunks=1)
    got = convert(x)
    assert type(got) is convert
    assert got == convert(a)


@pytest.mark.parametrize("dtype", ["int32", "float32", "float64", "bool"])
def test_reductions_convert(ca, dtype):
    a = sample((7, 5), dtype, seed=1)
    x = ca.from_array(a, chunks=(3, 2))
    assert float(x.sum()) == pytest.approx(float(a.sum()), rel=1e-6)
    assert int(x.max()) == int(a.max())
    assert bool(x.any()) is bool(a.any())
    assert bool((x > 0).all()) is bool((a > 0).all())
    assert x.sum().item() == pytest.approx(a.sum().item(), rel=1e-6)


def test_nan_and_zero(ca):
    x = ca.from_array(np.array([np.nan, 0.0]), chunks=1)
    assert np.isnan(float(x[0]))
    assert bool(x[0]) is True  # NaN is truthy, as in NumPy
    assert bool(x[1]) is False
    with pytest.raises(ValueError, match="cannot convert float NaN to integer"):
        int(x[0])


@pytest.mark.parametrize("convert", [float, int, complex], ids=lambda f: f.__name__)
def test_larger_arrays_are_refused_without_computing(ca, convert):
    x = ca.from_array(np.arange(6.0).reshape(2, 3), chunks=(1, 2))
    with pytest.raises(TypeError, match="only size-1 arrays"):
        convert(x)
    with pytest.raises(TypeError):
        convert(np.arange(6.0).reshape(2, 3))  # NumPy too


def test_truth_value_of_larger_array_is_ambiguous(ca):
    x = ca.from_array(np.arange(3), chunks=2)
    with pytest.raises(ValueError, match="more than one element is ambiguous"):
        bool(x)
    with pytest.raises(ValueError, match="more than one element is ambiguous"):
        if x > 0:
            pass


def test_empty_array_as_numpy(ca):
    a = np.zeros((0, 3))
    x = ca.from_array(a, chunks=2)
    with pytest.raises(TypeError):
        float(x)
    with pytest.raises(TypeError):
        float(a)


@pytest.mark.parametrize("dtype", ["int8", "uint32", "int64"])
def test_index(ca, dtype):
    a = np.array(4, dtype=dtype)
    x = ca.from_array(a)
    assert operator.index(x) == 4
    assert list(range(10))[x] == 4
    assert [0, 1, 2, 3, 4, 5][x.astype("int16")] == 4


@pytest.mark.parametrize("a", [np.array(4.0), np.array(True), np.array([4])], ids=["float", "bool", "1-d"])
def test_index_refuses_non_integer_or_non_scalar(ca, a):
    x = ca.from_array(a)
    with pytest.raises(TypeError, match="integer scalar arrays"):
        operator.index(x)
    with pytest.raises(TypeError):
        operator.index(a)  # NumPy refuses them too


@pytest.mark.parametrize("dtype", DTYPES)
def test_item(ca, dtype):
    a = sample((4, 5), dtype, seed=2)
    x = ca.from_array(a, chunks=(3, 1))
    for args in [(0,), (7,), (19,), (-1,), (-20,), (2, 3), ((3, 4),)]:
        got = x.item(*args)
        assert type(got) is type(a.item(*args))
        assert got == a.item(*args)
    assert ca.from_array(a[1:2, 2:3]).item() == a[1:2, 2:3].item()
    assert x.sum().item() == pytest.approx(a.sum().item(), rel=1e-5)


def test_item_errors(ca):
    x = ca.from_array(np.arange(6).reshape(2, 3), chunks=2)
    with pytest.raises(ValueError, match="size 1"):
        x.item()
    with pytest.raises(IndexError, match="out of bounds"):
        x.item(6)
    with pytest.raises(IndexError, match="out of bounds"):
        x.item(-7)
    with pytest.raises(ValueError, match="incorrect number of indices"):
        x.item(1, 1, 1)
