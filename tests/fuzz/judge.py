"""Whether what chunkarr did on a (damaged) file is acceptable, given what the reference tools
made of it (reference.py) and what they made of the undamaged original.

The rules (also in test_fuzz.py's docstring, which is the place to read them):

1. Never a crash: a signal, an exit status other than 0 or 1, or "Segmentation", "terminate
   called", "Traceback", "AddressSanitizer", "runtime error:", "core dumped", "what():" in
   stderr. Never a hang: each run has TIMEOUT_S.
2. An error is always acceptable when it is clear: exit 1, a `chunkarr: error: ...` line on
   stderr, and nothing else there but `chunkarr: ...` lines (no HDF5 error stack). On success
   stderr is empty (no library diagnostics).
3. No silent omission: when chunkarr exits 0, some reference tool that opened the file has all
   of its datasets (numeric ones for stats, every one for info) in chunkarr's output, and every
   object that tool could not open or list (a damaged object header, group or heap) is named in
   chunkarr's output (a path at or under it). When no tool can open the file, exit 0 must list
   exactly what the undamaged original holds.
4. No wrong number: every statistics row chunkarr prints (exit 0, or partial output with exit 1)
   matches a candidate: a reference tool's result for that dataset on data it read without
   error and trusts, or the undamaged original's (damage that chunkarr sees through is fine).
   Trusted: h5py only where HDF5's own chunk index is consistent (origins on the chunk grid, none
   twice, every chunk inside the file, no two overlapping); netCDF4-python on classic files only
   where the strict reader finds the header well formed and the variable's bytes inside the file
   (libnetcdf reads zeros past the end of a truncated file: not data). A row whose dataset no
   tool could read and whose numbers are not the original's is a failure. Data larger than
   reference.MAX_BYTES is not read by the references and not judged.
5. The shapes info prints match a reference tool's or the original's.
"""
import json
import math
import re

TIMEOUT_S = 30
CRASH_MARKERS = ("Segmentation", "terminate called", "Traceback", "AddressSanitizer", "runtime error:",
                 "core dumped", "what():", "Aborted", "LeakSanitizer")
ERROR_PREFIX = "chunkarr: error: "
EPS = 2.0 ** -52


class Run:
    """One chunkarr invocation: argv, exit status (None: killed after TIMEOUT_S), stdout, stderr."""

    def __init__(self, argv, rc, out, err, seconds):
        self.argv, self.rc, self.out, self.err, self.seconds = argv, rc, out, err, seconds

    def label(self):
        return " ".join(self.argv[1:3])


def failure(kind, area, detail):
    return {"kind": kind, "area": area, "detail": detail}


# ----------------------------------------------------------------------------- run hygiene

def check_run(run, fmt):
    """Crash, hang, exit status and stderr. Returns (failures, parsed stdout or None)."""
    what = run.label()
    if run.rc is None:
        return [failure("hang", "?", f"{what}: no answer within {TIMEOUT_S} s")], None
    fails = []
    markers = [m for m in CRASH_MARKERS if m in run.err]
    if run.rc < 0 or run.rc >= 128 or markers:
        sig = f"signal {-run.rc}" if run.rc < 0 else f"exit {run.rc}"
        return [failure("crash", "?", f"{what}: {sig}; stderr {run.err[-400:]!r}")], None
    lines = [l for l in run.err.splitlines() if l.strip()]
    if run.rc == 1:
        if not any(l.startswith(ERROR_PREFIX) and len(l) > len(ERROR_PREFIX) + 3 for l in lines):
            fails.append(failure("unclear-error", "?", f"{what}: exit 1 without a '{ERROR_PREFIX}...' line: "
                                 f"{run.err[-400:]!r}"))
        elif any(not l.startswith("chunkarr: ") for l in lines):
            fails.append(failure("unclear-error", "?", f"{what}: exit 1, stderr has more than chunkarr's "
                                 f"error: {run.err[-400:]!r}"))
    elif run.rc == 0:
        if lines:
            fails.append(failure("noise", "?", f"{what}: exit 0 but stderr {run.err[-400:]!r}"))
    else:
        fails.append(failure("bad-exit", "?", f"{what}: exit {run.rc}; stderr {run.err[-400:]!r}"))
    parsed = None
    if run.out.strip():
        try:
            parsed = json.loads(run.out)
        except ValueError as e:
            if run.rc == 0:
                fails.append(failure("bad-output", "?", f"{what}: exit 0, output is not JSON ({e}): "
                                     f"{run.out[:300]!r}"))
    elif run.rc == 0:
        fails.append(failure("bad-output", "?", f"{what}: exit 0 and no output"))
    return fails, parsed


# ----------------------------------------------------------------------------- numbers

def _num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _same_float(a, b, tol):
    if not (_num(a) and _num(b)):
        return False
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= tol


def numbers_match(row, ref):
    """None when the JSON stats row agrees with the reference stats `ref` to rounding, else why."""
    if row.get("count") != ref["count"] or row.get("missing") != ref["missing"]:
        return f"count/missing {row.get('count')}/{row.get('missing')} vs {ref['count']}/{ref['missing']}"
    if ref["count"] == 0:
        bad = [k for k in ("min", "max", "mean", "std", "sum") if row.get(k) is not None]
        return f"{bad} should be null (nothing valid)" if bad else None
    n, abssum, absmax = ref["count"], ref["abssum"], ref["absmax"]
    rounding = 4.0 * n * EPS * abssum
    for key in ("min", "max"):
        got, exp = row.get(key), ref[key]
        if ref["exact_int"] and isinstance(got, int) and not isinstance(got, bool):
            if got != exp:
                return f"{key} {got} vs {exp}"
        elif not _same_float(got, float(exp), 1e-12 * abs(float(exp))):
            return f"{key} {got!r} vs {exp!r}"
    got, exp = row.get("sum"), ref["sum"]
    if ref["exact_int"] and isinstance(got, int) and not isinstance(got, bool):
        wrapped = {exp, exp % (1 << 64), ((exp + (1 << 63)) % (1 << 64)) - (1 << 63)}
        if got not in wrapped:
            return f"sum {got} vs {exp}"
    elif math.isfinite(abssum) and not _same_float(got, float(exp), rounding + 1e-15 * abs(float(exp))):
        return f"sum {got!r} vs {exp!r} (tolerance {rounding:.3g})"
    got, exp = row.get("mean"), ref["mean"]
    if math.isfinite(abssum) and not _same_float(got, exp, rounding / n + 1e-14 * abs(exp)):
        return f"mean {got!r} vs {exp!r}"
    got, exp = row.get("std"), ref["std"]
    if _num(exp) and math.isfinite(exp) and absmax < 1e150 and not _same_float(got, exp, 1e-6 * absmax + 1e-300):
        return f"std {got!r} vs {exp!r}"
    return None


def candidates(path, ref, original):
    """[(source, stats, shape)] the numbers for `path` may match."""
    out = []
    for tool, view in ref.items():
        entry = view.get("paths", {}).get(path) if view.get("error") is None else None
        if entry and entry["stats"] is not None:
            out.append((tool, entry["stats"], entry["shape"]))
    for tool, view in original.items():
        entry = view.get("paths", {}).get(path)
        if entry and entry["stats"] is not None:
            out.append((f"original ({tool})", entry["stats"], entry["shape"]))
            break
    return out


# Reference failures that say nothing about the data: it was too large for them to read.
UNJUDGED = ("too large to verify", "memory allocation failed", "MemoryError")


def renamed_original(row, original):
    """Whether `row` gives the undamaged original's numbers of some dataset of its shape."""
    for view in original.values():
        for entry in view.get("paths", {}).values():
            if entry["stats"] is not None and entry["shape"] == row.get("shape") and \
                    numbers_match(row, entry["stats"]) is None:
                return True
    return False


def reference_errors(path, ref):
    errs = []
    for tool, view in ref.items():
        if view.get("error"):
            errs.append(f"{tool}: {view['error']}")
        else:
            entry = view.get("paths", {}).get(path)
            errs.append(f"{tool}: {entry['error'] if entry else 'not listed'}")
    return errs


def check_rows(rows, ref, original, what):
    fails = []
    if not isinstance(rows, list):
        return [failure("bad-output", "?", f"{what}: expected a JSON list, got {type(rows).__name__}")]
    for row in rows:
        if not isinstance(row, dict) or "variable" not in row:
            fails.append(failure("bad-output", "?", f"{what}: row {row!r}"))
            continue
        if row.get("error") is not None:  # a row that reports a dataset it could not read: no numbers
            continue
        path = row["variable"]
        cands = candidates(path, ref, original)
        errs = reference_errors(path, ref)
        if all(c[0].startswith("original") for c in cands) and any(
                marker in e for e in errs for marker in UNJUDGED):
            continue  # the references could not read that much (a flipped dimension): not judged
        if not cands and renamed_original(row, original):
            continue  # a damaged name (which h5py cannot open), the data intact
        if not cands:
            fails.append(failure("unverified-numbers", "?",
                                 f"{what}: {path}: count {row.get('count')}, sum {row.get('sum')} for data no "
                                 f"reference could read ({'; '.join(errs)})"))
            continue
        whys = []
        for source, stats, shape in cands:
            why = numbers_match(row, stats) if row.get("shape") == shape else \
                f"shape {row.get('shape')} vs {shape}"
            if why is None:
                break
            whys.append(f"{source}: {why}")
        else:
            unused = [e for e in reference_errors(path, ref) if not e.endswith(": None")]
            note = f" (not candidates: {'; '.join(unused)})" if unused else ""
            fails.append(failure("wrong-number", "?",
                                 f"{what}: {path} ({row.get('dtype')}): " + "; ".join(whys) + note))
    return fails


# ----------------------------------------------------------------------------- listings

def _mentioned(broken, paths):
    return broken == "/" and bool(paths) or any(p == broken or p.startswith(broken.rstrip("/") + "/")
                                                for p in paths)


def check_listing(printed, ref, original, *, numeric_only, what):
    """Omission: `printed` paths against some tool's listing (see rule 3)."""
    opened = {tool: view for tool, view in ref.items() if view.get("error") is None}
    if not opened:
        want = set()
        for view in original.values():
            want |= {p for p, e in view["paths"].items() if not e["dim_only"] and (e["numeric"] or not numeric_only)}
            break
        missing = sorted(want - set(printed))
        if missing:
            errors = "; ".join(f"{tool}: {view['error']}" for tool, view in ref.items())
            return [failure("omission", "listing",
                            f"{what}: exit 0 on a file no reference can open, without {missing} ({errors})")]
        return []
    whys = []
    for tool, view in opened.items():
        want = {p for p, e in view["paths"].items() if not e["dim_only"] and (e["numeric"] or not numeric_only)}
        missing = sorted(want - set(printed))
        unnamed = [b for b in view["broken"] if not _mentioned(b, printed)]
        if not missing and not unnamed:
            return []
        whys.append(f"{tool} lists {missing + [b + ' (cannot open)' for b in unnamed]}")
    return [failure("omission", "listing", f"{what}: exit 0 without " + "; ".join(whys))]


def info_paths(parsed):
    """(paths, {path: shape}) from `info --format json` (HDF5: a list; NetCDF: an object)."""
    if isinstance(parsed, dict):
        items = parsed.get("variables", [])
    elif isinstance(parsed, list):
        items = parsed
    else:
        return None
    paths, shapes = [], {}
    for item in items:
        if isinstance(item, dict) and "path" in item:
            paths.append(item["path"])
            shapes[item["path"]] = item.get("shape")
    return paths, shapes


def check_info_shapes(shapes, ref, original, what):
    fails = []
    for path, shape in shapes.items():
        if shape is None:  # an entry that reports an object it could not open
            continue
        known = [e["shape"] for v in ref.values() if v.get("error") is None
                 for p, e in v["paths"].items() if p == path]
        known += [e["shape"] for v in original.values() for p, e in v["paths"].items() if p == path]
        if known and shape not in known:
            fails.append(failure("wrong-shape", "?", f"{what}: {path} shape {shape}, references {known}"))
    return fails


# ----------------------------------------------------------------------------- one case

def area(fmt, f):
    """Which part of chunkarr a failure most likely belongs to (a hint for the report)."""
    detail = f["detail"]
    if f["kind"] == "omission":
        if fmt == "nc3":  # what libnetcdf lists of a classic header
            return "classic NetCDF"
        return "conventions (bitfield)" if "'/bits'" in detail and "(cannot open)" not in detail.split("'/bits'")[1][:20] \
            else "listing"
    if fmt == "nc3" and (f["kind"] in ("hang", "unverified-numbers") or "past the end of the file" in detail
                         or "breaks the format" in detail):
        return "classic NetCDF"
    if "chunk index:" in detail:
        return "B-tree"
    # Bytes without _FillValue: chunkarr counts the default fill (-127, 255) as a value.
    if f["kind"] == "wrong-number" and re.search(r"\((u?int8)\): .*count/missing (\d+)/0 vs \d+/[1-9]", detail):
        return "conventions (byte default fill)"
    return "other"


def judge(ref, original, stats_run, info_run, var_runs, fmt="h5"):
    """Every failure of one case (empty: acceptable)."""
    fails = _judge(ref, original, stats_run, info_run, var_runs)
    for f in fails:
        f["area"] = area(fmt, f)
    return fails


def _judge(ref, original, stats_run, info_run, var_runs):
    fails = []
    if "crash" in ref:  # the reference tools crashed or hung: none of them opened the file
        ref = {"reference tools": {"error": ref["crash"], "paths": {}, "broken": []}}
    # stats on the whole file
    f, parsed = check_run(stats_run, "json")
    fails += f
    if parsed is not None:
        fails += check_rows(parsed, ref, original, "stats")
        if stats_run.rc == 0 and isinstance(parsed, list):
            printed = [r.get("variable") for r in parsed if isinstance(r, dict)]
            fails += check_listing(printed, ref, original, numeric_only=True, what="stats")
    # info
    f, parsed = check_run(info_run, "json")
    fails += f
    if parsed is not None:
        got = info_paths(parsed)
        if got is None:
            if info_run.rc == 0:
                fails.append(failure("bad-output", "?", f"info: unexpected JSON {str(parsed)[:200]}"))
        else:
            paths, shapes = got
            fails += check_info_shapes(shapes, ref, original, "info")
            if info_run.rc == 0:
                fails += check_listing(paths, ref, original, numeric_only=False, what="info")
    # one variable at a time (when the whole file gave an error)
    for path, run in var_runs.items():
        f, parsed = check_run(run, "json")
        fails += f
        if parsed is not None:
            fails += check_rows(parsed, ref, original, f"stats :{path}")
    return fails


def safe_variable(path):
    return bool(re.fullmatch(r"/[A-Za-z0-9_./-]+", path)) and ":" not in path
