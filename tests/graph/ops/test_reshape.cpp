#include <chunkarr/chunkarr.hpp>

#include "graph/ops/reshape.hpp"
#include "support/catch.hpp"

#include <numeric>

using namespace chunkarr;

namespace {

// 0, 1, 2, ... in C order, with the given chunk shape.
Array counting(const Shape& shape, const Shape& chunk) {
    const Index n = element_count(shape);
    Array flat = arange(0, static_cast<double>(n), 1, DType::Float64, std::max<Index>(n, 1));
    xt::xarray<double> values = flat.compute();
    std::vector<std::size_t> xshape(shape.begin(), shape.end());
    values.reshape(xshape);
    return from_xtensor(values, chunk);
}

void check_counting(const Array& result) {
    const NDArray values = result.compute();
    REQUIRE(values.size() == result.size());
    for (Index i = 0; i < values.size(); ++i) REQUIRE(values.value_as_double(i) == static_cast<double>(i));
}

}  // namespace

TEST_CASE("resolve_reshape: one -1, NumPy's errors", "[reshape]") {
    CHECK(resolve_reshape({6, 4}, {-1, 3}) == Shape{8, 3});
    CHECK(resolve_reshape({6, 4}, {2, -1, 2}) == Shape{2, 6, 2});
    CHECK(resolve_reshape({0, 4}, {-1, 2}) == Shape{0, 2});
    CHECK_THROWS_WITH(resolve_reshape({7, 5}, {4, 4}), "cannot reshape array of size 35 into shape (4, 4)");
    CHECK_THROWS_AS(resolve_reshape({6, 4}, {-1, -1}), ValueError);
    CHECK_THROWS_AS(resolve_reshape({6, 4}, {5, -1}), ValueError);
    CHECK_THROWS_AS(resolve_reshape({6, 4}, {-2, 12}), ValueError);
}

TEST_CASE("reshape_groups pairs axes holding the same elements", "[reshape]") {
    const auto groups = reshape_groups({3, 1, 4, 6}, {3, 4, 2, 3});
    REQUIRE(groups.size() == 3);
    CHECK(groups[0].in_end == 1);
    CHECK(groups[0].out_end == 1);
    CHECK(groups[1].in_begin == 1);
    CHECK(groups[1].in_end == 3);
    CHECK(groups[1].out_end == 2);
    CHECK(groups[2].size == 6);
}

TEST_CASE("reshape chunks: one output block per input block for merges and aligned splits", "[reshape]") {
    // Merge: trailing axis whole.
    CHECK(reshape_chunks({6, 4}, ChunkGrid::regular({6, 4}, {4, 4}), {24}) == ChunkGrid({{16, 8}}));
    // Split of one axis into rows.
    CHECK(reshape_chunks({24}, ChunkGrid::regular({24}, {8}), {4, 6}) == ChunkGrid({{1, 1, 1, 1}, {6}}));
    CHECK(reshape_chunks({24}, ChunkGrid::regular({24}, {12}), {4, 6}) == ChunkGrid({{2, 2}, {6}}));
    // Untouched axes keep their chunks.
    CHECK(reshape_chunks({5, 6, 4}, ChunkGrid::regular({5, 6, 4}, {2, 3, 4}), {5, 24}) ==
          ChunkGrid({{2, 2, 1}, {12, 12}}));
}

TEST_CASE("reshape matches NumPy's C order on odd shapes and chunkings", "[reshape]") {
    struct Case {
        Shape in, chunk;
        std::vector<Index> out;
    };
    const std::vector<Case> cases = {
        {{7, 5}, {3, 2}, {35}},          {{7, 5}, {3, 2}, {5, 7}},
        {{7, 5}, {3, 5}, {-1, 5}},       {{6, 4}, {4, 4}, {4, 6}},
        {{6, 4}, {4, 3}, {2, 3, 4}},     {{6, 4}, {5, 1}, {24}},
        {{2, 3, 4}, {1, 2, 3}, {6, 4}},  {{2, 3, 4}, {1, 2, 3}, {4, 6}},
        {{2, 3, 4}, {2, 2, 2}, {3, 8}},  {{2, 3, 4}, {1, 3, 4}, {24, 1}},
        {{2, 3, 4}, {1, 1, 1}, {1, 24}}, {{35}, {8}, {5, 7}},
        {{35}, {8}, {7, 1, 5}},          {{1, 6, 1}, {1, 4, 1}, {6}},
        {{1, 6, 1}, {1, 4, 1}, {3, 2}},  {{9, 10, 11}, {4, 3, 5}, {10, 99}},
        {{9, 10, 11}, {4, 3, 5}, {990}}, {{12}, {5}, {2, 2, 3}},
    };
    for (const Case& c : cases) {
        INFO("in " << shape_to_string(c.in) << " chunks " << shape_to_string(c.chunk) << " out "
                   << shape_to_string(c.out));
        const Array x = counting(c.in, c.chunk);
        const Array y = reshape(x, c.out);
        CHECK(y.chunks().shape() == y.shape());
        check_counting(y);
        check_counting(reshape(x + 0.0, c.out) * 1.0);                             // inside an elementwise chain
        check_counting(reshape(y, std::vector<Index>(c.in.begin(), c.in.end())));  // and back
    }
}

TEST_CASE("reshape of a region across output blocks (other consumers' chunks)", "[reshape]") {
    const Array x = counting({6, 4}, {4, 3});
    const Array y = reshape(x, {4, 6});
    // A consumer whose chunks cut y's blocks anywhere.
    const Array other = counting({4, 6}, {3, 5}) * 0.0;
    check_counting(y + other);
    check_counting(reshape(x, {24}).rechunk(ChunkGrid({{5, 7, 12}})));
}

TEST_CASE("reshape layout reads each element once", "[reshape]") {
    const Shape in{5, 6, 7}, out{3, 70};
    const Region region{{1, 3}, {13, 50}};
    const ReshapeLayout layout = reshape_layout(in, out, region);
    Index total = 0;
    for (const auto& piece : layout.pieces) total += element_count(region_shape(piece.input));
    CHECK(total == element_count(region_shape(region)));
}

TEST_CASE("reshape keeps tasks bounded under a memory budget", "[reshape]") {
    const Array x = random_uniform({1000, 600}, 3, {100, 100});
    const Array flat = ravel(x);
    CHECK(flat.chunks().max_block_elements() <= 100 * 100);
    ComputeReport report;
    ComputeOptions options;
    options.memory_limit = 2 << 20;
    options.report = &report;
    const NDArray a = flat.sum().compute(options);
    const NDArray b = x.sum().compute();
    CHECK(a.value_as_double(0) == Approx(b.value_as_double(0)).epsilon(1e-12));
    CHECK(report.peak_bytes <= (2u << 20));
}

TEST_CASE("reshape: zero-size arrays, errors, cumsum over the flattened array", "[reshape]") {
    const Array empty = zeros({0, 4}, DType::Int32, {1, 2});
    CHECK(reshape(empty, {2, 0, 2}).shape() == Shape{2, 0, 2});
    CHECK_THROWS_AS(reshape(empty, {2, 0, -1}), ValueError);  // as NumPy: -1 is ambiguous
    CHECK(reshape(empty, {4, 0}).compute().size() == 0);
    const Array x = counting({3, 5}, {2, 2});
    CHECK_THROWS_AS(reshape(x, {4, 4}), ValueError);
    CHECK(reshape(x, {3, 5}).node() == x.node());
    const NDArray sums = cumsum(x).compute();
    REQUIRE(sums.shape() == Shape{15});
    for (Index i = 0; i < 15; ++i) CHECK(sums.value_as_double(i) == static_cast<double>(i * (i + 1) / 2));
    const std::string text = explain({reshape(x, {5, 3})});
    CHECK(text.find("reshape(n0, (5, 3))") != std::string::npos);
}
