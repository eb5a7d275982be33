#pragma once
// MapBlocks: a user function on every block of its inputs (map_blocks), optionally on blocks
// extended by their neighbours (map_overlap).
#include <chunkarr/core/shape.hpp>
#include <chunkarr/graph/block_function.hpp>

#include "graph/hashing.hpp"
#include "graph/node_ptr.hpp"

#include <optional>
#include <string>
#include <vector>

namespace chunkarr {
namespace ops {

struct MapBlocks {
    static constexpr bool elementwise = false;  // each element from the inputs' at its position
    static constexpr bool reduction = false;    // computed in a stage of its own, then held
    BlockFunctionPtr function;
    std::optional<Overlap> overlap;  // blocks passed extended (map_overlap)
    bool operator==(const MapBlocks&) const = default;
    std::size_t hash() const {
        return hash_of(reinterpret_cast<std::uintptr_t>(function.get()), overlap ? hash_value(overlap->depth) : 0);
    }
};

}  // namespace ops

// `function` applied to every block of `inputs` (same shape; chunks refined to a common grid),
// returning `dtype` blocks; output chunks are the inputs' unless `chunks` (same number of
// blocks per axis) is given. With `overlap` (one input), blocks are passed extended by the depth
// and the results trimmed back.
NodePtr make_map_blocks_node(std::vector<NodePtr> inputs, BlockFunctionPtr function, DType dtype,
                             std::optional<ChunkGrid> chunks = std::nullopt,
                             std::optional<Overlap> overlap = std::nullopt);
NodePtr rebuild(const ops::MapBlocks& op, const Node& node, std::vector<NodePtr> inputs);
std::string describe(const ops::MapBlocks& op, const Node& node, const std::vector<std::string>& inputs);

}  // namespace chunkarr
