#include "kernels/elementwise.hpp"

#include "kernels/elementwise_loops.hpp"
#include "kernels/missing_mask.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace chunkarr::kernels {

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

namespace {

// decode_cf's loop for up to two missing values (a _FillValue and a missing_value: the CF
// cases), written so that it vectorises: every value goes through the same compares and the
// same unpacking, and the missing ones are replaced after. The unpacked values are those of
// the one-by-one loop (the same two roundings in R; no FMA in the baseline build).
template <class T, class R, bool Unpack, int Missing>
void decode_values(const T* x, R* y, Index count, const MissingMask<T>& mask, R scale, R offset) {
    const T lo = mask.lower_bound(), hi = mask.upper_bound();
    const T m0 = Missing > 0 ? mask.missing_values()[0] : T{};
    const T m1 = Missing > 1 ? mask.missing_values()[1] : m0;
    const R nan = std::numeric_limits<R>::quiet_NaN();
    for (Index i = 0; i < count; ++i) {
        const T s = x[i];
        const R v = static_cast<R>(s);
        const R unpacked = Unpack ? v * scale + offset : v;
        bool missing = s < lo || s > hi;  // NaN compares false: tested below
        if constexpr (std::is_floating_point_v<T>) missing = missing || s != s;
        if constexpr (Missing > 0) missing = missing || s == m0 || s == m1;
        y[i] = missing ? nan : unpacked;
    }
}

template <class T, class R, bool Unpack>
void decode_values(const T* x, R* y, Index count, const MissingMask<T>& mask, R scale, R offset) {
    switch (mask.missing_values().size()) {
        case 0: return decode_values<T, R, Unpack, 0>(x, y, count, mask, scale, offset);
        case 1: return decode_values<T, R, Unpack, 1>(x, y, count, mask, scale, offset);
        case 2: return decode_values<T, R, Unpack, 2>(x, y, count, mask, scale, offset);
        default:
            for (Index i = 0; i < count; ++i) {
                const R v = static_cast<R>(x[i]);
                y[i] = mask.is_missing(x[i]) ? std::numeric_limits<R>::quiet_NaN() : Unpack ? v * scale + offset : v;
            }
    }
}

}  // namespace

void decode_cf(const CFDecoding& cf, DType from, const std::byte* in, std::byte* out, Index count) {
    visit_dtype(from, [&](auto from_tag) {
        using T = decltype(from_tag);
        const T* x = reinterpret_cast<const T*>(in);
        visit_dtype(cf.result, [&](auto to_tag) {
            using R = decltype(to_tag);
            if constexpr (std::is_floating_point_v<R>) {
                R* y = reinterpret_cast<R*>(out);
                const MissingMask<T> mask(cf);
                if (mask.nothing_valid()) return std::fill(y, y + count, std::numeric_limits<R>::quiet_NaN());
                // In the result's type, as NumPy computes `data * scale_factor + add_offset` for
                // netCDF4-python: float32 results round after each step, like it.
                const R scale = static_cast<R>(cf.scale_factor), offset = static_cast<R>(cf.add_offset);
                if (cf.scale_factor != 1.0 || cf.add_offset != 0.0)
                    decode_values<T, R, true>(x, y, count, mask, scale, offset);
                else decode_values<T, R, false>(x, y, count, mask, scale, offset);
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
