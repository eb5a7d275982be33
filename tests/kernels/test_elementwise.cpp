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
