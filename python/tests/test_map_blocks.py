"""map_blocks and map_overlap against NumPy and dask.array (issue 7)."""
import threading
import time

import numpy as np
import pytest


def test_map_blocks_elementwise_and_numpy_views(ca):
    a = np.random.default_rng(1).standard_normal((7, 5))
    x = ca.from_array(a, chunks=(3, 2))
    seen = []

    def f(block):
        if block.size:   # not the empty block used to find the dtype
            seen.append((type(block), block.flags.writeable, block.flags.c_contiguous))
        return np.sin(block) * 2

    y = x.map_blocks(f)
    assert y.dtype == np.float64 and y.chunks == x.chunks
    np.testing.assert_allclose(y.compute(), np.sin(a) * 2, rtol=1e-15)
    assert len(seen) == 9 and all(s == (np.ndarray, False, True) for s in seen)


def test_map_blocks_several_arrays_kwargs_block_id(ca):
    a = np.arange(9 * 4, dtype=np.int32).reshape(9, 4)
    b = (a * 3) % 5
    x, z = ca.from_array(a, chunks=(2, 3)), ca.from_array(b, chunks=(4, 4))

    def f(p, q, offset, block_id=None):
        return p * q + offset + block_id[0] * 1000

    y = ca.map_blocks(f, x, z, offset=7, dtype=np.int32)
    got = y.compute(threads=2)
    starts = np.cumsum((0,) + y.chunks[0])
    block_of_row = np.searchsorted(starts, np.arange(9), side="right") - 1
    np.testing.assert_array_equal(got, a * b + 7 + block_of_row[:, None] * 1000)


def test_map_blocks_passes_other_arguments_through(ca):
    a = np.arange(10.0)
    x = ca.from_array(a, chunks=3)
    np.testing.assert_array_equal(ca.map_blocks(np.add, x, 5).compute(), a + 5)
    np.testing.assert_array_equal(ca.map_blocks(lambda s, b, block_id=None: s * b + block_id[0], 2, x).compute(),
                                  a * 2 + np.arange(10) // 3)
    np.testing.assert_array_equal(x.map_blocks(np.multiply, a).compute(), a * a)   # a NumPy array: blocks


def test_map_blocks_dtype_inferred_declared_and_chunks(ca):
    a = np.arange(35, dtype=np.int16).reshape(7, 5)
    x = ca.from_array(a, chunks=(3, 2))
    assert x.map_blocks(lambda b: b / 2).dtype == np.float64       # found on empty blocks
    assert x.map_blocks(lambda b: b > 3).dtype == np.bool_
    y = x.map_blocks(lambda b: b.sum(axis=1, keepdims=True).astype(np.int64), dtype=np.int64,
                     chunks=((3, 3, 1), (1, 1, 1)))
    assert y.shape == (7, 3)
    want = np.stack([a[:, s].sum(axis=1) for s in (slice(0, 2), slice(2, 4), slice(4, 5))], axis=1)
    np.testing.assert_array_equal(y.compute(), want)


def test_map_blocks_result_is_checked_per_block(ca):
    x = ca.from_array(np.zeros((7, 5)), chunks=(3, 2))

    def shrink(block, block_id=None):
        return block[:1] if block_id == (2, 1) else block

    with pytest.raises(ValueError, match=r"shrink returned shape \(1, 2\) for block \(2, 1\), expected \(1, 2\)|"
                                         r"shrink returned shape"):
        x.map_blocks(lambda b, block_id=None: b[:, :1] if block_id == (1, 1) else b, name="shrink").compute()
    with pytest.raises(ValueError, match=r"dtype float32 for block \(0, 0\)"):
        x.map_blocks(lambda b: b.astype(np.float32), dtype=np.float64).compute(threads=1)
    with pytest.raises(ValueError, match="block"):
        x.map_blocks(lambda b: b.astype(np.complex128), dtype=np.float64).compute()


@pytest.mark.parametrize("dtype", [np.float64, np.int32, np.uint8, np.bool_])
def test_map_blocks_on_0d_arrays_keeps_0d(ca, dtype):
    a = np.array(3, dtype=dtype)
    x = ca.from_array(a)
    got = ca.map_blocks(lambda b: np.asarray(b * 1, dtype=dtype), x, dtype=dtype).compute()
    assert got.shape == () and got.dtype == dtype
    np.testing.assert_array_equal(got, a)
    # a NumPy scalar (not an ndarray) back from the function is 0-d too
    assert ca.map_blocks(lambda b: b[()], x).compute().shape == ()
    # several 0-d inputs, and a 0-d result with the wrong shape is still reported
    assert ca.map_blocks(np.add, x, x, dtype=np.result_type(a, a)).compute() == a + a
    with pytest.raises(ValueError, match="shape"):
        ca.map_blocks(lambda b: np.stack([b, b]), x, dtype=dtype).compute()


def test_map_blocks_exception_is_the_functions_own(ca):
    x = ca.from_array(np.arange(10.0), chunks=3)

    class Custom(Exception):
        pass

    def boom(b):
        if b.size and b[0] >= 6:
            raise Custom("block starting at %d" % b[0])
        return b

    with pytest.raises(Custom, match="block starting at 6") as info:
        x.map_blocks(boom).compute(threads=1)
    if hasattr(info.value, "__notes__"):
        assert "chunk (2) at [6:9]" in info.value.__notes__[0]
    with pytest.raises(Custom, match="block starting at (6|9)"):   # whichever block fails first
        x.map_blocks(boom).compute(threads=2)
    with pytest.raises(KeyError):
        x.map_blocks(lambda b: {}["missing"], dtype=np.float64).compute(threads=2)
    # Still usable afterwards.
    np.testing.assert_array_equal(x.map_blocks(lambda b: b + 1).compute(), np.arange(10.0) + 1)


def test_map_blocks_runs_blocks_concurrently_when_gil_released(ca):
    x = ca.from_array(np.arange(16 * 10.0).reshape(16, 10), chunks=(1, 10))
    lock = threading.Lock()
    state = {"now": 0, "most": 0, "threads": set()}
    two_running = threading.Event()

    def slow(b):
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
            state["threads"].add(threading.get_ident())
            if state["now"] == 2:
                two_running.set()
        # Until two blocks have run at once, a block waits for a second one (releasing the GIL,
        # as NumPy's heavy kernels do); on a loaded machine the second thread may be slow to
        # wake. Run one at a time, the first block waits 10 s in vain and `most` stays 1.
        two_running.wait(timeout=10)
        time.sleep(0.01)
        with lock:
            state["now"] -= 1
        return b * 2

    got = x.map_blocks(slow, dtype=np.float64).compute(threads=2)
    np.testing.assert_array_equal(got, np.arange(160.0).reshape(16, 10) * 2)
    assert state["most"] == 2
    assert len(state["threads"]) == 2
    assert threading.get_ident() not in state["threads"]


def test_map_blocks_kept_block_stays_valid(ca):
    kept = []
    x = ca.from_array(np.arange(12.0), chunks=5)
    x.map_blocks(lambda b: (kept.append(b), b)[1]).compute()
    assert sorted(float(k[0]) for k in kept if k.size) == [0.0, 5.0, 10.0]


def _mean3(b):
    out = b.copy()
    out[1:-1] = (b[:-2] + b[1:-1] + b[2:]) / 3
    return out


@pytest.mark.parametrize("chunks", [5, ((3, 7, 1, 4, 8),), 23])
@pytest.mark.parametrize("boundary,pad", [("reflect", "symmetric"), ("periodic", "wrap"), ("nearest", "edge"),
                                          (-2.5, "constant")])
def test_map_overlap_matches_numpy_pad(ca, chunks, boundary, pad):
    a = np.random.default_rng(2).standard_normal(23)
    x = ca.from_array(a, chunks=chunks)
    kwargs = {"constant_values": boundary} if pad == "constant" else {}
    padded = np.pad(a, 1, mode=pad, **kwargs)
    want = (padded[:-2] + padded[1:-1] + padded[2:]) / 3
    np.testing.assert_allclose(x.map_overlap(_mean3, depth=1, boundary=boundary).compute(), want, rtol=1e-13)


@pytest.mark.parametrize("boundary", ["reflect", "periodic", "nearest", "none", 0.5])
def test_map_overlap_matches_dask(ca, boundary):
    da = pytest.importorskip("dask.array")
    a = np.random.default_rng(3).standard_normal((11, 13))
    chunks = ((4, 4, 3), (5, 3, 5))
    depth = {0: 2, 1: 1}

    def smooth(b):
        out = b.copy()
        out[1:-1, 1:-1] = (b[:-2, 1:-1] + b[2:, 1:-1] + b[1:-1, :-2] + b[1:-1, 2:] + b[1:-1, 1:-1]) / 5
        return out * 2 + b.shape[0] * 0.125   # the block's size shows too

    want = da.from_array(a, chunks=chunks).map_overlap(smooth, depth=depth, boundary=boundary,
                                                       dtype=a.dtype).compute(scheduler="sync")
    got = ca.from_array(a, chunks=chunks).map_overlap(smooth, depth=depth, boundary=boundary).compute()
    np.testing.assert_allclose(got, want, rtol=1e-13)
    got_tuple = ca.map_overlap(smooth, ca.from_array(a, chunks=chunks), depth=(2, 1), boundary=boundary).compute()
    np.testing.assert_allclose(got_tuple, want, rtol=1e-13)


@pytest.mark.parametrize("boundary", [{0: "periodic", 1: 0.5}, {0: 2.0, 1: -3.0}, {0: "nearest", 1: "reflect"},
                                      {1: "periodic"}, {0: -1.5, 1: "reflect"}])
def test_map_overlap_boundary_per_axis_matches_dask(ca, boundary):
    """A boundary per axis (Dask's dict; axes not named get 'none'), corners included: where
    two constants meet, the later axis's value shows, as Dask pads one axis after the other."""
    da = pytest.importorskip("dask.array")
    a = np.random.default_rng(5).standard_normal((9, 10))
    chunks = ((4, 5), (3, 3, 4))

    def corners(b):   # depends on the corners of the extended block
        return b * 0.5 + b[0, 0] + 2 * b[-1, -1] + 3 * b[0, -1]

    want = da.from_array(a, chunks=chunks).map_overlap(corners, depth=(2, 1), boundary=boundary,
                                                       dtype=a.dtype).compute(scheduler="sync")
    got = ca.from_array(a, chunks=chunks).map_overlap(corners, depth=(2, 1), boundary=boundary).compute()
    np.testing.assert_allclose(got, want, rtol=1e-13)
    for trim in (False,):
        want = da.from_array(a, chunks=chunks).map_overlap(corners, depth=(2, 1), boundary=boundary, trim=trim,
                                                           dtype=a.dtype).compute(scheduler="sync")
        got = ca.from_array(a, chunks=chunks).map_overlap(corners, depth=(2, 1), boundary=boundary, trim=trim)
        np.testing.assert_allclose(got.compute(), want, rtol=1e-13)


def test_map_overlap_depth_beyond_a_chunk_and_errors(ca):
    a = np.arange(20.0)
    x = ca.from_array(a, chunks=((2, 3, 5, 4, 6),))
    got = x.map_overlap(lambda b: b, depth=4, boundary="periodic").compute()
    np.testing.assert_array_equal(got, a)
    padded = np.pad(a, 4, mode="symmetric")
    want = sum(padded[i:i + 20] for i in range(9)) / 9
    got = x.map_overlap(lambda b: np.convolve(b, np.ones(9) / 9, mode="same"), depth=4).compute()
    np.testing.assert_allclose(got, want, rtol=1e-12)
    with pytest.raises(ValueError, match="boundary"):
        x.map_overlap(lambda b: b, depth=1, boundary="mirror")
    with pytest.raises(ValueError, match="depth"):
        x.map_overlap(lambda b: b, depth=(1, 2))
    with pytest.raises(ValueError, match="shape"):
        x.map_overlap(lambda b: b[1:-1], depth=1).compute()


INTERRUPT_CHILD = """
import sys, time
sys.path.insert(0, {path!r})
import numpy as np
import chunkarr as ca
def slow(b):
    time.sleep(0.1)
    return b
x = ca.from_array(np.zeros((2000, 10)), chunks=(1, 10)).map_blocks(slow)
print("ready", flush=True)
t0 = time.perf_counter()
try:
    x.compute(threads=2)
    print("finished", flush=True)
except KeyboardInterrupt:
    print("interrupted %.3f" % (time.perf_counter() - t0), flush=True)
print("after", int(ca.arange(10, chunks=3).map_blocks(lambda b: b * 2).sum().compute()), flush=True)
"""


def test_ctrl_c_interrupts_map_blocks(chunkarr_pythonpath, ca):
    import signal
    import subprocess
    import sys
    proc = subprocess.Popen([sys.executable, "-c", INTERRUPT_CHILD.format(path=chunkarr_pythonpath)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(1.0)
        assert proc.poll() is None
        t0 = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        lines = out.split("\n")
        assert lines[0].startswith("interrupted"), (out, err[-1500:])
        assert time.monotonic() - t0 < 5
        assert float(lines[0].split()[1]) < 10
        assert "after 90" in lines, out
        assert proc.returncode == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_block_info_like_dask(ca):
    x = ca.from_array(np.zeros((5, 4)), chunks=(2, 3))
    infos = {}

    def record(b, block_info=None):
        if b.size:
            infos[block_info[None]["chunk-location"]] = (block_info[0]["array-location"],
                                                         block_info[None]["chunk-shape"])
        return b

    x.map_blocks(record).compute()
    assert infos[(2, 1)] == (((4, 5), (3, 4)), (1, 1))
    infos.clear()
    x.map_overlap(record, depth=1, boundary="none").compute()
    assert infos[(0, 0)] == (((0, 3), (0, 4)), (3, 4))   # extended inward only


@pytest.mark.parametrize("boundary", ["reflect", "none", 3.0])
def test_map_overlap_untrimmed_matches_dask(ca, boundary):
    da = pytest.importorskip("dask.array")
    a = np.arange(7 * 9, dtype=np.float64).reshape(7, 9)
    chunks = ((3, 4), (2, 5, 2))

    def f(b):
        return b * 2 + b.shape[1]

    want = da.from_array(a, chunks=chunks).map_overlap(f, depth=(1, 2), boundary=boundary, trim=False, dtype=a.dtype)
    got = ca.from_array(a, chunks=chunks).map_overlap(f, depth=(1, 2), boundary=boundary, trim=False)
    # (Dask 2022.12 reports the unextended chunks here; the values are the extended blocks.)
    np.testing.assert_array_equal(got.compute(), want.compute(scheduler="sync"))
    assert got.shape == got.compute().shape
