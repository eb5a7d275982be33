#pragma once
// The elementwise functions and reductions chunkarr computes, and the dtype rules of each
// (NumPy's). Kernels, the graph and the bindings all name operations by these enums.
#include <chunkarr/core/dtype.hpp>

#include <string_view>

namespace chunkarr {

enum class UnaryOp {
    Negative,
    Abs,
    Sqrt,
    Exp,
    Log,
    Log10,
    Sin,
    Cos,
    Tan,
    Floor,
    Ceil,
    IsNan,
    IsFinite,
    LogicalNot,
    // Float math functions (NumPy's float result, like Sqrt).
    Log1p,
    Expm1,
    Log2,
    Exp2,
    Arcsin,
    Arccos,
    Arctan,
    Sinh,
    Cosh,
    Tanh,
    Arcsinh,
    Arccosh,
    Arctanh,
    Trunc,
    Rint,
    Cbrt,
    Fabs,
    Deg2rad,  // also numpy.radians
    Rad2deg,  // also numpy.degrees
    Spacing,
    // The two outputs of numpy.frexp and numpy.modf, one operation each.
    FrexpMantissa,
    FrexpExponent,  // int32, as NumPy's
    ModfFraction,
    ModfIntegral,
    // Functions that keep the input's type (bool excepted where NumPy refuses or widens it).
    Sign,
    Square,
    Reciprocal,
    Positive,
    Conjugate,  // real numbers only: the identity
    Invert,     // bitwise not; logical not for bool
    // Tests with a bool result.
    IsInf,
    Signbit
};

enum class BinaryOp {
    Add,
    Subtract,
    Multiply,
    Divide,
    Power,
    Maximum,
    Minimum,
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    LogicalAnd,
    LogicalOr,
    LogicalXor,
    // Float math functions (NumPy's float result).
    Arctan2,
    Hypot,
    Copysign,
    Nextafter,
    Logaddexp,
    Logaddexp2,
    Heaviside,
    FloatPower,  // always float64
    Ldexp,       // a * 2**b: b an integer array, the result a's float type
    // Python's division family, NumPy's conventions (integer division by zero gives 0).
    FloorDivide,
    Remainder,  // sign of the divisor, as Python's %
    Fmod,       // sign of the dividend, as C's fmod
    // Maximum/minimum that ignore NaN.
    Fmax,
    Fmin,
    // Integers (and bool where NumPy allows it).
    Gcd,
    Lcm,
    BitwiseAnd,
    BitwiseOr,
    BitwiseXor,
    LeftShift,
    RightShift
};

enum class ReduceOp { Sum, Mean, Min, Max, Var, Std, Count, Prod };

std::string_view op_name(UnaryOp op);
std::string_view op_name(BinaryOp op);
std::string_view op_name(ReduceOp op);

// The type the kernel computes in (inputs are cast to it) and the type it returns.
struct OpTypes {
    DType compute;
    DType result;
    bool operator==(const OpTypes&) const = default;
};
OpTypes unary_types(UnaryOp op, DType input);
OpTypes binary_types(BinaryOp op, DType a, DType b);  // a, b already promoted for weak scalars
DType reduce_result(ReduceOp op, DType input);

}  // namespace chunkarr
