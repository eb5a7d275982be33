#pragma once
// Scalar: one number as a 0-d array.
#include <chunkarr/core/dtype.hpp>

#include "graph/node_ptr.hpp"

#include <string>
#include <vector>

namespace chunkarr {
namespace ops {

struct Scalar {
    static constexpr bool elementwise = false;  // each element from the inputs' at its position
    static constexpr bool reduction = false;    // computed in a stage of its own, then held
    double value = 0;
    bool weak = false;  // from a C++/Python number: adapts its dtype to the array it meets
    // By bits: 0.0 and -0.0 are different scalars, and NaN is equal to itself.
    bool operator==(const Scalar& other) const;
    std::size_t hash() const;
};

}  // namespace ops

NodePtr make_scalar_node(double value, DType dtype, bool weak);
NodePtr rebuild(const ops::Scalar& op, const Node& node, std::vector<NodePtr> inputs);
std::string describe(const ops::Scalar& op, const Node& node, const std::vector<std::string>& inputs);

}  // namespace chunkarr
