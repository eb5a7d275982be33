"""The fuzz test's judge on made-up runs: it must fail what the contract forbids (a crash, a hang,
an unclear error, a silent omission, a wrong number) and pass what it allows."""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402
import judge  # noqa: E402
import reference  # noqa: E402

import numpy as np  # noqa: E402

STATS = reference.stats_of(np.array([1.0, 2.0, np.nan, 4.0]), np.zeros(4, dtype=bool))


def _ref(paths=("/a", "/b"), broken=(), error=None, stats=STATS, entry_error=None):
    return {"h5py": {"error": error, "broken": list(broken),
                     "paths": {p: {"numeric": True, "shape": [4], "dim_only": False,
                                   "stats": None if entry_error else stats, "error": entry_error}
                               for p in paths}}}


def _row(variable, **changes):
    row = {"file": "f.h5", "variable": variable, "shape": [4], "dtype": "float64", "count": 3, "missing": 1,
           "min": 1.0, "max": 4.0, "mean": 7.0 / 3.0, "std": STATS["std"], "sum": 7.0}
    row.update(changes)
    return row


def _run(rc, out="", err="", command="stats"):
    return judge.Run(["chunkarr", command, "f.h5"], rc, out, err, 0.1)


def _ok_stats(*rows):
    return _run(0, json.dumps(list(rows)))


def _ok_info(*paths):
    return _run(0, json.dumps([{"path": p, "shape": [4]} for p in paths]), command="info")


def _kinds(fails):
    return sorted({f["kind"] for f in fails})


def test_agreement_passes():
    ref = _ref()
    assert judge.judge(ref, ref, _ok_stats(_row("/a"), _row("/b")), _ok_info("/a", "/b"), {}) == []


def test_a_clear_error_is_always_acceptable():
    ref = _ref()
    error = _run(1, err="chunkarr: error: f.h5:/a: deflate: damaged compressed data\n")
    assert judge.judge(ref, ref, error, _run(1, err=error.err, command="info"), {}) == []


def test_crashes_hangs_and_unclear_errors_fail():
    ref = _ref()
    info = _ok_info("/a", "/b")
    assert _kinds(judge.judge(ref, ref, _run(-11), info, {})) == ["crash"]
    assert _kinds(judge.judge(ref, ref, _run(134, err="terminate called after throwing"), info, {})) == ["crash"]
    assert _kinds(judge.judge(ref, ref, _run(None), info, {})) == ["hang"]
    assert _kinds(judge.judge(ref, ref, _run(1, err="HDF5-DIAG: Error detected\n"), info, {})) == ["unclear-error"]
    noisy = _run(1, err="chunkarr: error: bad\nHDF5-DIAG: Error detected\n")
    assert _kinds(judge.judge(ref, ref, noisy, info, {})) == ["unclear-error"]
    assert _kinds(judge.judge(ref, ref, _run(2, err="chunkarr: error: bad\n"), info, {})) == ["bad-exit"]


def test_silent_omission_fails():
    ref = _ref()
    assert _kinds(judge.judge(ref, ref, _ok_stats(_row("/a")), _ok_info("/a", "/b"), {})) == ["omission"]
    assert _kinds(judge.judge(ref, ref, _ok_stats(_row("/a"), _row("/b")), _ok_info("/a"), {})) == ["omission"]
    # An object the reference cannot open must be named, or the command must fail.
    broken = _ref(broken=["/g"])
    assert _kinds(judge.judge(broken, ref, _ok_stats(_row("/a"), _row("/b")), _ok_info("/a", "/b"), {})) == \
        ["omission"]
    # No reference can open the file: exit 0 with nothing is an omission of the original's data.
    unopenable = _ref(error="OSError: bad superblock")
    assert _kinds(judge.judge(unopenable, ref, _ok_stats(), _ok_info(), {})) == ["omission"]


def test_wrong_numbers_fail_and_rounding_passes():
    ref = _ref()
    info = _ok_info("/a", "/b")
    assert _kinds(judge.judge(ref, ref, _ok_stats(_row("/a"), _row("/b", sum=7.5)), info, {})) == ["wrong-number"]
    assert _kinds(judge.judge(ref, ref, _ok_stats(_row("/a"), _row("/b", count=4, missing=0)), info, {})) == \
        ["wrong-number"]
    close = _row("/b", sum=7.0 * (1 + 1e-15), mean=7.0 / 3.0 * (1 - 1e-15))
    assert judge.judge(ref, ref, _ok_stats(_row("/a"), close), info, {}) == []
    # Numbers beside an error are judged too.
    partial = _run(1, json.dumps([_row("/a", max=5.0)]), "chunkarr: error: f.h5:/b: damaged\n")
    assert _kinds(judge.judge(ref, ref, partial, info, {})) == ["wrong-number"]


def test_a_row_that_names_an_unreadable_dataset_has_no_numbers_to_judge():
    ref = _ref()
    nulls = {key: None for key in ("shape", "dtype", "count", "missing", "min", "max", "mean", "std", "sum")}
    error_row = _row("/b", **nulls, error="f.h5:/b: cannot open the object (damaged object header?)")
    stats = _run(1, json.dumps([_row("/a"), error_row]), "chunkarr: error: f.h5:/b: cannot open the object\n")
    assert judge.judge(ref, ref, stats, _ok_info("/a", "/b"), {}) == []
    # Without the error it is a row of numbers, and these are wrong.
    del error_row["error"]
    stats = _run(0, json.dumps([_row("/a"), error_row]))
    assert _kinds(judge.judge(ref, ref, stats, _ok_info("/a", "/b"), {})) == ["wrong-number"]


def test_untrusted_reference_leaves_the_original_or_an_error():
    original = _ref()
    damaged = _ref(entry_error="chunk index: keys of the B-tree node at 1400 out of order")
    info = _ok_info("/a", "/b")
    # What HDF5 read from the broken index is no candidate: only the original's numbers are.
    wrong = _ok_stats(_row("/a", sum=9.0, mean=3.0), _row("/b", sum=9.0, mean=3.0))
    assert _kinds(judge.judge(damaged, original, wrong, info, {})) == ["wrong-number"]
    assert judge.judge(damaged, original, _ok_stats(_row("/a"), _row("/b")), info, {}) == []
    # A dataset no reference could read, not in the original: numbers for it are unverified,
    # unless they are the original's numbers of a dataset of that shape (a damaged name).
    lost = _ref(paths=("/c",), entry_error="OSError: can't read data")
    assert _kinds(judge.judge(lost, original, _ok_stats(_row("/c", sum=99.0, mean=33.0)), _ok_info("/c"), {})) == \
        ["unverified-numbers"]
    assert judge.judge(lost, original, _ok_stats(_row("/c")), _ok_info("/c"), {}) == []


def test_classic_reader_finds_data_past_the_end(tmp_path):
    path = tmp_path / "c.nc"
    corpus.write_nc3(str(path), "NETCDF3_CLASSIC")
    data = path.read_bytes()
    header = corpus.parse_classic(data)
    assert header["numrecs"] == 4 and header["header_end"] <= min(v["begin"] for v in header["variables"])
    path.write_bytes(data[:-40])
    ref = reference.reference(str(path), "nc3")
    assert "past the end of the file" in ref["strict"]["paths"]["/rec_f4"]["error"]
    assert ref["netCDF4"]["paths"]["/rec_f4"]["stats"] is None  # libnetcdf's zeros are not data


def test_damage_is_reproducible():
    original = bytes(range(256)) * 4
    regions = [(100, 300)]
    for kind in ("flip-data", "flip-meta", "zero-data", "zero-meta", "truncate", "append"):
        first = corpus.damage(original, regions, kind, 12345)
        assert first == corpus.damage(original, regions, kind, 12345)
        assert first[0] != original
    flipped, _ = corpus.damage(original, regions, "flip-data", 7)
    assert all(100 <= i < 300 for i in range(len(original)) if flipped[i] != original[i])
