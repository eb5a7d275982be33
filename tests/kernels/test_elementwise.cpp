#include "kernels/elementwise.hpp"
#include "support/catch.hpp"

#include <cmath>
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
