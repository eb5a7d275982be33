#pragma once
// Moving boxes of elements between C-ordered arrays.
#include <chunkarr/core/shape.hpp>

#include <cstddef>
#include <functional>
#include <vector>

namespace chunkarr::kernels {

// Copies a box of `count` elements per axis from `src` (shape `src_shape`, box starting at
// `src_start`) to `dst` (shape `dst_shape`, box starting at `dst_start`).
void copy_box(const std::byte* src, const Shape& src_shape, const std::vector<Index>& src_start, std::byte* dst,
              const Shape& dst_shape, const std::vector<Index>& dst_start, const Shape& count, std::size_t item);

// Copies `region` of the array at `src` (shape `shape`, element size `item`) into dense `dst`.
void copy_region(const std::byte* src, const Shape& shape, std::size_t item, const Region& region, std::byte* dst);
// Copies dense `src` into `region` of the array at `dst` (shape `shape`).
void paste_region(const std::byte* src, std::byte* dst, const Shape& shape, std::size_t item, const Region& region);

// dst[i0, i1, ...] = src[index[0][i0], index[1][i1], ...] (src of shape `src_shape`, dst of
// shape (index[0].size(), ...)); an index of -1 writes `fill` (one element of `item` bytes).
void gather_indexed(const std::byte* src, const Shape& src_shape, const std::vector<std::vector<Index>>& index,
                    std::byte* dst, std::size_t item, const std::byte* fill);

// The part of one stored chunk that a region covers: the chunk's grid index, where the part
// starts in the chunk and in the region, its extent, and whether it is the chunk's whole box
// and the whole region (then the chunk can be decoded straight into the region's buffer).
struct ChunkPart {
    std::vector<Index> chunk;
    std::vector<Index> src_start, dst_start;
    Shape count;
    bool whole = true;
};
// Calls `visit` for every chunk of a regular grid of `chunk_shape` that `region` touches, in C
// order of the chunk indices. The region must not be empty.
void for_each_chunk_part(const Region& region, const Shape& chunk_shape,
                         const std::function<void(const ChunkPart&)>& visit);

// Reverses the byte order of `count` elements of `item` bytes, in place.
void swap_bytes(std::byte* data, Index count, std::size_t item);

}  // namespace chunkarr::kernels
