#include "kernels/region_copy.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace chunkarr::kernels {

namespace {
std::vector<Index> row_major_strides(const Shape& shape) {
    std::vector<Index> stride(shape.size(), 1);
    for (std::size_t axis = shape.size(); axis-- > 1;) stride[axis - 1] = stride[axis] * shape[axis];
    return stride;
}
}  // namespace

void copy_box(const std::byte* src, const Shape& src_shape, const std::vector<Index>& src_start, std::byte* dst,
              const Shape& dst_shape, const std::vector<Index>& dst_start, const Shape& count, std::size_t item) {
    if (element_count(count) == 0) return;
    const std::size_t ndim = count.size();
    if (ndim == 0) {
        std::memcpy(dst, src, item);
        return;
    }
    const auto src_stride = row_major_strides(src_shape);
    const auto dst_stride = row_major_strides(dst_shape);
    const std::size_t row_bytes = static_cast<std::size_t>(count[ndim - 1]) * item;
    std::vector<Index> index(ndim, 0);
    const Index rows = element_count(count) / count[ndim - 1];
    for (Index r = 0; r < rows; ++r) {
        Index s = src_start[ndim - 1], d = dst_start[ndim - 1];
        for (std::size_t axis = 0; axis + 1 < ndim; ++axis) {
            s += (src_start[axis] + index[axis]) * src_stride[axis];
            d += (dst_start[axis] + index[axis]) * dst_stride[axis];
        }
        std::memcpy(dst + static_cast<std::size_t>(d) * item, src + static_cast<std::size_t>(s) * item, row_bytes);
        for (std::size_t axis = ndim - 1; axis-- > 0;) {
            if (++index[axis] < count[axis]) break;
            index[axis] = 0;
        }
    }
}

void gather_indexed(const std::byte* src, const Shape& src_shape, const std::vector<std::vector<Index>>& index,
                    std::byte* dst, std::size_t item, const std::byte* fill) {
    const std::size_t ndim = index.size();
    Shape shape;
    for (const auto& axis : index) shape.push_back(static_cast<Index>(axis.size()));
    const Index total = element_count(shape);
    if (total == 0) return;
    if (ndim == 0) {
        std::memcpy(dst, src, item);
        return;
    }
    const auto stride = row_major_strides(src_shape);
    const auto& inner = index[ndim - 1];
    std::vector<Index> at(ndim, 0);
    for (Index o = 0; o < total; o += shape[ndim - 1]) {
        Index base = 0;
        bool outside = false;
        for (std::size_t axis = 0; axis + 1 < ndim; ++axis) {
            const Index i = index[axis][static_cast<std::size_t>(at[axis])];
            outside = outside || i < 0;
            base += i * stride[axis];
        }
        std::byte* row = dst + static_cast<std::size_t>(o) * item;
        for (std::size_t k = 0; k < inner.size(); ++k) {
            const std::byte* from =
                outside || inner[k] < 0 ? fill : src + static_cast<std::size_t>(base + inner[k]) * item;
            std::memcpy(row + k * item, from, item);
        }
        for (std::size_t axis = ndim - 1; axis-- > 0;) {
            if (++at[axis] < shape[axis]) break;
            at[axis] = 0;
        }
    }
}

void copy_region(const std::byte* src, const Shape& shape, std::size_t item, const Region& region, std::byte* dst) {
    std::vector<Index> start;
    for (const Range& r : region) start.push_back(r.start);
    const Shape count = region_shape(region);
    copy_box(src, shape, start, dst, count, std::vector<Index>(count.size(), 0), count, item);
}

void paste_region(const std::byte* src, std::byte* dst, const Shape& shape, std::size_t item, const Region& region) {
    std::vector<Index> start;
    for (const Range& r : region) start.push_back(r.start);
    const Shape count = region_shape(region);
    copy_box(src, count, std::vector<Index>(count.size(), 0), dst, shape, start, count, item);
}

namespace {
template <class U, class Swap> void swap_all(std::byte* data, Index count, Swap swap) {
    for (Index i = 0; i < count; ++i) {
        U value;
        std::memcpy(&value, data + i * static_cast<Index>(sizeof(U)), sizeof(U));
        value = swap(value);
        std::memcpy(data + i * static_cast<Index>(sizeof(U)), &value, sizeof(U));
    }
}
}  // namespace

void swap_bytes(std::byte* data, Index count, std::size_t item) {
    switch (item) {
        case 1: return;
        case 2: swap_all<std::uint16_t>(data, count, [](std::uint16_t v) { return __builtin_bswap16(v); }); return;
        case 4: swap_all<std::uint32_t>(data, count, [](std::uint32_t v) { return __builtin_bswap32(v); }); return;
        case 8: swap_all<std::uint64_t>(data, count, [](std::uint64_t v) { return __builtin_bswap64(v); }); return;
        default:
            for (Index i = 0; i < count; ++i)
                std::reverse(data + i * static_cast<Index>(item), data + (i + 1) * static_cast<Index>(item));
    }
}

void for_each_chunk_part(const Region& region, const Shape& chunk_shape,
                         const std::function<void(const ChunkPart&)>& visit) {
    const std::size_t ndim = region.size();
    const Shape out_shape = region_shape(region);
    std::vector<Index> first(ndim), last(ndim);
    for (std::size_t axis = 0; axis < ndim; ++axis) {
        first[axis] = region[axis].start / chunk_shape[axis];
        last[axis] = (region[axis].stop - 1) / chunk_shape[axis];
    }
    ChunkPart part;
    part.chunk = first;
    part.src_start.resize(ndim);
    part.dst_start.resize(ndim);
    part.count.resize(ndim);
    while (true) {
        part.whole = true;
        for (std::size_t axis = 0; axis < ndim; ++axis) {
            const Index origin = part.chunk[axis] * chunk_shape[axis];
            const Index lo = std::max(region[axis].start, origin);
            const Index hi = std::min(region[axis].stop, origin + chunk_shape[axis]);
            part.src_start[axis] = lo - origin;
            part.dst_start[axis] = lo - region[axis].start;
            part.count[axis] = hi - lo;
            part.whole = part.whole && part.count[axis] == chunk_shape[axis] && part.count[axis] == out_shape[axis];
        }
        visit(part);
        std::size_t axis = ndim;
        while (axis-- > 0) {
            if (++part.chunk[axis] <= last[axis]) break;
            part.chunk[axis] = first[axis];
        }
        if (axis == static_cast<std::size_t>(-1)) break;
    }
}

}  // namespace chunkarr::kernels
