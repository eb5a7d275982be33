#include <chunkarr/core/error.hpp>
#include <chunkarr/io/hdf5_chunk_index.hpp>
#include <chunkarr/io/hdf5_library.hpp>

namespace chunkarr {

namespace {

std::size_t flat_index(const Shape& grid, const std::vector<Index>& chunk) {
    std::size_t flat = 0;
    for (std::size_t axis = 0; axis < grid.size(); ++axis) flat = flat * static_cast<std::size_t>(grid[axis]) + static_cast<std::size_t>(chunk[axis]);
    return flat;
}

#ifdef CHUNKARR_HAVE_H5DCHUNK_ITER
struct IterState {
    const Shape* chunk_shape;
    const Shape* grid;
    std::vector<StoredChunk>* chunks;
    std::uint64_t base;
};

int record_chunk(const hsize_t* offset, unsigned filter_mask, haddr_t address, hsize_t size, void* data) {
    auto* state = static_cast<IterState*>(data);
    std::vector<Index> chunk(state->grid->size());
    for (std::size_t axis = 0; axis < chunk.size(); ++axis) chunk[axis] = static_cast<Index>(offset[axis]) / (*state->chunk_shape)[axis];
    StoredChunk& entry = (*state->chunks)[flat_index(*state->grid, chunk)];
    entry = {static_cast<std::uint64_t>(address) + state->base, size, filter_mask, address != HADDR_UNDEF};
    return H5_ITER_CONT;
}
#endif

}  // namespace

HDF5ChunkIndex::HDF5ChunkIndex(std::int64_t dataset, const Shape& shape, const Shape& chunk_shape,
                               std::uint64_t base_address) {
    std::size_t total = 1;
    for (std::size_t axis = 0; axis < shape.size(); ++axis) {
        grid_.push_back((shape[axis] + chunk_shape[axis] - 1) / chunk_shape[axis]);
        total *= static_cast<std::size_t>(grid_.back());
    }
    chunks_.assign(total, StoredChunk{});
    if (total == 0) return;
    hdf5::Lock lock;
#ifdef CHUNKARR_HAVE_H5DCHUNK_ITER
    IterState state{&chunk_shape, &grid_, &chunks_, base_address};
    hdf5::check(H5Dchunk_iter(dataset, H5P_DEFAULT, record_chunk, &state), "cannot list the chunks");
#else
    // One B-tree lookup per chunk: O(n log n) for the whole index.
    std::vector<hsize_t> offset(shape.size(), 0);
    for (std::size_t flat = 0; flat < total; ++flat) {
        std::size_t rest = flat;
        for (std::size_t axis = shape.size(); axis-- > 0;) {
            const auto n = static_cast<std::size_t>(grid_[axis]);
            offset[axis] = static_cast<hsize_t>(rest % n) * static_cast<hsize_t>(chunk_shape[axis]);
            rest /= n;
        }
        unsigned filter_mask = 0;
        haddr_t address = HADDR_UNDEF;
        hsize_t size = 0;
        hdf5::check(H5Dget_chunk_info_by_coord(dataset, offset.data(), &filter_mask, &address, &size),
                    "cannot look up a chunk");
        if (address != HADDR_UNDEF) chunks_[flat] = {static_cast<std::uint64_t>(address) + base_address, size, filter_mask, true};
    }
#endif
}

const StoredChunk& HDF5ChunkIndex::at(const std::vector<Index>& chunk) const {
    return chunks_[flat_index(grid_, chunk)];
}

}  // namespace chunkarr
