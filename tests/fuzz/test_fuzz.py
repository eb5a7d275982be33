"""Damaged files through `chunkarr stats` and `chunkarr info`: never a crash, never a hang, never
a silent omission, never a wrong number (issue 12, point 5).

The corpus (corpus.py): 9 small base files -- HDF5 in the 1.8 and the latest file format
(contiguous; chunked with edge and unallocated chunks and every chunk index type; shuffle+gzip,
gzip, fletcher32), NetCDF-4, CDF-1 and CDF-2 classic with a record dimension -- and 330 damaged
copies: bit flips in data, in metadata, and aimed at chunk indexes and layout messages, zeroed
ranges in data or metadata, truncation, appended bytes.
Each case is named `<base>/<damage>/<n>` and seeded from its name: `-k 'nc3-cdf1 and truncate'`
reruns a few, CHUNKARR_FUZZ_KEEP=DIR keeps the damaged file of every failing case there, and
CHUNKARR_FUZZ_SEED=S derives other seeds from the same names, to explore beyond this corpus
(a failure is then reproduced with the same S).

Each case runs `chunkarr stats FILE --format json`, `chunkarr info FILE --format json` and, when
stats gives an error, `chunkarr stats FILE:VAR` for every dataset the references list (so one
damaged dataset does not hide the others), each with a 30 s timeout. The references are h5py +
NumPy (HDF5, NetCDF-4), netCDF4-python (NetCDF-4, classic; mask-and-scale as chunkarr's contract,
DESIGN.md "Missing values", with the unpacking in float64), and a strict reader of the classic
format (corpus.parse_classic), run in a worker process with its own timeout (reference.py).

Acceptance (judge.py):

1. Never a crash (a signal, an exit status other than 0 and 1, "Segmentation", "terminate
   called", "Traceback", a sanitizer report in stderr) and never a hang (30 s).
2. An error is always acceptable when it is clear: exit 1, a `chunkarr: error: ...` line on
   stderr and only `chunkarr: ...` lines there. A success has an empty stderr and JSON output.
3. No silent omission: on exit 0, the output holds every dataset (numeric ones for stats, all for
   info) that some reference tool which opened the file lists, and names (a path at or under)
   every object that tool could not open or list. When no tool can open the file, exit 0 must
   list what the undamaged original holds.
4. No wrong number: each row chunkarr prints (also beside an error) agrees -- count and missing
   exactly, min and max to 1e-12, sum and mean within the rounding of any summation order
   (4 n eps sum|x|), std to 1e-6 of max|x| -- with a *candidate*: a reference's result on data it
   read without error and trusts, or the undamaged original's result (damage chunkarr sees
   through is fine).
   When the references disagree, chunkarr may give an error or agree with one of them, except
   where a tool is known to read something that is not the file's data:
   - h5py's values are not trusted when HDF5's own chunk index of the dataset is inconsistent
     (a chunk origin off the chunk grid or listed twice, a chunk past the end of the file, two
     chunks overlapping): the index is damaged, and h5py reads the wrong bytes without a word;
   - netCDF4-python's values of a classic file are not trusted where the strict reader finds the
     header malformed or the variable's bytes past the end of the file: libnetcdf then returns
     zeros or fill values that were never written. A header whose counts exceed the file's size
     is not handed to netCDF4-python at all (libnetcdf spends a minute allocating for it): no
     reference opens such a file.
   Then chunkarr must give an error, or the original's numbers. A row for data that no reference
   could read and that differs from the original is a failure (unless it is the original's data
   of a dataset whose name was damaged: h5py cannot open some names). Data beyond 64 MiB, or
   that the references ran out of memory for, is not judged (a flipped dimension).
5. The shapes `info` prints are a reference's or the original's.

The undamaged base files must give exit 0 and the references' numbers (test_base_file), and be
the same bytes on every write. A failing case is shrunk to a small file for
tests/data/regressions/ by minimize.py; test_regression_files.py runs chunkarr on those.
"""
import os
import shutil
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from queue import Queue

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402
import harness  # noqa: E402
import judge  # noqa: E402

CASES = corpus.case_names()
CASE_IDS = [f"{b}/{k}/{n}" for b, k, n in CASES]
BASES = list(corpus.base_files())
WORKERS = 2


@pytest.fixture(scope="session")
def exe():
    p = harness.exe_path()
    if not p.is_file() or not os.access(p, os.X_OK):
        pytest.fail(f"chunkarr executable not found: {p} (build it, or set CHUNKARR_EXE)", pytrace=False)
    return p


class Fuzz:
    """Writes the base files, then damages, references and judges the cases the session selected
    (all of them in parallel, the first time one is asked for)."""

    def __init__(self, exe, root, selected_cases, selected_bases):
        self.exe, self.root = exe, Path(root)
        self.workers = Queue()
        for _ in range(WORKERS):
            self.workers.put(harness.ReferenceWorker())
        self.bases = {}
        needed = sorted(set(selected_bases) | {b for b, _k, _n in selected_cases})
        for name in needed:
            kind, write = corpus.base_files()[name]
            path = self.root / f"{name}{corpus.suffix(kind)}"
            write(str(path))
            self.bases[name] = dict(kind=kind, path=path, bytes=path.read_bytes(),
                                    regions=corpus.data_regions(str(path), kind),
                                    index=corpus.hdf5_index_regions(str(path)) if kind != "nc3" else [])
        with ThreadPoolExecutor(WORKERS) as pool:
            refs = dict(zip(needed, pool.map(lambda n: self._reference(self.bases[n]["path"],
                                                                       self.bases[n]["kind"]), needed)))
        for name in needed:
            self.bases[name]["ref"] = refs[name]
        self.base_results = {}
        with ThreadPoolExecutor(WORKERS) as pool:
            for name, result in zip(selected_bases, pool.map(self._run_base, selected_bases)):
                self.base_results[name] = result
        self.results = {}
        with ThreadPoolExecutor(WORKERS) as pool:
            for case, result in zip(selected_cases, pool.map(self._run_case, selected_cases)):
                self.results[case] = result
        while not self.workers.empty():
            self.workers.get().stop()

    def _reference(self, path, kind):
        worker = self.workers.get()
        try:
            return worker.ask(path, kind)
        finally:
            self.workers.put(worker)

    def _run_base(self, name):
        base = self.bases[name]
        stats, info, per_var = harness.chunkarr_runs(self.exe, base["path"], base["ref"])
        return judge.judge(base["ref"], base["ref"], stats, info, per_var, base["kind"]), stats

    def _run_case(self, case):
        base_name, kind, n = case
        base = self.bases[base_name]
        seed = corpus.case_seed(*case)
        damaged, what = corpus.damage(base["bytes"], base["regions"], kind, seed, base["index"])
        path = self.root / "cases" / f"{base_name}-{kind}-{n}{corpus.suffix(base['kind'])}"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(damaged)
        ref = self._reference(path, base["kind"])
        stats, info, per_var = harness.chunkarr_runs(self.exe, path, ref)
        fails = judge.judge(ref, base["ref"], stats, info, per_var, base["kind"])
        keep = os.environ.get("CHUNKARR_FUZZ_KEEP")
        if fails and keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(keep) / path.name)
        return dict(seed=seed, what=what, fails=fails, stats=stats, info=info, per_var=per_var)


_lock = threading.Lock()


@pytest.fixture(scope="session")
def fuzz(request, exe, tmp_path_factory):
    with _lock:
        selected_cases, selected_bases = [], []
        for item in request.session.items:
            spec = getattr(item, "callspec", None)
            if spec is None:
                continue
            if "case" in spec.params:
                selected_cases.append(tuple(spec.params["case"]))
            if "base" in spec.params:
                selected_bases.append(spec.params["base"])
        return Fuzz(exe, tmp_path_factory.mktemp("fuzz"), selected_cases, selected_bases)


def _report(case, result):
    lines = [f"{'/'.join(map(str, case))} (seed {result['seed']}): {result['what']}"]
    for f in result["fails"]:
        lines.append(f"  [{f['kind']} / {f['area']}] {f['detail']}")
    return "\n".join(lines)


@pytest.mark.parametrize("base", BASES)
def test_base_file(fuzz, base):
    """The undamaged files: exit 0 and the references' numbers (else the fuzz proves nothing)."""
    fails, stats = fuzz.base_results[base]
    assert stats.rc == 0, f"{base}: stats exited {stats.rc}: {stats.err}"
    assert not fails, f"{base}:\n" + "\n".join(f"  [{f['kind']} / {f['area']}] {f['detail']}" for f in fails)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_damaged_file(fuzz, case):
    result = fuzz.results[tuple(case)]
    assert not result["fails"], _report(case, result)


def test_base_files_are_the_same_bytes_every_time(tmp_path):
    """Reproducible cases need reproducible files: no timestamps, no stray bytes."""
    for name, (_kind, write) in corpus.base_files().items():
        first, second = tmp_path / f"1-{name}", tmp_path / f"2-{name}"
        write(str(first))
        write(str(second))
        assert first.read_bytes() == second.read_bytes(), f"{name} differs between two writes"
