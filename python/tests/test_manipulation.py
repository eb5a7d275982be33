"""Stacking, swapaxes, roll, tile, pad, atleast_nd, tril/triu and broadcast_arrays against NumPy,
on odd chunkings (edge chunks, chunk size 1, one chunk), several dtypes and empty arrays; each
also through NumPy's own function (__array_function__)."""
import numpy as np
import pytest
from conftest import assert_matches, sample

CHUNKINGS = [1, 2, 3, None]
DTYPES = ["int8", "uint16", "float32", "float64", "bool"]


def lazy(ca, a, chunks):
    return ca.from_array(a, chunks=chunks)


def check(got, expected):
    assert got.shape == np.shape(expected)
    assert_matches(got.compute(), expected)


def check_both(ca, name, x, a, *args):
    """chunkarr.<name> and numpy.<name> on the lazy array both give NumPy's result."""
    expected = getattr(np, name)(a, *args)
    check(getattr(ca, name)(x, *args), expected)
    check(getattr(np, name)(x, *args), expected)


@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_stacking(ca, chunks, dtype):
    a, b = sample((4, 5), dtype, 1), sample((4, 5), dtype, 2)
    x, y = lazy(ca, a, chunks), lazy(ca, b, chunks)
    check(ca.vstack([x, y]), np.vstack([a, b]))
    check(ca.hstack([x, y]), np.hstack([a, b]))
    check(ca.dstack([x, y]), np.dstack([a, b]))
    check(ca.hstack([x[0], y[1]]), np.hstack([a[0], b[1]]))
    check(ca.vstack([x[0], y[1]]), np.vstack([a[0], b[1]]))
    check(ca.dstack([x[0], y[1]]), np.dstack([a[0], b[1]]))
    check(np.vstack([x, b]), np.vstack([a, b]))
    check(np.hstack((x, y)), np.hstack((a, b)))
    check(np.dstack([x, y]), np.dstack([a, b]))


def test_stack_mixed_dtypes_and_empty(ca):
    a, b = sample((3, 2), "int8"), sample((0, 2), "float32")
    check(ca.vstack([lazy(ca, a, 2), lazy(ca, b, 2)]), np.vstack([a, b]))
    with pytest.raises(ValueError):
        ca.vstack([])


@pytest.mark.parametrize("chunks", CHUNKINGS)
def test_block(ca, chunks):
    a, b, c = sample((2, 3), "float64", 1), sample((2, 2), "float64", 2), sample((3, 5), "float64", 3)
    x, y, z = (lazy(ca, v, chunks) for v in (a, b, c))
    check(ca.block([[x, y], [z]]), np.block([[a, b], [c]]))
    check(np.block([[x, y], [z]]), np.block([[a, b], [c]]))
    check(ca.block([x[0], y[1]]), np.block([a[0], b[1]]))
    check(ca.block([[[x]], [[x]]]), np.block([[[a]], [[a]]]))
    check(ca.block(x), np.block(a))
    with pytest.raises(ValueError, match="depth"):
        ca.block([[x], x])
    with pytest.raises(TypeError, match="tuple"):
        ca.block((x, y))
    with pytest.raises(ValueError, match="empty"):
        ca.block([[]])


@pytest.mark.parametrize("chunks", [1, 2, None])
def test_atleast(ca, chunks):
    for shape in [(), (3,), (3, 4), (3, 4, 2)]:
        a = sample(shape, "float64")
        x = lazy(ca, a, chunks if shape else None)
        for ours, theirs in ((ca.atleast_1d, np.atleast_1d), (ca.atleast_2d, np.atleast_2d),
                             (ca.atleast_3d, np.atleast_3d)):
            check(ours(x), theirs(a))
            check(theirs(x), theirs(a))
            got = ours(x, x[()] if shape == () else x)
            assert isinstance(got, list) and len(got) == 2
            check(got[1], theirs(a))


@pytest.mark.parametrize("chunks", CHUNKINGS)
def test_swapaxes(ca, chunks):
    a = sample((2, 3, 4), "int32")
    x = lazy(ca, a, chunks)
    for axes in ((0, 2), (1, -1), (2, 2), (-3, 1)):
        check_both(ca, "swapaxes", x, a, *axes)
        check(x.swapaxes(*axes), a.swapaxes(*axes))
    with pytest.raises(np.AxisError):
        ca.swapaxes(x, 0, 3)


ROLLS = [(2, None), (-3, None), (30, None), (1, 0), (-2, 1), (9, -1), ((1, 3), (0, 1)), ((2, 2), (1, 1)),
         (3, (0, 1)), (0, 0)]
TILES = [2, (2, 1), (1, 3), (2, 2, 2), (0, 2), 1, (3,)]


@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", ["int8", "uint16", "float32", "bool"])
def test_roll_and_tile(ca, chunks, dtype):
    a = sample((4, 7), dtype)
    x = lazy(ca, a, chunks)
    for shift, axis in ROLLS:
        check_both(ca, "roll", x, a, shift, axis)
    for reps in TILES:
        check_both(ca, "tile", x, a, reps)
    check(ca.tile(lazy(ca, a[0], chunks), (2, 2)), np.tile(a[0], (2, 2)))
    e = np.zeros((0, 3))
    check(ca.roll(lazy(ca, e, 2), 2, 0), np.roll(e, 2, 0))
    check(ca.roll(lazy(ca, e, 2), 2), np.roll(e, 2))
    with pytest.raises(np.AxisError):
        ca.roll(x, 1, 2)
    with pytest.raises(TypeError, match="integers"):
        ca.roll(x, 1.5, 0)
    with pytest.raises(ValueError, match="negative"):
        ca.tile(x, -1)


PAD_WIDTHS = [1, (2, 3), ((1, 0), (0, 2)), ((0, 0), (3, 1)), ((4, 5), (6, 7)), 0]


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric", "wrap"])
@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", ["int8", "float32", "float64"])
def test_pad(ca, mode, chunks, dtype):
    a = sample((3, 4), dtype)
    x = lazy(ca, a, chunks)
    for width in PAD_WIDTHS:
        check(ca.pad(x, width, mode), np.pad(a, width, mode))
        check(np.pad(x, width, mode=mode), np.pad(a, width, mode=mode))
    b = sample((5,), dtype)
    check(ca.pad(lazy(ca, b, chunks), (12, 9), mode), np.pad(b, (12, 9), mode))
    one = sample((1, 2), dtype)
    check(ca.pad(lazy(ca, one, chunks), 3, mode), np.pad(one, 3, mode))


def test_pad_constant_values_and_errors(ca):
    a = sample((3, 4), "int32")
    x = lazy(ca, a, 2)
    check(ca.pad(x, 2, constant_values=7), np.pad(a, 2, constant_values=7))
    check(ca.pad(x, 1, constant_values=((1, 2), (3, 4))), np.pad(a, 1, constant_values=((1, 2), (3, 4))))
    check(ca.pad(x, 1, constant_values=2.7), np.pad(a, 1, constant_values=2.7))   # cast into int as NumPy
    f = sample((2, 3), "float64")
    check(ca.pad(lazy(ca, f, 2), 1, constant_values=np.nan), np.pad(f, 1, constant_values=np.nan))
    e = np.zeros((0, 3))
    check(ca.pad(lazy(ca, e, 2), 2), np.pad(e, 2))
    check(ca.pad(lazy(ca, e, 2), ((0, 0), (1, 1)), "reflect"), np.pad(e, ((0, 0), (1, 1)), "reflect"))
    with pytest.raises(ValueError, match="empty axis"):
        ca.pad(lazy(ca, e, 2), 1, "edge")
    with pytest.raises(ValueError, match="negative"):
        ca.pad(x, -1)
    with pytest.raises(NotImplementedError, match="linear_ramp"):
        ca.pad(x, 1, "linear_ramp")
    with pytest.raises(NotImplementedError, match="odd"):
        ca.pad(x, 1, "reflect", reflect_type="odd")
    with pytest.raises(ValueError):
        ca.pad(x, ((1, 2, 3),))
    with pytest.raises(TypeError):
        ca.pad(x, 1.5)


@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_tril_triu(ca, chunks, dtype):
    for shape in [(4, 6), (6, 4), (2, 3, 5), (5,)]:
        a = sample(shape, dtype)
        x = lazy(ca, a, chunks)
        for k in (0, 1, -2, 10, -10):
            check(ca.tril(x, k), np.tril(a, k))
            check(ca.triu(x, k), np.triu(a, k))
            check(np.tril(x, k), np.tril(a, k))
            check(np.triu(x, k=k), np.triu(a, k=k))
    f = sample((3, 3), "float64")
    f[0, 2] = f[2, 0] = np.nan
    check(ca.tril(lazy(ca, f, 2)), np.tril(f))   # NaN above the diagonal becomes 0, as NumPy


def test_broadcast_arrays(ca):
    a, b = sample((3, 1), "float32"), sample((4,), "int8")
    got = ca.broadcast_arrays(lazy(ca, a, 2), lazy(ca, b, 3), 5)
    want = np.broadcast_arrays(a, b, 5)
    assert len(got) == 3
    for g, w in zip(got, want):
        check(g, w)
    got = np.broadcast_arrays(lazy(ca, a, 2), b)
    for g, w in zip(got, np.broadcast_arrays(a, b)):
        check(g, w)
    with pytest.raises(ValueError):
        ca.broadcast_arrays(lazy(ca, a, 2), np.zeros((2, 2)))
