#pragma once
// The optimizer passes, one per file in src/optimize/, each a function from graph to graph that
// keeps every output's shape, dtype and chunks (the optimizer checks this after each one).
#include "optimize/graph.hpp"

namespace chunkarr {

// Drops outputs computed twice and branches that cannot be taken (where() on a constant).
OptimizedGraph cull(OptimizedGraph graph);
// Moves slices below elementwise operations, down to the sources, so that only the selected
// elements are read and computed: (a * b)[10:20] becomes a[10:20] * b[10:20].
OptimizedGraph push_down_slices(OptimizedGraph graph);
// Rebuilds the graph through the hash-consing factories so that subexpressions that became
// equal (after other rewrites) are one node, across all outputs of the compute.
OptimizedGraph merge_common_subexpressions(OptimizedGraph graph);
// Gives a reduction over differently chunked inputs tasks made of whole storage chunks of all of
// them along the reduced axes (the coarsest common grid), so each stored chunk is read once,
// instead of the many small overlapping tasks of their common refinement.
OptimizedGraph align_chunks(OptimizedGraph graph);
// Marks elementwise results that only feed the next elementwise op of the same task, so the
// chain runs in one buffer per chunk.
OptimizedGraph fuse_elementwise(OptimizedGraph graph);

}  // namespace chunkarr
