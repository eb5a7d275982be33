#pragma once
// Lowering: which reductions run in which stage, grouped so that one walk over the chunks feeds
// every reduction of a group. A reduction whose input contains another reduction (x - x.mean())
// runs in a later stage, after the inner one has been computed and kept in memory: the data is
// streamed again instead of held. A Quantile node is a stage of its own (a group with
// `selection` set), run as several passes over its input (see kernels/quantile.hpp).
#include "graph/node.hpp"
#include "kernels/reduce.hpp"

#include <vector>

namespace chunkarr {

struct ReductionGroup {
    std::vector<NodePtr> reductions;          // same input shape, chunks and axes
    std::vector<NodePtr> inputs;              // their distinct inputs (with distinct masks)
    std::vector<const CFDecoding*> masks;     // per input: values to skip besides NaN, or null
    std::vector<kernels::ReduceNeeds> needs;  // per input
    ChunkGrid grid;                           // the inputs' chunk grid: one task per block
    std::vector<bool> reduced;                // per input axis
    bool selection = false;                   // one Quantile node: run as selection passes
};

struct Plan {
    std::vector<std::vector<ReductionGroup>> stages;
    std::vector<NodePtr> outputs;
    std::int64_t total_tasks = 0;
    std::uint64_t total_input_bytes = 0;  // logical bytes the tasks process
};

Plan make_plan(const std::vector<NodePtr>& outputs);

// Bytes every source node will produce when `plan` runs (all tasks' regions mapped down).
std::vector<std::pair<const Node*, std::uint64_t>> source_read_bytes(const Plan& plan);

}  // namespace chunkarr
