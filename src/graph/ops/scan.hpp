#pragma once
// Scan: a running sum or product along one axis (cumsum / cumprod). Within a chunk the scan is
// local; an optional second input holds what the chunks before each chunk add up to.
#include "graph/hashing.hpp"
#include "graph/node_ptr.hpp"

#include <string>
#include <vector>

namespace chunkarr {
namespace ops {

struct Scan {
    static constexpr bool elementwise = false;  // each element from the inputs' at its position
    static constexpr bool reduction = false;    // computed in a stage of its own, then held
    int axis = 0;
    bool product = false;  // cumprod (else cumsum)
    bool operator==(const Scan&) const = default;
    std::size_t hash() const { return hash_of(axis, product); }
};

}  // namespace ops

// `offsets` (may be null) holds, for every chunk of `input` along the axis, what the chunks
// before it add up to (shape: the input's with that axis as long as its chunk count). See
// cumsum() in graph/array.cpp.
NodePtr make_scan_node(NodePtr input, NodePtr offsets, int axis, bool product);
NodePtr rebuild(const ops::Scan& op, const Node& node, std::vector<NodePtr> inputs);
std::string describe(const ops::Scan& op, const Node& node, const std::vector<std::string>& inputs);

}  // namespace chunkarr
