#pragma once
// Evaluates a graph (without unfinished reductions) on one region: the fused per-task kernel.
// Each task gets its own Evaluator; within it, a node is evaluated once per region, so inputs
// shared by several expressions are read once. The Evaluator keeps only that memo and the
// dispatch: what each operation does lives in exec/eval/<op>.cpp.
#include <chunkarr/core/ndarray.hpp>

#include "exec/block.hpp"
#include "graph/node.hpp"

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
    explicit Evaluator(const EvaluationContext& context) : context_(context), tracker_(context.tracker) {}

    // `node` on `region`, computed once per task (transient results are never kept).
    Block evaluate(const NodePtr& node, const Region& region);
    // Bytes evaluate() will allocate for these nodes on `region`, shared inputs counted once.
    static std::size_t footprint(const std::vector<NodePtr>& nodes, const Region& region, const Materialized& done);
    // Bytes the sources produced for this evaluator.
    std::uint64_t bytes_read() const { return bytes_read_; }

    // For the operations' evaluations (exec/eval/):
    const EvaluationContext& context() const { return context_; }
    Block allocate(DType dtype, Shape shape) { return Block::allocate(dtype, std::move(shape), tracker_); }
    // `block` itself when it has `dtype`, else a converted copy.
    Block as_dtype(const Block& block, DType dtype);
    // The output buffer of an elementwise node: its first operand's, when that is a transient
    // result of the same dtype and shape that nothing else holds; a new one otherwise. The caller
    // keeps `first_operand` alive until its kernel has run: the kernel still reads it.
    Block output_for(const Node& node, const Shape& shape, const Block& first_operand, const Node& first_input);
    void count_read(std::uint64_t bytes) { bytes_read_ += bytes; }

private:
    Block compute(const Node& node, const Region& region);

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

}  // namespace chunkarr
