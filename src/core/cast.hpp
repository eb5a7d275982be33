#pragma once
// Converting elements between dtypes (NumPy astype: C casts, except that anything -> bool is
// "!= 0", so NaN -> true). Core: NDArray::astype and every layer above convert with it.
#include <chunkarr/core/dtype.hpp>
#include <chunkarr/core/shape.hpp>

#include <cstddef>

namespace chunkarr {

void cast_elements(const std::byte* in, DType from, std::byte* out, DType to, Index count);

}  // namespace chunkarr
