"""NumPy's ufuncs on Array (np.sqrt(x), np.add(x, y), np.divmod(x, 2), np.add.reduce(x, 0), ...):
which engine operation each one is, and NumPy's keywords (out=, where=, dtype=) and methods
(reduce, accumulate, outer) as far as they make sense on a lazy array.

Every ufunc of NumPy except the datetime one (isnat) is here; the engine computes each with
NumPy's dtype rules (core/ops.hpp), except that NumPy's float16 results are float32."""
from __future__ import annotations

import numpy as np

from . import _chunkarr as _core
from ._array import Array, _unwrap, _wrap
from ._chunkarr import BinaryOp, UnaryOp
from ._out import no_out

UNARY = {
    np.sqrt: UnaryOp.sqrt, np.exp: UnaryOp.exp, np.log: UnaryOp.log, np.log10: UnaryOp.log10,
    np.sin: UnaryOp.sin, np.cos: UnaryOp.cos, np.tan: UnaryOp.tan, np.floor: UnaryOp.floor,
    np.ceil: UnaryOp.ceil, np.absolute: UnaryOp.abs, np.negative: UnaryOp.negative, np.isnan: UnaryOp.isnan,
    np.isfinite: UnaryOp.isfinite, np.isinf: UnaryOp.isinf, np.logical_not: UnaryOp.logical_not,
    np.log1p: UnaryOp.log1p, np.expm1: UnaryOp.expm1, np.log2: UnaryOp.log2, np.exp2: UnaryOp.exp2,
    np.arcsin: UnaryOp.arcsin, np.arccos: UnaryOp.arccos, np.arctan: UnaryOp.arctan, np.sinh: UnaryOp.sinh,
    np.cosh: UnaryOp.cosh, np.tanh: UnaryOp.tanh, np.arcsinh: UnaryOp.arcsinh, np.arccosh: UnaryOp.arccosh,
    np.arctanh: UnaryOp.arctanh, np.trunc: UnaryOp.trunc, np.rint: UnaryOp.rint, np.cbrt: UnaryOp.cbrt,
    np.fabs: UnaryOp.fabs, np.deg2rad: UnaryOp.deg2rad, np.radians: UnaryOp.deg2rad,
    np.rad2deg: UnaryOp.rad2deg, np.degrees: UnaryOp.rad2deg, np.spacing: UnaryOp.spacing,
    np.sign: UnaryOp.sign, np.square: UnaryOp.square, np.reciprocal: UnaryOp.reciprocal,
    np.positive: UnaryOp.positive, np.conjugate: UnaryOp.conjugate, np.invert: UnaryOp.invert,
    np.signbit: UnaryOp.signbit,
}
BINARY = {
    np.add: BinaryOp.add, np.subtract: BinaryOp.subtract, np.multiply: BinaryOp.multiply,
    np.true_divide: BinaryOp.divide, np.power: BinaryOp.power, np.maximum: BinaryOp.maximum,
    np.minimum: BinaryOp.minimum, np.equal: BinaryOp.equal, np.not_equal: BinaryOp.not_equal,
    np.less: BinaryOp.less, np.less_equal: BinaryOp.less_equal, np.greater: BinaryOp.greater,
    np.greater_equal: BinaryOp.greater_equal, np.logical_and: BinaryOp.logical_and,
    np.logical_or: BinaryOp.logical_or, np.logical_xor: BinaryOp.logical_xor, np.arctan2: BinaryOp.arctan2,
    np.hypot: BinaryOp.hypot, np.copysign: BinaryOp.copysign, np.nextafter: BinaryOp.nextafter,
    np.logaddexp: BinaryOp.logaddexp, np.logaddexp2: BinaryOp.logaddexp2, np.heaviside: BinaryOp.heaviside,
    np.float_power: BinaryOp.float_power, np.ldexp: BinaryOp.ldexp, np.floor_divide: BinaryOp.floor_divide,
    np.remainder: BinaryOp.remainder, np.fmod: BinaryOp.fmod, np.fmax: BinaryOp.fmax, np.fmin: BinaryOp.fmin,
    np.gcd: BinaryOp.gcd, np.lcm: BinaryOp.lcm, np.bitwise_and: BinaryOp.bitwise_and,
    np.bitwise_or: BinaryOp.bitwise_or, np.bitwise_xor: BinaryOp.bitwise_xor,
    np.left_shift: BinaryOp.left_shift, np.right_shift: BinaryOp.right_shift,
}
# Ufuncs with two outputs: one engine operation per output.
TWO_OUTPUTS = {
    np.frexp: (UnaryOp.frexp_mantissa, UnaryOp.frexp_exponent),
    np.modf: (UnaryOp.modf_fraction, UnaryOp.modf_integral),
    np.divmod: (BinaryOp.floor_divide, BinaryOp.remainder),
}
# ufunc.reduce as the reduction it is (NumPy's names; fmax/fmin skip NaN).
REDUCTIONS = {
    np.add: "sum", np.multiply: "prod", np.maximum: "max", np.minimum: "min", np.fmax: "nanmax",
    np.fmin: "nanmin", np.logical_and: "all", np.logical_or: "any",
}
ACCUMULATIONS = {np.add: _core.cumsum, np.multiply: _core.cumprod}

UFUNCS = [*UNARY, *BINARY, *TWO_OUTPUTS, np.matmul]  # what chunkarr computes (the coverage table)
# ca.sqrt, ca.arctan2, ... as Dask's da.sqrt: NumPy's ufunc objects themselves, lazy on chunkarr
# arrays through __array_ufunc__ (and eager NumPy on NumPy data, as Dask's).
PUBLIC = {name: getattr(np, name) for name in dir(np)
          if isinstance(getattr(np, name), np.ufunc) and getattr(np, name) in UFUNCS and name != "matmul"}


def _apply(op, operands):
    if isinstance(op, UnaryOp):
        return _wrap(_core.unary(op, _unwrap(operands[0])))
    return _wrap(_core.binary(op, _unwrap(operands[0]), _unwrap(operands[1])))


def _as_operand(value):
    """An Array, a number, or a NumPy array (wrapped): anything else is not ours to compute."""
    if isinstance(value, (Array, int, float, bool, np.generic, np.ndarray)):
        return value
    return None


def _cast_inputs(inputs, dtype):
    from ._creation import _as_array
    return [_as_array(v).astype(dtype) for v in inputs]


def _outputs(out):
    """out= as a tuple of NumPy arrays (or None): a chunkarr Array cannot be written into."""
    if out is None:
        return None
    out = out if isinstance(out, tuple) else (out,)
    if all(o is None for o in out):
        return None
    if any(isinstance(o, Array) for o in out):
        raise TypeError("out= cannot be a chunkarr array: chunkarr arrays are immutable and lazy; "
                        "use the returned array (y = np.add(a, b)) or a NumPy array as out=")
    return out


def _call(ufunc, inputs, kwargs):
    """ufunc(*inputs, **kwargs) as lazy Arrays; with a NumPy out=, computed into it."""
    out = _outputs(kwargs.pop("out", None))
    where = kwargs.pop("where", True)
    dtype = kwargs.pop("dtype", None)
    kwargs.pop("casting", None)
    kwargs.pop("subok", None)
    if kwargs.pop("order", "K") not in ("K", "C", "A") or kwargs:
        raise TypeError(f"np.{ufunc.__name__}: chunkarr does not support the keywords {sorted(kwargs) or ['order']}")
    if dtype is not None:
        inputs = _cast_inputs(inputs, dtype)
    if ufunc is np.matmul:
        from ._linalg import matmul
        results = (matmul(*inputs),)
    elif ufunc in TWO_OUTPUTS:
        results = tuple(_apply(op, inputs) for op in TWO_OUTPUTS[ufunc])
    else:
        op = UNARY.get(ufunc) if ufunc.nin == 1 else BINARY.get(ufunc)
        results = (_apply(op, inputs),)
    if where is not True:
        # NumPy leaves the elements where `where` is False as they were in out= (uninitialised
        # without out=); chunkarr gives out='s values, or 0 without out=.
        from ._routines import where as select
        fallback = out if out is not None else (0,) * len(results)
        results = tuple(select(where, r, f) for r, f in zip(results, fallback))
    if out is not None:
        from ._compute import compute
        for target, value in zip(out, compute(*results)):
            np.copyto(target, value, casting="unsafe")
        return out if len(out) > 1 else out[0]
    return results if len(results) > 1 else results[0]


def _reduce_method(ufunc, inputs, kwargs):
    """ufunc.reduce(x, axis=0, dtype=None, out=None, keepdims=False): the matching reduction."""
    name = REDUCTIONS.get(ufunc)
    if name is None:
        raise TypeError(f"np.{ufunc.__name__}.reduce: chunkarr has no lazy reduction for {ufunc.__name__}")
    no_out(_outputs(kwargs.get("out")), f"np.{ufunc.__name__}.reduce")
    if kwargs.get("initial", np._NoValue) is not np._NoValue or kwargs.get("where", True) is not True:
        raise TypeError(f"np.{ufunc.__name__}.reduce: initial= and where= are not supported by chunkarr")
    from ._creation import _as_array
    x = _as_array(inputs[0])
    if kwargs.get("dtype") is not None:
        x = x.astype(kwargs["dtype"])
    return x._reduce(name, kwargs.get("axis", 0), kwargs.get("keepdims", False))


def _accumulate_method(ufunc, inputs, kwargs):
    scan = ACCUMULATIONS.get(ufunc)
    if scan is None or _outputs(kwargs.get("out")) is not None:
        raise TypeError(f"np.{ufunc.__name__}.accumulate: chunkarr only accumulates add and multiply, without out=")
    from ._routines import _scan
    return _scan(scan, inputs[0], kwargs.get("axis", 0), kwargs.get("dtype"))


def _outer_method(ufunc, inputs, kwargs):
    """ufunc.outer(a, b): a with b.ndim new trailing axes, broadcast against b."""
    from ._creation import _as_array
    a, b = (_as_array(v) for v in inputs)
    return _call(ufunc, [a.reshape(a.shape + (1,) * b.ndim), b], dict(kwargs))


_METHODS = {"reduce": _reduce_method, "accumulate": _accumulate_method, "outer": _outer_method}


def array_ufunc(ufunc, method, inputs, kwargs):
    """Array.__array_ufunc__."""
    known = ufunc in UNARY or ufunc in BINARY or ufunc in TWO_OUTPUTS or ufunc is np.matmul
    if not known:
        return NotImplemented
    if method != "__call__" and method not in _METHODS:
        raise TypeError(f"np.{ufunc.__name__}.{method} is not supported by chunkarr (lazy arrays are immutable)")
    from ._complex import _is_complex_value, complex_ufunc
    if any(_is_complex_value(v) for v in inputs):
        return complex_ufunc(ufunc, method, inputs, kwargs)
    if any(_as_operand(v) is None for v in inputs):
        return NotImplemented
    if method == "__call__":
        return _call(ufunc, inputs, dict(kwargs))
    return _METHODS[method](ufunc, inputs, dict(kwargs))
