#include <chunkarr/core/error.hpp>
#include <chunkarr/io/memory_source.hpp>

#include "kernels/region_copy.hpp"

namespace chunkarr {

MemorySource::MemorySource(NDArray array, ChunkGrid grid, std::string name)
    : array_(std::move(array)), grid_(std::move(grid)), name_(std::move(name)) {
    if (grid_.shape() != array_.shape())
        throw ValueError("chunks " + grid_.to_string() + " do not cover shape " + shape_to_string(array_.shape()));
}

void MemorySource::read(const Region& region, void* out) const {
    kernels::copy_region(array_.data(), array_.shape(), itemsize(array_.dtype()), region, static_cast<std::byte*>(out));
}

}  // namespace chunkarr
