#include "kernels/half_float.hpp"
#include "support/catch.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <vector>

using namespace chunkarr;

TEST_CASE("float16 values widen to float32 exactly", "[kernels][half_float]") {
    CHECK(kernels::half_to_float(0x3c00) == 1.0f);
    CHECK(kernels::half_to_float(0xc000) == -2.0f);
    CHECK(kernels::half_to_float(0x7bff) == 65504.0f);               // the largest float16
    CHECK(kernels::half_to_float(0x0001) == std::ldexp(1.0f, -24));  // the smallest subnormal
    CHECK(kernels::half_to_float(0x03ff) == 1023 * std::ldexp(1.0f, -24));
    CHECK(kernels::half_to_float(0x0400) == std::ldexp(1.0f, -14));  // the smallest normal
    CHECK(std::signbit(kernels::half_to_float(0x8000)));
    CHECK(kernels::half_to_float(0x8000) == 0.0f);
    CHECK(kernels::half_to_float(0x7c00) == INFINITY);
    CHECK(kernels::half_to_float(0xfc00) == -INFINITY);
    CHECK(std::isnan(kernels::half_to_float(0x7e00)));
    CHECK(std::bit_cast<std::uint32_t>(kernels::half_to_float(0x7e01)) == 0x7fc02000u);  // payload kept

    // Every finite bit pattern against its value computed from the fields in double.
    for (std::uint32_t bits = 0; bits < 0x10000; ++bits) {
        const int exponent = static_cast<int>((bits >> 10) & 0x1f), mantissa = static_cast<int>(bits & 0x3ff);
        if (exponent == 0x1f) continue;
        double value = exponent == 0 ? std::ldexp(mantissa, -24) : std::ldexp(1024 + mantissa, exponent - 25);
        if (bits & 0x8000) value = -value;
        REQUIRE(static_cast<double>(kernels::half_to_float(static_cast<std::uint16_t>(bits))) == value);
    }
}

TEST_CASE("a buffer of float16 values widens value by value", "[kernels][half_float]") {
    const std::uint16_t halves[] = {0x3c00, 0x3800, 0xbc00, 0x7c00};
    std::vector<std::byte> out(4 * sizeof(float));
    kernels::widen_half_floats(reinterpret_cast<const std::byte*>(halves), 4, out.data());
    float values[4];
    std::memcpy(values, out.data(), sizeof values);
    CHECK(values[0] == 1.0f);
    CHECK(values[1] == 0.5f);
    CHECK(values[2] == -1.0f);
    CHECK(values[3] == INFINITY);
}
