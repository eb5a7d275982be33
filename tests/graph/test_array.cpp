#include <chunkarr/chunkarr.hpp>

#include "support/catch.hpp"

using namespace chunkarr;

TEST_CASE("Array exposes shape, size, bytes and chunks", "[graph]") {
    const Array x = zeros({4, 0, 3}, DType::Int16, {2, 1, 3});
    CHECK(x.ndim() == 3);
    CHECK(x.size() == 0);
    CHECK(x.nbytes() == 0);
    const Array y = full({5, 7}, 2.5, DType::Float32, {2, 7});
    CHECK(y.nbytes() == 5 * 7 * 4);
    CHECK(y.chunks().numblocks() == Shape{3, 1});
}

TEST_CASE("from_xtensor keeps the values and takes chunks", "[graph]") {
    xt::xarray<int> data = {{1, 2, 3}, {4, 5, 6}};
    const Array x = from_xtensor(data, {1, 2});
    CHECK(x.dtype() == DType::Int32);
    CHECK(x.chunks().numblocks() == Shape{2, 2});
    const xt::xarray<double> t = (x * 10).compute();
    CHECK(t(1, 2) == 60.0);
    const xt::xarray<std::int64_t> column_sums = x.sum({0}).compute();
    CHECK(column_sums(0) == 5);
    CHECK(column_sums(2) == 9);
}

TEST_CASE("shape functions: expand_dims, squeeze, moveaxis, stack, broadcast_to, clip", "[graph]") {
    xt::xarray<double> data = {{1, 2, 3}, {4, 5, 6}};
    const Array x = from_xtensor(data, {1, 2});
    CHECK(expand_dims(x, {1}).shape() == Shape{2, 1, 3});
    CHECK(expand_dims(x, {0, -1}).shape() == Shape{1, 2, 3, 1});
    CHECK(squeeze(expand_dims(x, {1})).shape() == Shape{2, 3});
    CHECK_THROWS_AS(squeeze(x, {0}), ValueError);
    const Array moved = moveaxis(x, 0, 1);
    CHECK(moved.shape() == Shape{3, 2});
    CHECK(moved.compute().value_as_double(1) == 4.0);  // moved[0, 1] == x[1, 0]
    const Array stacked = stack({x, x * 10.0}, 1);
    CHECK(stacked.shape() == Shape{2, 2, 3});
    const NDArray s = stacked.compute();
    CHECK(s.value_as_double(1 * 6 + 1 * 3 + 2) == 60.0);  // stacked[1, 1, 2] == 10 * x[1, 2]
    const Array wide = broadcast_to(x[{Index{0}}], {4, 3});
    CHECK(wide.compute().value_as_double(3 * 3 + 2) == 3.0);
    CHECK_THROWS_AS(broadcast_to(x, {3, 3}), ValueError);
    const NDArray clipped = clip(x, 2.0, 5.0).compute();
    CHECK(clipped.value_as_double(0) == 2.0);
    CHECK(clipped.value_as_double(5) == 5.0);
}

TEST_CASE("broadcast_to keeps negative zeros and NaN", "[graph]") {
    xt::xarray<double> data = {-0.0, 0.0, std::nan("")};
    const NDArray wide = broadcast_to(from_xtensor(data, {2}), {2, 3}).compute();
    for (Index row = 0; row < 2; ++row) {
        CHECK(std::signbit(wide.value_as_double(row * 3)));
        CHECK_FALSE(std::signbit(wide.value_as_double(row * 3 + 1)));
        CHECK(std::isnan(wide.value_as_double(row * 3 + 2)));
    }
}

TEST_CASE("argmin and argmax find the first extreme, NaN first", "[graph]") {
    xt::xarray<double> data = {{3, 1, 1}, {0, 5, 5}};
    const Array x = from_xtensor(data, {1, 2});
    CHECK(argmin(x).compute().value_as_int64(0) == 3);
    CHECK(argmax(x).compute().value_as_int64(0) == 4);
    const NDArray per_column = argmax(x, 0).compute();
    CHECK(per_column.dtype() == DType::Int64);
    CHECK(per_column.value_as_int64(0) == 0);
    CHECK(per_column.value_as_int64(1) == 1);
    xt::xarray<double> with_nan = {1, std::nan(""), 7};
    CHECK(argmax(from_xtensor(with_nan, {2})).compute().value_as_int64(0) == 1);
    CHECK_THROWS_AS(argmin(zeros({0})), ValueError);
}

TEST_CASE("cumsum and cumprod carry totals across chunks", "[graph]") {
    xt::xarray<std::int32_t> data = {{1, 2, 3, 4, 5}, {1, 1, 2, 2, 3}};
    const Array x = from_xtensor(data, {1, 2});
    const NDArray rows = cumsum(x, 1).compute();
    CHECK(rows.dtype() == DType::Int64);
    CHECK(rows.value_as_int64(4) == 15);
    CHECK(rows.value_as_int64(9) == 9);
    const NDArray down = cumsum(x, 0).compute();
    CHECK(down.value_as_int64(5 + 4) == 8);
    const NDArray products = cumprod(x, 1).compute();
    CHECK(products.value_as_int64(4) == 120);
    CHECK(products.value_as_int64(9) == 12);
    // A slice of a scan that starts inside a chunk still sees the totals before it.
    CHECK(cumsum(x, 1)[{Index{0}, Slice{3, 5}}].compute().value_as_int64(0) == 10);
}

TEST_CASE("histogram counts values in equal bins, the last one closed", "[graph]") {
    xt::xarray<double> data = {0.0, 0.5, 1.0, 1.5, 2.0, 2.0, std::nan("")};
    const auto [counts, edges] = histogram(from_xtensor(data, {3}), 2, std::make_pair(0.0, 2.0));
    const auto results = compute({counts, edges});
    CHECK(results[0].value_as_int64(0) == 2);  // 0, 0.5
    CHECK(results[0].value_as_int64(1) == 4);  // 1, 1.5, 2, 2 (the last bin includes 2)
    CHECK(results[1].value_as_double(2) == 2.0);
    const auto [auto_counts, auto_edges] = histogram(from_xtensor(data, {3}), 4);
    CHECK(compute({auto_counts}).front().value_as_int64(3) == 3);  // [1.5, 2]
    CHECK_THROWS_AS(histogram(from_xtensor(data), 0), ValueError);
}
