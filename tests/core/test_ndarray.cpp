#include <chunkarr/core/ndarray_xtensor.hpp>

#include "support/catch.hpp"

using namespace chunkarr;

TEST_CASE("NDArray converts to xtensor and between dtypes", "[ndarray]") {
    NDArray a(DType::Int16, {2, 3});
    for (int i = 0; i < 6; ++i) a.data_as<std::int16_t>()[i] = static_cast<std::int16_t>(i * 1000 - 2500);
    const xt::xarray<double> d = a;
    REQUIRE(d.shape().size() == 2);
    CHECK(d(1, 2) == 2500.0);
    CHECK(d(0, 0) == -2500.0);
    const NDArray b = a.astype(DType::Bool);
    CHECK(b.value_as_int64(0) == 1);
    NDArray nan(DType::Float64, {1});
    nan.data_as<double>()[0] = std::nan("");
    CHECK(nan.astype(DType::Bool).value_as_int64(0) == 1);  // NumPy: bool(nan) is True
    CHECK(a.value_as_double(5) == 2500.0);
    const NDArray scalar(DType::Float32, {});
    CHECK(scalar.size() == 1);
    CHECK(scalar.nbytes() == 4);
}
