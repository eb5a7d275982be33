#include <chunkarr/core/error.hpp>
#include <chunkarr/core/ops.hpp>

#include <string>

namespace chunkarr {

std::string_view op_name(UnaryOp op) {
    switch (op) {
        case UnaryOp::Negative: return "negative";
        case UnaryOp::Abs: return "abs";
        case UnaryOp::Sqrt: return "sqrt";
        case UnaryOp::Exp: return "exp";
        case UnaryOp::Log: return "log";
        case UnaryOp::Log10: return "log10";
        case UnaryOp::Sin: return "sin";
        case UnaryOp::Cos: return "cos";
        case UnaryOp::Tan: return "tan";
        case UnaryOp::Floor: return "floor";
        case UnaryOp::Ceil: return "ceil";
        case UnaryOp::IsNan: return "isnan";
        case UnaryOp::IsFinite: return "isfinite";
        case UnaryOp::LogicalNot: return "logical_not";
        case UnaryOp::Log1p: return "log1p";
        case UnaryOp::Expm1: return "expm1";
        case UnaryOp::Log2: return "log2";
        case UnaryOp::Exp2: return "exp2";
        case UnaryOp::Arcsin: return "arcsin";
        case UnaryOp::Arccos: return "arccos";
        case UnaryOp::Arctan: return "arctan";
        case UnaryOp::Sinh: return "sinh";
        case UnaryOp::Cosh: return "cosh";
        case UnaryOp::Tanh: return "tanh";
        case UnaryOp::Arcsinh: return "arcsinh";
        case UnaryOp::Arccosh: return "arccosh";
        case UnaryOp::Arctanh: return "arctanh";
        case UnaryOp::Trunc: return "trunc";
        case UnaryOp::Rint: return "rint";
    }
    return "?";
}

std::string_view op_name(BinaryOp op) {
    switch (op) {
        case BinaryOp::Add: return "add";
        case BinaryOp::Subtract: return "subtract";
        case BinaryOp::Multiply: return "multiply";
        case BinaryOp::Divide: return "divide";
        case BinaryOp::Power: return "power";
        case BinaryOp::Maximum: return "maximum";
        case BinaryOp::Minimum: return "minimum";
        case BinaryOp::Equal: return "equal";
        case BinaryOp::NotEqual: return "not_equal";
        case BinaryOp::Less: return "less";
        case BinaryOp::LessEqual: return "less_equal";
        case BinaryOp::Greater: return "greater";
        case BinaryOp::GreaterEqual: return "greater_equal";
        case BinaryOp::LogicalAnd: return "logical_and";
        case BinaryOp::LogicalOr: return "logical_or";
    }
    return "?";
}

std::string_view op_name(ReduceOp op) {
    switch (op) {
        case ReduceOp::Sum: return "sum";
        case ReduceOp::Mean: return "mean";
        case ReduceOp::Min: return "min";
        case ReduceOp::Max: return "max";
        case ReduceOp::Var: return "var";
        case ReduceOp::Std: return "std";
        case ReduceOp::Count: return "count";
    }
    return "?";
}

OpTypes unary_types(UnaryOp op, DType input) {
    switch (op) {
        case UnaryOp::Negative:
            if (is_bool(input)) throw ValueError("negative is not defined for bool arrays; use logical_not");
            return {input, input};
        case UnaryOp::Abs: return {input, input};
        case UnaryOp::IsNan:
        case UnaryOp::IsFinite: return {input, DType::Bool};
        case UnaryOp::LogicalNot: return {DType::Bool, DType::Bool};
        case UnaryOp::Sqrt:
        case UnaryOp::Exp:
        case UnaryOp::Log:
        case UnaryOp::Log10:
        case UnaryOp::Sin:
        case UnaryOp::Cos:
        case UnaryOp::Tan:
        case UnaryOp::Floor:
        case UnaryOp::Ceil:
        case UnaryOp::Log1p:
        case UnaryOp::Expm1:
        case UnaryOp::Log2:
        case UnaryOp::Exp2:
        case UnaryOp::Arcsin:
        case UnaryOp::Arccos:
        case UnaryOp::Arctan:
        case UnaryOp::Sinh:
        case UnaryOp::Cosh:
        case UnaryOp::Tanh:
        case UnaryOp::Arcsinh:
        case UnaryOp::Arccosh:
        case UnaryOp::Arctanh:
        case UnaryOp::Trunc:
        case UnaryOp::Rint: break;
    }
    const DType f = float_result(input);  // math functions: NumPy's float result
    return {f, f};
}

OpTypes binary_types(BinaryOp op, DType a, DType b) {
    const DType common = promote(a, b);
    switch (op) {
        case BinaryOp::Equal:
        case BinaryOp::NotEqual:
        case BinaryOp::Less:
        case BinaryOp::LessEqual:
        case BinaryOp::Greater:
        case BinaryOp::GreaterEqual: return {common, DType::Bool};
        case BinaryOp::LogicalAnd:
        case BinaryOp::LogicalOr: return {DType::Bool, DType::Bool};
        case BinaryOp::Divide: {
            const DType f = common == DType::Float32 ? DType::Float32 : DType::Float64;
            return {f, f};
        }
        case BinaryOp::Subtract:
            if (is_bool(common)) throw ValueError("subtract is not defined for bool arrays; use logical_xor");
            return {common, common};
        case BinaryOp::Power:
            if (is_bool(common)) return {DType::Int8, DType::Int8};
            return {common, common};
        case BinaryOp::Add:
        case BinaryOp::Multiply:
        case BinaryOp::Maximum:
        case BinaryOp::Minimum: break;
    }
    return {common, common};
}

DType reduce_result(ReduceOp op, DType input) {
    switch (op) {
        case ReduceOp::Sum: return sum_result(input);
        case ReduceOp::Min:
        case ReduceOp::Max: return input;
        case ReduceOp::Count: return DType::Int64;
        case ReduceOp::Mean:
        case ReduceOp::Var:
        case ReduceOp::Std: break;
    }
    return input == DType::Float32 ? DType::Float32 : DType::Float64;
}

}  // namespace chunkarr
