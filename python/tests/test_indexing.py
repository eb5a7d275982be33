"""Indexing as NumPy's (chunkarr._indexing): negative steps, None, Ellipsis, integer arrays on one
axis, boolean masks, vindex, blocks, and take/flip/rot90/repeat, against NumPy on odd chunkings."""
import numpy as np
import pytest
from conftest import assert_matches, assert_scalar_result, sample

DTYPES = ["int16", "uint8", "bool", "float32", "float64"]
CHUNKINGS = [(4, 3, 5), (1, 10, 11), (9, 10, 11), (2, 7, 1)]
SHAPE = (9, 10, 11)


def _check(got, expected):
    expected = np.asarray(expected)
    assert got.shape == expected.shape
    value = got.compute()
    if expected.ndim == 0:
        assert_scalar_result(value, expected.dtype)
    assert_matches(value, expected)


BASIC = [
    (slice(None, None, -1),),
    (slice(5, 1, -2),),
    (slice(None), slice(None, None, -3), slice(-2, None, -4)),
    (slice(1, 5, -1),),                       # empty
    (slice(100, -100, -1), 3),
    (None,),
    (None, 2, None, slice(None, None, -2)),
    (Ellipsis, None),
    (1, Ellipsis, None, slice(8, None, -3)),
    (Ellipsis, slice(None, None, -1), None, 4),
    (0, 0, 0),
    (None, 0, 0, 0, None),
]

ARRAYS = [
    ([0, 3, 5],),
    ([-1, 0, -9, 8, 8],),
    (slice(None), [2, 0]),
    (Ellipsis, np.array([10, 0, 3, 3, -11], dtype=np.int32)),
    (2, slice(None), [1, 2]),                 # advanced indices apart: array axes first
    (slice(None), 4, [1, 2]),                 # side by side: in place
    ([1, 2], None, slice(None, None, -2)),
    (None, [[0, 1], [8, 2]], slice(1, 3)),    # a 2-d index array
    (slice(None), np.array([], dtype=np.int64)),
    ([],),
    (slice(None, None, -2), np.array([[3], [9]], dtype=np.uint8)),
]


@pytest.mark.parametrize("chunks", CHUNKINGS, ids=str)
@pytest.mark.parametrize("index", BASIC + ARRAYS, ids=repr)
def test_getitem_like_numpy(ca, index, chunks):
    a = sample(SHAPE, "int16", seed=1)
    x = ca.from_array(a, chunks=chunks)
    _check(x[index], a[index])


@pytest.mark.parametrize("dtype", DTYPES)
def test_dtypes_and_nan(ca, dtype):
    a = sample((7, 6), dtype, seed=2)
    if a.dtype.kind == "f":
        a[1, 2] = np.nan
    x = ca.from_array(a, chunks=(3, 4))
    for index in [(slice(None, None, -1),), ([1, 1, -6],), (slice(None), [5, 2]), (None, Ellipsis, -1)]:
        _check(x[index], a[index])


def test_1d_0d_and_empty_arrays(ca):
    a = np.arange(13, dtype=np.float64)
    x = ca.from_array(a, chunks=4)
    for index in [slice(None, None, -1), slice(-1, -14, -5), [12, 0], np.array([3]), None, (Ellipsis, None)]:
        _check(x[index], a[index])
    z = ca.from_array(np.array(2.5))
    for index in [(), Ellipsis, None, (None, Ellipsis, None)]:
        _check(z[index], np.array(2.5)[index])
    e = ca.from_array(np.zeros((0, 3), np.int32), chunks=2)
    for index in [slice(None, None, -1), (slice(None), [2, -3]), ([],)]:
        _check(e[index], np.zeros((0, 3), np.int32)[index])


def test_chunkarr_index_arrays_are_computed_first(ca):
    a = sample((8, 5), "float32", seed=3)
    x = ca.from_array(a, chunks=(3, 2))
    idx = ca.from_array(np.array([4, 0, -1, 4], dtype=np.int64), chunks=3)
    _check(x[idx], a[[4, 0, -1, 4]])
    _check(x[:, ca.from_array(np.array(3))], a[:, 3])      # 0-d: an integer
    _check(x[(idx + 1)[::2]], a[[5, 0]])


def test_out_of_bounds_names_axis_and_size(ca):
    x = ca.from_array(np.zeros((4, 6)), chunks=3)
    with pytest.raises(IndexError, match="index 6 is out of bounds for axis 1 with size 6"):
        x[:, [0, 6]]
    with pytest.raises(IndexError, match="index -5 is out of bounds for axis 0 with size 4"):
        x[[-5]]
    with pytest.raises(IndexError, match="too many indices"):
        x[0, 0, 0]
    with pytest.raises(IndexError, match="single ellipsis"):
        x[..., 0, ...]
    with pytest.raises(ValueError, match="step cannot be zero"):
        x[::0]


def test_several_index_arrays_are_numpys_vectorised_indexing(ca):
    a = np.arange(60).reshape(4, 3, 5)
    x = ca.from_array(a, chunks=(3, 2, 2))
    for index in (([0, 1], [2, 0]), np.ix_([3, 0], [2, 2, 1]), ([0, 3], slice(None), [4, 1]),
                  (slice(1, None), [[0], [2]], [1, 4, 0]), (Ellipsis, [0, 2], [1, 3])):
        _check(x[index], a[index])
    with pytest.raises(NotImplementedError, match="boolean mask"):
        x[np.array([True, False, True, False]), [0, 1]]


@pytest.mark.parametrize("chunks", [(3, 4, 2), (1, 1, 1), (5, 7, 3)], ids=str)
def test_boolean_masks(ca, chunks):
    a = sample((5, 7, 3), "float64", seed=4)
    x = ca.from_array(a, chunks=chunks)
    full = a > 0
    _check(x[full], a[full])                                          # every axis
    _check(x[ca.from_array(full, chunks=2)], a[full])                 # a chunkarr mask: computed first
    _check(x[full[:, :, 0]], a[full[:, :, 0]])                        # leading axes
    m = full[0, :, 0]
    _check(x[:, m], a[:, m])                                          # one axis
    _check(x[1, m, ::-1], a[1, m, ::-1])
    _check(x[..., np.array([True, False, True])], a[..., [True, False, True]])
    _check(x[np.zeros((5, 7, 3), bool)], a[np.zeros((5, 7, 3), bool)])  # empty result
    _check(x[x > 10], a[a > 10])
    with pytest.raises(IndexError, match="boolean index did not match"):
        x[np.ones(4, bool)]


def test_mask_result_is_exact_and_lazy_after_the_mask(ca):
    a = np.arange(24, dtype=np.int64).reshape(4, 6)
    x = ca.from_array(a, chunks=(3, 4))
    y = x[(x > 3) & (x < 12)]
    assert y.shape == (8,)          # known before computing the selection
    assert isinstance(y, ca.Array)
    _check(y * 2, a[(a > 3) & (a < 12)] * 2)


VINDEX = [
    ([0, 3, -1], [2, 2, 0]),
    ([[0, 1], [2, 3]], slice(None), 4),
    (slice(None), [1, 0, 6], [2, 9, 0]),
    (1, [0, 9], slice(None, None, -2)),
    ([1, 2], None, [3, 4]),
    (np.array([[1], [2]]), np.array([3, 4, 5])),
    (Ellipsis, [1, 2], [3, 4]),
    ([0, 1],),
    (np.array([], dtype=np.int64), np.array([], dtype=np.int64)),
]


@pytest.mark.parametrize("index", VINDEX, ids=repr)
def test_vindex_like_numpy(ca, index):
    a = sample(SHAPE, "float32", seed=5)
    x = ca.from_array(a, chunks=(4, 3, 5))
    _check(x.vindex[index], a[index])


def test_vindex_errors(ca):
    x = ca.from_array(np.zeros((4, 6)), chunks=3)
    with pytest.raises(IndexError, match="could not be broadcast"):
        x.vindex[[0, 1], [0, 1, 2]]
    with pytest.raises(IndexError, match="out of bounds for axis 1 with size 6"):
        x.vindex[[0, 1], [0, 6]]


def test_blocks(ca):
    a = sample((9, 10), "int16", seed=7)
    x = ca.from_array(a, chunks=(4, 3))   # blocks (4, 4, 1) x (3, 3, 3, 1)
    assert x.blocks[0, 1].chunks == ((4,), (3,))
    _check(x.blocks[0, 1], a[0:4, 3:6])
    _check(x.blocks[-1], a[8:9])
    _check(x.blocks[1:, ::2], a[4:, np.r_[0:3, 6:9]])
    y = x.blocks[[2, 0], ::-1]
    assert y.chunks == ((1, 4), (1, 3, 3, 3))
    _check(y, a[np.r_[8:9, 0:4]][:, np.r_[9:10, 6:9, 3:6, 0:3]])   # blocks reordered, not their elements
    with pytest.raises(IndexError):
        x.blocks[3]
    assert x.blocks.shape == (3, 4) and x.blocks.size == 12 and len(x.blocks) == 3
    pieces = x.blocks.ravel()
    assert len(pieces) == 12
    _check(pieces[5], a[4:8, 3:6])


@pytest.mark.parametrize("dtype", DTYPES)
def test_flips_and_rot90(ca, dtype):
    a = sample((5, 4, 3), dtype, seed=8)
    x = ca.from_array(a, chunks=(2, 3, 2))
    _check(ca.flip(x), np.flip(a))
    _check(ca.flip(x, 1), np.flip(a, 1))
    _check(np.flip(x, (0, -1)), np.flip(a, (0, -1)))
    _check(np.flipud(x), np.flipud(a))
    _check(np.fliplr(x), np.fliplr(a))
    for k in range(-1, 5):
        _check(np.rot90(x, k), np.rot90(a, k))
        _check(ca.rot90(x, k, axes=(2, 0)), np.rot90(a, k, axes=(2, 0)))
    with pytest.raises(ValueError):
        ca.fliplr(ca.from_array(np.arange(3)))
    with pytest.raises(ValueError):
        ca.rot90(x, axes=(1, 1))


def test_take(ca):
    a = sample((6, 7), "float64", seed=9)
    x = ca.from_array(a, chunks=(4, 3))
    _check(ca.take(x, [6, 0, -1], axis=1), np.take(a, [6, 0, -1], axis=1))
    _check(ca.take(x, np.array([[1, 2], [5, 5]])), np.take(a, [[1, 2], [5, 5]], axis=0))
    _check(ca.take(x, 3, axis=-1), np.take(a, 3, axis=-1))
    _check(np.take(x, [40, 0, -2]), np.take(a, [40, 0, -2]))     # NumPy's axis=None: flattened
    _check(np.take(x, [1], axis=0), np.take(a, [1], axis=0))
    _check(x.take([2, 2], axis=1), a.take([2, 2], axis=1))
    with pytest.raises(IndexError, match="out of bounds for axis 1 with size 7"):
        ca.take(x, [7], axis=1)
    with pytest.raises(NotImplementedError):
        np.take(x, [1], axis=0, mode="wrap")


@pytest.mark.parametrize("dtype", ["uint8", "bool", "float32"])
def test_repeat(ca, dtype):
    a = sample((4, 5), dtype, seed=10)
    x = ca.from_array(a, chunks=(3, 2))
    _check(ca.repeat(x, 3, axis=1), np.repeat(a, 3, axis=1))
    _check(np.repeat(x, [0, 2, 1, 3], axis=0), np.repeat(a, [0, 2, 1, 3], axis=0))
    _check(x.repeat(2), a.repeat(2))
    _check(ca.repeat(x, 0, axis=0), np.repeat(a, 0, axis=0))
    with pytest.raises(ValueError):
        ca.repeat(x, [1, 2], axis=0)
    with pytest.raises(ValueError):
        ca.repeat(x, -1, axis=0)


def test_scattered_indices_keep_tasks_small(ca):
    # Output chunks are cut where the indices move to another input chunk: a task reads one.
    x = ca.from_array(np.arange(1000.0), chunks=10)
    y = x[[0, 999, 1, 998, 500]]
    assert y.chunks == ((1, 1, 1, 1, 1),)
    assert x[::-1].chunks == ((10,) * 100,)
    assert x[995:3:-1].chunks == ((6,) + (10,) * 98 + (6,),)   # a reversal follows the input's chunks
    _check(y, np.arange(1000.0)[[0, 999, 1, 998, 500]])


def test_setitem_is_lazy_and_matches_numpy(ca):
    a = np.arange(30.0).reshape(5, 6)
    x = ca.from_array(a, chunks=(2, 4))
    before = x * 1
    expected = a.copy()
    x[x > 20] = -1.0
    expected[expected > 20] = -1.0
    x[1:4:2, ::-3] = np.array([7.0, 8.0])
    expected[1:4:2, ::-3] = [7.0, 8.0]
    x[-1] = 2
    expected[-1] = 2
    x[..., 0] = ca.from_array(np.array([10.0, 11, 12, 13, 14]))
    expected[..., 0] = [10.0, 11, 12, 13, 14]
    _check(x, expected)
    _check(before, a)   # arrays built from x before keep the values they had
    with pytest.raises(IndexError, match="out of bounds for axis 0 with size 5"):
        x[5] = 0
    with pytest.raises(IndexError, match="out of bounds for axis 1 with size 6"):
        x[0, -7] = 0
    with pytest.raises(IndexError, match="too many indices"):
        x[0, 0, 0] = 0
    with pytest.raises(IndexError, match="single ellipsis"):
        x[..., ...] = 0
    with pytest.raises(IndexError, match="not None"):
        x[None] = 0
    with pytest.raises(IndexError, match="not None"):
        x[0, None] = np.array([5.0])
    with pytest.raises(IndexError, match="not an integer array"):
        x[[0, 1]] = 0
    _check(x, expected)   # refused assignments changed nothing
    x[[True, False, False, True, False]] = 3.0   # a list of booleans is a mask, as in NumPy
    expected[[True, False, False, True, False]] = 3.0
    _check(x, expected)


def test_indexing_then_optimizer_passes(ca):
    # Slices above and below gathers, elementwise work around them, reductions after.
    a = sample((12, 9), "float64", seed=11)
    x = ca.from_array(a, chunks=(5, 4))
    y = ((x * 2)[::-1, [8, 0, 3]] + 1)[1:7:2]
    _check(y, ((a * 2)[::-1, [8, 0, 3]] + 1)[1:7:2])
    _check(y.sum(axis=0), ((a * 2)[::-1, [8, 0, 3]] + 1)[1:7:2].sum(axis=0))
    z = x[x[:, 0] > 0][:, ::-2].rechunk(2)
    _check(z, a[a[:, 0] > 0][:, ::-2])


@pytest.mark.parametrize("dtype", ["int16", "bool", "float64"])
def test_diagonal_and_diag(ca, dtype):
    a = sample((5, 7, 3), dtype, seed=12)
    x = ca.from_array(a, chunks=(2, 3, 2))
    for offset in [0, 2, -3, 6, -5, 9]:
        _check(ca.diagonal(x, offset), np.diagonal(a, offset))
        _check(np.diagonal(x, offset, axis1=2, axis2=0), np.diagonal(a, offset, axis1=2, axis2=0))
        _check(np.diag(x[:, :, 1], offset), np.diag(a[:, :, 1], offset))
    v = a[:, 0, 0]
    for k in [0, 1, -2]:
        _check(ca.diag(ca.from_array(v, chunks=2), k), np.diag(v, k))
    _check(ca.diag(ca.from_array(v[:0]), 2), np.diag(v[:0], 2))
    with pytest.raises(ValueError):
        ca.diagonal(x, axis1=1, axis2=-2)
    with pytest.raises(ValueError):
        ca.diag(x)


def _random_item(rng, n):
    kind = rng.integers(0, 5)
    if kind == 0 and n:
        return int(rng.integers(-n, n))
    if kind == 1:
        start, stop = (int(v) for v in rng.integers(-n - 2, n + 2, 2))
        return slice(start, stop, int(rng.choice([-3, -2, -1, 1, 2, 3])))
    if kind == 2:
        return None
    if kind == 3 and n:
        return rng.integers(-n, n, size=rng.integers(0, 4))
    return slice(None)


@pytest.mark.parametrize("seed", range(4))
def test_random_indexes_like_numpy(ca, seed):
    """Random mixes of integers, slices, None, Ellipsis and index arrays, x[...] and x.vindex[...],
    against NumPy."""
    rng = np.random.default_rng(seed)
    for _ in range(150):
        shape = tuple(int(v) for v in rng.integers(1, 6, size=rng.integers(0, 4)))
        a = rng.integers(0, 100, size=shape).astype(np.int32)
        x = ca.from_array(a, chunks=tuple(int(rng.integers(1, 4)) for _ in shape))
        items, axis = [], 0
        while axis < len(shape) and rng.random() < 0.8:
            items.append(_random_item(rng, shape[axis]))
            axis += items[-1] is not None
        if rng.random() < 0.3:
            items.insert(int(rng.integers(0, len(items) + 1)), Ellipsis)
        index = tuple(items)
        try:
            expected = a[index]
        except IndexError:
            with pytest.raises(IndexError):
                x.vindex[index]
            continue
        _check(x.vindex[index], expected)
        _check(x[index], expected)


def test_compress_extract_delete_insert_choose(ca):
    a = np.arange(42, dtype=np.int32).reshape(6, 7)
    x = ca.from_array(a, chunks=(4, 3))
    cond = np.array([True, False, True, True, False])
    _check(ca.compress(cond, x, axis=1), np.compress(cond, a, axis=1))
    _check(np.compress(cond, x), np.compress(cond, a))
    _check(ca.extract(x % 3 == 0, x), np.extract(a % 3 == 0, a))
    for obj, axis in ((2, 0), ([0, 5, -1], 1), (slice(1, None, 2), 1), ([3, 3], None)):
        _check(ca.delete(x, obj, axis=axis), np.delete(a, obj, axis=axis))
    for obj, values, axis in ((2, 99, 0), ([0, 7, 3], [-1, -2, -3], 1), (1, [[5], [6]], 1), ([2, 2], 0, None),
                              (3, np.arange(7), 0)):
        _check(ca.insert(x, obj, values, axis=axis), np.insert(a, obj, values, axis=axis))
    choices = [a, -a, a * 10]
    index = a % 3
    _check(ca.choose(ca.from_array(index, chunks=2), [ca.from_array(c, chunks=3) for c in choices]),
           np.choose(index, choices))
    _check(np.choose(ca.from_array(index + 2, chunks=2), choices, mode="wrap"), np.choose(index + 2, choices, mode="wrap"))
    _check((x % 2).choose([a, -a], mode="clip"), (a % 2).choose([a, -a], mode="clip"))
