#include <chunkarr/core/error.hpp>

#include "kernels/elementwise.hpp"
#include "kernels/elementwise_loops.hpp"
#include "kernels/wrapping.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string>

// The functions of one array (NumPy's unary ufuncs), per dtype.
namespace chunkarr::kernels {

namespace {

constexpr double pi = std::numbers::pi;

// f on floats only (math functions compute in a float type: core/ops.hpp's unary_types).
template <class T, class F> bool run_float_unary(const Operand& in, std::byte* out, const Shape& shape, F&& f) {
    if constexpr (std::is_floating_point_v<T>) {
        run_unary<T, T>(in, out, shape, [&](T x) { return f(x); });
        return true;
    } else {
        return false;
    }
}

template <class T> void unary_typed(UnaryOp op, const Operand& in, std::byte* out, const Shape& shape) {
    bool done = true;
    switch (op) {
        case UnaryOp::Negative:
            if constexpr (!std::is_same_v<T, bool>)
                run_unary<T, T>(in, out, shape, [](T x) { return static_cast<T>(-x); });
            else done = false;
            break;
        case UnaryOp::Abs:
            run_unary<T, T>(in, out, shape, [](T x) {
                if constexpr (std::is_floating_point_v<T>) return std::fabs(x);
                else if constexpr (std::is_signed_v<T>) return static_cast<T>(x < 0 ? -x : x);
                else return x;
            });
            break;
        case UnaryOp::IsNan: run_unary<T, bool>(in, out, shape, [](T x) { return is_nan(x); }); break;
        case UnaryOp::IsFinite:
            run_unary<T, bool>(in, out, shape, [](T x) {
                if constexpr (std::is_floating_point_v<T>) return std::isfinite(x);
                else return true;
            });
            break;
        case UnaryOp::LogicalNot: run_unary<T, bool>(in, out, shape, [](T x) { return !x; }); break;
        case UnaryOp::Sqrt: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::sqrt(x); }); break;
        case UnaryOp::Exp: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::exp(x); }); break;
        case UnaryOp::Log: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::log(x); }); break;
        case UnaryOp::Log10: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::log10(x); }); break;
        case UnaryOp::Sin: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::sin(x); }); break;
        case UnaryOp::Cos: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::cos(x); }); break;
        case UnaryOp::Tan: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::tan(x); }); break;
        case UnaryOp::Floor: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::floor(x); }); break;
        case UnaryOp::Ceil: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::ceil(x); }); break;
        case UnaryOp::Log1p: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::log1p(x); }); break;
        case UnaryOp::Expm1: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::expm1(x); }); break;
        case UnaryOp::Log2: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::log2(x); }); break;
        case UnaryOp::Exp2: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::exp2(x); }); break;
        case UnaryOp::Arcsin: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::asin(x); }); break;
        case UnaryOp::Arccos: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::acos(x); }); break;
        case UnaryOp::Arctan: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::atan(x); }); break;
        case UnaryOp::Sinh: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::sinh(x); }); break;
        case UnaryOp::Cosh: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::cosh(x); }); break;
        case UnaryOp::Tanh: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::tanh(x); }); break;
        case UnaryOp::Arcsinh: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::asinh(x); }); break;
        case UnaryOp::Arccosh: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::acosh(x); }); break;
        case UnaryOp::Arctanh: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::atanh(x); }); break;
        case UnaryOp::Trunc: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::trunc(x); }); break;
        case UnaryOp::Rint: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::nearbyint(x); }); break;
        case UnaryOp::Cbrt: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::cbrt(x); }); break;
        case UnaryOp::Fabs: done = run_float_unary<T>(in, out, shape, [](auto x) { return std::fabs(x); }); break;
        case UnaryOp::Deg2rad:  // NumPy's constant, formed in the type it multiplies
            done = run_float_unary<T>(in, out, shape, [](auto x) {
                using F = decltype(x);
                return x * (static_cast<F>(pi) / F(180));
            });
            break;
        case UnaryOp::Rad2deg:
            done = run_float_unary<T>(in, out, shape, [](auto x) {
                using F = decltype(x);
                return x * (F(180) / static_cast<F>(pi));
            });
            break;
        case UnaryOp::Spacing:  // the gap to the next number away from zero, signed like x
            done = run_float_unary<T>(in, out, shape, [](auto x) {
                using F = decltype(x);
                if (std::isinf(x)) return std::numeric_limits<F>::quiet_NaN();
                return std::nextafter(x, std::copysign(std::numeric_limits<F>::infinity(), x)) - x;
            });
            break;
        case UnaryOp::FrexpMantissa:
            done = run_float_unary<T>(in, out, shape, [](auto x) {
                int exponent = 0;
                return std::frexp(x, &exponent);
            });
            break;
        case UnaryOp::FrexpExponent:
            if constexpr (std::is_floating_point_v<T>)
                run_unary<T, std::int32_t>(in, out, shape, [](T x) {
                    int exponent = 0;
                    std::frexp(x, &exponent);
                    return exponent;
                });
            else done = false;
            break;
        case UnaryOp::ModfFraction:
            done = run_float_unary<T>(in, out, shape, [](auto x) {
                decltype(x) integral;
                return std::modf(x, &integral);
            });
            break;
        case UnaryOp::ModfIntegral:
            done = run_float_unary<T>(in, out, shape, [](auto x) {
                decltype(x) integral;
                std::modf(x, &integral);
                return integral;
            });
            break;
        case UnaryOp::Sign:  // NaN stays NaN (neither comparison holds)
            run_unary<T, T>(in, out, shape, [](T x) {
                return x > T(0) ? T(1) : x < T(0) ? static_cast<T>(-1) : x == T(0) ? T(0) : x;
            });
            break;
        case UnaryOp::Square: run_unary<T, T>(in, out, shape, [](T x) { return wrapping_multiply(x, x); }); break;
        case UnaryOp::Reciprocal:  // integers: 1 / x truncated, and 0 for 1 / 0 (NumPy's is undefined)
            run_unary<T, T>(in, out, shape, [](T x) {
                if constexpr (std::is_floating_point_v<T>) return T(1) / x;
                else return x == T(0) ? T(0) : static_cast<T>(T(1) / x);
            });
            break;
        case UnaryOp::Positive:
        case UnaryOp::Conjugate: run_unary<T, T>(in, out, shape, [](T x) { return x; }); break;
        case UnaryOp::Invert:
            if constexpr (std::is_same_v<T, bool>) run_unary<T, T>(in, out, shape, [](T x) { return !x; });
            else if constexpr (std::is_integral_v<T>)
                run_unary<T, T>(in, out, shape, [](T x) { return static_cast<T>(~x); });
            else done = false;
            break;
        case UnaryOp::IsInf:
            run_unary<T, bool>(in, out, shape, [](T x) {
                if constexpr (std::is_floating_point_v<T>) return std::isinf(x);
                else return false;
            });
            break;
        case UnaryOp::Signbit:
            run_unary<T, bool>(in, out, shape, [](T x) {
                if constexpr (std::is_floating_point_v<T>) return std::signbit(x);
                else if constexpr (std::is_signed_v<T>) return x < 0;
                else return false;
            });
            break;
    }
    if (!done)
        throw ValueError("unary " + std::string(op_name(op)) + " is not defined for " +
                         std::string(dtype_name(dtype_of_v<T>)));
}

}  // namespace

void unary(UnaryOp op, OpTypes types, const Operand& in, std::byte* out, const Shape& out_shape) {
    visit_dtype(types.compute, [&](auto tag) { unary_typed<decltype(tag)>(op, in, out, out_shape); });
}

}  // namespace chunkarr::kernels
