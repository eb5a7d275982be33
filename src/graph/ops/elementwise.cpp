#include "graph/ops/elementwise.hpp"

#include "graph/inference.hpp"
#include "graph/node.hpp"

namespace chunkarr {

namespace {

// Adapts a weak (Python/NumPy number) scalar's dtype to the array it meets, as NumPy 1.x does:
// a scalar of a higher kind (bool < integer < float) brings its own type (int8 array + 1.5 ->
// float64, + np.float32(1.5) -> float32); otherwise the array's type wins (float32 array * 2.0
// stays float32, int16 array + 1 stays int16).
DType weak_dtype(const Node& scalar, DType other) {
    auto kind = [](DType t) { return is_bool(t) ? 0 : is_float(t) ? 2 : 1; };
    return kind(scalar.dtype) > kind(other) ? scalar.dtype : other;
}

bool is_weak_scalar(const Node& node) {
    const auto* scalar = node.as<ops::Scalar>();
    return scalar && scalar->weak;
}

std::pair<DType, DType> effective_dtypes(const Node& a, const Node& b) {
    DType da = a.dtype, db = b.dtype;
    const bool weak_a = is_weak_scalar(a), weak_b = is_weak_scalar(b);
    if (weak_a && !weak_b) da = weak_dtype(a, db);
    if (weak_b && !weak_a) db = weak_dtype(b, da);
    return {da, db};
}

}  // namespace

NodePtr make_unary_node(UnaryOp op, NodePtr input) {
    Node n;
    const OpTypes types = unary_types(op, input->dtype);
    n.dtype = types.result;
    n.shape = input->shape;
    n.chunks = input->chunks;
    n.op = ops::Unary{op, types};
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

NodePtr make_binary_node(BinaryOp op, NodePtr a, NodePtr b) {
    Node n;
    auto [da, db] = effective_dtypes(*a, *b);
    // ldexp(x_float32, 3): the exponent stays an integer, and the mantissa's type is its own.
    if (op == BinaryOp::Ldexp) da = a->dtype, db = b->dtype;
    const OpTypes types = binary_types(op, da, db);
    n.dtype = types.result;
    n.shape = broadcast_shapes(a->shape, b->shape);
    n.op = ops::Binary{op, types};
    n.inputs = {std::move(a), std::move(b)};
    n.chunks = broadcast_chunks(n.shape, n.inputs);
    return intern(std::move(n));
}

NodePtr make_where_node(NodePtr condition, NodePtr a, NodePtr b) {
    Node n;
    const auto [da, db] = effective_dtypes(*a, *b);
    n.dtype = promote(da, db);
    n.shape = broadcast_shapes(condition->shape, broadcast_shapes(a->shape, b->shape));
    n.op = ops::Where{};
    n.inputs = {std::move(condition), std::move(a), std::move(b)};
    n.chunks = broadcast_chunks(n.shape, n.inputs);
    return intern(std::move(n));
}

NodePtr rebuild(const ops::Unary& op, const Node&, std::vector<NodePtr> inputs) {
    return make_unary_node(op.function, std::move(inputs[0]));
}

NodePtr rebuild(const ops::Binary& op, const Node&, std::vector<NodePtr> inputs) {
    return make_binary_node(op.function, std::move(inputs[0]), std::move(inputs[1]));
}

NodePtr rebuild(const ops::Where&, const Node&, std::vector<NodePtr> inputs) {
    return make_where_node(std::move(inputs[0]), std::move(inputs[1]), std::move(inputs[2]));
}

std::string describe(const ops::Unary& op, const Node&, const std::vector<std::string>& inputs) {
    return std::string(op_name(op.function)) + "(" + inputs[0] + ")";
}

std::string describe(const ops::Binary& op, const Node&, const std::vector<std::string>& inputs) {
    return std::string(op_name(op.function)) + "(" + inputs[0] + ", " + inputs[1] + ")";
}

std::string describe(const ops::Where&, const Node&, const std::vector<std::string>& inputs) {
    return "where(" + inputs[0] + ", " + inputs[1] + ", " + inputs[2] + ")";
}

}  // namespace chunkarr
