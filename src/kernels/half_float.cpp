#include "kernels/half_float.hpp"

#include <bit>
#include <cstring>

namespace chunkarr::kernels {

float half_to_float(std::uint16_t half) {
    const std::uint32_t sign = static_cast<std::uint32_t>(half & 0x8000u) << 16;
    const std::uint32_t exponent = (half >> 10) & 0x1fu;
    const std::uint32_t mantissa = half & 0x3ffu;
    if (exponent == 0) {
        // Zero and subnormals: mantissa * 2^-24, exact in float32 (a float32 normal number).
        const float magnitude = static_cast<float>(mantissa) * 0x1p-24f;
        return sign ? -magnitude : magnitude;
    }
    // Infinities and NaN keep their payload bits; normal numbers re-bias the exponent (15 -> 127).
    const std::uint32_t exponent32 = exponent == 0x1fu ? 0xffu : exponent + (127 - 15);
    return std::bit_cast<float>(sign | (exponent32 << 23) | (mantissa << 13));
}

void widen_half_floats(const std::byte* in, Index count, std::byte* out) {
    for (Index i = 0; i < count; ++i) {
        std::uint16_t half;
        std::memcpy(&half, in + 2 * i, 2);
        const float value = half_to_float(half);
        std::memcpy(out + 4 * i, &value, 4);
    }
}

}  // namespace chunkarr::kernels
