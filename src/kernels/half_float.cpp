#include "kernels/half_float.hpp"

#include <bit>
#include <cmath>
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

double round_to_half(double value) {
    if (std::isnan(value)) return value;
    const double magnitude = std::fabs(value);
    // Half-way between the largest float16 (65504) and the next step (65536) rounds up, to infinity.
    if (magnitude >= 65520.0) return std::copysign(INFINITY, value);
    // Positive float16 bit patterns increase with their values: the last one not above `magnitude`.
    std::uint16_t below = 0, above = 0x7bff;
    while (below < above) {
        const auto middle = static_cast<std::uint16_t>((below + above + 1) / 2);
        if (half_to_float(middle) <= magnitude) below = middle;
        else above = static_cast<std::uint16_t>(middle - 1);
    }
    std::uint16_t nearest = below;
    if (below < 0x7bff) {
        const double low = half_to_float(below), high = half_to_float(static_cast<std::uint16_t>(below + 1));
        if (high - magnitude < magnitude - low || (high - magnitude == magnitude - low && (below & 1)))
            nearest = static_cast<std::uint16_t>(below + 1);
    }
    return std::copysign(static_cast<double>(half_to_float(nearest)), value);
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
