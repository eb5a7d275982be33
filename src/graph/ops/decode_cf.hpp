#pragma once
// DecodeCF: stored values to physical ones by CF attributes (missing -> NaN, unpacking).
#include <chunkarr/core/cf_decoding.hpp>

#include "graph/hashing.hpp"
#include "graph/node_ptr.hpp"

#include <string>
#include <vector>

namespace chunkarr {
namespace ops {

struct DecodeCF {
    static constexpr bool elementwise = true;  // each element from the inputs' at its position
    static constexpr bool reduction = false;   // computed in a stage of its own, then held
    CFDecoding decoding;                       // its `result` is the node's dtype
    bool operator==(const DecodeCF&) const = default;
    std::size_t hash() const { return hash_of(decoding); }
};

}  // namespace ops

NodePtr make_decode_cf_node(NodePtr input, CFDecoding decoding);
NodePtr rebuild(const ops::DecodeCF& op, const Node& node, std::vector<NodePtr> inputs);
std::string describe(const ops::DecodeCF& op, const Node& node, const std::vector<std::string>& inputs);

}  // namespace chunkarr
