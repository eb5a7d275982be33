#pragma once
// Quantile: exact quantiles over some axes, computed out of core by the executor's selection
// passes (kernels/quantile.hpp). Result shape: q's shape, then the reduced shape.
#include <chunkarr/core/quantile_mode.hpp>
#include <chunkarr/core/shape.hpp>

#include "graph/hashing.hpp"
#include "graph/node_ptr.hpp"

#include <string>
#include <vector>

namespace chunkarr {
namespace ops {

struct Quantile {
    static constexpr bool elementwise = false;  // each element from the inputs' at its position
    static constexpr bool reduction = true;     // computed in a stage of its own, then held
    std::vector<double> q;                      // in [0, 1], flattened
    Shape q_shape;                              // q's shape: the leading axes of the result
    std::vector<int> axes;                      // reduced input axes: sorted, unique
    bool keepdims = false;
    bool skipna = false;
    QuantileMode mode = QuantileMode::Linear;
    bool operator==(const Quantile&) const = default;
    std::size_t hash() const { return hash_of(q, q_shape, axes, keepdims, skipna, mode); }
};

}  // namespace ops

NodePtr make_quantile_node(NodePtr input, std::vector<double> quantiles, Shape q_shape, std::vector<int> axes,
                           bool keepdims, bool skipna, QuantileMode mode);
NodePtr rebuild(const ops::Quantile& op, const Node& node, std::vector<NodePtr> inputs);
std::string describe(const ops::Quantile& op, const Node& node, const std::vector<std::string>& inputs);

}  // namespace chunkarr
