#include "support/catch.hpp"

#include <chunkarr/chunkarr.hpp>

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
