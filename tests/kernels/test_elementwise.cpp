#include "kernels/elementwise.hpp"
#include "support/catch.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

using namespace chunkarr;

TEST_CASE("binary kernel broadcasts rows and columns", "[kernels]") {
    std::vector<double> column{1, 2, 3};      // (3, 1)
    std::vector<double> row{10, 20, 30, 40};  // (1, 4)
    std::vector<double> out(12);
    kernels::binary(
        BinaryOp::Add, {DType::Float64, DType::Float64}, {reinterpret_cast<std::byte*>(column.data()), {3, 1}},
        {reinterpret_cast<std::byte*>(row.data()), {1, 4}}, reinterpret_cast<std::byte*>(out.data()), {3, 4});
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 4; ++j) REQUIRE(out[i * 4 + j] == column[i] + row[j]);
}

TEST_CASE("maximum propagates NaN like numpy.maximum", "[kernels]") {
    std::vector<double> a{1, NAN, 3}, b{2, 2, NAN}, out(3);
    kernels::binary(BinaryOp::Maximum, {DType::Float64, DType::Float64}, {reinterpret_cast<std::byte*>(a.data()), {3}},
                    {reinterpret_cast<std::byte*>(b.data()), {3}}, reinterpret_cast<std::byte*>(out.data()), {3});
    CHECK(out[0] == 2);
    CHECK(std::isnan(out[1]));
    CHECK(std::isnan(out[2]));
}

TEST_CASE("CF decoding masks fill, missing and out-of-range values, then unpacks", "[kernels]") {
    CFDecoding cf;
    cf.missing_values = {-32768, -999};
    cf.valid_min = -500;
    cf.valid_max = 30000;
    cf.scale_factor = 0.01;
    cf.add_offset = 273.15;
    std::vector<std::int16_t> raw{-32768, -999, -501, 0, 1000, 30001};
    std::vector<double> out(raw.size());
    kernels::decode_cf(cf, DType::Int16, reinterpret_cast<std::byte*>(raw.data()),
                       reinterpret_cast<std::byte*>(out.data()), static_cast<Index>(raw.size()));
    CHECK(std::isnan(out[0]));
    CHECK(std::isnan(out[1]));
    CHECK(std::isnan(out[2]));
    CHECK(out[3] == Approx(273.15));
    CHECK(out[4] == Approx(283.15));
    CHECK(std::isnan(out[5]));
}

namespace {
template <class T> std::vector<T> apply(BinaryOp op, DType dtype, std::vector<T> a, std::vector<T> b) {
    std::vector<T> out(a.size());
    const Shape shape{static_cast<Index>(a.size())};
    kernels::binary(op, {dtype, dtype}, {reinterpret_cast<std::byte*>(a.data()), shape},
                    {reinterpret_cast<std::byte*>(b.data()), shape}, reinterpret_cast<std::byte*>(out.data()), shape);
    return out;
}
}  // namespace

TEST_CASE("floor division and remainder follow Python's signs; integer division by zero gives 0", "[kernels]") {
    using V = std::vector<std::int8_t>;
    const V a{7, -7, 7, -7, 5, -128, -128}, b{2, 2, -2, -2, 0, -1, 3};
    CHECK(apply(BinaryOp::FloorDivide, DType::Int8, a, b) == V{3, -4, -4, 3, 0, -128, -43});
    CHECK(apply(BinaryOp::Remainder, DType::Int8, a, b) == V{1, 1, -1, -1, 0, 0, 1});
    CHECK(apply(BinaryOp::Fmod, DType::Int8, a, b) == V{1, -1, 1, -1, 0, 0, -2});
    const std::vector<double> x{7.5, -7.5, 1.0, -0.0}, y{2.0, 2.0, 0.0, 3.0};
    const auto r = apply(BinaryOp::Remainder, DType::Float64, x, y);
    CHECK(r[0] == 1.5);
    CHECK(r[1] == 0.5);
    CHECK(std::isnan(r[2]));
    CHECK(!std::signbit(r[3]));  // the divisor's sign
    const auto q = apply(BinaryOp::FloorDivide, DType::Float64, x, y);
    CHECK(q[0] == 3.0);
    CHECK(q[1] == -4.0);
    CHECK(std::isinf(q[2]));
}

TEST_CASE("shifts past the width give 0 (or -1 for negative numbers shifted right)", "[kernels]") {
    using V = std::vector<std::int16_t>;
    CHECK(apply(BinaryOp::LeftShift, DType::Int16, V{1, 1, -1, 3}, V{3, 16, 15, -1}) == V{8, 0, -32768, 0});
    CHECK(apply(BinaryOp::RightShift, DType::Int16, V{-8, -8, 8, 8}, V{1, 40, 40, 2}) == V{-4, -1, 0, 2});
}

namespace {
// decode_cf against the CF rules applied one value at a time: missing if NaN, outside the valid
// range or equal to a missing value; else unpacked in R (two roundings, as NumPy does).
template <class T, class R> void check_decode(CFDecoding cf, const std::vector<T>& stored) {
    cf.result = dtype_of<R>::value;
    std::vector<R> out(stored.size());
    kernels::decode_cf(cf, dtype_of<T>::value, reinterpret_cast<const std::byte*>(stored.data()),
                       reinterpret_cast<std::byte*>(out.data()), static_cast<Index>(stored.size()));
    for (std::size_t i = 0; i < stored.size(); ++i) {
        const auto s = static_cast<long double>(stored[i]);
        bool missing = s != s || (cf.valid_min && s < *cf.valid_min) || (cf.valid_max && s > *cf.valid_max);
        for (long double m : cf.missing_values) missing = missing || s == m;
        const bool unpack = cf.scale_factor != 1.0 || cf.add_offset != 0.0;
        const R product = static_cast<R>(stored[i]) * static_cast<R>(cf.scale_factor);
        const R expected = unpack ? static_cast<R>(product + static_cast<R>(cf.add_offset)) : static_cast<R>(stored[i]);
        if (missing) CHECK(std::isnan(out[i]));
        else CHECK(std::memcmp(&out[i], &expected, sizeof(R)) == 0);
    }
}
}  // namespace

TEST_CASE("CF decoding of every value class, with 0 to 3 missing values, matches the rules", "[kernels][cf]") {
    std::vector<std::int16_t> packed;
    for (int v = -32768; v <= 32767; v += 97) packed.push_back(static_cast<std::int16_t>(v));
    packed.insert(packed.end(), {-32768, 32767, -32767, -999, 0, 7});
    std::vector<float> floats{-1.0f, 2.5f, NAN, INFINITY, -INFINITY, -999.0f, 1e30f, -3.25f, 0.0f};
    for (std::size_t missing = 0; missing <= 3; ++missing) {
        for (bool range : {false, true}) {
            CFDecoding cf;
            const long double candidates[] = {-32767, -999, 7};
            cf.missing_values.assign(candidates, candidates + missing);
            if (range) cf.valid_min = -30000, cf.valid_max = 30000;
            for (bool unpack : {false, true}) {
                cf.scale_factor = unpack ? 0.0015 : 1.0;
                cf.add_offset = unpack ? 260.0 : 0.0;
                check_decode<std::int16_t, double>(cf, packed);
                check_decode<std::int16_t, float>(cf, packed);
                check_decode<float, float>(cf, floats);
                check_decode<float, double>(cf, floats);
            }
        }
    }
}
