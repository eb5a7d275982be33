#pragma once
// Shapes, regions and chunk grids. A chunk grid follows Dask's model: for every axis, the list
// of chunk lengths along it (the last one may be shorter: a partial edge chunk).
#include <cstdint>
#include <string>
#include <vector>

namespace chunkarr {

using Index = std::int64_t;
using Shape = std::vector<Index>;

Index element_count(const Shape& shape);
std::string shape_to_string(const Shape& shape);  // "(3, 4)"; "()" for 0-d

// A half-open range [start, stop) on one axis.
struct Range {
    Index start = 0;
    Index stop = 0;
    Index size() const { return stop - start; }
    bool operator==(const Range&) const = default;
};

// A box inside an array: one Range per axis.
using Region = std::vector<Range>;
Shape region_shape(const Region& region);
Region full_region(const Shape& shape);

class ChunkGrid {
public:
    ChunkGrid() = default;
    explicit ChunkGrid(std::vector<std::vector<Index>> chunks);
    // Regular chunks of `chunk_shape` with partial chunks at the edges. A zero-length axis gets
    // one empty chunk, as in Dask.
    static ChunkGrid regular(const Shape& shape, const Shape& chunk_shape);

    std::size_t ndim() const { return chunks_.size(); }
    const std::vector<std::vector<Index>>& chunks() const { return chunks_; }
    const std::vector<Index>& chunks(std::size_t axis) const { return chunks_[axis]; }
    Shape shape() const;
    Shape numblocks() const;
    Index block_count() const;
    // The region of block `block` (one block index per axis).
    Region block_region(const std::vector<Index>& block) const;
    // Block index of the flat (C-order) block number.
    std::vector<Index> unravel(Index flat) const;
    // Start offset of block i along `axis`.
    Index offset(std::size_t axis, Index i) const { return offsets_[axis][i]; }
    // The largest block, in elements.
    Index max_block_elements() const;
    std::string to_string() const;  // "((2, 2, 1), (3,))"
    bool operator==(const ChunkGrid& other) const { return chunks_ == other.chunks_; }

private:
    std::vector<std::vector<Index>> chunks_;
    std::vector<std::vector<Index>> offsets_;  // cumulative starts, one more than chunks
};

// Normalises user axes (negative allowed) against `ndim`; empty means all axes. Sorted; ValueError
// for an axis out of range or repeated.
std::vector<int> normalize_axes(const std::vector<int>& axes, std::size_t ndim);

// NumPy broadcasting of two shapes; throws ValueError naming both when they do not broadcast.
Shape broadcast_shapes(const Shape& a, const Shape& b);

// The coarsest grid whose boundaries include the boundaries of both (same shape).
ChunkGrid common_refinement(const ChunkGrid& a, const ChunkGrid& b);

// Task chunks for a source: whole storage chunks, grouped along the leading axes until a task
// holds about `target_bytes` (never more than one storage chunk when that alone is larger).
ChunkGrid task_chunks(const Shape& shape, const Shape& storage_chunk, std::size_t itemsize, std::size_t target_bytes);

}  // namespace chunkarr
