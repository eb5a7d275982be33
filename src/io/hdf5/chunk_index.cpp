#include "io/hdf5/chunk_index.hpp"

#include <chunkarr/core/error.hpp>

#include "io/hdf5/chunk_btree.hpp"
#include "io/hdf5/file.hpp"

#include <functional>

namespace chunkarr {

namespace {

std::size_t flat_index(const Shape& grid, const std::vector<Index>& chunk) {
    std::size_t flat = 0;
    for (std::size_t axis = 0; axis < grid.size(); ++axis)
        flat = flat * static_cast<std::size_t>(grid[axis]) + static_cast<std::size_t>(chunk[axis]);
    return flat;
}

// The chunk origin (first element per axis) of the chunk at C-order position `flat`.
std::vector<hsize_t> chunk_origin(const Shape& grid, const Shape& chunk_shape, std::size_t flat) {
    std::vector<hsize_t> offset(grid.size());
    for (std::size_t axis = grid.size(); axis-- > 0;) {
        const auto n = static_cast<std::size_t>(grid[axis]);
        offset[axis] = static_cast<hsize_t>(flat % n) * static_cast<hsize_t>(chunk_shape[axis]);
        flat /= n;
    }
    return offset;
}

using hdf5::object_header_address;

#ifdef CHUNKARR_HAVE_H5DCHUNK_ITER
struct IterState {
    std::uint64_t base;
    bool consistent = true;
    std::function<bool(const std::uint64_t*, const StoredChunk&)> record;
};

int record_chunk(const hsize_t* offset, unsigned filter_mask, haddr_t address, hsize_t size, void* data) {
    auto* state = static_cast<IterState*>(data);
    static_assert(sizeof(hsize_t) == sizeof(std::uint64_t));
    const StoredChunk chunk{static_cast<std::uint64_t>(address) + state->base, size, filter_mask,
                            address != HADDR_UNDEF};
    state->consistent = state->record(reinterpret_cast<const std::uint64_t*>(offset), chunk) && state->consistent;
    return H5_ITER_CONT;
}
#endif

}  // namespace

HDF5ChunkIndex::HDF5ChunkIndex(const Shape& shape, const Shape& chunk_shape) : chunk_shape_(chunk_shape) {
    std::size_t total = 1;
    for (std::size_t axis = 0; axis < shape.size(); ++axis) {
        grid_.push_back((shape[axis] + chunk_shape[axis] - 1) / chunk_shape[axis]);
        total *= static_cast<std::size_t>(grid_.back());
    }
    chunks_.assign(total, StoredChunk{});
}

std::unique_ptr<HDF5ChunkIndex> HDF5ChunkIndex::build(const Where& at, hid_t dataset, const RawFile& file,
                                                      const Shape& shape, const Shape& chunk_shape,
                                                      std::uint64_t base_address) {
    std::unique_ptr<HDF5ChunkIndex> index(new HDF5ChunkIndex(shape, chunk_shape));
    if (index->chunks_.empty()) return index;
    hdf5::Lock lock;
#ifdef CHUNKARR_HAVE_H5DCHUNK_ITER
    if (index->list_with_chunk_iter(at, dataset, base_address)) return index;
#endif
    if (index->list_from_btree(at, dataset, file, base_address) && index->agrees_with_hdf5(dataset, base_address))
        return index;
    if (index->chunks_.size() > max_chunks_by_coord) return nullptr;
    index->list_by_coord(at, dataset, base_address);
    return index;
}

bool HDF5ChunkIndex::record(const std::uint64_t* offsets, const StoredChunk& chunk) {
    std::size_t flat = 0;
    for (std::size_t axis = 0; axis < grid_.size(); ++axis) {
        const std::uint64_t step = static_cast<std::uint64_t>(chunk_shape_[axis]);
        const std::uint64_t position = offsets[axis] / step;
        if (offsets[axis] % step != 0 || position >= static_cast<std::uint64_t>(grid_[axis])) return false;
        flat = flat * static_cast<std::size_t>(grid_[axis]) + static_cast<std::size_t>(position);
    }
    chunks_[flat] = chunk;
    return true;
}

bool HDF5ChunkIndex::list_with_chunk_iter([[maybe_unused]] const Where& at, [[maybe_unused]] hid_t dataset,
                                          [[maybe_unused]] std::uint64_t base_address) {
#ifdef CHUNKARR_HAVE_H5DCHUNK_ITER
    IterState state{base_address, true,
                    [this](const std::uint64_t* offsets, const StoredChunk& chunk) { return record(offsets, chunk); }};
    CHUNKARR_H5(at, H5Dchunk_iter, dataset, H5P_DEFAULT, record_chunk, &state);
    return state.consistent;
#else
    return false;
#endif
}

bool HDF5ChunkIndex::list_from_btree(const Where& at, hid_t dataset, const RawFile& file, std::uint64_t base_address) {
    hdf5::Handle file_id(CHUNKARR_H5(at, H5Iget_file_id, dataset));
    hdf5::Handle creation(CHUNKARR_H5(at, H5Fget_create_plist, file_id.get()));
    std::size_t sizeof_addr = 0, sizeof_size = 0;
    CHUNKARR_H5(at, H5Pget_sizes, creation.get(), &sizeof_addr, &sizeof_size);
    const HDF5Addressing addressing{base_address, static_cast<unsigned>(sizeof_addr),
                                    static_cast<unsigned>(sizeof_size)};
    bool consistent = true;
    const bool walked = walk_chunk_btree(
        file, addressing, object_header_address(at, dataset), static_cast<unsigned>(grid_.size()), chunks_.size(),
        [&](const std::uint64_t* offsets, std::uint32_t filter_mask, std::uint64_t address, std::uint32_t size) {
            consistent = record(offsets, StoredChunk{address, size, filter_mask, true}) && consistent;
        });
    if (walked && consistent) return true;
    chunks_.assign(chunks_.size(), StoredChunk{});
    return false;
}

// The walk read the file's bytes itself: check the first, middle and last chunk against HDF5
// before trusting it (three lookups, whatever the chunk count).
bool HDF5ChunkIndex::agrees_with_hdf5(hid_t dataset, std::uint64_t base_address) const {
    for (const std::size_t flat : {std::size_t{0}, chunks_.size() / 2, chunks_.size() - 1}) {
        const std::vector<hsize_t> offset = chunk_origin(grid_, chunk_shape_, flat);
        unsigned filter_mask = 0;
        haddr_t address = HADDR_UNDEF;
        hsize_t size = 0;
        // HDF5 failing to look the chunk up is an answer: the walk is not trusted, and the
        // index is listed another way.
        if (!CHUNKARR_H5_TRY(H5Dget_chunk_info_by_coord, dataset, offset.data(), &filter_mask, &address, &size).ok())
            return false;
        const StoredChunk& mine = chunks_[flat];
        const bool allocated = address != HADDR_UNDEF;
        if (mine.allocated != allocated) return false;
        if (allocated && (mine.address != static_cast<std::uint64_t>(address) + base_address || mine.size != size ||
                          mine.filter_mask != filter_mask))
            return false;
    }
    return true;
}

void HDF5ChunkIndex::list_by_coord(const Where& at, hid_t dataset, std::uint64_t base_address) {
    for (std::size_t flat = 0; flat < chunks_.size(); ++flat) {
        const std::vector<hsize_t> offset = chunk_origin(grid_, chunk_shape_, flat);
        unsigned filter_mask = 0;
        haddr_t address = HADDR_UNDEF;
        hsize_t size = 0;
        CHUNKARR_H5(at, H5Dget_chunk_info_by_coord, dataset, offset.data(), &filter_mask, &address, &size);
        if (address != HADDR_UNDEF)
            chunks_[flat] = {static_cast<std::uint64_t>(address) + base_address, size, filter_mask, true};
    }
}

const StoredChunk& HDF5ChunkIndex::at(const std::vector<Index>& chunk) const {
    return chunks_[flat_index(grid_, chunk)];
}

}  // namespace chunkarr
