"""Errors: C++ errors arrive as OSError / KeyError / ValueError / MemoryError with the C++
message; Ctrl-C during a long compute raises KeyboardInterrupt within about a second and the
interpreter stays usable."""
import os
import select
import signal
import subprocess
import sys
import textwrap
import time

import h5py
import numpy as np
import pytest

from conftest import sample


def test_missing_file_is_os_error(ca, tmp_path):
    path = str(tmp_path / "does_not_exist.h5")
    with pytest.raises(OSError) as info:
        ca.open(path, "t2m")
    assert "does_not_exist.h5" in str(info.value)


def test_missing_variable_is_key_error(ca, tmp_path):
    path = tmp_path / "v.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("t2m", data=np.zeros((3, 4)))
        f.create_group("grp")
    with pytest.raises(KeyError) as info:
        ca.open(str(path), "no_such_variable")
    assert "no_such_variable" in str(info.value)
    with pytest.raises(KeyError):
        ca.open(str(path), "/grp/missing")


def test_not_an_hdf5_file_is_value_error(ca, tmp_path):
    path = tmp_path / "text.h5"
    path.write_text("this is not HDF5 nor NetCDF\n" * 100)
    with pytest.raises(ValueError):
        ca.open(str(path), "t2m")


REGRESSIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "data", "regressions")


@pytest.mark.parametrize("name, message", [
    ("trunc-classic.nc", "variable /v needs bytes 80-4079 but the file ends at 1020"),
    ("hang-numrecs.nc", "variable /v needs bytes 100-42949673219 but the file ends at 260"),
])
def test_classic_header_that_does_not_fit_the_file_is_value_error(ca, name, message):
    # The header claims bytes the file does not have: an error when opening, before any read.
    start = time.monotonic()
    with pytest.raises(ValueError) as info:
        ca.open(os.path.join(REGRESSIONS, name), "v")
    assert message in str(info.value)
    assert time.monotonic() - start < 5


def test_a_damaged_global_heap_is_value_error_not_a_hang(ca):
    # libhdf5 1.10 loops forever reading DIMENSION_LIST from this heap (its free space claims 0
    # bytes); chunkarr checks the heap first (`chunkarr info`, which reads through libnetcdf, is
    # in tests/fuzz/test_regression_files.py).
    start = time.monotonic()
    with pytest.raises(ValueError) as info:
        ca.open(os.path.join(REGRESSIONS, "fuzz-nc4-zero-meta-1762045144.nc"), "v")
    assert "global heap collection at 2048" in str(info.value)
    assert time.monotonic() - start < 5


def test_a_group_is_not_a_variable(ca, tmp_path):
    path = tmp_path / "g.h5"
    with h5py.File(path, "w") as f:
        f.create_group("grp").create_dataset("x", data=np.zeros(3))
    with pytest.raises((ValueError, KeyError)):
        ca.open(str(path), "grp")


def test_shape_mismatch_is_value_error_at_build_time(ca):
    x = ca.from_array(np.zeros((3, 4)), chunks=2)
    y = ca.from_array(np.zeros((4, 3)), chunks=2)
    with pytest.raises(ValueError) as info:
        x + y  # raised while writing the expression, not at compute()
    assert str(info.value)  # carries the C++ message
    with pytest.raises(ValueError):
        np.maximum(x, ca.ones((5,)))
    with pytest.raises(ValueError):
        ca.where(x > 0, x, ca.ones((2, 4)))


@pytest.mark.parametrize(
    "shape,chunks",
    [((10,), 0), ((10,), -2), ((10, 4), (3,)), ((10,), ((3, 3),)), ((10,), ((5, 6),)), ((10, 4), (2, 2, 2))],
)
def test_bad_chunks_are_value_errors(ca, shape, chunks):
    with pytest.raises(ValueError):
        ca.from_array(np.zeros(shape), chunks=chunks)


def test_bad_values_are_value_errors(ca):
    with pytest.raises(ValueError):
        ca.zeros((-1, 3))
    with pytest.raises(ValueError):
        ca.arange(0, 10, 0)
    x = ca.from_array(np.zeros((3, 4)), chunks=2)
    with pytest.raises(ValueError):
        x.sum(axis=3)
    with pytest.raises(ValueError):
        x.rechunk(((1, 1), (4,)))


def test_unsupported_dtype_is_type_error(ca):
    x = ca.from_array(np.zeros(4))
    with pytest.raises(TypeError):
        x.astype(np.float16)


def test_tiny_memory_limit_is_memory_error(ca):
    x = ca.random.random((1000, 1000), chunks=(500, 500), seed=1)
    with pytest.raises(MemoryError) as info:
        x.sum().compute(memory_limit=1000)
    assert str(info.value)
    with pytest.raises(MemoryError):
        ca.compute(x.mean(), x.std(), memory_limit=1000)
    # still usable afterwards, same numbers as before
    got = x.sum().compute()
    assert got == pytest.approx(np.asarray(x).sum(), rel=1e-12)


def test_errors_leave_the_module_usable(ca, tmp_path):
    for _ in range(3):
        with pytest.raises(OSError):
            ca.open(str(tmp_path / "missing.nc"), "v")
    assert ca.arange(10, chunks=3).sum().compute() == 45


def test_error_classes_are_the_builtins(ca, tmp_path):
    # except OSError / except KeyError / ... works: chunkarr's errors are (subclasses of) them
    try:
        ca.open(str(tmp_path / "missing.h5"), "v")
    except OSError as e:
        assert isinstance(e, OSError)
    else:
        pytest.fail("no error for a missing file")


INTERRUPT_CHILD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {path!r})
    import numpy as np
    import chunkarr as ca
    {setup}
    x = ca.random.random((50000, 50000), chunks=(1000, 1000), seed=1)
    expr = (np.sin(x) * 2.0 + np.sqrt(x)).std()
    print("ready", flush=True)
    t0 = time.perf_counter()
    try:
        expr.compute({options})
        print("finished: the workload was too short", flush=True)
    except KeyboardInterrupt:
        print("interrupted %.3f" % (time.perf_counter() - t0), flush=True)
    r = ca.arange(10, chunks=3).sum().compute()
    print("after", int(r), flush=True)
    r = ca.from_array(np.arange(12.0).reshape(3, 4), chunks=2).mean(axis=0).compute()
    print("after2", r.tolist(), flush=True)
    """
)


class _LineReader:
    """Reads a child's stdout line by line with timeouts (keeps what arrived past a match)."""

    def __init__(self, proc):
        self.proc = proc
        self.fd = proc.stdout.fileno()
        self.buf = b""
        self.pending = []

    def until(self, predicate, timeout):
        """Lines until predicate(line) is true or timeout; returns (lines, elapsed seconds)."""
        lines = []
        start = time.monotonic()
        while True:
            while self.pending:
                lines.append(self.pending.pop(0))
                if predicate(lines[-1]):
                    return lines, time.monotonic() - start
            if time.monotonic() - start >= timeout:
                return lines, time.monotonic() - start
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if not ready:
                if self.proc.poll() is not None and not select.select([self.fd], [], [], 0)[0]:
                    return lines, time.monotonic() - start
                continue
            chunk = os.read(self.fd, 4096)
            if not chunk:
                return lines, time.monotonic() - start
            self.buf += chunk
            *complete, self.buf = self.buf.split(b"\n")
            self.pending.extend(line.decode() for line in complete)


# A progress display that takes a while (a slow terminal or notebook front end): the child says
# when it is inside the progress callback, and SIGINT is sent then — it must still become a
# KeyboardInterrupt (not a crash, not a lost signal).
SLOW_STDERR = (
    "class _SlowStream:\n"
    "    def write(self, text):\n"
    "        print('in progress display', flush=True)\n"
    "        time.sleep(0.5)\n"
    "    def flush(self):\n"
    "        pass\n"
    "sys.stderr = _SlowStream()"
)


@pytest.mark.parametrize(
    "options,setup",
    [("", ""), ("progress=True", ""), ("threads=1", ""), ("progress=True", SLOW_STDERR)],
    ids=["plain", "progress", "threads=1", "during-slow-progress-display"],
)
def test_ctrl_c_interrupts_a_long_compute(chunkarr_pythonpath, ca, options, setup):
    script = INTERRUPT_CHILD.format(path=chunkarr_pythonpath, options=options, setup=setup)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        reader = _LineReader(proc)
        lines, _ = reader.until(lambda l: l == "ready", timeout=60)
        assert lines and lines[-1] == "ready", f"child did not start: {lines} {proc.stderr.read().decode()[-2000:] if proc.poll() is not None else ''}"
        if setup:
            lines, _ = reader.until(lambda l: l == "in progress display", timeout=30)
            assert lines and lines[-1] == "in progress display", f"no progress display: {lines}"
            time.sleep(0.1)
        else:
            time.sleep(1.0)
        assert proc.poll() is None, "child exited before SIGINT"
        proc.send_signal(signal.SIGINT)
        lines, elapsed = reader.until(lambda l: l.startswith(("interrupted", "finished")), timeout=10)
        lines = [l for l in lines if l != "in progress display"]
        if not lines or not lines[-1].startswith("interrupted"):
            rc = proc.poll()
            if rc is None:
                proc.kill()
            err = proc.stderr.read().decode(errors="replace").replace("\r", "\n")
            pytest.fail(
                f"no 'interrupted' from the child {elapsed:.1f} s after SIGINT: stdout {lines}, "
                f"exit status {rc} (None: still running), stderr tail:\n{err[-1500:]}"
            )
        # "within about a second" (generous for a loaded 2-core machine)
        print(f"KeyboardInterrupt {elapsed:.2f} s after SIGINT ({lines[-1]})")
        assert elapsed < 2.0, f"KeyboardInterrupt took {elapsed:.2f} s after SIGINT"
        lines, _ = reader.until(lambda l: l.startswith("after2"), timeout=30)
        lines = [l for l in lines if l != "in progress display"]
        assert "after 45" in lines, lines
        assert lines and lines[-1] == "after2 [4.0, 5.0, 6.0, 7.0]", lines
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
