#pragma once
// A node of the lazy expression graph: immutable, with shape, dtype and chunk grid inferred when
// it is made, so a bad expression fails where the user writes it. A node holds what every node
// has (inputs, shape, dtype, chunks, hash) and its operation's own attributes: one small struct
// per operation (graph/ops/<op>.hpp), held in the `Operation` variant. Nodes are hash-consed:
// making a node equal to a live one returns the live one, so equal subexpressions share one node.
//
// Adding an operation: its struct, factory, rebuild and describe in graph/ops/<op>.{hpp,cpp},
// one line in `Operation` below, and its evaluation in exec/eval/<op>.cpp (declared in
// exec/eval/operations.hpp). Every place that handles each operation is a std::visit without a
// default, so the compiler lists what is missing.
#include <chunkarr/core/dtype.hpp>
#include <chunkarr/core/shape.hpp>

#include "graph/node_ptr.hpp"
#include "graph/ops/cast.hpp"
#include "graph/ops/concatenate.hpp"
#include "graph/ops/contract.hpp"
#include "graph/ops/decode_cf.hpp"
#include "graph/ops/elementwise.hpp"
#include "graph/ops/expand_dims.hpp"
#include "graph/ops/map_blocks.hpp"
#include "graph/ops/quantile.hpp"
#include "graph/ops/rechunk.hpp"
#include "graph/ops/reduce.hpp"
#include "graph/ops/reshape.hpp"
#include "graph/ops/scalar.hpp"
#include "graph/ops/scan.hpp"
#include "graph/ops/slice.hpp"
#include "graph/ops/source.hpp"
#include "graph/ops/take.hpp"
#include "graph/ops/transpose.hpp"

#include <string>
#include <variant>
#include <vector>

namespace chunkarr {

// The registry of operations: one alternative per operation.
using Operation = std::variant<ops::Source, ops::Scalar, ops::Unary, ops::Binary, ops::Where, ops::Cast, ops::DecodeCF,
                               ops::Slice, ops::Reduce, ops::Quantile, ops::Rechunk, ops::Concatenate, ops::Transpose,
                               ops::ExpandDims, ops::Scan, ops::Reshape, ops::MapBlocks, ops::Contract, ops::Take>;

struct Node {
    std::vector<NodePtr> inputs;
    Shape shape;
    DType dtype = DType::Float64;
    ChunkGrid chunks;
    Operation op;
    std::size_t hash = 0;

    template <class Op> bool is() const { return std::holds_alternative<Op>(op); }
    // The operation's attributes when it is an `Op`, else null.
    template <class Op> const Op* as() const { return std::get_if<Op>(&op); }
};

// The canonical node equal to `node` (a live one, or `node` registered as it): the last step of
// every factory. Equal means the same operation and attributes, inputs, dtype, shape and chunks.
NodePtr intern(Node node);

// The same operation as `node` on other inputs (re-validated and interned): what rewrites use.
NodePtr with_inputs(const Node& node, std::vector<NodePtr> inputs);

// One line of explain(): the operation applied to its inputs, named by `inputs` ("n0", ...).
std::string describe(const Node& node, const std::vector<std::string>& inputs);

// The operation's traits (every operation struct states them):
// elementwise - each output element comes from the inputs' elements at its (broadcast) position;
// reduction - computed in a stage of its own before the nodes that use it, and held in memory.
bool is_elementwise(const Node& node);
bool is_reduction(const Node& node);

}  // namespace chunkarr
