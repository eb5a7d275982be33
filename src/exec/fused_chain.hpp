#pragma once
// A chain of elementwise operations that the optimizer fused (fuse_elementwise: its producers
// are transient), evaluated a tile at a time: every step's values for one tile stay in cache,
// from the stored values through a CF decode to the chain's output, instead of one pass over
// the whole block per step and a decoded copy of the chunk. The kernels are those of the
// unfused path, applied to the same elements in the same order: the results are bit-identical.
#include "exec/evaluator.hpp"

#include <optional>

namespace chunkarr {

// Elements per tile: a few steps' float64 tiles (32 KiB each) stay in L2, and the per-call cost of
// the kernels stays small (1024 was measurably slower on a chain of six steps).
inline constexpr Index fused_tile_elements = 4096;

// `node` (Unary, Binary, Where or DecodeCF) on `region`, tile by tile; nothing when there is no
// chain to run that way (no transient elementwise producer, or an operand broadcast along some
// axes but not all, which the row-wise kernels handle): then the caller evaluates it step by step.
std::optional<Block> evaluate_fused_chain(const Node& node, const Region& region, Evaluator& evaluator);

}  // namespace chunkarr
