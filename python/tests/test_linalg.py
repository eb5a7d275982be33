"""matmul / @, dot, tensordot: lazy, chunked, against NumPy on odd shapes and chunkings."""
import h5py
import numpy as np
import pytest

RNG = np.random.default_rng(7)


def data(shape, dtype=np.float64):
    x = RNG.standard_normal(shape)
    if np.dtype(dtype).kind in "iu":
        return (x * 20).astype(dtype)
    if np.dtype(dtype) == np.bool_:
        return x > 0.3
    return x.astype(dtype)


def close(got, expected, dtype=None):
    assert got.dtype == expected.dtype
    assert got.shape == expected.shape
    if expected.dtype.kind in "iub":
        np.testing.assert_array_equal(got, expected)
    else:
        rtol = 1e-5 if expected.dtype == np.float32 else 1e-12
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol * 10)


@pytest.mark.parametrize("sa,ca_,sb,cb", [
    ((37, 53), (10, 7), (53, 29), (11, 8)),          # edge chunks, k chunks not aligned
    ((1, 5), (1, 2), (5, 1), (3, 1)),
    ((13,), (4,), (13,), (5,)),                       # 1-d . 1-d
    ((9, 13), (4, 6), (13,), (5,)),                   # 2-d . 1-d
    ((13,), (6,), (13, 7), (4, 3)),                   # 1-d . 2-d
    ((3, 4, 6), (2, 3, 4), (3, 6, 5), (1, 5, 2)),     # batched
    ((2, 1, 4, 6), (1, 1, 3, 4), (3, 6, 5), (2, 5, 2)),  # batch broadcasting, different ranks
    ((0, 4), (1, 2), (4, 3), (2, 2)),                 # empty
    ((4, 0), (2, 1), (0, 3), (1, 2)),                 # empty summed axis: zeros
])
def test_matmul_matches_numpy(ca, sa, ca_, sb, cb):
    a, b = data(sa), data(sb)
    x, y = ca.from_array(a, chunks=ca_), ca.from_array(b, chunks=cb)
    z = x @ y
    assert isinstance(z, ca.Array)
    assert z.shape == (a @ b).shape
    close(np.asarray(z), a @ b)
    close(np.asarray(ca.matmul(x, y)), np.matmul(a, b))
    close(np.asarray(np.matmul(x, y)), np.matmul(a, b))


@pytest.mark.parametrize("ta,tb", [
    (np.int32, np.int32), (np.int8, np.int16), (np.uint8, np.int64), (np.float32, np.float32),
    (np.float32, np.float64), (np.int32, np.float32), (np.bool_, np.bool_), (np.bool_, np.int8),
    (np.int64, np.float64),
])
def test_dtypes_follow_numpy(ca, ta, tb):
    a, b = data((11, 17), ta), data((17, 6), tb)
    expected = a @ b
    z = ca.from_array(a, chunks=(4, 5)) @ ca.from_array(b, chunks=(6, 4))
    assert z.dtype == expected.dtype
    close(z.compute(), expected)


def test_integer_overflow_wraps_like_numpy(ca):
    a = np.full((2, 3), 2_000_000_000, np.int32)
    b = np.ones((3, 2), np.int32)
    close((ca.from_array(a, chunks=1) @ ca.from_array(b, chunks=2)).compute(), a @ b)


@pytest.mark.parametrize("sa,ca_,sb,cb", [
    ((2, 3, 4), (1, 2, 3), (5, 4, 2), (2, 3, 1)),   # n-d dot
    ((7, 9), (3, 4), (9, 5), (5, 2)),
    ((9,), (4,), (9,), (2,)),
    ((6, 9), (4, 4), (9,), (5,)),
    ((9,), (4,), (9, 2), (5, 1)),
])
def test_dot_matches_numpy(ca, sa, ca_, sb, cb):
    a, b = data(sa), data(sb)
    x, y = ca.from_array(a, chunks=ca_), ca.from_array(b, chunks=cb)
    close(np.asarray(ca.dot(x, y)), np.dot(a, b))
    z = np.dot(x, y)
    assert isinstance(z, ca.Array)
    close(np.asarray(z), np.dot(a, b))
    close(np.asarray(x.dot(y)), a.dot(b))


def test_dot_with_a_scalar_multiplies(ca):
    a = data((4, 3))
    close(np.asarray(ca.dot(ca.from_array(a, chunks=2), np.float64(2.5))), np.dot(a, 2.5))
    f = data((4, 3), np.float32)
    close(np.asarray(ca.dot(2.5, ca.from_array(f, chunks=2))), np.dot(2.5, f))
    close(np.asarray(np.dot(ca.from_array(f, chunks=2), 2)), np.dot(f, 2))
    close(np.asarray(np.dot(ca.from_array(f, chunks=2), np.float32(2))), np.dot(f, np.float32(2)))
    i8 = data((4, 3), np.int8)
    close(np.asarray(ca.dot(ca.from_array(i8, chunks=2), np.int8(3))), np.dot(i8, np.int8(3)))


@pytest.mark.parametrize("axes,sa,sb", [
    (0, (3, 4), (2, 5)),                       # outer product
    (1, (3, 4, 5), (5, 2)),
    (2, (3, 4, 5), (4, 5, 2)),
    (([1, 0], [0, 1]), (3, 4, 5), (4, 3, 2)),  # pairs out of order
    (((2,), (0,)), (3, 4, 5), (5, 2, 3)),
    ((1, 0), (3, 4, 5), (4, 2)),               # single axes
    (([-1], [-3]), (3, 4, 5), (5, 2, 3)),      # negative axes
    (([], []), (3, 2), (2,)),
])
def test_tensordot_matches_numpy(ca, axes, sa, sb):
    a, b = data(sa), data(sb)
    expected = np.tensordot(a, b, axes)
    x = ca.from_array(a, chunks=tuple(max(1, (s + 1) // 2) for s in sa))
    y = ca.from_array(b, chunks=tuple(max(1, s // 3) for s in sb))
    z = ca.tensordot(x, y, axes)
    assert z.shape == expected.shape
    close(np.asarray(z), expected)
    z2 = np.tensordot(x, y, axes)
    assert isinstance(z2, ca.Array)
    close(np.asarray(z2), expected)


def test_shape_mismatch_is_a_value_error(ca):
    x = ca.from_array(data((3, 4)), chunks=2)
    y = ca.from_array(data((5, 2)), chunks=2)
    with pytest.raises(ValueError, match="matmul"):
        x @ y
    with pytest.raises(ValueError, match="not aligned"):
        ca.dot(x, y)
    with pytest.raises(ValueError, match="shape-mismatch for sum"):
        ca.tensordot(x, y, ([1], [0]))
    with pytest.raises(ValueError):
        ca.tensordot(x, y, 3)
    with pytest.raises(ValueError):
        ca.from_array(data((2, 3, 4)), chunks=2) @ ca.from_array(data((3, 4, 5)), chunks=2)   # batch 2 vs 3
    with pytest.raises(ValueError):
        ca.from_array(np.float64(1.0)) @ x


def test_products_stay_lazy_and_mix_with_numpy(ca):
    a, b = data((8, 6)), data((6, 4))
    x = ca.from_array(a, chunks=3)
    z = x @ b                       # NumPy operand on the right
    assert isinstance(z, ca.Array)
    close(np.asarray(z), a @ b)
    z = b.T @ x.T                   # NumPy on the left: __array_ufunc__ (np.matmul)
    assert isinstance(z, ca.Array)
    close(np.asarray(z), b.T @ a.T)
    assert "tensordot(" in (x @ b + 1).explain()


def test_bit_identical_across_thread_counts(ca):
    a, b = data((67, 301)), data((301, 45))
    z = ca.from_array(a, chunks=(16, 23)) @ ca.from_array(b, chunks=(37, 11))
    s = ca.tensordot(z, z, 2)
    runs = [ca.compute(z, s, threads=t) for t in (1, 2, 4)]
    for other in runs[1:]:
        assert other[0].tobytes() == runs[0][0].tobytes()
        assert np.float64(other[1]).tobytes() == np.float64(runs[0][1]).tobytes()


def test_hdf5_backed_operands(ca, tmp_path):
    a, b = data((150, 90)), data((90, 70)).astype(np.float32)
    path = tmp_path / "operands.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("a", data=a, chunks=(40, 25), compression="gzip")
        f.create_dataset("b", data=b, chunks=(30, 70))
    x, y = ca.open(path, "a"), ca.open(path, "b")
    close(np.asarray(x @ y), a @ b)
    close(np.asarray(ca.tensordot(x, x, ([0], [0]))), np.tensordot(a, a, ([0], [0])))
    # On storage-chunk tasks, within a memory limit smaller than one operand.
    x, y = x.rechunk((40, 25)), y.rechunk((30, 35))
    close(np.asarray((x @ y).compute(memory_limit="100KB")), a @ b)


def test_covariance_with_a_reduction_inside_the_operands(ca):
    a = data((200, 7))
    x = ca.from_array(a, chunks=(37, 3))
    anomaly = x - x.mean(axis=0)
    cov = (anomaly.T @ anomaly) / (a.shape[0] - 1)
    close(np.asarray(cov), np.cov(a, rowvar=False))
    assert isinstance(ca.tensordot(anomaly, anomaly, ([0], [0])).sum(axis=0), ca.Array)
    close(np.asarray(ca.tensordot(anomaly, anomaly, ([0], [0])).sum(axis=0)),
          np.tensordot(a - a.mean(0), a - a.mean(0), ([0], [0])).sum(axis=0))


@pytest.mark.parametrize("index", [
    (slice(2, 9, 2), 3), (0,), (slice(None), slice(1, 4)), (1, slice(None, None, 3), -1), (Ellipsis, 2),
])
def test_slices_of_products(ca, index):
    a, b = data((3, 11, 6)), data((1, 6, 8))          # batched, b broadcast
    z = ca.from_array(a, chunks=(2, 4, 4)) @ ca.from_array(b, chunks=(1, 5, 3))
    close(np.asarray(z[index]), (a @ b)[index])
    index2 = tuple(i for i in index if i is not Ellipsis)[:2]
    a2, b2 = data((11, 6)), data((6, 8))
    z2 = ca.from_array(a2, chunks=(4, 4)) @ ca.from_array(b2, chunks=(5, 3))
    close(np.asarray(z2[index2]), (a2 @ b2)[index2])


def test_blas_runs_one_thread_inside_a_compute_and_is_restored(ca):
    import ctypes
    import ctypes.util
    try:
        blas = ctypes.CDLL("libopenblas.so.0")
        blas.openblas_get_num_threads
    except (OSError, AttributeError):
        pytest.skip("not OpenBLAS")
    if "OpenBLAS" not in ca._chunkarr.blas_name():
        pytest.skip("chunkarr does not run on OpenBLAS here")
    blas.openblas_set_num_threads(2)
    seen = []
    x = ca.from_array(data((2000, 2000)), chunks=500)   # one thread: long enough for the 0.1 s progress polls
    ca._chunkarr.compute([(x @ x)._core], 1, 0, lambda *p: seen.append(blas.openblas_get_num_threads()))
    if len(seen) < 2:
        pytest.skip("the product finished before the first progress poll")
    assert set(seen[:-1]) == {1}     # while tasks ran (the last call comes after the compute)
    assert blas.openblas_get_num_threads() == 2
