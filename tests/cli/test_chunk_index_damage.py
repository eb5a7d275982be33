"""A damaged chunk index (issue 12, point 3) is one `chunkarr: error:` line naming the file, the
dataset and the chunk, exit 1: never numbers read from the wrong bytes, never a quiet fallback."""
from pathlib import Path

import h5py
import numpy as np
import pytest

from test_bad_input import assert_error

REGRESSIONS = Path(__file__).resolve().parents[1] / "data" / "regressions"


@pytest.mark.parametrize("args", [[], [":/raw", "--format", "json"], ["", "--threads", "1"]],
                         ids=["wholefile", "path", "one-thread"])
def test_btree_key_regression(run_cli, args):
    """regressions/btree-key.h5: /raw, float64 (16, 16) in (8, 8) chunks, written as
    1000..1255 (sum 288640), indexed by a v1 B-tree of one leaf. Two bytes of entry 1 (the chunk at
    (0, 8)) are damaged: its key ends in 0x88000000000000 instead of 0 (the offset into the
    datatype, always 0), and its address is 4272 instead of 4528, half-way into the chunk at (0, 0).

    What the others make of it (HDF5 1.10.8):
    - h5py reads the chunk at (0, 8) as the fill value: `f["raw"][...]` has zeros in
      [0:8, 8:16], sum 220320. H5Dread finds chunks by a search on the keys, and the damaged key
      hides that chunk. Yet `get_chunk_info_by_coord((0, 8))`, which walks every entry, lists it
      at 4272 with 512 bytes: HDF5 contradicts itself, silently.
    - h5dump prints the same zeros, exit 0.
    - chunkarr before this check read 512 bytes at 4272 (the second half of the chunk at (0, 0),
      then the first half of the real one): sum 288384, exit 0.
    Now the walk of the index refuses the key (the overlap of the two chunks would be next).
    """
    spec = f"{REGRESSIONS / 'btree-key.h5'}{args[0] if args else ''}"
    line = assert_error(run_cli("stats", spec, *args[1:]), 1, "btree-key.h5:/raw", "damaged chunk index",
                        "the chunk at (0, 8)")
    assert "its key ends in 38280596832649216, not 0" in line


def _leaf_entry(path, entry):
    """File positions of entry `entry` of the only chunk B-tree leaf of a 2-d dataset (8-byte
    addresses): (key, child address)."""
    data = path.read_bytes()
    at = data.rfind(b"TREE\x01")  # the dataset's tree is written after the root group's
    assert at > 0 and data[at + 5] == 0, "expected one leaf"
    key = at + 24 + entry * (32 + 8)
    return key, key + 32


def test_overlapping_chunk(tmp_path, run_cli, stats_json):
    """A chunk address moved into its neighbour's bytes, and nothing else: the key is intact, so
    HDF5 itself (and h5py) reads the wrong bytes without a word."""
    p = tmp_path / "overlap.h5"
    with h5py.File(p, "w", libver="earliest") as f:
        f.create_dataset("v", data=np.arange(256.0).reshape(16, 16), chunks=(8, 8))
    assert stats_json(p)[0]["sum"] == float(np.arange(256.0).sum())
    _, child = _leaf_entry(p, 1)
    data = bytearray(p.read_bytes())
    first = int.from_bytes(data[child - 40:child - 32], "little")  # entry 0's address
    data[child:child + 8] = (first + 256).to_bytes(8, "little")
    p.write_bytes(bytes(data))
    line = assert_error(run_cli("stats", p), 1, "overlap.h5:/v", "damaged chunk index")
    assert "the chunk at (0, 8)" in line and "overlaps the chunk at (0, 0)" in line


def test_chunk_past_end_of_file(tmp_path, run_cli):
    p = tmp_path / "past.h5"
    with h5py.File(p, "w", libver="earliest") as f:
        f.create_dataset("v", data=np.arange(256.0).reshape(16, 16), chunks=(8, 8), compression="gzip")
    _, child = _leaf_entry(p, 3)
    data = bytearray(p.read_bytes())
    data[child:child + 8] = (len(data) - 4).to_bytes(8, "little")
    p.write_bytes(bytes(data))
    line = assert_error(run_cli("stats", f"{p}:/v"), 1, "past.h5:/v", "the chunk at (8, 8)")
    assert "past the end of the file" in line
