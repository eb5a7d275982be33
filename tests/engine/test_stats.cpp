#include <chunkarr/chunkarr.hpp>

#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <cmath>

using namespace chunkarr;

TEST_CASE("statistics skip NaN and CF-masked values in one pass", "[exec][stats]") {
    test_support::TempFile file("stats.h5");
    std::vector<float> data{1.5f, NAN, -999.0f, 4.0f, 2.5f, 1e30f, -3.0f, 0.0f};
    test_support::DatasetSpec spec{{2, 4}, std::vector<hsize_t>{1, 3}};
    test_support::write_dataset(file.path(), "/v", H5T_NATIVE_FLOAT, data.data(), spec, true);
    test_support::write_attribute(file.path(), "/v", "_FillValue", {-999.0}, H5T_NATIVE_FLOAT);
    test_support::write_attribute(file.path(), "/v", "valid_max", {1e20}, H5T_NATIVE_FLOAT);
    const Statistics s = statistics(open(file.path(), "/v"));
    // Valid: 1.5 4 2.5 -3 0
    CHECK(s.count.value_as_int64(0) == 5);
    CHECK(s.missing.value_as_int64(0) == 3);
    CHECK(s.min.value_as_double(0) == -3.0);
    CHECK(s.max.value_as_double(0) == 4.0);
    CHECK(s.sum.value_as_double(0) == Approx(5.0));
    CHECK(s.mean.value_as_double(0) == Approx(1.0));
    const double var = (0.25 + 9 + 2.25 + 16 + 1) / 5;
    CHECK(s.std.value_as_double(0) == Approx(std::sqrt(var)));
    CHECK(s.mean.dtype() == DType::Float64);
}

TEST_CASE("statistics along an axis mark all-missing cells as NaN", "[exec][stats]") {
    NDArray a(DType::Float64, {3, 2});
    const double values[] = {1, NAN, 3, NAN, 5, NAN};
    std::copy(values, values + 6, a.data_as<double>());
    const Statistics s = statistics(from_ndarray(a, {2, 1}), {0});
    CHECK(s.count.shape() == Shape{2});
    CHECK(s.count.value_as_int64(0) == 3);
    CHECK(s.count.value_as_int64(1) == 0);
    CHECK(s.missing.value_as_int64(1) == 3);
    CHECK(s.mean.value_as_double(0) == 3.0);
    CHECK(std::isnan(s.mean.value_as_double(1)));
    CHECK(std::isnan(s.min.value_as_double(1)));
}

TEST_CASE("integer statistics are exact", "[exec][stats]") {
    NDArray a(DType::Int64, {3});
    const std::int64_t values[] = {(std::int64_t{1} << 61) + 1, 5, -7};
    std::copy(values, values + 3, a.data_as<std::int64_t>());
    const Statistics s = statistics(from_ndarray(a));
    CHECK(s.sum.dtype() == DType::Int64);
    CHECK(s.sum.value_as_int64(0) == (std::int64_t{1} << 61) - 1);
    CHECK(s.max_exact.value_as_int64(0) == (std::int64_t{1} << 61) + 1);
    CHECK(s.min_exact.value_as_int64(0) == -7);
}
