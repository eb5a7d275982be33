#pragma once
// Shape, axis and chunk inference that several operations share.
#include <chunkarr/core/shape.hpp>

#include "graph/node_ptr.hpp"

#include <vector>

namespace chunkarr {

// The chunks of one axis with the boundaries of both `a` and `b` (same length).
std::vector<Index> refine_axis(const std::vector<Index>& a, const std::vector<Index>& b);

// Chunks of an elementwise result of shape `out`: on each axis, the common refinement of the
// inputs that are not broadcast along it.
ChunkGrid broadcast_chunks(const Shape& out, const std::vector<NodePtr>& inputs);

// The reduced shape and chunks of `input` when `axes` are reduced (kept as length 1 with
// keepdims), appended to `shape` and `chunks`.
void reduced_shape(const Node& input, const std::vector<int>& axes, bool keepdims, Shape& shape,
                   std::vector<std::vector<Index>>& chunks);

}  // namespace chunkarr
