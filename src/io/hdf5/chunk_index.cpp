#include "io/hdf5/chunk_index.hpp"

#include <chunkarr/core/error.hpp>

#include "io/hdf5/chunk_btree.hpp"
#include "io/hdf5/file.hpp"

#include <algorithm>
#include <functional>
#include <random>
#include <string>

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

// "(0, 8)"
template <class T> std::string origin_text(const T* offsets, std::size_t rank) {
    std::string text = "(";
    for (std::size_t axis = 0; axis < rank; ++axis) {
        if (axis) text += ", ";
        text += std::to_string(offsets[axis]);
    }
    return text + ")";
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
    // A damaged tree or a disagreement with HDF5 throws: never a listing of something else.
    if (index->list_from_btree(at, dataset, file, shape)) {
        index->check_against_hdf5(at, dataset, base_address);
        return index;
    }
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
    if (chunks_[flat].allocated) return false;  // listed twice
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

bool HDF5ChunkIndex::list_from_btree(const Where& at, hid_t dataset, const RawFile& file, const Shape& shape) {
    const HDF5Addressing addressing = hdf5::file_addressing(at, dataset);  // base: the userblock, as base_address
    hdf5::Handle dcpl(CHUNKARR_H5(at, H5Dget_create_plist, dataset));
    ChunkGeometry geometry;
    geometry.filters = static_cast<unsigned>(CHUNKARR_H5(at, H5Pget_nfilters, dcpl.get()));
    for (std::size_t axis = 0; axis < grid_.size(); ++axis) {
        geometry.shape.push_back(static_cast<std::uint64_t>(shape[axis]));
        geometry.chunk_shape.push_back(static_cast<std::uint64_t>(chunk_shape_[axis]));
    }
    std::string twice;
    const ChunkTreeWalk walk = walk_chunk_btree(
        file, addressing, object_header_address(at, dataset), geometry, chunks_.size(),
        [&](const std::uint64_t* offsets, std::uint32_t filter_mask, std::uint64_t address, std::uint32_t size) {
            if (!record(offsets, StoredChunk{address, size, filter_mask, true}) && twice.empty())
                twice = origin_text(offsets, grid_.size());
        });
    if (walk.outcome == ChunkTreeWalk::Outcome::damaged)
        throw FormatError(at.text() + ": damaged chunk index: " + walk.problem);
    if (walk.outcome == ChunkTreeWalk::Outcome::past_end)  // as a read past the end would be
        throw IOError(at.text() + ": truncated file, or a damaged chunk index: " + walk.problem);
    if (!walk.listed()) return false;
    // (The walk checks the grid and the key order, so this is only a second line of defence.)
    if (!twice.empty())
        throw FormatError(at.text() + ": damaged chunk index: the chunk at " + twice + " is listed twice");
    return true;
}

// The walk read the file's bytes itself: before the index is trusted, HDF5 is asked about chunks
// too, and any disagreement is an error. Two questions (costs measured with HDF5 1.10.8):
//  - H5Dget_chunk_storage_size: is a chunk stored at this place, of how many bytes? HDF5 answers
//    with the search by key that H5Dread itself uses (log n): 0.3-0.7 us per stored chunk,
//    1-2.5 us per empty place. Asked about every place of a grid of up to `lookup_all` places
//    (all 4096: 1-3 ms), else about the first and last place and a seeded random sample of
//    `lookup_sample` places and as many stored chunks.
//  - H5Dget_chunk_info_by_coord: the address and filter mask as well. HDF5 1.10 answers it by
//    going through the entries in key order until it meets the chunk (through all of them for an
//    empty place): about 10 ns per entry passed once HDF5 holds the tree (19 us a call at 4096
//    chunks, 1.3 ms at 100 000; the first call reads the whole tree). Every chunk is quadratic
//    (80 ms at 4096 chunks), so it is asked about every place while places x stored chunks stay
//    within `coord_budget` (every chunk of up to 256, under 1 ms), else about as many of the
//    places above, in that random order, as the budget allows, at least `coord_least` (the first,
//    the last and one drawn at random).
// Why that suffices: the walk has already checked every entry against the format and the
// dataset (key order, origins on the grid, the keys around each node, sizes, no overlaps, all
// inside the file), which is what lets H5Dread's search find each chunk where the walk did. HDF5
// reads the same bytes, so what is left to disagree about is how the walk reads them (address
// widths, userblock, key layout), or a file that changed under us: a misreading shows in every
// entry, or every entry of one kind, which a sample finds. What neither can see is damage that
// leaves the tree consistent: a chunk address moved to bytes nothing else uses, a filter bit
// flipped, an origin moved to an empty place of the grid that is not the first of its node. HDF5
// reads those the same way; only the decoders (inflate, fletcher32) may notice.
void HDF5ChunkIndex::check_against_hdf5(const Where& at, hid_t dataset, std::uint64_t base_address) const {
    const std::size_t places = chunks_.size();
    std::vector<std::size_t> stored;
    for (std::size_t flat = 0; flat < places; ++flat)
        if (chunks_[flat].allocated) stored.push_back(flat);

    // The first and last place, then the others in random order, or a sample: a stored chunk and
    // any place by turns.
    std::mt19937_64 random(0x636b6172 ^ places);  // seeded: the same places on every run
    std::vector<std::size_t> checked;
    if (places <= lookup_all) {
        checked.resize(places);
        for (std::size_t flat = 0; flat < places; ++flat) checked[flat] = flat;
        if (places > 2) {
            std::swap(checked[1], checked[places - 1]);
            std::shuffle(checked.begin() + 2, checked.end(), random);
        }
    } else {
        checked = {0, places - 1};
        for (std::size_t i = 0; i < lookup_sample; ++i) {
            if (!stored.empty()) checked.push_back(stored[static_cast<std::size_t>(random() % stored.size())]);
            checked.push_back(static_cast<std::size_t>(random() % places));
        }
    }
    const std::size_t by_coord =
        std::min(checked.size(), std::max(coord_least, coord_budget / std::max<std::size_t>(stored.size(), 1)));

    const auto disagree = [&](std::size_t flat, const std::string& what) {
        throw FormatError(at.text() + ": chunk index entry for the chunk at " +
                          origin_text(chunk_origin(grid_, chunk_shape_, flat).data(), grid_.size()) +
                          " disagrees with HDF5 (" + what + "): the file is damaged, or being written");
    };
    const auto cannot_ask = [&](const auto& tried) {
        throw IOError(at.text() + ": cannot check the chunk index against HDF5: " + tried.what());
    };
    for (std::size_t i = 0; i < checked.size(); ++i) {
        const std::size_t flat = checked[i];
        const StoredChunk& mine = chunks_[flat];
        const std::vector<hsize_t> offset = chunk_origin(grid_, chunk_shape_, flat);
        hsize_t size = 0;
        const auto looked_up = CHUNKARR_H5_TRY(H5Dget_chunk_storage_size, dataset, offset.data(), &size);
        // HDF5 1.10 reports a place with no chunk as an error; later versions as size 0.
        if (!looked_up.ok() && looked_up.detail.find("not allocated") == std::string::npos) cannot_ask(looked_up);
        if (!looked_up.ok()) size = 0;
        if (mine.allocated != (size != 0))
            disagree(flat, mine.allocated ? std::to_string(mine.size) + " bytes vs no chunk"
                                          : "no chunk vs " + std::to_string(size) + " bytes");
        if (mine.allocated && mine.size != size)
            disagree(flat, "stored size " + std::to_string(mine.size) + " vs " + std::to_string(size));
        if (i >= by_coord) continue;

        unsigned filter_mask = 0;
        haddr_t address = HADDR_UNDEF;
        const auto listed =
            CHUNKARR_H5_TRY(H5Dget_chunk_info_by_coord, dataset, offset.data(), &filter_mask, &address, &size);
        if (!listed.ok()) cannot_ask(listed);
        if (mine.allocated != (address != HADDR_UNDEF))
            disagree(flat, mine.allocated
                               ? "address " + std::to_string(mine.address - base_address) + " vs no chunk"
                               : "no chunk vs address " + std::to_string(static_cast<std::uint64_t>(address)));
        if (!mine.allocated) continue;
        if (mine.address != static_cast<std::uint64_t>(address) + base_address)
            disagree(flat, "address " + std::to_string(mine.address - base_address) + " vs " +
                               std::to_string(static_cast<std::uint64_t>(address)));
        if (mine.size != size)
            disagree(flat, "stored size " + std::to_string(mine.size) + " vs " + std::to_string(size));
        if (mine.filter_mask != filter_mask)
            disagree(flat, "filter mask " + std::to_string(mine.filter_mask) + " vs " + std::to_string(filter_mask));
    }
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
