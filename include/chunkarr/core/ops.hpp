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
    Rint
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
    LogicalOr
};

enum class ReduceOp { Sum, Mean, Min, Max, Var, Std, Count };

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
