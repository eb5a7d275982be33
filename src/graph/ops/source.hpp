#pragma once
// Source: data read from a file, memory or a generator (io/source.hpp).
#include <chunkarr/io/source.hpp>

#include "graph/node_ptr.hpp"

#include <string>
#include <vector>

namespace chunkarr {
namespace ops {

struct Source {
    static constexpr bool elementwise = false;  // each element from the inputs' at its position
    static constexpr bool reduction = false;    // computed in a stage of its own, then held
    SourcePtr source;
    // The same object, or two sources that say they read the same data (Source::identity).
    bool operator==(const Source& other) const;
    std::size_t hash() const;
};

}  // namespace ops

NodePtr make_source_node(SourcePtr source);
NodePtr rebuild(const ops::Source& op, const Node& node, std::vector<NodePtr> inputs);
std::string describe(const ops::Source& op, const Node& node, const std::vector<std::string>& inputs);

}  // namespace chunkarr
