#pragma once
// Reshape: the same elements in C order with another shape (NumPy's reshape).
//
// The geometry of a C-order reshape: which input axes hold the same elements as which output
// axes, the output chunks (each output block a contiguous run of input elements within every
// axis group, as Dask's reshape_rechunk makes them), and the input boxes an output region reads.
#include <chunkarr/core/shape.hpp>

#include "graph/node_ptr.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace chunkarr {
namespace ops {

// The node's shape and chunks are the whole description.
struct Reshape {
    static constexpr bool elementwise = false;  // each element from the inputs' at its position
    static constexpr bool reduction = false;    // computed in a stage of its own, then held
    bool operator==(const Reshape&) const = default;
    std::size_t hash() const { return 0; }
};

}  // namespace ops

// `shape` fully resolved (no -1). Chunks: reshape_chunks() unless given (rebuild keeps the
// node's chunks).
NodePtr make_reshape_node(NodePtr input, Shape shape, std::optional<ChunkGrid> chunks = std::nullopt);
NodePtr rebuild(const ops::Reshape& op, const Node& node, std::vector<NodePtr> inputs);
std::string describe(const ops::Reshape& op, const Node& node, const std::vector<std::string>& inputs);

// Input axes [in_begin, in_end) hold, in C order, the same `size` elements as output axes
// [out_begin, out_end). Groups are minimal and cover all axes of both shapes in order.
struct ReshapeGroup {
    std::size_t in_begin = 0, in_end = 0;
    std::size_t out_begin = 0, out_end = 0;
    Index size = 1;
};

// The requested shape with its -1 (at most one) resolved against `in`; ValueError when the
// sizes differ (NumPy's message: "cannot reshape array of size N into shape (...)").
Shape resolve_reshape(const Shape& in, const std::vector<Index>& requested);

// Groups of a reshape between shapes of the same non-zero size.
std::vector<ReshapeGroup> reshape_groups(const Shape& in, const Shape& out);

// Output chunks: where the input's blocks are whole runs of a group, one output block per input
// block; otherwise runs of about the input block's size in the group (reads stay bounded).
ChunkGrid reshape_chunks(const Shape& in, const ChunkGrid& in_chunks, const Shape& out);

// One input box an output region needs, and where its elements land: viewed per group as a
// flat run, the box's elements form a dense box of `count` (one length per group), to be
// placed at `at` in the output region seen as group-flat (one length per group).
struct ReshapePiece {
    Region input;
    std::vector<Index> at;
    Shape count;
};

struct ReshapeLayout {
    Shape region_flat;                 // the output region's elements, as one length per group
    std::vector<ReshapePiece> pieces;  // together exactly the region's elements, each once
};

// What an output region of a reshape reads (shapes of the same non-zero size).
ReshapeLayout reshape_layout(const Shape& in, const Shape& out, const Region& region);

}  // namespace chunkarr
