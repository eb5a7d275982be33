#pragma once
// Where every stored chunk of a dataset is in the file: address, stored size and filter mask.
// Built once, under the HDF5 lock, with H5Dchunk_iter where the library has it (HDF5 >= 1.14,
// detected at configure time). Without it (Debian's 1.10) H5Dget_chunk_info_by_coord walks all
// chunks on every call, so the index comes from walking the chunk B-tree in the file ourselves
// (linear, every field checked; then checked against HDF5: all chunks of a small index, a sample
// of a large one), and by_coord is used only for small datasets whose index is of another type.
// Never the quadratic by-index loop. A damaged index is a FormatError, never a quiet fallback.
#include <chunkarr/core/shape.hpp>

#include "io/hdf5/library.hpp"
#include "io/raw_file.hpp"

#include <cstdint>
#include <memory>
#include <vector>

namespace chunkarr {

struct StoredChunk {
    std::uint64_t address = 0;  // file offset, userblock included
    std::uint64_t size = 0;     // stored (filtered) bytes
    unsigned filter_mask = 0;
    bool allocated = false;  // false: reads as the fill value
};

class HDF5ChunkIndex {
public:
    // The index of `dataset` (`at` names it; takes the HDF5 lock), or nullptr when no listing
    // is both available and fast for it (then look chunks up one at a time). FormatError when
    // the chunk B-tree is damaged or disagrees with HDF5.
    static std::unique_ptr<HDF5ChunkIndex> build(const Where& at, hid_t dataset, const RawFile& file,
                                                 const Shape& shape, const Shape& chunk_shape,
                                                 std::uint64_t base_address);
    // Datasets with at most this many chunks may be listed with H5Dget_chunk_info_by_coord.
    static constexpr std::size_t max_chunks_by_coord = 2048;
    // How much of a walked index is checked against HDF5 (see check_against_hdf5).
    static constexpr std::size_t lookup_all = 4096;
    static constexpr std::size_t lookup_sample = 256;
    static constexpr std::size_t coord_budget = std::size_t{1} << 16;
    static constexpr std::size_t coord_least = 3;

    const StoredChunk& at(const std::vector<Index>& chunk) const;
    const Shape& grid() const { return grid_; }  // chunks per axis
    std::size_t size() const { return chunks_.size(); }

private:
    HDF5ChunkIndex(const Shape& shape, const Shape& chunk_shape);
    // Records the chunk whose first element is at `offsets`; false if that is not a chunk origin
    // or the chunk is recorded already.
    bool record(const std::uint64_t* offsets, const StoredChunk& chunk);
    bool list_with_chunk_iter(const Where& at, hid_t dataset, std::uint64_t base_address);
    bool list_from_btree(const Where& at, hid_t dataset, const RawFile& file, const Shape& shape);
    void check_against_hdf5(const Where& at, hid_t dataset, std::uint64_t base_address) const;
    void list_by_coord(const Where& at, hid_t dataset, std::uint64_t base_address);

    Shape chunk_shape_;
    Shape grid_;
    std::vector<StoredChunk> chunks_;  // C order over the chunk grid
};

}  // namespace chunkarr
