"""The layering check (check_layering.py) on the real tree, and proof that it catches what it
is meant to catch: an upward include, a private header or <hdf5.h> in an installed header."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import check_layering  # noqa: E402


def write(root: Path, relative: str, text: str):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_the_tree_includes_only_downward():
    assert check_layering.violations(ROOT) == []


def test_the_script_exits_nonzero_and_names_the_file(tmp_path):
    write(tmp_path, "src/kernels/reduce.cpp", '#include "kernels/reduce.hpp"\n#include "exec/plan.hpp"\n')
    run = subprocess.run([sys.executable, str(HERE / "check_layering.py"), str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 1
    assert "src/kernels/reduce.cpp:2: kernels includes exec/plan.hpp from exec" in run.stdout


@pytest.mark.parametrize(
    "relative, text, expected",
    [
        ("src/graph/node.cpp", '#include "engine/pipeline.hpp"\n', "graph includes engine/pipeline.hpp"),
        ("src/kernels/x.cpp", "#include <chunkarr/graph/array.hpp>\n", "kernels includes chunkarr/graph/array.hpp"),
        ("src/core/x.cpp", '#include "kernels/cast.hpp"\n', "core includes kernels/cast.hpp"),
        ("src/cli/x.cpp", '#include "python/x.hpp"\n', "cli includes python/x.hpp"),
        ("python/src/x.cpp", '#include "cli/commands.hpp"\n', "python includes cli/commands.hpp"),
        ("include/chunkarr/graph/x.hpp", '#include "graph/node.hpp"\n', 'installed header includes private "graph/node.hpp"'),
        ("include/chunkarr/io/x.hpp", "#include <hdf5.h>\n", "installed header includes <hdf5.h>"),
        ("include/chunkarr/io/y.hpp", "#include <netcdf.h>\n", "installed header includes <netcdf.h>"),
    ],
)
def test_each_kind_of_violation_is_reported(tmp_path, relative, text, expected):
    write(tmp_path, relative, text)
    found = check_layering.violations(tmp_path)
    assert len(found) == 1 and expected in found[0], found


@pytest.mark.parametrize(
    "relative, text",
    [
        ("src/exec/x.cpp", '#include "graph/node.hpp"\n#include "kernels/reduce.hpp"\n#include <chunkarr/core/shape.hpp>\n'),
        ("src/engine/x.cpp", '#include "exec/plan.hpp"\n#include <chunkarr/engine/store.hpp>\n'),
        ("src/cli/x.cpp", '#include "arguments.hpp"\n#include <chunkarr/chunkarr.hpp>\n#include <hdf5.h>\n'),
        ("python/src/x.cpp", '#include "graph/node.hpp"\n#include <pybind11/pybind11.h>\n'),
        ("include/chunkarr/engine/x.hpp", "#include <chunkarr/graph/array.hpp>\n#include <vector>\n"),
    ],
)
def test_downward_and_same_layer_includes_pass(tmp_path, relative, text):
    write(tmp_path, relative, text)
    assert check_layering.violations(tmp_path) == []


def test_an_upward_include_added_to_a_copy_of_the_real_tree_fails(tmp_path):
    for part in ("include", "src", "python/src"):
        shutil.copytree(ROOT / part, tmp_path / part)
    victim = tmp_path / "src" / "kernels" / "reduce.cpp"
    victim.write_text('#include "optimize/optimizer.hpp"\n' + victim.read_text())
    found = check_layering.violations(tmp_path)
    assert found == ["src/kernels/reduce.cpp:1: kernels includes optimize/optimizer.hpp from optimize, a layer above it"]
