#include "graph/ops/scalar.hpp"

#include "graph/hashing.hpp"
#include "graph/node.hpp"

#include <sstream>

namespace chunkarr {

bool ops::Scalar::operator==(const Scalar& other) const {
    return hash_value(value) == hash_value(other.value) && weak == other.weak;
}

std::size_t ops::Scalar::hash() const { return hash_of(value, weak); }

NodePtr make_scalar_node(double value, DType dtype, bool weak) {
    Node n;
    n.dtype = dtype;
    n.chunks = ChunkGrid(std::vector<std::vector<Index>>{});
    n.op = ops::Scalar{value, weak};
    return intern(std::move(n));
}

NodePtr rebuild(const ops::Scalar& op, const Node& node, std::vector<NodePtr>) {
    return make_scalar_node(op.value, node.dtype, op.weak);
}

std::string describe(const ops::Scalar& op, const Node&, const std::vector<std::string>&) {
    std::ostringstream out;
    out << "scalar " << op.value << (op.weak ? " (weak)" : "");
    return out.str();
}

}  // namespace chunkarr
