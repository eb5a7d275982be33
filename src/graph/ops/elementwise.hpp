#pragma once
// The elementwise family: Unary (f(x)), Binary (f(a, b), NumPy broadcasting) and Where
// (where(condition, a, b)). Each computes in one type and returns another (core/ops.hpp).
#include <chunkarr/core/ops.hpp>

#include "graph/hashing.hpp"
#include "graph/node_ptr.hpp"

#include <string>
#include <vector>

namespace chunkarr {
namespace ops {

struct Unary {
    static constexpr bool elementwise = true;  // each element from the inputs' at its position
    static constexpr bool reduction = false;   // computed in a stage of its own, then held
    UnaryOp function = UnaryOp::Negative;
    OpTypes types{DType::Float64, DType::Float64};  // the input is cast to types.compute
    bool operator==(const Unary&) const = default;
    std::size_t hash() const { return hash_of(function, types); }
};

struct Binary {
    static constexpr bool elementwise = true;  // each element from the inputs' at its position
    static constexpr bool reduction = false;   // computed in a stage of its own, then held
    BinaryOp function = BinaryOp::Add;
    OpTypes types{DType::Float64, DType::Float64};  // both operands are cast to types.compute
    bool operator==(const Binary&) const = default;
    std::size_t hash() const { return hash_of(function, types); }
};

// Inputs: condition (cast to bool), a, b (cast to the node's dtype).
struct Where {
    static constexpr bool elementwise = true;  // each element from the inputs' at its position
    static constexpr bool reduction = false;   // computed in a stage of its own, then held
    bool operator==(const Where&) const = default;
    std::size_t hash() const { return 0; }
};

}  // namespace ops

NodePtr make_unary_node(UnaryOp op, NodePtr input);
NodePtr make_binary_node(BinaryOp op, NodePtr a, NodePtr b);
NodePtr make_where_node(NodePtr condition, NodePtr a, NodePtr b);

NodePtr rebuild(const ops::Unary& op, const Node& node, std::vector<NodePtr> inputs);
NodePtr rebuild(const ops::Binary& op, const Node& node, std::vector<NodePtr> inputs);
NodePtr rebuild(const ops::Where& op, const Node& node, std::vector<NodePtr> inputs);
std::string describe(const ops::Unary& op, const Node& node, const std::vector<std::string>& inputs);
std::string describe(const ops::Binary& op, const Node& node, const std::vector<std::string>& inputs);
std::string describe(const ops::Where& op, const Node& node, const std::vector<std::string>& inputs);

}  // namespace chunkarr
