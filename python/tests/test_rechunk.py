"""Array.rechunk: Dask's request forms (ints, tuples, dicts, -1, None, "auto", byte sizes) give
Dask's chunks and NumPy's values; orthogonal rechunks of a compressed HDF5 file run in stages
through temporary files within the memory limit, and leave no file behind."""
import os

import dask.array as da
import h5py
import numpy as np
import pytest

from conftest import assert_matches, sample

# (shape, array chunks, rechunk request)
FORMS = [
    ((17,), 5, 3),
    ((17,), 5, (10, 7)),                      # one axis's explicit chunks, flat
    ((17,), 5, -1),
    ((17,), 5, "auto"),
    ((7, 11), (3, 4), ((2, 5), (6, 5))),
    ((7, 11), (3, 4), (None, 2)),             # None keeps the axis's chunks
    ((7, 11), (3, 4), (-1, 3)),
    ((7, 11), (3, 4), {0: 2}),                # other axes keep theirs
    ((7, 11), (3, 4), {-1: -1, 0: None}),
    ((7, 11), (3, 4), {1: (5, 6)}),
    ((5, 6, 7), (2, 3, 4), {0: 5, 2: 1}),
    ((5, 6, 7), (2, 3, 4), "auto"),
    ((5, 6, 7), (2, 3, 4), (2, "auto", -1)),
    ((60, 50, 40), (6, 5, 4), "8KiB"),        # Dask's auto chunks of about 8 KiB
    ((60, 50, 40), (6, 50, 4), ("auto", 10, "auto")),
    ((0, 5), 2, {1: 1}),
]


@pytest.mark.parametrize("dtype", ["float64", "int16"])
@pytest.mark.parametrize("shape,old,request_", FORMS)
def test_rechunk_forms_match_dask(ca, shape, old, request_, dtype):
    a = sample(shape, dtype, seed=3)
    x = ca.from_array(a, chunks=old)
    expected = da.from_array(a, chunks=old).rechunk(request_).chunks
    z = x.rechunk(request_)
    assert z.chunks == expected
    assert_matches(z.compute(), a)


def test_rechunk_bad_requests(ca):
    x = ca.from_array(np.zeros((7, 11)), chunks=3)
    with pytest.raises(ValueError):
        x.rechunk({2: 3})
    with pytest.raises(ValueError):
        x.rechunk((3, 3, 3))
    with pytest.raises(ValueError):
        x.rechunk(("1KiB", "2KiB"))


@pytest.fixture
def maps_file(tmp_path):
    """(40, 64, 48) float64 maps, stored compressed one map per chunk."""
    a = sample((40, 64, 48), "float64", seed=5)
    path = tmp_path / "maps.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("t2m", data=a, chunks=(1, 64, 48), compression="gzip", shuffle=True)
    return str(path), a


def test_orthogonal_rechunk_runs_in_stages(ca, maps_file, tmp_path, monkeypatch):
    path, a = maps_file
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    x = ca.open(path, "t2m")
    z = x.rechunk((40, 4, 4))                 # time series: each map is read by 192 target chunks
    assert z.chunks == da.from_array(a, chunks=(1, 64, 48)).rechunk((40, 4, 4)).chunks
    text = z.explain()
    assert "rechunk stages" in text and "stage 1: chunks" in text
    small = ca.explain(z, memory_limit="1MiB")
    assert "budget 1048576 bytes" in small and "stage 1: chunks" in small
    assert_matches(z.compute(memory_limit="1MiB", threads=2), a)
    assert_matches((z - z.mean(axis=0)).compute(memory_limit="1MiB"), a - a.mean(axis=0))
    out = tmp_path / "series.h5"
    z.to_hdf5(str(out), "t2m", chunks=(40, 4, 4), memory_limit="1MiB")
    with h5py.File(out, "r") as f:
        np.testing.assert_array_equal(f["t2m"][...], a)
    assert os.listdir(scratch) == []          # the stages' files are gone
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert_matches(ca.compute(z, memory_limit="1MiB", temp_dir=elsewhere)[0], a)
    assert_matches(z.compute(temp_dir=str(elsewhere)), a)
    assert os.listdir(elsewhere) == [] and os.listdir(scratch) == []
    with pytest.raises(OSError):
        z.compute(temp_dir=tmp_path / "missing")   # the stages really go to temp_dir


def test_rechunk_of_memory_arrays_stays_direct(ca):
    a = sample((40, 64), "float32", seed=6)
    z = ca.from_array(a, chunks=(1, 64)).rechunk((40, 1))
    assert "rechunk stages" not in z.explain()
    assert_matches(z.compute(), a)
