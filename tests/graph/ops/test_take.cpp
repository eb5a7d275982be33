#include <chunkarr/chunkarr.hpp>

#include "exec/evaluator.hpp"
#include "graph/node.hpp"
#include "optimize/passes.hpp"
#include "support/catch.hpp"
#include "support/recording_source.hpp"

using namespace chunkarr;

namespace {

// 0, 1, 2, ... in C order over `shape`, in chunks of `chunk`.
Array counting(const Shape& shape, const Shape& chunk) {
    const Index n = element_count(shape);
    const Array flat = arange(0, static_cast<double>(n), 1, DType::Int32, std::max<Index>(n, 1));
    return reshape(flat, shape).rechunk(ChunkGrid::regular(shape, chunk));
}

}  // namespace

TEST_CASE("take_chunks cuts where the indices change input chunk or a run grows too long", "[take]") {
    const std::vector<Index> input{4, 4, 2};
    CHECK(take_chunks({}, input) == std::vector<Index>{0});
    CHECK(take_chunks({9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, input) == std::vector<Index>{2, 4, 4});
    CHECK(take_chunks({0, 9, 1}, input) == std::vector<Index>{1, 1, 1});
    CHECK(take_chunks({2, 0, 3, 1, 1}, input) == std::vector<Index>{4, 1});  // at most 4 (largest chunk)
    CHECK(take_chunks({3, 4}, input) == std::vector<Index>{1, 1});
    CHECK(take_chunks({8, 8, 8}, {1, 1, 1, 1, 1, 1, 1, 1, 1}) == std::vector<Index>{1, 1, 1});
    CHECK(take_chunks({0, 1, 2}, {}) == std::vector<Index>{1, 1, 1});  // no chunks: each index alone
}

TEST_CASE("take gathers along one axis: values, negatives, repeats, empty", "[take]") {
    const Array x = counting({5, 7}, {2, 3});  // x[i, j] = 7 i + j
    const std::vector<Index> picks{6, 0, -1, 2, 2, -7};
    const NDArray columns = take(x, picks, 1).compute();
    REQUIRE(columns.shape() == Shape{5, 6});
    const std::vector<Index> resolved{6, 0, 6, 2, 2, 0};
    for (Index i = 0; i < 5; ++i)
        for (Index j = 0; j < 6; ++j)
            CHECK(columns.value_as_double(i * 6 + j) ==
                  static_cast<double>(7 * i + resolved[static_cast<std::size_t>(j)]));
    const NDArray rows = take(x, {4, 1}, -2).compute();
    REQUIRE(rows.shape() == Shape{2, 7});
    for (Index j = 0; j < 7; ++j) {
        CHECK(rows.value_as_double(j) == static_cast<double>(28 + j));
        CHECK(rows.value_as_double(7 + j) == static_cast<double>(7 + j));
    }
    const Array none = take(x, {}, 0);
    CHECK(none.shape() == Shape{0, 7});
    CHECK(none.compute().size() == 0);
    CHECK(take(x, {1}, 0).dtype() == DType::Int32);
}

TEST_CASE("take: out-of-bounds indices and axes are errors naming them", "[take]") {
    const Array x = counting({5, 7}, {2, 3});
    CHECK_THROWS_WITH(take(x, {0, 7}, 1), "index 7 is out of bounds for axis 1 with size 7");
    CHECK_THROWS_WITH(take(x, {-6}, 0), "index -6 is out of bounds for axis 0 with size 5");
    CHECK_THROWS_AS(take(x, {0}, 2), ValueError);
}

TEST_CASE("take: a task reads only the input its indices span", "[take]") {
    const Array x = counting({1000, 3}, {10, 3});
    const Array far = take(x, {0, 999, 1, 998}, 0);
    CHECK(far.chunks().chunks(0) == std::vector<Index>{1, 1, 1, 1});
    CHECK(input_region(*far.node(), 0, Region{{1, 2}, {0, 3}}) == Region{{999, 1000}, {0, 3}});
    const Array reversed = take(x, {29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18}, 0);
    CHECK(reversed.chunks().chunks(0) == std::vector<Index>{10, 2});
    CHECK(input_region(*reversed.node(), 0, Region{{0, 10}, {0, 3}}) == Region{{20, 30}, {0, 3}});
    const NDArray values = far.compute();
    CHECK(values.value_as_double(3) == 999 * 3);
    CHECK(values.value_as_double(9) == 998 * 3);
}

TEST_CASE("take composes with slices the optimizer moves", "[take]") {
    const Array x = counting({6, 8}, {4, 3});
    // A slice of a take stays above it; a slice under it is pushed into the source.
    const Array y = take((x * 2)[{Slice{1, 6}, Slice{0, 8, 3}}], {2, 0, 1}, 1)[{Slice{1, 4}, Slice{0, 2}}];
    const NDArray values = y.compute();
    REQUIRE(values.shape() == Shape{3, 2});
    // y[i, j] = 2 x[1 + 1 + i, 3 * [2, 0][j]]
    for (Index i = 0; i < 3; ++i) {
        CHECK(values.value_as_double(i * 2) == 2.0 * static_cast<double>(8 * (2 + i) + 6));
        CHECK(values.value_as_double(i * 2 + 1) == 2.0 * static_cast<double>(8 * (2 + i)));
    }
}

TEST_CASE("take: scattered indices read only around each index", "[take]") {
    auto source = std::make_shared<test_support::RecordingSource>(test_support::iota({1000, 4}), Shape{10, 4});
    const Array x(make_source_node(source));
    const NDArray values = take(x, {995, 3, 500, 4}, 0).compute();
    CHECK(values.value_as_double(0) == 995 * 4);
    CHECK(values.value_as_double(3 * 4 + 1) == 4 * 4 + 1);
    for (const Region& region : source->reads()) CHECK(region[0].size() <= 10);
}

TEST_CASE("push_down_slices: a slice under a take moves on, one above it stays", "[take]") {
    const Array x = ones({20, 12}, DType::Float64, {5, 4});
    const Array y = take((x * 2.0)[{Slice{2, 18, 2}}], {3, 1}, 0)[{Slice{}, Slice{0, 6}}];
    const OptimizedGraph graph = push_down_slices({{y.node()}, {}});
    const NodePtr& out = graph.outputs.front();
    REQUIRE(out->is<ops::Slice>());
    const NodePtr& gathered = out->inputs[0];
    REQUIRE(gathered->is<ops::Take>());
    CHECK(gathered->inputs[0]->is<ops::Binary>());  // the slice went below the multiply
    CHECK(out->shape == y.shape());
    CHECK(out->chunks == y.chunks());
    CHECK(Array(out).compute().value_as_double(0) == 2.0);
}
