#pragma once
// The loops under every elementwise kernel: rows of the output along its last axis, each operand
// either walking with it (stride 1) or broadcast (stride 0). Shared by kernels/unary.cpp,
// kernels/binary.cpp and kernels/elementwise.cpp (where); internal to the kernels.
#include "kernels/elementwise.hpp"

#include <array>
#include <type_traits>
#include <vector>

namespace chunkarr::kernels {

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

}  // namespace chunkarr::kernels
