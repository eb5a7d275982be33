#include <chunkarr/chunkarr.hpp>

#include "support/catch.hpp"

#include <atomic>
#include <cstring>

using namespace chunkarr;

namespace {

Array data(const Shape& shape, const Shape& chunk) { return random_uniform(shape, 11, chunk) * 100.0; }

// out = f(block) elementwise, for float64 blocks.
template <class F> NDArray apply(const NDArray& block, F f) {
    NDArray out(DType::Float64, block.shape());
    for (Index i = 0; i < block.size(); ++i) out.data_as<double>()[i] = f(block.data_as<double>()[i]);
    return out;
}

// 3-point mean along axis 0 of a 1-d or 2-d float64 block (the first and last rows copied).
NDArray running_mean(const NDArray& block) {
    NDArray out(DType::Float64, block.shape());
    const Index rows = block.shape()[0];
    const Index inner = block.size() / std::max<Index>(rows, 1);
    const double* x = block.data_as<double>();
    double* y = out.data_as<double>();
    for (Index r = 0; r < rows; ++r)
        for (Index i = 0; i < inner; ++i)
            y[r * inner + i] = (r == 0 || r + 1 == rows)
                                   ? x[r * inner + i]
                                   : (x[(r - 1) * inner + i] + x[r * inner + i] + x[(r + 1) * inner + i]) / 3;
    return out;
}

}  // namespace

TEST_CASE("map_blocks applies a function to every block", "[map_blocks]") {
    const Array x = data({7, 5}, {3, 2});
    const Array y = map_blocks(
        [](const std::vector<NDArray>& b, const BlockInfo&) { return apply(b[0], [](double v) { return 2 * v + 1; }); },
        {x});
    CHECK(y.chunks() == x.chunks());
    const NDArray got = y.compute(), want = (x * 2.0 + 1.0).compute();
    for (Index i = 0; i < got.size(); ++i) CHECK(got.value_as_double(i) == want.value_as_double(i));
}

TEST_CASE("map_blocks with several inputs, block info and threads", "[map_blocks]") {
    const Array x = data({9, 4}, {2, 3});
    const Array z = data({9, 4}, {4, 4}) - 50.0;  // other chunks: refined to a common grid
    std::atomic<int> calls{0};
    const Array y = map_blocks(
        [&](const std::vector<NDArray>& b, const BlockInfo& info) {
            ++calls;
            // (no Catch assertions here: this runs on worker threads)
            if (b.size() != 2 || b[0].shape() != info.shape) throw std::runtime_error("unexpected blocks");
            NDArray out(DType::Float64, b[0].shape());
            for (Index i = 0; i < out.size(); ++i)
                out.data_as<double>()[i] =
                    b[0].data_as<double>()[i] * b[1].data_as<double>()[i] + static_cast<double>(info.block[0]);
            return out;
        },
        {x, z});
    for (int threads : {1, 2}) {
        ComputeOptions options;
        options.threads = threads;
        const NDArray got = y.compute(options);
        const NDArray xs = x.compute(), zs = z.compute();
        const ChunkGrid& grid = y.chunks();
        for (Index r = 0; r < 9; ++r)
            for (Index c = 0; c < 4; ++c) {
                Index block = 0;
                while (grid.offset(0, block + 1) <= r) ++block;
                const Index i = r * 4 + c;
                CHECK(got.value_as_double(i) ==
                      xs.value_as_double(i) * zs.value_as_double(i) + static_cast<double>(block));
            }
    }
    CHECK(calls.load() == 2 * static_cast<int>(y.chunks().block_count()));
}

TEST_CASE("map_blocks with declared output chunks and dtype", "[map_blocks]") {
    const Array x = data({7, 5}, {3, 2});
    // Row sums of each block, as int64: one column per block.
    const Array y = map_blocks(
        [](const std::vector<NDArray>& b, const BlockInfo&) {
            NDArray out(DType::Int64, {b[0].shape()[0], 1});
            for (Index r = 0; r < b[0].shape()[0]; ++r)
                for (Index c = 0; c < b[0].shape()[1]; ++c)
                    out.data_as<std::int64_t>()[r] +=
                        static_cast<std::int64_t>(b[0].value_as_double(r * b[0].shape()[1] + c) >= 50);
            return out;
        },
        {x}, DType::Int64, ChunkGrid({{3, 3, 1}, {1, 1, 1}}));
    CHECK(y.shape() == Shape{7, 3});
    CHECK(y.dtype() == DType::Int64);
    const NDArray got = y.sum().compute(), want = (x >= 50.0).astype(DType::Int64).sum().compute();
    CHECK(got.value_as_int64(0) == want.value_as_int64(0));
    CHECK_THROWS_AS(map_blocks([](const std::vector<NDArray>& b, const BlockInfo&) { return b[0]; }, {x}, std::nullopt,
                               ChunkGrid({{7}, {5}})),
                    ValueError);
    CHECK_THROWS_AS(
        map_blocks([](const std::vector<NDArray>& b, const BlockInfo&) { return b[0]; }, {x, data({5, 7}, {5, 7})}),
        ValueError);
}

TEST_CASE("map_blocks checks every block's shape and dtype, naming the block", "[map_blocks]") {
    const Array x = data({7, 5}, {3, 2});
    const Array wrong_shape = map_blocks(
        [](const std::vector<NDArray>& b, const BlockInfo& info) {
            return info.block == std::vector<Index>{2, 1} ? NDArray(DType::Float64, {2, 2}) : b[0];
        },
        {x}, std::nullopt, std::nullopt, "shrink");
    CHECK_THROWS_WITH(wrong_shape.compute(),
                      Catch::Contains("shrink returned shape (2, 2) for block (2, 1), expected (1, 2)"));
    const Array wrong_dtype =
        map_blocks([](const std::vector<NDArray>& b, const BlockInfo&) { return b[0].astype(DType::Float32); }, {x});
    CHECK_THROWS_AS(wrong_dtype.compute(), ValueError);
    CHECK_THROWS_WITH(wrong_dtype.compute(), Catch::Contains("dtype float32"));
    const Array throws = map_blocks(
        [](const std::vector<NDArray>&, const BlockInfo&) -> NDArray { throw std::runtime_error("no luck"); }, {x});
    CHECK_THROWS_WITH(throws.compute(), Catch::Contains("no luck"));
}

TEST_CASE("map_overlap extends blocks by their neighbours and trims back", "[map_blocks]") {
    const Array x = data({23}, {5});
    const NDArray xs = x.compute();
    const Index n = 23;
    auto at = [&](Index i) { return xs.value_as_double(i); };
    for (Boundary boundary :
         {Boundary::Reflect, Boundary::Periodic, Boundary::Nearest, Boundary::Constant, Boundary::None}) {
        INFO(boundary_name(boundary));
        const Array y =
            map_overlap([](const NDArray& b, const BlockInfo&) { return running_mean(b); }, x, {1}, boundary, -7.0);
        const NDArray got = y.compute();
        for (Index i = 0; i < n; ++i) {
            auto value = [&](Index p) -> double {
                if (p >= 0 && p < n) return at(p);
                if (boundary == Boundary::Constant) return -7.0;
                return at(boundary_source(boundary, p, n));
            };
            double want = (value(i - 1) + value(i) + value(i + 1)) / 3;
            if (boundary == Boundary::None && (i == 0 || i == n - 1)) want = at(i);  // not extended there
            CHECK(got.value_as_double(i) == Approx(want).epsilon(1e-12));
        }
    }
}

TEST_CASE("map_overlap in 2-d, depth beyond a chunk, explain", "[map_blocks]") {
    const Array x = data({9, 8}, {2, 3});
    // Depth 3 along axis 0 (chunks of 2): read from the array, not only the next block.
    const Array y = map_overlap(
        [](const NDArray& b, const BlockInfo& info) {
            if (b.shape() != info.shape) throw std::runtime_error("block is not the extended shape");
            return b;  // identity: trimming must give x back
        },
        x, {3, 1}, Boundary::Periodic);
    const NDArray got = y.compute(), want = x.compute();
    REQUIRE(got.size() == want.size());
    CHECK(std::memcmp(got.data(), want.data(), got.nbytes()) == 0);
    CHECK(explain({y}).find("map_overlap(map_overlap, n") != std::string::npos);
    CHECK_THROWS_AS(map_overlap([](const NDArray& b, const BlockInfo&) { return b; }, x, {1, 2, 3}), ValueError);
    CHECK_THROWS_AS(parse_boundary("mirror"), ValueError);
}

TEST_CASE("map_blocks with an xtensor function", "[map_blocks]") {
    xt::xarray<int> values = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
    const Array x = from_xtensor(values, {2, 2});
    const Array y = map_blocks<int, double>([](const xt::xarray<int>& b) { return xt::sqrt(xt::cast<double>(b)); }, x);
    CHECK(y.dtype() == DType::Float64);
    const xt::xarray<double> got = y.compute();
    CHECK(got(2, 2) == Approx(3.0));
    CHECK(got(0, 1) == Approx(std::sqrt(2.0)));
}

TEST_CASE("map_overlap with trim=false keeps the extended blocks", "[map_blocks]") {
    const Array x = data({7}, {3});
    const Array y = map_overlap([](const NDArray& b, const BlockInfo&) { return b; }, x, {2}, Boundary::None, 0,
                                std::nullopt, "keep", false);
    CHECK(y.chunks() == ChunkGrid({{5, 6, 3}}));  // [0, 5), [1, 7), [4, 7)
    const NDArray got = y.compute(), xs = x.compute();
    CHECK(got.value_as_double(5) == xs.value_as_double(1));
    CHECK(got.value_as_double(13) == xs.value_as_double(6));
    const Array z = map_overlap([](const NDArray& b, const BlockInfo&) { return b; }, x, {1}, Boundary::Nearest, 0,
                                std::nullopt, "keep", false);
    CHECK(z.shape() == Shape{13});
    CHECK(z.compute().value_as_double(0) == xs.value_as_double(0));
}

TEST_CASE("map_overlap takes a boundary per axis; where constants meet, the last axis's shows", "[map_blocks]") {
    const Array x = data({2, 3}, {2, 3});  // one block
    const Array y = map_overlap([](const NDArray& b, const BlockInfo&) { return b; }, x, {1, 1},
                                {Boundary::Constant, Boundary::Constant}, {10.0, 20.0}, std::nullopt, "keep", false);
    REQUIRE(y.shape() == Shape{4, 5});
    const NDArray got = y.compute(), xs = x.compute();
    CHECK(got.value_as_double(0) == 20.0);  // corner: outside on both axes
    CHECK(got.value_as_double(1) == 10.0);  // row -1, column 0: outside on axis 0 only
    CHECK(got.value_as_double(5) == 20.0);  // row 0, column -1: outside on axis 1 only
    CHECK(got.value_as_double(6) == xs.value_as_double(0));
    const Array z = map_overlap([](const NDArray& b, const BlockInfo&) { return b; }, x, {1, 1},
                                {Boundary::Periodic, Boundary::Constant}, {0.0, -1.0}, std::nullopt, "keep", false);
    const NDArray wrapped = z.compute();
    CHECK(wrapped.value_as_double(1) == xs.value_as_double(3));  // row -1 wraps to row 1
    CHECK(wrapped.value_as_double(0) == -1.0);
    CHECK_THROWS_AS(map_overlap([](const NDArray& b, const BlockInfo&) { return b; }, x, {1, 1},
                                std::vector<Boundary>{Boundary::Reflect}, std::vector<double>{0.0}),
                    ValueError);
}
