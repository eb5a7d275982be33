#pragma once
// Moving boxes between a whole C-ordered array and a dense buffer.
#include <chunkarr/core/shape.hpp>

#include <cstddef>

namespace chunkarr::kernels {

// Copies `region` of the array at `src` (shape `shape`, element size `item`) into dense `dst`.
void copy_region(const std::byte* src, const Shape& shape, std::size_t item, const Region& region, std::byte* dst);
// Copies dense `src` into `region` of the array at `dst` (shape `shape`).
void paste_region(const std::byte* src, std::byte* dst, const Shape& shape, std::size_t item, const Region& region);

}  // namespace chunkarr::kernels
