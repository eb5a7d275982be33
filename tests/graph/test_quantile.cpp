#include <chunkarr/chunkarr.hpp>

#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <algorithm>
#include <cmath>
#include <random>

using namespace chunkarr;

namespace {

// NumPy's quantile (method='linear') of one lane, straight from a sort.
double reference(std::vector<double> lane, double q) {
    std::sort(lane.begin(), lane.end());
    const auto n = static_cast<std::int64_t>(lane.size());
    const double v = static_cast<double>(n - 1) * q;
    std::int64_t previous = n - 1, next = n - 1;
    double gamma = v + 1.0;
    if (v < static_cast<double>(n - 1)) {
        previous = static_cast<std::int64_t>(std::floor(v));
        next = previous + 1;
        gamma = v - static_cast<double>(previous);
    }
    const double a = lane[static_cast<std::size_t>(previous)], b = lane[static_cast<std::size_t>(next)];
    const double d = b - a;
    return gamma >= 0.5 ? b - d * (1.0 - gamma) : a + d * gamma;
}

}  // namespace

TEST_CASE("quantile over all axes matches a sort, for any chunking and thread count", "[graph][quantile]") {
    std::mt19937_64 random(7);
    std::uniform_int_distribution<int> small(-50, 50);  // many duplicates
    xt::xarray<double> data = xt::zeros<double>({13, 7, 5});
    std::vector<double> all;
    for (auto& v : data) all.push_back(v = small(random) * 0.25);
    for (const Shape& chunks : {Shape{13, 7, 5}, Shape{4, 3, 2}, Shape{1, 7, 1}}) {
        const Array x = from_xtensor(data, chunks);
        for (double q : {0.0, 0.1, 0.5, 0.73, 1.0}) {
            ComputeOptions one, many;
            one.threads = 1;
            many.threads = 4;
            const double expected = reference(all, q);
            CHECK(quantile(x, q).compute(one).value_as_double(0) == expected);
            CHECK(quantile(x, q).compute(many).value_as_double(0) == expected);
        }
    }
}

TEST_CASE("quantile along axes, with q lists and keepdims", "[graph][quantile]") {
    std::mt19937_64 random(3);
    std::normal_distribution<double> normal;
    xt::xarray<double> data = xt::zeros<double>({6, 9, 4});
    for (auto& v : data) v = normal(random);
    const Array x = from_xtensor(data, {4, 2, 3});
    const std::vector<double> qs = {0.0, 0.25, 0.5, 0.61, 0.9, 0.97};
    const NDArray along1 = quantile(x, qs, {1}, true).compute();
    REQUIRE(along1.shape() == Shape{6, 6, 1, 4});
    const NDArray along02 = quantile(x, qs, {0, -1}).compute();
    REQUIRE(along02.shape() == Shape{6, 9});
    for (std::size_t k = 0; k < qs.size(); ++k) {
        for (std::size_t i = 0; i < 6; ++i)
            for (std::size_t l = 0; l < 4; ++l) {
                std::vector<double> lane;
                for (std::size_t j = 0; j < 9; ++j) lane.push_back(data(i, j, l));
                CHECK(along1.value_as_double(static_cast<Index>((k * 6 + i) * 4 + l)) == reference(lane, qs[k]));
            }
        for (std::size_t j = 0; j < 9; ++j) {
            std::vector<double> lane;
            for (std::size_t i = 0; i < 6; ++i)
                for (std::size_t l = 0; l < 4; ++l) lane.push_back(data(i, j, l));
            CHECK(along02.value_as_double(static_cast<Index>(k * 9 + j)) == reference(lane, qs[k]));
        }
    }
}

TEST_CASE("quantile selects int64 values beyond 2^53 exactly", "[graph][quantile]") {
    const std::int64_t big = (std::int64_t{1} << 60) + 1;
    xt::xarray<std::int64_t> data = {big + 6, big + 2, big, big + 4, big + 8, -big, big + 2};
    const Array x = from_xtensor(data, {2});
    // Exact mode (NumPy's integer q): the order statistic itself, as int64.
    const NDArray extremes = quantile(x, {0.0, 1.0}, Shape{2}, {}, false, false, QuantileMode::Exact).compute();
    CHECK(extremes.dtype() == DType::Int64);
    CHECK(extremes.data_as<std::int64_t>()[0] == -big);
    CHECK(extremes.data_as<std::int64_t>()[1] == big + 8);
    // q = 0.5 of 7 values: the 4th smallest, with gamma 0: float64 of exactly that value.
    CHECK(quantile(x, 0.5).compute().value_as_double(0) == static_cast<double>(big + 2));
    CHECK(median(x).compute().value_as_double(0) == static_cast<double>(big + 2));
}

TEST_CASE("quantile and median with NaN: propagated, or skipped by the nan-variants", "[graph][quantile]") {
    const double nan = std::nan("");
    xt::xarray<double> data = {{1.0, nan, 3.0, 2.0}, {nan, nan, nan, nan}, {4.0, 1.0, 2.0, 3.0}};
    const Array x = from_xtensor(data, {2, 3});
    const NDArray plain = quantile(x, 0.5, {1}).compute();
    CHECK(std::isnan(plain.value_as_double(0)));
    CHECK(std::isnan(plain.value_as_double(1)));
    CHECK(plain.value_as_double(2) == 2.5);
    const NDArray skipping = quantile(x, 0.5, {1}, false, true).compute();
    CHECK(skipping.value_as_double(0) == 2.0);
    CHECK(std::isnan(skipping.value_as_double(1)));
    CHECK(median(x, {1}, false, true).compute().value_as_double(2) == 2.5);
    const NDArray f32 = median(x.astype(DType::Float32), {1}, false, true).compute();
    CHECK(f32.dtype() == DType::Float32);
}

TEST_CASE("quantile rejects q outside [0, 1] and percentile p outside [0, 100]", "[graph][quantile]") {
    const Array x = arange(0, 10, 1, DType::Float64, 3);
    CHECK_THROWS_AS(quantile(x, 1.5), ValueError);
    CHECK_THROWS_AS(quantile(x, std::nan("")), ValueError);
    CHECK_THROWS_AS(percentile(x, -1.0), ValueError);
    CHECK(percentile(x, 50.0).compute().value_as_double(0) == 4.5);
    CHECK(percentile(x, std::vector<double>{0.0, 100.0}).compute().value_as_double(1) == 9.0);
    CHECK_THROWS_AS(quantile(x, 0.5, {2}), ValueError);
}

TEST_CASE("quantile of a file larger than the memory budget stays within it", "[graph][quantile][memory]") {
    test_support::TempFile file("quantile_budget.h5");
    const std::size_t rows = 512, cols = 4096;  // 16 MiB of float64, budget 4 MiB
    std::vector<double> data(rows * cols);
    std::mt19937_64 random(11);
    std::uniform_real_distribution<double> uniform(-1e6, 1e6);
    for (double& v : data) v = uniform(random);
    test_support::DatasetSpec spec{{rows, cols}, std::vector<hsize_t>{8, 4096}};
    test_support::write_dataset(file.path(), "/big", H5T_NATIVE_DOUBLE, data.data(), spec, true);
    const Array x = open(file.path(), "/big");
    ComputeReport report;
    ComputeOptions options;
    options.memory_limit = 4 << 20;
    options.report = &report;
    const NDArray result = quantile(x, std::vector<double>{0.01, 0.5, 0.999}).compute(options);
    std::vector<double> sorted = data;
    for (std::size_t k = 0; k < 3; ++k)
        CHECK(result.value_as_double(static_cast<Index>(k)) ==
              reference(sorted, std::vector<double>{0.01, 0.5, 0.999}[k]));
    CHECK(report.peak_bytes > 0);
    CHECK(report.peak_bytes <= options.memory_limit);
    CHECK(report.bytes_read >= 2 * rows * cols * 8);  // several passes, each reading the file
    CHECK(report.bytes_read <= 8 * rows * cols * 8);
    // Per column (4096 lanes): the bins shrink so partials still fit.
    const NDArray columns = median(x, {0}).compute(options);
    for (std::size_t c : {std::size_t{0}, std::size_t{1234}, cols - 1}) {
        std::vector<double> lane;
        for (std::size_t r = 0; r < rows; ++r) lane.push_back(data[r * cols + c]);
        CHECK(columns.value_as_double(static_cast<Index>(c)) == reference(lane, 0.5));
    }
    CHECK(report.peak_bytes <= options.memory_limit);
}

TEST_CASE("histogram with explicit edges: NumPy's bins, the last one closed", "[graph]") {
    xt::xarray<double> data = {-1.0, 0.0, 0.5, 1.0, 2.5, 3.0, 3.5, std::nan("")};
    const Array x = from_xtensor(data, {3});
    const NDArray counts = histogram(x, std::vector<double>{0.0, 1.0, 1.0, 3.0}).compute();
    REQUIRE(counts.shape() == Shape{3});
    CHECK(counts.value_as_int64(0) == 2);  // 0, 0.5
    CHECK(counts.value_as_int64(1) == 0);  // [1, 1)
    CHECK(counts.value_as_int64(2) == 3);  // 1, 2.5, 3 (closed)
    CHECK_THROWS_AS(histogram(x, std::vector<double>{0.0, 2.0, 1.0}), ValueError);
    CHECK_THROWS_AS(histogram(x, std::vector<double>{0.0}), ValueError);
}
