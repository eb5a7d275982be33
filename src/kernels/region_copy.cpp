#include <chunkarr/kernels/region_copy.hpp>

#include <cstring>
#include <vector>

namespace chunkarr::kernels {

namespace {
// Calls row(array_offset_bytes, dense_offset_bytes, row_bytes) for every row of `region`.
template <class Row>
void for_each_region_row(const Shape& shape, std::size_t item, const Region& region, Row row) {
    const std::size_t ndim = shape.size();
    const Shape out_shape = region_shape(region);
    if (element_count(out_shape) == 0) return;
    if (ndim == 0) {
        row(std::size_t{0}, std::size_t{0}, item);
        return;
    }
    std::vector<Index> stride(ndim, 1);
    for (std::size_t axis = ndim - 1; axis-- > 0;) stride[axis] = stride[axis + 1] * shape[axis + 1];
    const std::size_t row_bytes = static_cast<std::size_t>(out_shape[ndim - 1]) * item;
    std::vector<Index> index(ndim, 0);
    const Index rows = element_count(out_shape) / out_shape[ndim - 1];
    for (Index r = 0; r < rows; ++r) {
        Index offset = region[ndim - 1].start;
        for (std::size_t axis = 0; axis + 1 < ndim; ++axis) offset += (region[axis].start + index[axis]) * stride[axis];
        row(static_cast<std::size_t>(offset) * item, static_cast<std::size_t>(r) * row_bytes, row_bytes);
        for (std::size_t axis = ndim - 1; axis-- > 0;) {
            if (++index[axis] < out_shape[axis]) break;
            index[axis] = 0;
        }
    }
}
}  // namespace

void copy_region(const std::byte* src, const Shape& shape, std::size_t item, const Region& region, std::byte* dst) {
    for_each_region_row(shape, item, region, [&](std::size_t array_at, std::size_t dense_at, std::size_t bytes) {
        std::memcpy(dst + dense_at, src + array_at, bytes);
    });
}

void paste_region(const std::byte* src, std::byte* dst, const Shape& shape, std::size_t item, const Region& region) {
    for_each_region_row(shape, item, region, [&](std::size_t array_at, std::size_t dense_at, std::size_t bytes) {
        std::memcpy(dst + array_at, src + dense_at, bytes);
    });
}

}  // namespace chunkarr::kernels
