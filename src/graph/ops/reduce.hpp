#pragma once
// Reduce: sum, mean, min, max, var, std or count over some axes, computed from mergeable
// partial states in a fixed tree (kernels/reduce.hpp).
#include <chunkarr/core/cf_decoding.hpp>
#include <chunkarr/core/ops.hpp>

#include "graph/hashing.hpp"
#include "graph/node_ptr.hpp"

#include <optional>
#include <string>
#include <vector>

namespace chunkarr {
namespace ops {

struct Reduce {
    static constexpr bool elementwise = false;  // each element from the inputs' at its position
    static constexpr bool reduction = true;     // computed in a stage of its own, then held
    ReduceOp function = ReduceOp::Sum;
    std::vector<int> axes;  // reduced input axes: sorted, unique
    bool keepdims = false;
    bool skipna = false;             // nan-variants: NaN is skipped instead of propagated
    int ddof = 0;                    // var/std
    std::optional<CFDecoding> mask;  // values this decoding marks missing are skipped too
    bool operator==(const Reduce&) const = default;
    std::size_t hash() const { return hash_of(function, axes, keepdims, skipna, ddof, mask); }
    bool reduces(std::size_t axis) const;
};

}  // namespace ops

// `result` overrides NumPy's result dtype (stats reports float32 data's mean in float64).
NodePtr make_reduce_node(ReduceOp op, NodePtr input, std::vector<int> axes, bool keepdims, bool skipna, int ddof,
                         std::optional<DType> result = std::nullopt, std::optional<CFDecoding> mask = std::nullopt);
NodePtr rebuild(const ops::Reduce& op, const Node& node, std::vector<NodePtr> inputs);
std::string describe(const ops::Reduce& op, const Node& node, const std::vector<std::string>& inputs);

}  // namespace chunkarr
