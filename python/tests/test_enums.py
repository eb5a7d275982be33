"""Operations and dtypes cross into the engine as its enums (DType, UnaryOp, BinaryOp, ReduceOp,
QuantileMode, Boundary, StoreFormat), never as names. What users write (NumPy dtypes, ufuncs,
reduction names, boundary names) is mapped once in the package: every member is reachable, and
what is not a member fails with the messages users saw before."""
import re

import numpy as np
import pytest


def test_engine_takes_enums_not_strings(ca):
    core = ca._chunkarr
    x = ca.from_array(np.arange(4.0), chunks=2)._core
    with pytest.raises(TypeError):
        core.binary("add", x, x)
    with pytest.raises(TypeError):
        core.unary("sqrt", x)
    with pytest.raises(TypeError):
        x.astype("float32")
    with pytest.raises(TypeError):
        x.reduce("sum", None)
    np.testing.assert_array_equal(core.compute([core.binary(core.BinaryOp.add, x, 1)])[0], np.arange(4.0) + 1)


@pytest.mark.parametrize("name", ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                                  "float32", "float64"])
def test_dtype_members_are_numpy_names(ca, name):
    """The engine's DType members and the dtypes it reports are NumPy's names, both ways."""
    member = ca._chunkarr.DType.__members__[name]
    assert np.dtype(name).name == member.name
    assert ca._chunkarr.full([2], 1, member, []).dtype == name
    for dtype in (name, np.dtype(name), np.dtype(name).type):
        x = ca.zeros(3, dtype=dtype, chunks=2)
        assert x.dtype == np.dtype(name) and x.astype(dtype).dtype == np.dtype(name)
    assert ca.from_array(np.zeros(3, dtype=name)).dtype == np.dtype(name)


def test_every_dtype_member_is_named_here(ca):
    assert set(ca._chunkarr.DType.__members__) == {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16",
                                                  "uint32", "uint64", "float32", "float64"}


@pytest.mark.parametrize("dtype", [np.float16, np.complex64, object, "U3", "datetime64[s]"])
def test_unsupported_dtypes_are_type_errors(ca, dtype):
    message = re.escape(f"chunkarr does not support dtype {np.dtype(dtype).name}")
    x = ca.from_array(np.arange(4.0), chunks=2)
    if np.dtype(dtype).kind != "c":  # complex: each of these makes a ComplexArray (test_complex.py)
        for make in (lambda: x.astype(dtype), lambda: ca.zeros(3, dtype=dtype),
                     lambda: ca.from_array(np.zeros(3, dtype=dtype))):
            with pytest.raises(TypeError, match=f"^{message}$"):
                make()
    with pytest.raises(TypeError, match=f"^{message}$"):
        x.map_blocks(lambda b: b, dtype=dtype)


@pytest.mark.parametrize("boundary,shown", [("mirror", "mirror"), ("Reflect", "Reflect"), (True, "True"),
                                            ({0: "wrap"}, "wrap")])
def test_unknown_boundary_is_value_error(ca, boundary, shown):
    x = ca.from_array(np.arange(6.0), chunks=2)
    with pytest.raises(ValueError) as info:
        x.map_overlap(lambda b: b, depth=1, boundary=boundary)
    assert str(info.value) == f"unknown boundary '{shown}' (want reflect, periodic, nearest, constant or none)"


@pytest.mark.parametrize("boundary,pad", [("reflect", "symmetric"), ("periodic", "wrap"), ("nearest", "edge"),
                                          ("constant", "constant"), ("none", None)])
def test_every_boundary_member_by_its_name(ca, boundary, pad):
    """Untrimmed identity blocks show what each boundary put past the edges (np.pad's modes)."""
    assert boundary in ca._chunkarr.Boundary.__members__
    a = np.arange(7.0)
    got = ca.from_array(a, chunks=3).map_overlap(lambda b: b, depth=1, boundary=boundary, value=-1.0,
                                                 trim=False).compute()
    if pad is None:   # not extended at the array's edges
        want = np.concatenate([a[0:4], a[2:7], a[5:7]])
    else:
        padded = np.pad(a, 1, mode=pad, **({"constant_values": -1.0} if pad == "constant" else {}))
        want = np.concatenate([padded[0:5], padded[3:8], padded[6:9]])
    np.testing.assert_array_equal(got, want)


def test_every_operation_is_reachable(ca):
    """Each UnaryOp/BinaryOp is some NumPy ufunc's (and so x's operators'), each ReduceOp some
    reduction's: an operation bound but not mapped fails here."""
    from chunkarr import _reductions, _ufuncs
    core = ca._chunkarr
    two_outputs = {op for ops in _ufuncs.TWO_OUTPUTS.values() for op in ops}
    unary = set(_ufuncs.UNARY.values()) | {op for op in two_outputs if isinstance(op, core.UnaryOp)}
    binary = set(_ufuncs.BINARY.values()) | {op for op in two_outputs if isinstance(op, core.BinaryOp)}
    assert unary == set(core.UnaryOp.__members__.values())
    assert binary == set(core.BinaryOp.__members__.values())
    assert {op for op, _ in _reductions._REDUCTIONS.values()} == set(core.ReduceOp.__members__.values())
    aliases = {(np.absolute, "abs"), (np.true_divide, "divide"), (np.radians, "deg2rad"), (np.degrees, "rad2deg")}
    for ufunc, op in [*_ufuncs.UNARY.items(), *_ufuncs.BINARY.items()]:
        assert ufunc.__name__ == op.name or (ufunc, op.name) in aliases
