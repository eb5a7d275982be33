#pragma once
// IEEE 754 half precision (NumPy's float16), which chunkarr reads widened to float32: every
// float16 value, infinities and NaN payloads included, is exactly a float32 value.
#include <chunkarr/core/shape.hpp>

#include <cstddef>
#include <cstdint>

namespace chunkarr::kernels {

// The float32 of the float16 with bits `half` (as NumPy's float16.astype(float32) gives it).
float half_to_float(std::uint16_t half);

// `value` rounded to the nearest float16 (ties to even; beyond the largest, infinity), widened
// back: what NumPy's np.float16(value) holds.
double round_to_half(double value);

// `count` float16 values (native byte order) at `in` as float32 values at `out`.
void widen_half_floats(const std::byte* in, Index count, std::byte* out);

}  // namespace chunkarr::kernels
