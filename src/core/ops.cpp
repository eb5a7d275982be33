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
        case UnaryOp::Cbrt: return "cbrt";
        case UnaryOp::Fabs: return "fabs";
        case UnaryOp::Deg2rad: return "deg2rad";
        case UnaryOp::Rad2deg: return "rad2deg";
        case UnaryOp::Spacing: return "spacing";
        case UnaryOp::FrexpMantissa: return "frexp_mantissa";
        case UnaryOp::FrexpExponent: return "frexp_exponent";
        case UnaryOp::ModfFraction: return "modf_fraction";
        case UnaryOp::ModfIntegral: return "modf_integral";
        case UnaryOp::Sign: return "sign";
        case UnaryOp::Square: return "square";
        case UnaryOp::Reciprocal: return "reciprocal";
        case UnaryOp::Positive: return "positive";
        case UnaryOp::Conjugate: return "conjugate";
        case UnaryOp::Invert: return "invert";
        case UnaryOp::IsInf: return "isinf";
        case UnaryOp::Signbit: return "signbit";
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
        case BinaryOp::LogicalXor: return "logical_xor";
        case BinaryOp::Arctan2: return "arctan2";
        case BinaryOp::Hypot: return "hypot";
        case BinaryOp::Copysign: return "copysign";
        case BinaryOp::Nextafter: return "nextafter";
        case BinaryOp::Logaddexp: return "logaddexp";
        case BinaryOp::Logaddexp2: return "logaddexp2";
        case BinaryOp::Heaviside: return "heaviside";
        case BinaryOp::FloatPower: return "float_power";
        case BinaryOp::Ldexp: return "ldexp";
        case BinaryOp::FloorDivide: return "floor_divide";
        case BinaryOp::Remainder: return "remainder";
        case BinaryOp::Fmod: return "fmod";
        case BinaryOp::Fmax: return "fmax";
        case BinaryOp::Fmin: return "fmin";
        case BinaryOp::Gcd: return "gcd";
        case BinaryOp::Lcm: return "lcm";
        case BinaryOp::BitwiseAnd: return "bitwise_and";
        case BinaryOp::BitwiseOr: return "bitwise_or";
        case BinaryOp::BitwiseXor: return "bitwise_xor";
        case BinaryOp::LeftShift: return "left_shift";
        case BinaryOp::RightShift: return "right_shift";
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
        case ReduceOp::Prod: return "prod";
    }
    return "?";
}

namespace {

[[noreturn]] void not_defined(std::string_view op, DType input, std::string_view hint = {}) {
    throw ValueError(std::string(op) + " is not defined for " + std::string(dtype_name(input)) + " arrays" +
                     (hint.empty() ? "" : "; " + std::string(hint)));
}

}  // namespace

OpTypes unary_types(UnaryOp op, DType input) {
    switch (op) {
        case UnaryOp::Negative:
            if (is_bool(input)) not_defined("negative", input, "use logical_not");
            return {input, input};
        case UnaryOp::Sign:
        case UnaryOp::Positive:
            if (is_bool(input)) not_defined(op_name(op), input);
            return {input, input};
        case UnaryOp::Invert:
            if (is_float(input)) not_defined("invert (~)", input);
            return {input, input};
        case UnaryOp::Square:
        case UnaryOp::Reciprocal:
        case UnaryOp::Conjugate:  // NumPy computes these on bool as int8
            if (is_bool(input)) return {DType::Int8, DType::Int8};
            return {input, input};
        case UnaryOp::Abs: return {input, input};
        case UnaryOp::IsNan:
        case UnaryOp::IsFinite:
        case UnaryOp::IsInf:
        case UnaryOp::Signbit: return {input, DType::Bool};
        case UnaryOp::FrexpExponent: return {float_result(input), DType::Int32};
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
        case UnaryOp::Rint:
        case UnaryOp::Cbrt:
        case UnaryOp::Fabs:
        case UnaryOp::Deg2rad:
        case UnaryOp::Rad2deg:
        case UnaryOp::Spacing:
        case UnaryOp::FrexpMantissa:
        case UnaryOp::ModfFraction:
        case UnaryOp::ModfIntegral: break;
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
        case BinaryOp::LogicalOr:
        case BinaryOp::LogicalXor: return {DType::Bool, DType::Bool};
        case BinaryOp::Arctan2:
        case BinaryOp::Hypot:
        case BinaryOp::Copysign:
        case BinaryOp::Nextafter:
        case BinaryOp::Logaddexp:
        case BinaryOp::Logaddexp2:
        case BinaryOp::Heaviside: {
            const DType f = float_result(common);
            return {f, f};
        }
        case BinaryOp::FloatPower: return {DType::Float64, DType::Float64};
        case BinaryOp::Ldexp: {
            // The exponent stays an integer array (make_binary_node does not adapt it); the
            // mantissa's float type is the result.
            if (!is_integer(b) && !is_bool(b)) not_defined("ldexp's exponent", b, "it must be an integer array");
            const DType f = float_result(a);
            return {f, f};
        }
        case BinaryOp::FloorDivide:
        case BinaryOp::Remainder:
        case BinaryOp::Fmod:
        case BinaryOp::LeftShift:
        case BinaryOp::RightShift:
            if (is_float(common) && (op == BinaryOp::LeftShift || op == BinaryOp::RightShift))
                not_defined(op_name(op), common);
            if (is_bool(common)) return {DType::Int8, DType::Int8};  // as NumPy
            return {common, common};
        case BinaryOp::Gcd:
        case BinaryOp::Lcm:
            if (!is_integer(common)) not_defined(op_name(op), common);
            return {common, common};
        case BinaryOp::BitwiseAnd:
        case BinaryOp::BitwiseOr:
        case BinaryOp::BitwiseXor:
            if (is_float(common)) not_defined(op_name(op), common);
            return {common, common};
        case BinaryOp::Fmax:
        case BinaryOp::Fmin: return {common, common};
        case BinaryOp::Divide: {
            const DType f = common == DType::Float32 ? DType::Float32 : DType::Float64;
            return {f, f};
        }
        case BinaryOp::Subtract:
            if (is_bool(common)) not_defined("subtract", common, "use logical_xor");
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
        case ReduceOp::Sum:
        case ReduceOp::Prod: return sum_result(input);
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
