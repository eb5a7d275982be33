#include "kernels/elementwise.hpp"

#include <chunkarr/core/error.hpp>

#include "kernels/missing_mask.hpp"

#include <array>
#include <cmath>
#include <cstring>
#include <limits>

namespace chunkarr::kernels {

namespace {

// Walks the output in rows along the last axis and calls
// row(out_offset, input_offsets, length, input_strides) with input strides 0 (broadcast) or 1.
// When every operand is either full-size or a single element, the whole array is one row.
template <std::size_t N, class Row>
void for_each_row(const Shape& out_shape, const std::array<const Shape*, N>& shapes, Row row) {
    const Index total = element_count(out_shape);
    if (total == 0) return;
    std::array<Index, N> offsets{}, strides{};
    bool flat = true;
    for (std::size_t k = 0; k < N; ++k) {
        const Index n = element_count(*shapes[k]);
        if (n == total) strides[k] = 1;
        else if (n == 1) strides[k] = 0;
        else flat = false;
    }
    if (flat || out_shape.empty()) {
        row(Index{0}, offsets, total, strides);
        return;
    }
    const std::size_t ndim = out_shape.size();
    // Element strides of every operand, 0 along its broadcast axes.
    std::array<std::vector<Index>, N> axis_stride;
    for (std::size_t k = 0; k < N; ++k) {
        axis_stride[k].assign(ndim, 0);
        Index s = 1;
        for (std::size_t axis = ndim; axis-- > 0;) {
            const Index d = (*shapes[k])[axis];
            axis_stride[k][axis] = (d == 1 && out_shape[axis] != 1) ? 0 : s;
            s *= d;
        }
        strides[k] = axis_stride[k][ndim - 1] ? 1 : 0;
    }
    const Index length = out_shape[ndim - 1];
    std::vector<Index> index(ndim, 0);
    for (Index out_offset = 0; out_offset < total; out_offset += length) {
        for (std::size_t k = 0; k < N; ++k) {
            offsets[k] = 0;
            for (std::size_t axis = 0; axis + 1 < ndim; ++axis) offsets[k] += index[axis] * axis_stride[k][axis];
        }
        row(out_offset, offsets, length, strides);
        for (std::size_t axis = ndim - 1; axis-- > 0;) {
            if (++index[axis] < out_shape[axis]) break;
            index[axis] = 0;
        }
    }
}

template <class T> constexpr bool is_nan(T x) {
    if constexpr (std::is_floating_point_v<T>) return x != x;
    else return false;
}

template <class T, class R, class F> void run_unary(const Operand& in, std::byte* out, const Shape& out_shape, F f) {
    const T* x = reinterpret_cast<const T*>(in.data);
    R* y = reinterpret_cast<R*>(out);
    for_each_row<1>(out_shape, {&in.shape}, [&](Index o, std::array<Index, 1> off, Index n, std::array<Index, 1> st) {
        if (st[0]) {
            for (Index i = 0; i < n; ++i) y[o + i] = static_cast<R>(f(x[off[0] + i]));
        } else {
            const R value = static_cast<R>(f(x[off[0]]));
            for (Index i = 0; i < n; ++i) y[o + i] = value;
        }
    });
}

template <class T, class R, class F>
void run_binary(const Operand& a, const Operand& b, std::byte* out, const Shape& out_shape, F f) {
    const T* pa = reinterpret_cast<const T*>(a.data);
    const T* pb = reinterpret_cast<const T*>(b.data);
    R* y = reinterpret_cast<R*>(out);
    for_each_row<2>(out_shape, {&a.shape, &b.shape},
                    [&](Index o, std::array<Index, 2> off, Index n, std::array<Index, 2> st) {
                        const T* xa = pa + off[0];
                        const T* xb = pb + off[1];
                        R* z = y + o;
                        // Separate loops so the common cases vectorise.
                        if (st[0] && st[1]) {
                            for (Index i = 0; i < n; ++i) z[i] = static_cast<R>(f(xa[i], xb[i]));
                        } else if (st[1]) {
                            const T va = *xa;
                            for (Index i = 0; i < n; ++i) z[i] = static_cast<R>(f(va, xb[i]));
                        } else if (st[0]) {
                            const T vb = *xb;
                            for (Index i = 0; i < n; ++i) z[i] = static_cast<R>(f(xa[i], vb));
                        } else {
                            const R value = static_cast<R>(f(*xa, *xb));
                            for (Index i = 0; i < n; ++i) z[i] = value;
                        }
                    });
}

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
    }
    if (!done)
        throw ValueError("unary " + std::string(op_name(op)) + " is not defined for " +
                         std::string(dtype_name(dtype_of_v<T>)));
}

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
    }
    throw ValueError("binary " + std::string(op_name(op)) + " is not defined for " +
                     std::string(dtype_name(dtype_of_v<T>)));
}

}  // namespace

void unary(UnaryOp op, OpTypes types, const Operand& in, std::byte* out, const Shape& out_shape) {
    visit_dtype(types.compute, [&](auto tag) { unary_typed<decltype(tag)>(op, in, out, out_shape); });
}

void binary(BinaryOp op, OpTypes types, const Operand& a, const Operand& b, std::byte* out, const Shape& out_shape) {
    visit_dtype(types.compute, [&](auto tag) { binary_typed<decltype(tag)>(op, a, b, out, out_shape); });
}

void where(const Operand& condition, DType dtype, const Operand& a, const Operand& b, std::byte* out,
           const Shape& out_shape) {
    const bool* c = reinterpret_cast<const bool*>(condition.data);
    visit_dtype(dtype, [&](auto tag) {
        using T = decltype(tag);
        const T* pa = reinterpret_cast<const T*>(a.data);
        const T* pb = reinterpret_cast<const T*>(b.data);
        T* y = reinterpret_cast<T*>(out);
        for_each_row<3>(out_shape, {&condition.shape, &a.shape, &b.shape},
                        [&](Index o, std::array<Index, 3> off, Index n, std::array<Index, 3> st) {
                            for (Index i = 0; i < n; ++i)
                                y[o + i] = c[off[0] + i * st[0]] ? pa[off[1] + i * st[1]] : pb[off[2] + i * st[2]];
                        });
    });
}

void decode_cf(const CFDecoding& cf, DType from, const std::byte* in, std::byte* out, Index count) {
    visit_dtype(from, [&](auto from_tag) {
        using T = decltype(from_tag);
        const T* x = reinterpret_cast<const T*>(in);
        visit_dtype(cf.result, [&](auto to_tag) {
            using R = decltype(to_tag);
            if constexpr (std::is_floating_point_v<R>) {
                R* y = reinterpret_cast<R*>(out);
                const MissingMask<T> mask(cf);
                const bool unpack = cf.scale_factor != 1.0 || cf.add_offset != 0.0;
                // In the result's type, as NumPy computes `data * scale_factor + add_offset` for
                // netCDF4-python: float32 results round after each step, like it.
                const R scale = static_cast<R>(cf.scale_factor), offset = static_cast<R>(cf.add_offset);
                for (Index i = 0; i < count; ++i) {
                    const R v = static_cast<R>(x[i]);
                    if (mask.is_missing(x[i])) y[i] = std::numeric_limits<R>::quiet_NaN();
                    else y[i] = unpack ? v * scale + offset : v;
                }
            }
        });
    });
}

void gather_strided(const std::byte* in, const Shape& in_shape, const std::vector<Index>& step, std::size_t item,
                    std::byte* out, const Shape& out_shape) {
    const Index total = element_count(out_shape);
    if (total == 0) return;
    const std::size_t ndim = out_shape.size();
    if (ndim == 0) {
        std::memcpy(out, in, item);
        return;
    }
    std::vector<Index> stride(ndim, 1);
    for (std::size_t axis = ndim - 1; axis-- > 0;) stride[axis] = stride[axis + 1] * in_shape[axis + 1];
    std::vector<Index> index(ndim, 0);
    for (Index i = 0; i < total; ++i) {
        Index offset = 0;
        for (std::size_t axis = 0; axis < ndim; ++axis) offset += index[axis] * step[axis] * stride[axis];
        std::memcpy(out + i * static_cast<Index>(item), in + offset * static_cast<Index>(item), item);
        for (std::size_t axis = ndim; axis-- > 0;) {
            if (++index[axis] < out_shape[axis]) break;
            index[axis] = 0;
        }
    }
}

}  // namespace chunkarr::kernels
