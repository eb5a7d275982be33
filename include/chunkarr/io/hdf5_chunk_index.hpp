#pragma once
// Where every stored chunk of a dataset is in the file: address, stored size and filter mask.
// Built once, under the HDF5 lock, with H5Dchunk_iter where the library has it (HDF5 >= 1.14,
// detected at configure time) and H5Dget_chunk_info_by_coord otherwise — never with the
// by-index H5Dget_chunk_info loop, which is quadratic in the number of chunks.
#include <chunkarr/core/shape.hpp>

#include <cstdint>
#include <vector>

namespace chunkarr {

struct StoredChunk {
    std::uint64_t address = 0;      // file offset, userblock included
    std::uint64_t size = 0;         // stored (filtered) bytes
    unsigned filter_mask = 0;
    bool allocated = false;         // false: reads as the fill value
};

class HDF5ChunkIndex {
public:
    HDF5ChunkIndex() = default;
    // `dataset` is an open hid_t; call with the HDF5 lock held.
    HDF5ChunkIndex(std::int64_t dataset, const Shape& shape, const Shape& chunk_shape, std::uint64_t base_address);

    const StoredChunk& at(const std::vector<Index>& chunk) const;
    const Shape& grid() const { return grid_; }   // chunks per axis
    std::size_t size() const { return chunks_.size(); }

private:
    Shape grid_;
    std::vector<StoredChunk> chunks_;   // C order over the chunk grid
};

}  // namespace chunkarr
