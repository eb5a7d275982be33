#include <chunkarr/core/error.hpp>

#include "kernels/elementwise.hpp"
#include "kernels/elementwise_loops.hpp"
#include "kernels/wrapping.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string>

// The functions of two arrays (NumPy's binary ufuncs), per dtype, with NumPy's conventions
// where C++'s differ (division by zero, floor division, shifts past the width).
namespace chunkarr::kernels {

namespace {

template <class T> T maximum_of(T a, T b) {
    if (is_nan(a)) return a;
    if (is_nan(b)) return b;
    return a > b ? a : b;
}
template <class T> T minimum_of(T a, T b) {
    if (is_nan(a)) return a;
    if (is_nan(b)) return b;
    return a < b ? a : b;
}

// f on floats only (math functions compute in a float type: core/ops.hpp's binary_types).
template <class T, class F>
bool run_float_binary(const Operand& a, const Operand& b, std::byte* out, const Shape& shape, F&& f) {
    if constexpr (std::is_floating_point_v<T>) {
        run_binary<T, T>(a, b, out, shape, [&](T x, T y) { return f(x, y); });
        return true;
    } else {
        return false;
    }
}

// NumPy's logaddexp: log(exp(x) + exp(y)) without overflow; equal infinities give themselves.
constexpr auto log_add_exp = [](auto x, auto y) {
    using F = decltype(x);
    if (x == y) return static_cast<F>(x + std::numbers::ln2_v<F>);
    const F d = x - y;
    if (d > 0) return static_cast<F>(x + std::log1p(std::exp(-d)));
    if (d <= 0) return static_cast<F>(y + std::log1p(std::exp(d)));
    return d;  // NaN
};
constexpr auto log_add_exp2 = [](auto x, auto y) {
    using F = decltype(x);
    if (x == y) return static_cast<F>(x + 1);
    const F d = x - y;
    if (d > 0) return static_cast<F>(x + std::numbers::log2e_v<F> * std::log1p(std::exp2(-d)));
    if (d <= 0) return static_cast<F>(y + std::numbers::log2e_v<F> * std::log1p(std::exp2(d)));
    return d;  // NaN
};
constexpr auto heaviside = [](auto x, auto at_zero) {
    using F = decltype(x);
    if (x < 0) return F(0);
    if (x == 0) return at_zero;
    if (x > 0) return F(1);
    return x;  // NaN
};

template <class T> T absolute(T x) {
    if constexpr (std::is_signed_v<T>) return x < 0 ? wrapping_negate(x) : x;
    else return x;
}

template <class T> T greatest_common_divisor(T x, T y) {
    x = absolute(x);
    y = absolute(y);
    while (y != 0) {
        const T r = static_cast<T>(x % y);
        x = y;
        y = r;
    }
    return x;
}

// Python's floor division and remainder as NumPy computes them (npy_divmod): the remainder has
// the divisor's sign; integer division by zero gives 0 (NumPy warns), MIN // -1 wraps to MIN.
template <class T> T floor_divide(T x, T y) {
    if constexpr (std::is_floating_point_v<T>) {
        if (y == 0) return x / y;
        const T mod = std::fmod(x, y);
        T div = (x - mod) / y;
        if (mod != 0 && ((y < 0) != (mod < 0))) div -= 1;
        if (div == 0) return std::copysign(T(0), x / y);
        T floored = std::floor(div);
        if (div - floored > T(0.5)) floored += 1;
        return floored;
    } else if constexpr (std::is_same_v<T, bool>) {
        return y ? x : false;
    } else {
        if (y == 0) return 0;
        if constexpr (std::is_signed_v<T>)
            if (y == -1) return wrapping_negate(x);
        T q = static_cast<T>(x / y);
        if constexpr (std::is_signed_v<T>)
            if (x % y != 0 && ((x < 0) != (y < 0))) q = static_cast<T>(q - 1);
        return q;
    }
}

template <class T> T remainder(T x, T y) {
    if constexpr (std::is_floating_point_v<T>) {
        T mod = std::fmod(x, y);
        if (y == 0) return mod;
        if (mod != 0) {
            if ((y < 0) != (mod < 0)) mod += y;
        } else {
            mod = std::copysign(T(0), y);
        }
        return mod;
    } else if constexpr (std::is_same_v<T, bool>) {
        return false;
    } else {
        if (y == 0) return 0;
        if constexpr (std::is_signed_v<T>)
            if (y == -1) return 0;
        T r = static_cast<T>(x % y);
        if constexpr (std::is_signed_v<T>)
            if (r != 0 && ((r < 0) != (y < 0))) r = static_cast<T>(r + y);
        return r;
    }
}

// C's remainder: the dividend's sign.
template <class T> T fmod(T x, T y) {
    if constexpr (std::is_floating_point_v<T>) return std::fmod(x, y);
    else if constexpr (std::is_same_v<T, bool>) return false;
    else {
        if (y == 0) return 0;
        if constexpr (std::is_signed_v<T>)
            if (y == -1) return 0;
        return static_cast<T>(x % y);
    }
}

// &, |, ^ (bool: logical), and shifts as NumPy's npy_lshift/npy_rshift: a shift by the width or
// more gives 0 (or -1 for a negative number shifted right); a negative count counts as large.
template <class T> void bitwise(BinaryOp op, const Operand& a, const Operand& b, std::byte* out, const Shape& shape) {
    constexpr auto width = static_cast<std::uint64_t>(sizeof(T) * 8);
    switch (op) {
        case BinaryOp::BitwiseAnd:
            run_binary<T, T>(a, b, out, shape, [](T x, T y) { return static_cast<T>(x & y); });
            return;
        case BinaryOp::BitwiseOr:
            run_binary<T, T>(a, b, out, shape, [](T x, T y) { return static_cast<T>(x | y); });
            return;
        case BinaryOp::BitwiseXor:
            run_binary<T, T>(a, b, out, shape, [](T x, T y) { return static_cast<T>(x ^ y); });
            return;
        case BinaryOp::LeftShift:
            run_binary<T, T>(a, b, out, shape, [](T x, T y) {
                if (static_cast<std::uint64_t>(y) >= width) return T(0);
                return static_cast<T>(static_cast<WrappingUnsigned<T>>(x) << static_cast<int>(y));
            });
            return;
        case BinaryOp::RightShift:
            run_binary<T, T>(a, b, out, shape, [](T x, T y) {
                if (static_cast<std::uint64_t>(y) >= width) {
                    if constexpr (std::is_signed_v<T>) return x < 0 ? static_cast<T>(-1) : T(0);
                    else return T(0);
                }
                return static_cast<T>(x >> static_cast<int>(y));
            });
            return;
        default: break;
    }
}

template <class T>
void binary_typed(BinaryOp op, const Operand& a, const Operand& b, std::byte* out, const Shape& shape) {
    switch (op) {
        case BinaryOp::Add:
            if constexpr (std::is_same_v<T, bool>)
                run_binary<T, bool>(a, b, out, shape, [](T x, T y) { return x || y; });
            else run_binary<T, T>(a, b, out, shape, [](T x, T y) { return static_cast<T>(x + y); });
            return;
        case BinaryOp::Subtract:
            run_binary<T, T>(a, b, out, shape, [](T x, T y) { return static_cast<T>(x - y); });
            return;
        case BinaryOp::Multiply:
            if constexpr (std::is_same_v<T, bool>)
                run_binary<T, bool>(a, b, out, shape, [](T x, T y) { return x && y; });
            else run_binary<T, T>(a, b, out, shape, [](T x, T y) { return static_cast<T>(x * y); });
            return;
        case BinaryOp::Divide:
            if constexpr (std::is_floating_point_v<T>) {
                run_binary<T, T>(a, b, out, shape, [](T x, T y) { return x / y; });
                return;
            }
            break;
        case BinaryOp::Power:
            run_binary<T, T>(a, b, out, shape, [](T x, T y) {
                return static_cast<T>(std::pow(static_cast<double>(x), static_cast<double>(y)));
            });
            return;
        case BinaryOp::Maximum: run_binary<T, T>(a, b, out, shape, maximum_of<T>); return;
        case BinaryOp::Minimum: run_binary<T, T>(a, b, out, shape, minimum_of<T>); return;
        case BinaryOp::Equal: run_binary<T, bool>(a, b, out, shape, [](T x, T y) { return x == y; }); return;
        case BinaryOp::NotEqual: run_binary<T, bool>(a, b, out, shape, [](T x, T y) { return x != y; }); return;
        case BinaryOp::Less: run_binary<T, bool>(a, b, out, shape, [](T x, T y) { return x < y; }); return;
        case BinaryOp::LessEqual: run_binary<T, bool>(a, b, out, shape, [](T x, T y) { return x <= y; }); return;
        case BinaryOp::Greater: run_binary<T, bool>(a, b, out, shape, [](T x, T y) { return x > y; }); return;
        case BinaryOp::GreaterEqual: run_binary<T, bool>(a, b, out, shape, [](T x, T y) { return x >= y; }); return;
        case BinaryOp::LogicalAnd: run_binary<T, bool>(a, b, out, shape, [](T x, T y) { return x && y; }); return;
        case BinaryOp::LogicalOr: run_binary<T, bool>(a, b, out, shape, [](T x, T y) { return x || y; }); return;
        case BinaryOp::LogicalXor:
            run_binary<T, bool>(a, b, out, shape,
                                [](T x, T y) { return static_cast<bool>(x) != static_cast<bool>(y); });
            return;
        case BinaryOp::Arctan2:
            if (run_float_binary<T>(a, b, out, shape, [](auto x, auto y) { return std::atan2(x, y); })) return;
            break;
        case BinaryOp::Hypot:
            if (run_float_binary<T>(a, b, out, shape, [](auto x, auto y) { return std::hypot(x, y); })) return;
            break;
        case BinaryOp::Copysign:
            if (run_float_binary<T>(a, b, out, shape, [](auto x, auto y) { return std::copysign(x, y); })) return;
            break;
        case BinaryOp::Nextafter:
            if (run_float_binary<T>(a, b, out, shape, [](auto x, auto y) { return std::nextafter(x, y); })) return;
            break;
        case BinaryOp::Logaddexp:
            if (run_float_binary<T>(a, b, out, shape, log_add_exp)) return;
            break;
        case BinaryOp::Logaddexp2:
            if (run_float_binary<T>(a, b, out, shape, log_add_exp2)) return;
            break;
        case BinaryOp::Heaviside:
            if (run_float_binary<T>(a, b, out, shape, heaviside)) return;
            break;
        case BinaryOp::FloatPower:
            if (run_float_binary<T>(a, b, out, shape, [](auto x, auto y) { return std::pow(x, y); })) return;
            break;
        case BinaryOp::Ldexp:
            if (run_float_binary<T>(a, b, out, shape, [](auto x, auto y) {
                    // The exponent arrived as this float type (exact for any int that matters):
                    // clamped, since beyond +-2^20 every result is 0 or inf anyway.
                    const auto e = std::clamp(y, decltype(y)(-(1 << 20)), decltype(y)(1 << 20));
                    return std::ldexp(x, static_cast<int>(e));
                }))
                return;
            break;
        case BinaryOp::FloorDivide: run_binary<T, T>(a, b, out, shape, floor_divide<T>); return;
        case BinaryOp::Remainder: run_binary<T, T>(a, b, out, shape, remainder<T>); return;
        case BinaryOp::Fmod: run_binary<T, T>(a, b, out, shape, fmod<T>); return;
        case BinaryOp::Fmax:
            run_binary<T, T>(a, b, out, shape, [](T x, T y) {
                return is_nan(y) ? x : is_nan(x) ? y : maximum_of(x, y);
            });
            return;
        case BinaryOp::Fmin:
            run_binary<T, T>(a, b, out, shape, [](T x, T y) {
                return is_nan(y) ? x : is_nan(x) ? y : minimum_of(x, y);
            });
            return;
        case BinaryOp::Gcd:
            if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
                run_binary<T, T>(a, b, out, shape, greatest_common_divisor<T>);
                return;
            }
            break;
        case BinaryOp::Lcm:
            if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
                run_binary<T, T>(a, b, out, shape, [](T x, T y) {
                    const T g = greatest_common_divisor(x, y);
                    return g == 0 ? T(0) : absolute(wrapping_multiply(static_cast<T>(x / g), y));
                });
                return;
            }
            break;
        case BinaryOp::BitwiseAnd:
        case BinaryOp::BitwiseOr:
        case BinaryOp::BitwiseXor:
        case BinaryOp::LeftShift:
        case BinaryOp::RightShift:
            if constexpr (std::is_integral_v<T>) {
                bitwise<T>(op, a, b, out, shape);
                return;
            }
            break;
    }
    throw ValueError("binary " + std::string(op_name(op)) + " is not defined for " +
                     std::string(dtype_name(dtype_of_v<T>)));
}

}  // namespace

void binary(BinaryOp op, OpTypes types, const Operand& a, const Operand& b, std::byte* out, const Shape& out_shape) {
    visit_dtype(types.compute, [&](auto tag) { binary_typed<decltype(tag)>(op, a, b, out, out_shape); });
}

}  // namespace chunkarr::kernels
