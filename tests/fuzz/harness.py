"""Running chunkarr and the reference worker for the fuzz tests."""
import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import judge

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PYTHON = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable
# The references read a small file in well under a second; a damaged one can make libhdf5 or
# libnetcdf loop: then they count as having failed.
REFERENCE_TIMEOUT_S = 30


def exe_path():
    return Path(os.environ.get("CHUNKARR_EXE") or REPO / "build" / "chunkarr")


def run_chunkarr(exe, *args, timeout=judge.TIMEOUT_S):
    argv = [str(exe), *[str(a) for a in args]]
    start = time.monotonic()
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return judge.Run(argv, None, (e.stdout or b"").decode("utf-8", "surrogateescape"),
                         (e.stderr or b"").decode("utf-8", "replace"), time.monotonic() - start)
    return judge.Run(argv, p.returncode, p.stdout.decode("utf-8", "surrogateescape"),
                     p.stderr.decode("utf-8", "replace"), time.monotonic() - start)


def chunkarr_runs(exe, path, ref, memory_limit="512MB"):
    """stats and info on the whole file; when stats gives an error, stats on each dataset the
    references list, so that one damaged dataset does not hide the others."""
    stats = run_chunkarr(exe, "stats", path, "--format", "json", "--memory-limit", memory_limit)
    info = run_chunkarr(exe, "info", path, "--format", "json")
    per_var = {}
    if stats.rc == 1:
        listed = set()
        for view in ref.values():
            if isinstance(view, dict) and view.get("error") is None:
                listed |= {p for p, e in view.get("paths", {}).items() if e["numeric"] and not e["dim_only"]}
        for p in sorted(listed):
            if judge.safe_variable(p):
                per_var[p] = run_chunkarr(exe, "stats", f"{path}:{p}", "--format", "json", "--memory-limit",
                                          memory_limit)
    return stats, info, per_var


class ReferenceWorker:
    """`reference.py --worker` in a process of its own, restarted when it hangs or dies."""

    def __init__(self):
        self.proc = None

    def _start(self):
        self.proc = subprocess.Popen([PYTHON, str(HERE / "reference.py"), "--worker"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)

    def stop(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def ask(self, path, kind, timeout=REFERENCE_TIMEOUT_S):
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        try:
            self.proc.stdin.write(json.dumps({"path": str(path), "kind": kind}) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            self.stop()
            return {"crash": "reference worker died"}
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            died = self.proc.poll() is not None
            status = self.proc.returncode
            self.stop()
            return {"crash": f"h5py/netCDF4-python crashed (exit {status})" if died else
                    f"h5py/netCDF4-python gave no answer within {timeout} s"}
        return json.loads(line)
