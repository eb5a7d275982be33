#pragma once
// Evaluates a graph (without unfinished reductions) on one region: the fused per-task kernel.
// Each task gets its own Evaluator; within it, a node is evaluated once per region, so inputs
// shared by several expressions are read once.
#include <chunkarr/core/ndarray.hpp>
#include <chunkarr/exec/block.hpp>
#include <chunkarr/graph/node.hpp>

#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace chunkarr {

// Reductions already computed in an earlier stage, by node.
using Materialized = std::unordered_map<const Node*, NDArray>;

// What every task of one compute shares, read-only while tasks run.
struct EvaluationContext {
    Materialized done;                                 // reductions of earlier stages
    std::unordered_map<const Node*, Block> constants;  // scalars, made once
    std::unordered_set<const Node*> transient;         // results their consumer may overwrite
    MemoryTracker* tracker = nullptr;
};

class Evaluator {
public:
    explicit Evaluator(const EvaluationContext& context)
        : done_(context.done), context_(context), tracker_(context.tracker) {}

    Block evaluate(const NodePtr& node, const Region& region);
    // Bytes evaluate() will allocate for these nodes on `region`, shared inputs counted once.
    static std::size_t footprint(const std::vector<NodePtr>& nodes, const Region& region, const Materialized& done);
    std::uint64_t bytes_read() const { return bytes_read_; }

private:
    Block compute(const Node& node, const Region& region);
    Block as_dtype(const Block& block, DType dtype);
    // One whole block of a MapBlocks node: the function called and its result checked (and
    // trimmed, with overlap).
    Block map_block(const Node& node, const std::vector<Index>& block);
    // The input of a map_overlap block: the block extended by the depth, past the array's edges
    // filled by the boundary rule.
    Block extended_block(const Node& node, const Region& extended);
    // A Contract node on `region`: the products of the operands' panels, piece by piece of the
    // summed axes, each piece read by a fresh evaluator so that only one pair of panels is held.
    Block contract(const Node& node, const Region& region);
    // The output buffer of an elementwise node: its first operand's, when that is a transient
    // result of the same dtype and shape that nothing else holds; a new one otherwise.
    Block output_for(const Node& node, const Shape& shape, const Block& first_operand, const Node& first_input);

    const Materialized& done_;
    const EvaluationContext& context_;
    MemoryTracker* tracker_;
    std::vector<std::pair<std::pair<const Node*, Region>, Block>> memo_;
    std::uint64_t bytes_read_ = 0;
};

// The region of input `k` of `node` that `region` of `node` needs (dense, before any step; for
// a Reshape, the box around its pieces: see input_regions).
Region input_region(const Node& node, std::size_t k, const Region& region);
// The regions of input `k` that evaluating `region` of `node` reads (a Reshape reads pieces).
std::vector<Region> input_regions(const Node& node, std::size_t k, const Region& region);

// For a Contract node: the region of operand `k` behind `region` of the result, with the summed
// axes limited to `piece` (one range per pair of summed axes).
Region contract_operand_region(const Node& node, std::size_t k, const Region& region, const std::vector<Range>& piece);

}  // namespace chunkarr
