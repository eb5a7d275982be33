"""Fixtures for the `chunkarr` CLI tests (pins /work/notes/cli_contract.md).

Run with Debian's interpreter:  /usr/bin/python3 -m pytest -q tests/cli
The binary is $CHUNKARR_EXE, default <repo>/build/chunkarr.
"""
import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TIMEOUT_S = 120


def _exe_path():
    return Path(os.environ.get("CHUNKARR_EXE") or REPO / "build" / "chunkarr")


@pytest.fixture(scope="session")
def exe():
    p = _exe_path()
    if not p.is_file() or not os.access(p, os.X_OK):
        pytest.fail(
            f"chunkarr executable not found or not executable: {p}\n"
            "Build it first (cmake --build build) or set CHUNKARR_EXE=/path/to/chunkarr.",
            pytrace=False,
        )
    return str(p)


@pytest.fixture(scope="session")
def run_cli(exe):
    """run_cli(*args, timeout=120) -> (returncode, stdout, stderr); stdin is /dev/null.

    A run that exceeds the timeout fails the test (the contract says: never a hang).
    """

    def _run(*args, timeout=TIMEOUT_S):
        cmd = [exe, *[str(a) for a in args]]
        try:
            p = subprocess.run(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"chunkarr did not finish within {timeout} s: {cmd}", pytrace=False)
        return (
            p.returncode,
            p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"),
        )

    return _run


@pytest.fixture(scope="session")
def stats_json(run_cli):
    """stats_json(path_spec, *extra) -> parsed list from `stats PATH_SPEC --format json *extra`.

    Asserts exit 0, empty stderr (no progress bar when stderr is not a tty) and valid JSON.
    """

    def _stats(path_spec, *extra):
        rc, out, err = run_cli("stats", path_spec, "--format", "json", *extra)
        assert rc == 0, f"stats {path_spec} {extra} exited {rc}; stderr: {err!r}"
        assert err == "", f"unexpected stderr from stats {path_spec} {extra}: {err!r}"
        try:
            data = json.loads(out)
        except ValueError as e:
            pytest.fail(f"stats --format json printed invalid JSON ({e}): {out[:2000]!r}")
        assert isinstance(data, list), f"expected a JSON array, got {type(data).__name__}"
        return data

    return _stats


@pytest.fixture(scope="session")
def interrupted_write(exe):
    """interrupted_write(tmp_path, *args): writes tmp_path/in.h5 (dataset t, 128 MiB of float32
    in gzip chunks: seconds of work on one thread), runs `chunkarr *args` (the text {input}
    stands for that file, {output} for tmp_path/out.nc, which already holds other bytes),
    sends Ctrl-C after 0.3 s and checks exit 130, "cancelled", the old output byte for byte and
    no temporary file left. Skips when the command finished first."""
    import signal
    import time

    import h5py
    import numpy as np

    def _run(tmp_path, *args):
        p = tmp_path / "in.h5"
        rng = np.random.default_rng(0)
        with h5py.File(p, "w") as f:
            d = f.create_dataset("t", shape=(32, 1024, 1024), dtype="f4", chunks=(2, 1024, 1024),
                                 compression="gzip", compression_opts=1)
            for i in range(0, 32, 2):
                d[i:i + 2] = rng.random((2, 1024, 1024), dtype=np.float32)
        out = tmp_path / "out.nc"
        out.write_bytes(b"the previous result")
        command = [exe, *(a.replace("{input}", str(p)).replace("{output}", str(out)) for a in args)]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        so, se = proc.communicate(timeout=60)
        if proc.returncode == 0:
            pytest.skip("finished before the interrupt arrived")
        assert proc.returncode == 130, se
        assert "cancelled" in se.decode()
        assert out.read_bytes() == b"the previous result"
        assert sorted(x.name for x in tmp_path.iterdir()) == ["in.h5", "out.nc"]

    return _run
