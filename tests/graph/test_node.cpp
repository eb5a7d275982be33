#include <chunkarr/core/error.hpp>
#include <chunkarr/graph/array.hpp>
#include <chunkarr/graph/constructors.hpp>
#include <chunkarr/graph/linalg.hpp>
#include <chunkarr/graph/map_blocks.hpp>
#include <chunkarr/graph/quantile.hpp>

#include "graph/node.hpp"
#include "support/catch.hpp"

#include <cmath>
#include <functional>
#include <set>
#include <unordered_set>

using namespace chunkarr;

TEST_CASE("shape errors surface when the expression is built", "[graph]") {
    const Array a = ones({3, 4}, DType::Float64, {2, 2});
    const Array b = ones({5}, DType::Float64);
    CHECK_THROWS_AS(a + b, ValueError);
    CHECK_THROWS_WITH(a + b, Catch::Matchers::Contains("(3, 4)") && Catch::Matchers::Contains("(5,)"));
    CHECK_THROWS_AS(a.sum({2}), ValueError);
    CHECK_THROWS_AS(a.mean({0, -2}), ValueError);  // repeated axis
    CHECK_THROWS_AS((a[{Index{3}}]), ValueError);
    CHECK_THROWS_AS(zeros({0}).min(), ValueError);  // no identity, as in NumPy
}

TEST_CASE("equal expressions share one node", "[graph]") {
    const Array x = arange(0, 100, 1, DType::Float64, 10);
    const Array y = arange(0, 100, 1, DType::Float64, 10);
    CHECK((x * 2.0 + 1.0).node() == (y * 2.0 + 1.0).node());
    CHECK(x.mean().node() == y.mean().node());
    CHECK(x.mean().node() != x.sum().node());
}

TEST_CASE("broadcasting infers shape, dtype and chunks", "[graph]") {
    const Array a = ones({6, 1, 5}, DType::Float32, {4, 1, 5});
    const Array b = ones({3, 1}, DType::Int16, {2, 1});
    const Array c = a * b;
    CHECK(c.shape() == Shape{6, 3, 5});
    CHECK(c.dtype() == DType::Float32);
    CHECK(c.chunks().chunks(0) == std::vector<Index>{4, 2});
    CHECK(c.chunks().chunks(1) == std::vector<Index>{2, 1});
    CHECK((ones({2}, DType::Int32) / ones({2}, DType::Int32)).dtype() == DType::Float64);
    CHECK((ones({2}, DType::Float32) * 2.0).dtype() == DType::Float32);  // weak scalar
    CHECK((ones({2}, DType::Int16) + 1).dtype() == DType::Int16);
    CHECK((ones({2}, DType::Int16) + 1.5).dtype() == DType::Float64);
    CHECK((ones({2}) < 1.0).dtype() == DType::Bool);
}

TEST_CASE("slices map chunks and drop integer-indexed axes", "[graph]") {
    const Array x = ones({20, 10}, DType::Float64, {8, 4});
    const Array s = x[{Slice{3, 17, 2}, Index{-1}}];
    CHECK(s.shape() == Shape{7});
    // rows 3,5,7 | 9,11,13,15 | (17 excluded): chunk boundaries at 8 and 16.
    CHECK(s.chunks().chunks(0) == std::vector<Index>{3, 4});
    const Array r = x.sum({1}, true);
    CHECK(r.shape() == Shape{20, 1});
    CHECK(r.chunks().chunks(0) == std::vector<Index>{8, 8, 4});
    CHECK(x.mean({0}).dtype() == DType::Float64);
    CHECK(ones({3}, DType::Int8).sum().dtype() == DType::Int64);
    CHECK(ones({3}, DType::UInt8).sum().dtype() == DType::UInt64);
    CHECK(ones({3}, DType::Float32).mean().dtype() == DType::Float32);
}

TEST_CASE("reshape and map_blocks nodes are interned and rebuilt with their chunks", "[graph][reshape]") {
    const Array x = ones({6, 4}, DType::Float64, {4, 3});
    CHECK(reshape(x, {4, 6}).node() == reshape(x, {-1, 6}).node());
    CHECK(reshape(x, {4, 6}).node() != reshape(x, {6, 4, 1}).node());
    const NodePtr r = reshape(x, {24}).node();
    const NodePtr rebuilt = with_inputs(*r, {x.node()});
    CHECK(rebuilt == r);
    // Rebuilt on an input with other chunks, a reshape keeps the chunks it was made with.
    const NodePtr other = with_inputs(*r, {x.rechunk(ChunkGrid({{1, 5}, {4}})).node()});
    CHECK(other->chunks == r->chunks);
    auto f = std::make_shared<BlockFunction>(
        BlockFunction{"f", [](const std::vector<NDArray>& b, const BlockInfo&) { return b[0]; }});
    CHECK(make_map_blocks_node({x.node()}, f, DType::Float64) == make_map_blocks_node({x.node()}, f, DType::Float64));
    auto g = std::make_shared<BlockFunction>(*f);
    CHECK(make_map_blocks_node({x.node()}, f, DType::Float64) != make_map_blocks_node({x.node()}, g, DType::Float64));
}

namespace {

// Every node under `outputs`, inputs first.
std::vector<NodePtr> all_nodes(const std::vector<NodePtr>& outputs) {
    std::vector<NodePtr> order;
    std::unordered_set<const Node*> seen;
    std::function<void(const NodePtr&)> visit = [&](const NodePtr& node) {
        if (!seen.insert(node.get()).second) return;
        for (const auto& input : node->inputs) visit(input);
        order.push_back(node);
    };
    for (const auto& output : outputs) visit(output);
    return order;
}

// One expression with every operation in it.
std::vector<NodePtr> every_operation() {
    const Array x = ones({6, 4}, DType::Float32, {4, 3});
    const Array y = sqrt(x * 2.0 + 1);                            // Unary, Binary, Scalar
    const Array z = where(y > 1.5, y, x).astype(DType::Float64);  // Where, Cast
    const Array decoded(
        make_decode_cf_node(x.node(), CFDecoding{{1.0L}, std::nullopt, 9.0L, 0.5, 1.0, DType::Float64}));
    const Array picked = take(z[{Slice{1, 5, 2}}], {1, 0, -1}, 1);             // Slice, Take
    const Array stacked = concatenate({transpose(z), transpose(decoded)}, 0);  // Transpose, Concatenate
    const Array scanned = cumsum(expand_dims(z, {0}), 1);                      // ExpandDims, Scan
    const Array flat = reshape(z, {24}).rechunk(ChunkGrid({{10, 14}}));        // Reshape, Rechunk
    const Array blocks = map_blocks([](const std::vector<NDArray>& b, const BlockInfo&) { return b[0]; }, {z});
    return {picked.sum({0}).node(),
            stacked.node(),
            scanned.node(),
            flat.node(),
            blocks.node(),
            median(z, {0}).node(),
            matmul(z, transpose(z)).node()};  // Reduce, Quantile, Contract
}

}  // namespace

TEST_CASE("every operation rebuilds to the same node and describes itself", "[graph]") {
    const std::vector<NodePtr> nodes = all_nodes(every_operation());
    std::set<std::size_t> kinds;
    for (const NodePtr& node : nodes) {
        kinds.insert(node->op.index());
        // Rebuilt from its own inputs, a node is itself: rebuild keeps every attribute.
        CHECK(with_inputs(*node, node->inputs) == node);
        std::vector<std::string> names;
        for (std::size_t k = 0; k < node->inputs.size(); ++k) names.push_back("in" + std::to_string(k));
        const std::string text = describe(*node, names);
        CHECK_FALSE(text.empty());
        for (const auto& name : names) CHECK(text.find(name) != std::string::npos);
    }
    // A new operation must join this expression (and so every check above).
    CHECK(kinds.size() == std::variant_size_v<Operation>);
}

TEST_CASE("operation attributes decide node identity", "[graph]") {
    // Scalars compare by bits: -0.0 is not 0.0 (1/x differs), NaN is itself.
    CHECK(scalar(0.0).node() != scalar(-0.0).node());
    CHECK(scalar(std::nan("")).node() == scalar(std::nan("")).node());
    CHECK(scalar(1.0).node() != scalar(1.0, DType::Float32).node());
    const Array x = ones({5}, DType::Int16, {2});
    const NodePtr unmasked = make_reduce_node(ReduceOp::Sum, x.node(), {}, false, true, 0);
    const CFDecoding fill{{-1.0L}, std::nullopt, std::nullopt, 1.0, 0.0, DType::Float64};
    const NodePtr masked = make_reduce_node(ReduceOp::Sum, x.node(), {}, false, true, 0, std::nullopt, fill);
    CHECK(masked != unmasked);
    CHECK(masked == make_reduce_node(ReduceOp::Sum, x.node(), {}, false, true, 0, std::nullopt, fill));
    CHECK(x.sum().node() != x.sum({}, true).node());
    CHECK(x.var({}, false, 0).node() != x.var({}, false, 1).node());
    CHECK(x.rechunk(ChunkGrid({{1, 4}})).node() != x.rechunk(ChunkGrid({{4, 1}})).node());
    CHECK(cumsum(x, 0).node() != cumprod(x, 0).node());
}

TEST_CASE("operation traits: elementwise and reduction", "[graph]") {
    const Array x = ones({4}, DType::Float64, {2});
    CHECK(is_elementwise(*(x + 1.0).node()));
    CHECK(is_elementwise(*x.astype(DType::Int8).node()));
    CHECK_FALSE(is_elementwise(*x.node()));
    CHECK_FALSE(is_elementwise(*x.sum().node()));
    CHECK(is_reduction(*x.sum().node()));
    CHECK(is_reduction(*median(x).node()));
    CHECK_FALSE(is_reduction(*cumsum(x, 0).node()));
}
