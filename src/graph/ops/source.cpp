#include "graph/ops/source.hpp"

#include "graph/node.hpp"

#include <functional>

namespace chunkarr {

bool ops::Source::operator==(const Source& other) const {
    if (source == other.source) return true;
    const std::string id = source->identity();
    return !id.empty() && id == other.source->identity();
}

std::size_t ops::Source::hash() const {
    const std::string id = source->identity();
    return id.empty() ? std::hash<const void*>{}(source.get()) : std::hash<std::string>{}(id);
}

NodePtr make_source_node(SourcePtr source) {
    Node n;
    n.shape = source->shape();
    n.dtype = source->dtype();
    n.chunks = source->task_grid();
    n.op = ops::Source{std::move(source)};
    return intern(std::move(n));
}

NodePtr rebuild(const ops::Source& op, const Node&, std::vector<NodePtr>) { return make_source_node(op.source); }

std::string describe(const ops::Source& op, const Node&, const std::vector<std::string>&) {
    return "source " + op.source->describe();
}

}  // namespace chunkarr
