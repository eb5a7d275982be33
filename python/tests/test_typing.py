"""The compiled module's type stubs: chunkarr/_chunkarr.pyi names exactly what chunkarr._chunkarr
exports (functions, _Array's members, enums and their members) with the same parameters, and the
package ships it with py.typed (PEP 561). The stub is read with ast, the module's signatures from
pybind11's docstrings."""
import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ENUMS = {"DType", "UnaryOp", "BinaryOp", "ReduceOp", "QuantileMode", "Boundary", "StoreFormat"}


def _stub_path(ca):
    return Path(ca.__file__).with_name("_chunkarr.pyi")


@pytest.fixture(scope="module")
def core(ca):
    return ca._chunkarr


@pytest.fixture(scope="module")
def stub(ca):
    path = _stub_path(ca)
    assert path.is_file(), f"{path} is missing: python/CMakeLists.txt copies it beside the package"
    return ast.parse(path.read_text(), filename=str(path))


def _dunder(name):
    return name.startswith("__") and name.endswith("__")


def _defined(body):
    """{name: node} of what a module or class body defines (imports excluded)."""
    names = {}
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
        elif isinstance(node, ast.Assign):
            names.update({t.id: node for t in node.targets if isinstance(t, ast.Name)})
    return names


def _enum_members(cls):
    """The `name: ClassVar[Cls]` entries of a stub class, in order."""
    members = []
    for node in cls.body:
        if (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                and isinstance(node.annotation, ast.Subscript) and ast.unparse(node.annotation.value) == "ClassVar"
                and ast.unparse(node.annotation.slice) == cls.name):
            members.append(node.target.id)
    return members


def _is_property(node):
    return any(ast.unparse(d) == "property" for d in node.decorator_list)


def _parameters(function):
    """[(name, default node or None)] of an ast function, self excluded."""
    args = function.args
    assert not (args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs), ast.unparse(function)
    defaults = [None] * (len(args.args) - len(args.defaults)) + list(args.defaults)
    return [(a.arg, d) for a, d in zip(args.args, defaults) if a.arg != "self"]


def _runtime_signature(obj, name):
    """pybind11's signature (first docstring line) as an ast function."""
    line = (obj.__doc__ or "").splitlines()[0] if obj.__doc__ else ""
    assert line.startswith(name + "("), f"{name}: no pybind11 signature in its docstring ({line!r})"
    return ast.parse(f"def {line}: ...").body[0]


def _check_signature(label, stub_function, runtime_function):
    stub_params, runtime_params = _parameters(stub_function), _parameters(runtime_function)
    assert [n for n, _ in stub_params] == [n for n, _ in runtime_params], (
        f"{label}: the stub's parameters {[n for n, _ in stub_params]} are not the module's "
        f"{[n for n, _ in runtime_params]} (name every binding argument with py::arg)")
    for (name, stub_default), (_, runtime_default) in zip(stub_params, runtime_params):
        assert (stub_default is None) == (runtime_default is None), f"{label}({name}): default differs"
        if stub_default is not None and not (isinstance(stub_default, ast.Constant) and stub_default.value is ...):
            assert ast.literal_eval(stub_default) == ast.literal_eval(runtime_default), f"{label}({name}): default differs"
    untyped = [a.arg for a in stub_function.args.args if a.arg != "self" and a.annotation is None]
    assert not untyped and stub_function.returns is not None, f"{label}: the stub leaves {untyped or 'the result'} untyped"


def test_package_ships_stub_and_py_typed(ca):
    package = Path(ca.__file__).parent
    assert (package / "py.typed").is_file(), "py.typed marks the package as typed (PEP 561)"
    assert _stub_path(ca).is_file()


def test_stub_names_what_the_module_exports(core, stub):
    exported = {n for n in dir(core) if not _dunder(n)}
    in_stub = set(_defined(stub.body))
    assert not exported - in_stub, f"exported by chunkarr._chunkarr but not in _chunkarr.pyi: {sorted(exported - in_stub)}"
    assert not in_stub - exported, f"in _chunkarr.pyi but not exported by the module: {sorted(in_stub - exported)}"


def test_stub_enums_match_the_module(core, stub):
    enums = {n for n in dir(core) if not _dunder(n) and hasattr(getattr(core, n), "__members__")}
    assert ENUMS <= enums, f"operations and types cross as enums: {sorted(ENUMS - enums)} not bound"
    classes = {n: c for n, c in _defined(stub.body).items() if isinstance(c, ast.ClassDef)}
    for name in sorted(enums):
        assert name in classes, f"enum {name} is not a class in the stub"
        assert _enum_members(classes[name]) == list(getattr(core, name).__members__), (
            f"{name}: the stub's members {_enum_members(classes[name])} are not the module's "
            f"{list(getattr(core, name).__members__)}")
    stub_enums = {n for n, c in classes.items() if _enum_members(c)}
    assert stub_enums == enums, f"the stub declares members of non-enums: {sorted(stub_enums - enums)}"


def test_stub_signatures_match_the_module(core, stub):
    defined = _defined(stub.body)
    functions = [n for n in dir(core) if not _dunder(n) and not isinstance(getattr(core, n), type)]
    assert functions
    for name in functions:
        assert isinstance(defined.get(name), ast.FunctionDef), f"{name} is a function in the module, not in the stub"
        _check_signature(name, defined[name], _runtime_signature(getattr(core, name), name))


def test_stub_array_members_match_the_module(core, stub):
    stub_class = _defined(stub.body)["_Array"]
    members = {n: node for n, node in _defined(stub_class.body).items() if not _dunder(n)}
    runtime = {n: v for n, v in vars(core._Array).items() if not _dunder(n)}
    assert set(members) == set(runtime), f"_Array: stub {sorted(members)} vs module {sorted(runtime)}"
    for name, value in runtime.items():
        node = members[name]
        if isinstance(value, property):
            assert _is_property(node), f"_Array.{name} is a property in the module"
        else:
            assert not _is_property(node), f"_Array.{name} is a method in the module"
            _check_signature(f"_Array.{name}", node, _runtime_signature(getattr(core._Array, name), name))


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is not installed")
def test_stub_passes_mypy(ca):
    # The stub alone: the package's modules it imports are followed for their types, not checked.
    result = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "--follow-imports=silent",
                             str(_stub_path(ca))],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
