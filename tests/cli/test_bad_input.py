"""Bad input: every error is exit 1 (runtime) or 2 (usage), exactly one stderr line starting
with `chunkarr: error: ` that names the offending thing, nothing on stdout, no traceback, no
HDF5 error stack, no crash, no hang, and nothing half-written left behind
(pins /work/notes/cli_contract.md)."""
import shutil

import h5py
import numpy as np
import pytest

PREFIX = "chunkarr: error: "


def assert_error(result, code, *names, any_of=()):
    """`names`: all must appear in the error line; `any_of`: at least one must appear."""
    rc, out, err = result
    assert rc > 0, f"exit status {rc} (negative = killed by a signal, 0 = no error); stderr {err!r}"
    assert rc == code, f"exit status {rc}, expected {code}; stderr {err!r}"
    assert out == "", f"nothing may go to stdout on error, got {out!r}"
    for bad in ("Traceback", "HDF5-DIAG", "#000:", "terminate called", "Segmentation",
                "Aborted", "core dumped", "what():"):
        assert bad not in err, f"{bad!r} in stderr: {err!r}"
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, f"expected exactly one stderr line, got {len(lines)}: {err!r}"
    line = lines[0]
    assert line.startswith(PREFIX), f"stderr line must start with {PREFIX!r}: {line!r}"
    assert len(line) > len(PREFIX) + 3, f"empty error message: {line!r}"
    for n in names:
        assert str(n) in line, f"error line should name {n!r}: {line!r}"
    if any_of:
        assert any(str(n) in line for n in any_of), f"error line should name one of {any_of}: {line!r}"
    return line


@pytest.fixture
def good(tmp_path):
    """A valid file: /x float64 (37, 53) chunked+gzip, /grp/y int32, strings, compound, a group."""
    p = tmp_path / "good.h5"
    with h5py.File(p, "w") as f:
        f.create_dataset("x", data=np.arange(37 * 53, dtype="f8").reshape(37, 53), chunks=(8, 10),
                         compression="gzip")
        f.create_dataset("grp/y", data=np.arange(10, dtype="i4"))
        f.create_dataset("names", data=np.array(["a", "bb"], dtype=object), dtype=h5py.string_dtype())
        f.create_dataset("fixed", data=np.array([b"ab"], dtype="S2"))
        f.create_dataset("cmpd", data=np.zeros(3, dtype=[("a", "i4"), ("b", "f8")]))
        f.create_group("emptygroup")
    return p


def _payload_file(path, **filters):
    """Random-ish int data in a chunked dataset /grp/payload (compressed chunks are large)."""
    rng = np.random.default_rng(1)
    data = rng.integers(0, 2**20, size=(64, 256)).astype("i4")
    with h5py.File(path, "w") as f:
        f.create_dataset("grp/payload", data=data, chunks=(16, 256), **filters)
        f.create_dataset("ok", data=np.arange(5.0))
    return data


CORRUPTIONS = {
    "gzip": dict(compression="gzip"),
    "shuffle+gzip+fletcher32": dict(compression="gzip", shuffle=True, fletcher32=True),
    "fletcher32": dict(fletcher32=True),
}


def _corrupt(path, filters):
    """Overwrite bytes in the middle of a middle chunk; check h5py cannot read it either."""
    _payload_file(path, **filters)
    with h5py.File(path, "r") as f:
        ds = f["grp/payload"]
        info = ds.id.get_chunk_info(ds.id.get_num_chunks() // 2)
    start = info.byte_offset + info.size // 2 - 32
    garbage = np.random.default_rng(7).integers(0, 256, 64, dtype=np.uint8).tobytes()
    with open(path, "r+b") as fh:
        fh.seek(start)
        fh.write(garbage)
    with h5py.File(path, "r") as f:
        with pytest.raises(Exception):
            f["grp/payload"][()]                     # sanity: the corruption is detectable


# --------------------------------------------------------------------------- files

@pytest.mark.parametrize("cmd", ["info", "stats"])
def test_missing_file(tmp_path, run_cli, cmd):
    p = tmp_path / "does_not_exist.h5"
    assert_error(run_cli(cmd, p), 1, "does_not_exist.h5")


@pytest.mark.parametrize("cmd", ["info", "stats"])
def test_text_file(tmp_path, run_cli, cmd):
    p = tmp_path / "notes.txt"
    p.write_text("this is not an HDF5 file\n" * 100)
    assert_error(run_cli(cmd, p), 1, "notes.txt")


@pytest.mark.parametrize("cmd", ["info", "stats"])
def test_empty_file(tmp_path, run_cli, cmd):
    p = tmp_path / "zero.h5"
    p.write_bytes(b"")
    assert_error(run_cli(cmd, p), 1, "zero.h5")


@pytest.mark.parametrize("cmd", ["info", "stats"])
def test_directory_as_file(tmp_path, run_cli, cmd):
    d = tmp_path / "adir.h5"
    d.mkdir()
    assert_error(run_cli(cmd, d), 1, "adir.h5")


@pytest.mark.parametrize("cmd,spec", [("info", ""), ("stats", ""), ("stats", ":/grp/payload")])
def test_truncated_file(tmp_path, run_cli, cmd, spec):
    src = tmp_path / "full.h5"
    _payload_file(src)
    p = tmp_path / "truncated.h5"
    data = src.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    assert_error(run_cli(cmd, f"{p}{spec}"), 1, "truncated.h5")


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
@pytest.mark.parametrize("spec", [":/grp/payload", ""], ids=["path", "wholefile"])
def test_corrupted_chunk(tmp_path, run_cli, kind, spec):
    p = tmp_path / "corrupt.h5"
    _corrupt(p, CORRUPTIONS[kind])
    assert_error(run_cli("stats", f"{p}{spec}", "--format", "json"), 1, "corrupt.h5", "payload")


@pytest.mark.parametrize("threads", ["1", "2"])
def test_corrupted_chunk_any_thread_count(tmp_path, run_cli, threads):
    p = tmp_path / "corrupt.h5"
    _corrupt(p, CORRUPTIONS["gzip"])
    assert_error(run_cli("stats", f"{p}:/grp/payload", "--threads", threads), 1,
                 "corrupt.h5", "payload")


def test_lzf_filter_unavailable(tmp_path, run_cli):
    p = tmp_path / "lzf.h5"
    with h5py.File(p, "w") as f:
        f.create_dataset("lzfdata", data=np.arange(1000.0), chunks=(100,), compression="lzf")
    line = assert_error(run_cli("stats", f"{p}:/lzfdata"), 1,
                        any_of=("lzfdata", "lzf", "LZF", "32000"))
    assert "lzfdata" in line or "32000" in line or "lzf" in line.lower()


# --------------------------------------------------------------------------- paths

def test_path_is_group(good, run_cli):
    assert_error(run_cli("stats", f"{good}:/grp"), 1, "/grp")


def test_path_is_empty_group(good, run_cli):
    assert_error(run_cli("stats", f"{good}:/emptygroup"), 1, "emptygroup")


def test_path_does_not_exist(good, run_cli):
    assert_error(run_cli("stats", f"{good}:/nope/deeper"), 1, "nope")


def test_path_does_not_exist_no_slash(good, run_cli):
    assert_error(run_cli("stats", f"{good}:missing_var"), 1, "missing_var")


@pytest.mark.parametrize("var", ["/names", "/fixed"])
def test_string_dataset(good, run_cli, var):
    assert_error(run_cli("stats", f"{good}:{var}"), 1, var)


def test_compound_dataset(good, run_cli):
    assert_error(run_cli("stats", f"{good}:/cmpd"), 1, "/cmpd")


# --------------------------------------------------------------------------- usage errors

@pytest.mark.parametrize("value", ["-1", "0", "abc", "1.5", ""])
def test_bad_threads(good, run_cli, value):
    assert_error(run_cli("stats", f"{good}:/x", "--threads", value), 2, "threads")


def test_threads_missing_value(good, run_cli):
    assert_error(run_cli("stats", f"{good}:/x", "--threads"), 2, "threads")


@pytest.mark.parametrize("axis", ["5", "2", "-3", "0,5"])
def test_axis_out_of_range(good, run_cli, tmp_path, axis):
    out = tmp_path / "out.h5"
    line = assert_error(run_cli("stats", f"{good}:/x", "--axis", axis, "-o", out), 2)
    bad = [a for a in axis.split(",") if not -2 <= int(a) < 2][0]
    assert "axis" in line.lower() and bad in line, f"should name axis {bad}: {line!r}"
    assert "2" in line.replace(bad, "", 1) or "rank" in line.lower() or "dim" in line.lower(), \
        f"should name the rank (2): {line!r}"
    assert not out.exists()


@pytest.mark.parametrize("axis", ["abc", "", "1,,0", "0.5"])
def test_axis_not_integers(good, run_cli, tmp_path, axis):
    out = tmp_path / "out.h5"
    assert_error(run_cli("stats", f"{good}:/x", "--axis", axis, "-o", out), 2, "axis")
    assert not out.exists()


def test_axis_without_output(good, run_cli):
    assert_error(run_cli("stats", f"{good}:/x", "--axis", "0"), 2,
                 any_of=("-o", "--output", "output", "--axis"))


@pytest.mark.parametrize("cmd", ["stats", "info"])
def test_bad_format(good, run_cli, cmd):
    assert_error(run_cli(cmd, good, "--format", "xml"), 2, any_of=("format", "xml"))


def test_info_rejects_csv(good, run_cli):
    assert_error(run_cli("info", good, "--format", "csv"), 2, any_of=("format", "csv"))


@pytest.mark.parametrize("value", ["abc", "-5", "", "12XB", "1.5.5GB"])
def test_bad_memory_limit(good, run_cli, value):
    assert_error(run_cli("stats", f"{good}:/x", "--memory-limit", value), 2, "memory-limit")


@pytest.mark.parametrize("value", ["abc", "1.5"])
def test_bad_ddof(good, run_cli, value):
    assert_error(run_cli("stats", f"{good}:/x", "--ddof", value), 2, "ddof")


@pytest.mark.parametrize("cmd", ["stats", "info"])
def test_unknown_option(good, run_cli, cmd):
    assert_error(run_cli(cmd, good, "--frobnicate"), 2, "--frobnicate")


@pytest.mark.parametrize("cmd", ["stats", "info"])
def test_missing_file_argument(run_cli, cmd):
    assert_error(run_cli(cmd), 2)


def test_unknown_subcommand(good, run_cli):
    assert_error(run_cli("frobulate", good), 2, "frobulate")


def test_no_arguments(run_cli):
    rc, out, err = run_cli()
    assert rc == 2, f"exit {rc}, stderr {err!r}"
    assert out == ""
    assert "usage" in err.lower(), f"usage should be printed on stderr: {err!r}"
    assert "Traceback" not in err and "HDF5-DIAG" not in err


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["stats", "--help"], ["info", "-h"]])
def test_help_exits_zero(run_cli, args):
    rc, out, err = run_cli(*args)
    assert rc == 0, err
    assert "usage" in out.lower(), out


# --------------------------------------------------------------------------- output files

def test_output_into_missing_directory(good, run_cli, tmp_path):
    out = tmp_path / "no_such_dir" / "out.h5"
    assert_error(run_cli("stats", f"{good}:/x", "--axis", "0", "-o", out), 1,
                 any_of=("no_such_dir", "out.h5"))
    assert not out.exists() and not out.parent.exists()


def test_axis_error_leaves_no_output(tmp_path, run_cli):
    p = tmp_path / "corrupt.h5"
    _corrupt(p, CORRUPTIONS["gzip"])
    out = tmp_path / "out.h5"
    before = sorted(x.name for x in tmp_path.iterdir())
    assert_error(run_cli("stats", f"{p}:/grp/payload", "--axis", "0", "-o", out), 1,
                 "corrupt.h5", "payload")
    assert not out.exists(), "OUT.h5 must not be left behind after an error"
    assert sorted(x.name for x in tmp_path.iterdir()) == before, "temp files left behind"


def test_axis_error_leaves_existing_output_untouched(tmp_path, run_cli, good):
    # a valid OUT.h5 from an earlier successful run ...
    out = tmp_path / "out.h5"
    rc, so, se = run_cli("stats", f"{good}:/x", "--axis", "0", "-o", out)
    assert rc == 0, se
    old = out.read_bytes()
    # ... survives a failing run byte for byte
    p = tmp_path / "corrupt.h5"
    _corrupt(p, CORRUPTIONS["gzip"])
    before = sorted(x.name for x in tmp_path.iterdir())
    assert_error(run_cli("stats", f"{p}", "--axis", "0", "-o", out), 1, "corrupt.h5", "payload")
    assert out.read_bytes() == old
    assert sorted(x.name for x in tmp_path.iterdir()) == before, "temp files left behind"


def test_axis_usage_error_leaves_existing_output_untouched(tmp_path, run_cli, good):
    out = tmp_path / "out.h5"
    out.write_bytes(b"precious")
    assert_error(run_cli("stats", f"{good}:/x", "--axis", "7", "-o", out), 2, "7")
    assert out.read_bytes() == b"precious"
