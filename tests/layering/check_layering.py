#!/usr/bin/python3
"""Checks that includes run only downward through chunkarr's layers.

    core < kernels < io < graph < optimize < exec < engine < cli, python

A file in layer L may include headers of L and of the layers below it, never above. Installed
headers (include/chunkarr/) may include only installed headers: no private header of src/, and
neither <hdf5.h> nor <netcdf.h>, so that a downstream find_package(chunkarr) needs neither.

    check_layering.py [ROOT]     # prints one line per violation; exit status 1 if any
"""
import re
import sys
from pathlib import Path

LAYERS = ["core", "kernels", "io", "graph", "optimize", "exec", "engine", "cli", "python"]
RANK = {name: i for i, name in enumerate(LAYERS)}
RANK["python"] = RANK["cli"]          # the two front doors sit side by side, above the engine
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
SOURCE_SUFFIXES = {".hpp", ".cpp", ".h"}
FORBIDDEN_IN_PUBLIC = {"hdf5.h", "netcdf.h"}


def layer_of_file(root: Path, path: Path):
    """The layer a file belongs to, or None for files outside the layered tree."""
    parts = path.relative_to(root).parts
    if parts[:2] == ("include", "chunkarr") and len(parts) > 3:
        return parts[2]
    if parts[0] == "src" and len(parts) > 2:
        return parts[1]
    if parts[:2] == ("python", "src"):
        return "python"
    return None


def included_layer(kind: str, target: str, file_layer: str):
    """The layer an include names (None: a system or third-party header)."""
    if kind == "<" and target.startswith("chunkarr/"):
        pieces = target.split("/")
        return pieces[1] if len(pieces) > 2 else None   # chunkarr/chunkarr.hpp, version.hpp: the API
    if kind == '"':
        first = target.split("/")[0]
        if first in RANK:
            return first
        return file_layer if "/" not in target else None   # "arguments.hpp": beside the file
    return None


def violations(root: Path):
    found = []
    for base in (root / "include" / "chunkarr", root / "src", root / "python" / "src"):
        for path in sorted(base.rglob("*")):
            if path.suffix not in SOURCE_SUFFIXES:
                continue
            layer = layer_of_file(root, path)
            if layer not in RANK:
                continue
            public = path.relative_to(root).parts[0] == "include"
            text = path.read_text(encoding="utf-8", errors="replace")
            for match in INCLUDE.finditer(text):
                kind, target = match.groups()
                line = text.count("\n", 0, match.start()) + 1
                where = f"{path.relative_to(root)}:{line}"
                if public and kind == '"':
                    found.append(f"{where}: installed header includes private \"{target}\"")
                    continue
                if public and target in FORBIDDEN_IN_PUBLIC:
                    found.append(f"{where}: installed header includes <{target}>")
                    continue
                target_layer = included_layer(kind, target, layer)
                if target_layer is None or target_layer not in RANK:
                    continue
                if RANK[target_layer] > RANK[layer] or (target_layer != layer and RANK[target_layer] == RANK[layer]):
                    found.append(f"{where}: {layer} includes {target} from {target_layer}, a layer above it")
    return found


def main(argv):
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[2]
    problems = violations(root)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} include(s) run against the layers ({' < '.join(LAYERS[:-1])}, python)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
