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

TEST_CASE("values round to the nearest float16, ties to even", "[kernels][half_float]") {
    CHECK(kernels::round_to_half(0.1) == 0.0999755859375);  // NumPy: float(np.float16(0.1))
    CHECK(kernels::round_to_half(-9999.0) == -10000.0);
    CHECK(kernels::round_to_half(65519.0) == 65504.0);
    CHECK(kernels::round_to_half(65520.0) == INFINITY);  // half-way to 65536: even is infinity
    CHECK(kernels::round_to_half(-1e300) == -INFINITY);
    CHECK(kernels::round_to_half(2049.0) == 2048.0);             // tie between 2048 and 2050: 2048 (even)
    CHECK(kernels::round_to_half(2051.0) == 2052.0);             // tie between 2050 and 2052: 2052 (even)
    CHECK(kernels::round_to_half(std::ldexp(1.0, -25)) == 0.0);  // tie with 0: 0
    CHECK(kernels::round_to_half(std::ldexp(1.5, -25)) == std::ldexp(1.0, -24));  // above it
    CHECK(std::signbit(kernels::round_to_half(-0.0)));
    CHECK(std::isnan(kernels::round_to_half(NAN)));
    // Every float16 value is its own rounding, and the midpoints of neighbours go to the even one.
    for (std::uint32_t bits = 0; bits < 0x7bff; ++bits) {
        const double value = kernels::half_to_float(static_cast<std::uint16_t>(bits));
        const double next = kernels::half_to_float(static_cast<std::uint16_t>(bits + 1));
        REQUIRE(kernels::round_to_half(value) == value);
        REQUIRE(kernels::round_to_half(-value) == -value);
        REQUIRE(kernels::round_to_half((value + next) / 2) == ((bits & 1) ? next : value));
        REQUIRE(kernels::round_to_half(std::nextafter((value + next) / 2, 0.0)) == value);
        REQUIRE(kernels::round_to_half(std::nextafter((value + next) / 2, INFINITY)) == next);
    }
}
