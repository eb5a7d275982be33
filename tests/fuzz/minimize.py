"""Shrink a failing fuzz case to a small regression file (a developer's tool, not a test).

  python3 tests/fuzz/minimize.py CASE [--only DATASET,...] [--area AREA] [--out DIR]

CASE is a test id, `<base>/<damage>/<n>` (see test_fuzz.py). The damaged file is rebuilt from its
seed and the failure judged as the test does; then the damage is cut down (delta debugging over
the changed bytes, the shortest appended tail) while a failure of the same area remains, and the
result is written to DIR (default tests/data/regressions) as fuzz-<base>-<damage>-<seed>.<ext>.

--match REGEX keeps only failures whose text matches. With --only, the base file is written with just those datasets (same values, same layout
otherwise) and the cases <base>/<damage>/0, 1, ... of that smaller file are tried until one
fails in AREA (default: the area of CASE's first failure): a smaller file for the same bug. The
seed in the file name is then the seed of that smaller case, named `<base>[<datasets>]/...`.

CHUNKARR_EXE selects the binary (default build/chunkarr).
"""
import argparse
import re
import sys
import tempfile
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402
import harness  # noqa: E402
import judge  # noqa: E402


class Judge:
    def __init__(self, exe, kind, original_bytes, workdir):
        self.exe, self.kind, self.workdir = exe, kind, Path(workdir)
        self.worker = harness.ReferenceWorker()
        base = self.workdir / f"base{corpus.suffix(kind)}"
        base.write_bytes(original_bytes)
        self.original = self.worker.ask(base, kind)
        self.base_fails = self.failures(original_bytes)

    def failures(self, data):
        path = self.workdir / f"try{corpus.suffix(self.kind)}"
        path.write_bytes(data)
        ref = self.worker.ask(path, self.kind)
        stats, info, per_var = harness.chunkarr_runs(self.exe, path, ref)
        original = getattr(self, "original", ref)
        return judge.judge(ref, original, stats, info, per_var, self.kind)

    def new_areas(self, data, match=None):
        known = {(f["kind"], f["area"]) for f in self.base_fails}
        return {f["area"] for f in self.failures(data)
                if (f["kind"], f["area"]) not in known and (match is None or re.search(match, f["detail"]))}


def ddmin(changes, fails):
    """A 1-minimal subset of `changes` for which fails(subset) holds (Zeller's ddmin)."""
    n = 2
    while len(changes) >= 2:
        chunk = max(1, len(changes) // n)
        subsets = [changes[i:i + chunk] for i in range(0, len(changes), chunk)]
        for i, subset in enumerate(subsets):
            complement = [c for j, s in enumerate(subsets) if j != i for c in s]
            if fails(subset):
                changes, n = subset, 2
                break
            if len(subsets) > 2 and fails(complement):
                changes, n = complement, max(n - 1, 2)
                break
        else:
            if n >= len(changes):
                break
            n = min(len(changes), 2 * n)
    return changes


def shrink(original, damaged, still_fails):
    """The smallest damage (changed bytes, appended tail) of `damaged` for which still_fails."""
    common = min(len(original), len(damaged))
    changed = [i for i in range(common) if original[i] != damaged[i]]
    tail = damaged[len(original):]
    cut = len(damaged) if len(damaged) < len(original) else len(original)

    def build(positions, tail_length):
        data = bytearray(original[:cut])
        for i in positions:
            data[i] = damaged[i]
        return bytes(data) + tail[:tail_length]

    if changed:
        changed = ddmin(changed, lambda subset: still_fails(build(subset, len(tail))))
    length = len(tail)
    while length > 1 and still_fails(build(changed, length // 2)):
        length //= 2
    return build(changed, length)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("case")
    parser.add_argument("--only", help="comma-separated datasets for a smaller base file (HDF5 bases)")
    parser.add_argument("--area")
    parser.add_argument("--match", help="a regular expression the failure's text must match too")
    parser.add_argument("--out", default=str(harness.REPO / "tests" / "data" / "regressions"))
    parser.add_argument("--tries", type=int, default=300)
    args = parser.parse_args()
    base_name, kind, n = args.case.split("/")
    fmt, write = corpus.base_files()[base_name]
    exe = harness.exe_path()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"orig{corpus.suffix(fmt)}"
        write(str(path))
        original = path.read_bytes()
        regions = corpus.data_regions(str(path), fmt)
        index = corpus.hdf5_index_regions(str(path)) if fmt != "nc3" else []
        seed = corpus.case_seed(base_name, kind, int(n))
        damaged, what = corpus.damage(original, regions, kind, seed, index)
        j = Judge(exe, fmt, original, tmp)
        areas = j.new_areas(damaged)
        print(f"{args.case} (seed {seed}): {what}: areas {sorted(areas)}")
        area = args.area or (sorted(areas)[0] if areas else None)
        if area is None:
            sys.exit(f"{args.case} does not fail")
        name = f"{base_name}-{kind}-{seed}"
        if args.only:
            only = set(args.only.split(","))
            libver = corpus.HDF5_LIBVERS[base_name.split("-")[0]]
            writer = {"contig": corpus.write_h5_contig, "chunked": corpus.write_h5_chunked,
                      "filters": corpus.write_h5_filters}[base_name.split("-")[1]]
            small = Path(tmp) / f"small{corpus.suffix(fmt)}"
            writer(str(small), libver, only=only)
            original = small.read_bytes()
            regions = corpus.data_regions(str(small), fmt)
            index = corpus.hdf5_index_regions(str(small))
            j = Judge(exe, fmt, original, tmp)
            label = f"{base_name}[{','.join(sorted(only))}]"
            for k in range(args.tries):
                seed = zlib.crc32(f"{label}/{kind}/{k}".encode())
                damaged, what = corpus.damage(original, regions, kind, seed, index)
                if area in j.new_areas(damaged, args.match):
                    print(f"{label}/{kind}/{k} (seed {seed}): {what}")
                    break
            else:
                sys.exit(f"no {kind} case of {label} fails in {area} within {args.tries} tries")
            name = f"{base_name.split('-')[0]}-{kind}-{seed}"
        minimal = shrink(original, damaged, lambda data: area in j.new_areas(data, args.match))
        out = Path(args.out) / f"fuzz-{name}{corpus.suffix(fmt)}"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(minimal)
        print(f"wrote {out} ({len(minimal)} bytes)")
        for f in j.failures(minimal):
            print(f"  [{f['kind']} / {f['area']}] {f['detail']}")
        j.worker.stop()


if __name__ == "__main__":
    main()
