#include "kernels/elementwise.hpp"

#include "kernels/elementwise_loops.hpp"
#include "kernels/missing_mask.hpp"

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
                for (Index i = 0; i < count; ++i) {
                    const double v = static_cast<double>(x[i]);
                    if (mask.is_missing(x[i])) y[i] = std::numeric_limits<R>::quiet_NaN();
                    else y[i] = static_cast<R>(unpack ? v * cf.scale_factor + cf.add_offset : v);
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
