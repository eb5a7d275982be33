"""How much of NumPy's and Dask's API a chunkarr user has, measured here and written into the
README's table "NumPy / Dask API coverage" (the test fails when the README's table is not what
this run measures; `CHUNKARR_WRITE_COVERAGE=1` rewrites it).

Measured: every NumPy ufunc; every public function of dask.array (Dask from Debian); every
public method and attribute of dask.array.Array. A name counts when chunkarr has it; the functions
that NumPy also has and that take one array are also *called* here, on odd chunkings of int32,
float32 with NaN and empty data, and must equal NumPy's answer (or refuse where NumPy refuses)."""
import os
import re
import warnings
from pathlib import Path

import dask.array as da
import numpy as np
import pytest

from conftest import assert_matches

README = Path(__file__).resolve().parents[2] / "README.md"
BEGIN, END = "<!-- api-coverage: begin -->", "<!-- api-coverage: end -->"

# Dask names that are about Dask itself (its graph, its own formats and storage), not arrays.
DASK_ONLY = {"assert_eq", "optimize", "register_chunk_type", "from_delayed", "from_npy_stack", "to_npy_stack",
             "from_tiledb", "to_tiledb", "unify_chunks", "frompyfunc", "as_gufunc", "atop", "blockwise",
             "apply_gufunc", "reduction", "store"}
DASK_ARRAY_ONLY = {"dask", "name", "npartitions_known", "to_delayed", "persist", "visualize",
                   "to_tiledb", "store", "map_blocks_keys", "__dask_graph__"}
# Called with extra arguments (the array first).
EXTRA_ARGS = {"moment": (2,), "roll": (2,), "tile": (2,), "repeat": (2,),
              "take": None,  # Dask's take defaults to axis=0, NumPy's to the flattened array (test_indexing.py)
              "pad": (1,),
              "isin": ([1, 2],), "digitize": ([0.0, 1.0, 2.0],), "around": (1,), "round": (1,),
              "swapaxes": (0, 1), "moveaxis": (0, 1), "rollaxis": (1,), "expand_dims": (0,), "append": ([[7]],),
              "broadcast_to": ((2, 7, 5),), "reshape": ((-1,),), "clip": (0, 3), "nanpercentile": (30,),
              "nanquantile": (0.3,), "full_like": (4,),
              # NumPy 1.24 gives float32 for a float32 array only when the answer is NaN:
              # test_quantile.py covers these; empty_like's values are undefined.
              "percentile": None, "quantile": None, "empty_like": None,
              "apply_along_axis": None, "histogram": None, "bincount": None, "searchsorted": None,
              "apply_over_axes": None, "piecewise": None, "choose": None, "select": None, "compress": None,
              "extract": None, "insert": None, "delete": None, "where": None, "einsum": None, "fromfunction": None,
              "ravel_multi_index": None, "unravel_index": None, "triu_indices": None, "tril_indices": None,
              "indices": None, "eye": None, "tri": None, "arange": None, "linspace": None, "empty": None,
              "zeros": None, "ones": None, "full": None, "meshgrid": None, "histogram2d": None, "histogramdd": None,
              "coarsen": None, "topk": None, "argtopk": None, "concatenate": None, "stack": None, "block": None,
              "vstack": None, "hstack": None, "dstack": None, "union1d": None, "result_type": None,
              "tensordot": None, "dot": None, "vdot": None, "matmul": None, "outer": None, "cov": None,
              "corrcoef": None, "tril_indices_from": None, "triu_indices_from": None, "diag": None,
              "from_array": None, "map_blocks": None, "map_overlap": None, "rechunk": None, "to_hdf5": None,
              "from_zarr": None, "to_zarr": None, "asarray": None, "asanyarray": None, "array": None,
              "broadcast_arrays": None, "unique": None, "argwhere": None, "nonzero": None, "flatnonzero": None,
              "isnull": None, "notnull": None, "ediff1d": None, "gradient": None, "compute": None,
              "ndim": None, "shape": None, "count_nonzero": None, "nancumsum": None, "nancumprod": None}


def _public_callables(module):
    return sorted(n for n in dir(module) if not n.startswith("_") and callable(getattr(module, n))
                  and not isinstance(getattr(module, n), type))


def numpy_ufuncs():
    return sorted(n for n in dir(np) if isinstance(getattr(np, n), np.ufunc))


def dask_functions():
    return [n for n in _public_callables(da) if n not in DASK_ONLY]


def dask_array_members():
    return sorted(n for n in dir(da.Array) if not n.startswith("_") and n not in DASK_ARRAY_ONLY)


def measure(ca):
    from chunkarr import _ufuncs
    x = ca.zeros((2, 3), chunks=2)
    rows = []
    ufuncs = numpy_ufuncs()
    have = [n for n in ufuncs if getattr(np, n) in set(_ufuncs.UFUNCS)]
    rows.append(("NumPy ufuncs (`np.<ufunc>(x)`, lazy)", have, ufuncs))
    functions = dask_functions()
    rows.append(("`dask.array` functions (`ca.<name>`)", [n for n in functions if hasattr(ca, n)], functions))
    members = dask_array_members()
    rows.append(("`dask.array.Array` methods and attributes", [n for n in members if hasattr(x, n)], members))
    return rows


def table(rows) -> str:
    lines = [BEGIN, "| API | chunkarr has | of | not yet |", "|---|---|---|---|"]
    for what, have, every in rows:
        missing = [n for n in every if n not in set(have)]
        lines.append(f"| {what} | {len(have)} | {len(every)} | {', '.join(f'`{n}`' for n in missing) or '—'} |")
    lines.append(END)
    return "\n".join(lines)


def test_readme_coverage_table_is_what_this_run_measures(ca):
    text = README.read_text()
    assert BEGIN in text and END in text, "README.md lacks the API coverage table's markers"
    current = text[text.index(BEGIN):text.index(END) + len(END)]
    measured = table(measure(ca))
    if os.environ.get("CHUNKARR_WRITE_COVERAGE"):
        README.write_text(text.replace(current, measured))
        current = measured
    assert current == measured, ("README.md's API coverage table is out of date: rerun this test with "
                                 "CHUNKARR_WRITE_COVERAGE=1 to rewrite it")


def test_every_ufunc_but_the_datetime_one(ca):
    ufunc_row = measure(ca)[0]
    assert sorted(set(ufunc_row[2]) - set(ufunc_row[1])) == ["isnat"]


def _datasets():
    rng = np.random.default_rng(3)
    f = rng.uniform(-3, 3, (7, 5)).astype(np.float32)
    f[2, 3] = np.nan
    i = rng.integers(-4, 6, (7, 5)).astype(np.int32)
    return [(f, (3, 2)), (i, (2, 4)), (np.zeros((0, 5)), (2, 2))]


CALLED = [n for n in dask_functions() if EXTRA_ARGS.get(n, ()) is not None and hasattr(np, n)
          and not isinstance(getattr(np, n), np.ufunc)]


@pytest.mark.parametrize("name", CALLED)
def test_dask_function_matches_numpy(ca, name):
    if not hasattr(ca, name):
        pytest.skip(f"chunkarr has no {name} yet (the README table lists it)")
    extra = EXTRA_ARGS.get(name, ())
    for a, chunks in _datasets():
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                expected = getattr(np, name)(a, *extra)
            except (TypeError, ValueError, IndexError):
                with pytest.raises((TypeError, ValueError, IndexError)):
                    getattr(ca, name)(ca.from_array(a, chunks=chunks), *extra).compute()
                continue
            got = getattr(ca, name)(ca.from_array(a, chunks=chunks), *extra)
            outputs = got if isinstance(got, (tuple, list)) else (got,)
            computed = [g.compute() if isinstance(g, ca.Array) else g for g in outputs]
        expected = expected if isinstance(expected, (tuple, list)) else (expected,)
        for g, e in zip(computed, expected):
            try:
                assert_matches(g if isinstance(g, np.ndarray) else np.asarray(g), e, reduction=True,
                               rtol=1e-5 if np.asarray(e).dtype == np.float32 else None)
            except AssertionError as err:
                raise AssertionError(f"ca.{name}{extra} on {a.dtype} {a.shape}: {err}") from None


def test_module_names_do_not_break_the_package(ca):
    # ca.sum, ca.min, ca.round, ... shadow builtins only as attributes of the package, as in Dask.
    x = ca.from_array(np.arange(6.0).reshape(2, 3), chunks=2)
    assert ca.sum(x).compute() == 15.0
    assert re.fullmatch(r"\d+", str(len(ca.__all__)))
