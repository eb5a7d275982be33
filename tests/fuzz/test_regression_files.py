"""Every file in tests/data/regressions/: damaged files give exactly one `chunkarr: error: ...`
line on stderr and exit 1 (stats), and `info` neither crashes nor hangs on them; the files listed
in expectations.json there are readable and give those numbers.

The fuzz test (test_fuzz.py) found most of them; minimize.py shrinks a failing case to such a
file. Other regression files may join them: one that is meant to be readable needs its entry in
expectations.json.
"""
import json
import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
import judge  # noqa: E402

FOLDER = harness.REPO / "tests" / "data" / "regressions"
TABLE = FOLDER / "expectations.json"
EXPECTED = json.loads(TABLE.read_text())["files"] if TABLE.exists() else {}
FILES = sorted(p.name for p in FOLDER.iterdir() if p.is_file() and p.suffix not in (".json", ".md", ".txt")) \
    if FOLDER.is_dir() else []


@pytest.fixture(scope="module")
def exe():
    p = harness.exe_path()
    if not p.is_file():
        pytest.fail(f"chunkarr executable not found: {p} (build it, or set CHUNKARR_EXE)", pytrace=False)
    return p


def _no_crash(run):
    assert run.rc is not None, f"{run.label()}: no answer within {judge.TIMEOUT_S} s"
    assert 0 <= run.rc < 128, f"{run.label()}: exit {run.rc} (killed by a signal?); stderr {run.err!r}"
    for marker in judge.CRASH_MARKERS + ("HDF5-DIAG",):
        assert marker not in run.err, f"{run.label()}: {marker!r} in stderr: {run.err!r}"


def test_every_expectation_has_its_file():
    assert set(EXPECTED) <= set(FILES), f"expectations.json names missing files: {set(EXPECTED) - set(FILES)}"


@pytest.mark.parametrize("name", FILES)
def test_regression_file(exe, name):
    path = FOLDER / name
    stats = harness.run_chunkarr(exe, "stats", path, "--format", "json")
    _no_crash(stats)
    info = harness.run_chunkarr(exe, "info", path, "--format", "json")
    _no_crash(info)
    assert info.rc in (0, 1), f"info: exit {info.rc}; stderr {info.err!r}"
    if name not in EXPECTED:
        lines = [l for l in stats.err.splitlines() if l.strip()]
        assert stats.rc == 1, f"stats exited {stats.rc}, expected an error (exit 1); stdout {stats.out[:500]!r}"
        assert len(lines) == 1 and lines[0].startswith(judge.ERROR_PREFIX), \
            f"expected one '{judge.ERROR_PREFIX}...' line, got {stats.err!r}"
        return
    assert stats.rc == 0, f"stats exited {stats.rc}: {stats.err!r}"
    assert stats.err == "", f"stderr {stats.err!r}"
    rows = {r["variable"]: r for r in json.loads(stats.out)}
    expected = {e["variable"]: e for e in EXPECTED[name]["stats"]}
    assert sorted(rows) == sorted(expected), f"variables {sorted(rows)}, expected {sorted(expected)}"
    for variable, want in expected.items():
        got = rows[variable]
        for key, value in want.items():
            if isinstance(value, float):
                assert isinstance(got[key], (int, float)) and math.isclose(got[key], value, rel_tol=1e-12), \
                    f"{variable} {key}: {got[key]!r}, expected {value!r}"
            else:
                assert got[key] == value, f"{variable} {key}: {got[key]!r}, expected {value!r}"
