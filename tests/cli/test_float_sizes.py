"""Floats of other sizes than 4 and 8 bytes (issue 12: nothing left out silently).

h5py reads half precision as float16; chunkarr reads the same values widened (exactly) to
float32, by HDF5 while it reads, and computes with them. Floats no DType holds (long double,
float128 in h5py) are a row that names them, exit 1 — not left out of `stats FILE`.
"""
import json
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_stats_vs_numpy import check_record  # noqa: E402


@pytest.fixture(params=["direct", "h5dread"])
def read_path(request, monkeypatch):
    if request.param == "h5dread":
        monkeypatch.setenv("CHUNKARR_HDF5_DIRECT", "0")
    return request.param


@pytest.mark.parametrize("order", ["<", ">"])
@pytest.mark.parametrize("storage", [{}, {"chunks": (4, 3), "compression": "gzip"}, {"chunks": (5, 7),
                                                                                       "fillvalue": 2.5}])
def test_float16_like_h5py(tmp_path, stats_json, run_cli, read_path, order, storage):
    p = tmp_path / "half.h5"
    rng = np.random.default_rng(16)
    values = (rng.standard_normal((9, 7)) * 300).astype(order + "f2")
    values[2, 3] = np.nan
    values[4, 0] = np.float16(65504)  # the largest half
    values[5, 5] = np.float16(6e-8)   # a subnormal
    with h5py.File(p, "w") as f:
        ds = f.create_dataset("h", shape=values.shape, dtype=values.dtype, **storage)
        if "fillvalue" in storage:
            ds[:6] = values[:6]  # the other chunks stay unwritten: the fill value
        else:
            ds[...] = values
    with h5py.File(p, "r") as f:
        expected = f["h"][()]
    assert expected.dtype.newbyteorder("=") == np.float16
    [rec] = stats_json(str(p))
    check_record(rec, expected.astype(np.float32), variable="/h", file=p, dtype="float32")
    rc, out, err = run_cli("info", p, "--format", "json")
    assert rc == 0, err
    [ds] = json.loads(out)
    assert ds["dtype"] == "float16" and ds["byte_order"] == order, ds


def test_long_double_is_named_not_left_out(tmp_path, run_cli):
    p = tmp_path / "long.h5"
    with h5py.File(p, "w") as f:
        f["a"] = np.arange(4.0)
        f["q"] = np.arange(3, dtype=np.longdouble)
        f["text"] = "not numbers"
    rc, out, err = run_cli("stats", p, "--format", "json")
    assert rc == 1
    rows = {r["variable"]: r for r in json.loads(out)}
    assert sorted(rows) == ["/a", "/q"]  # the string is not numbers: not a row, as before
    assert rows["/a"]["sum"] == 6.0
    assert rows["/q"]["count"] is None and "float128 numbers" in rows["/q"]["error"]
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("chunkarr: error: ") and "/q" in lines[0], err
    rc, out, err = run_cli("stats", f"{p}:q")
    assert rc == 1 and out == "" and "holds float128 numbers" in err and err.count("\n") == 1, err
