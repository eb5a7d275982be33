#pragma once
// What the chunked file sources (HDF5, NetCDF-4, Zarr) share about their chunk grids: how large
// a task of whole storage chunks grows, and how many chunks a dataset may have before its
// metadata counts as damaged.
#include <chunkarr/core/shape.hpp>

#include <cstddef>
#include <cstdint>

namespace chunkarr {

// Tasks of whole storage chunks grow to about this many bytes (task_chunks).
constexpr std::size_t source_task_bytes = 4 << 20;

// More chunks than this is damaged metadata, not data chunkarr could work through: the chunk
// index alone would take 128 GiB, and the task grid as much (a flipped bit in a dimension makes
// 10^18 elements; building their grid would take minutes before running out of memory).
constexpr std::uint64_t max_chunk_count = std::uint64_t{1} << 32;

// Whether `shape` cut into chunks of `chunk` (every extent positive) makes more than
// max_chunk_count of them.
inline bool too_many_chunks(const Shape& shape, const Shape& chunk) {
    std::uint64_t count = 1;
    for (std::size_t axis = 0; axis < shape.size(); ++axis) {
        const auto along = static_cast<std::uint64_t>(shape[axis] / chunk[axis] + (shape[axis] % chunk[axis] != 0));
        if (along > max_chunk_count || __builtin_mul_overflow(count, along, &count) || count > max_chunk_count)
            return true;
    }
    return false;
}

}  // namespace chunkarr
