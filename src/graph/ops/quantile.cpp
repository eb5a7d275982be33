#include "graph/ops/quantile.hpp"

#include <chunkarr/core/error.hpp>

#include "graph/inference.hpp"
#include "graph/node.hpp"

#include <algorithm>
#include <sstream>

namespace chunkarr {

NodePtr make_quantile_node(NodePtr input, std::vector<double> quantiles, Shape q_shape, std::vector<int> axes,
                           bool keepdims, bool skipna, QuantileMode mode) {
    if (static_cast<Index>(quantiles.size()) != element_count(q_shape))
        throw ValueError("internal: quantile values do not fill their shape");
    for (double q : quantiles)
        if (!(q >= 0.0 && q <= 1.0)) throw ValueError("Quantiles must be in the range [0, 1]");
    if (mode == QuantileMode::Linear && is_bool(input->dtype))
        throw ValueError("quantile of a bool array is not supported (NumPy cannot subtract booleans)");
    if (mode == QuantileMode::Exact)
        for (double q : quantiles)
            if (q != 0.0 && q != 1.0) throw ValueError("internal: an exact quantile takes q = 0 or 1");
    Node n;
    ops::Quantile quantile;
    quantile.axes = normalize_axes(axes, input->shape.size());
    quantile.keepdims = keepdims;
    quantile.skipna = skipna;
    quantile.mode = mode;
    switch (mode) {
        case QuantileMode::Linear: n.dtype = DType::Float64; break;
        case QuantileMode::Exact: n.dtype = input->dtype; break;
        case QuantileMode::Median: n.dtype = input->dtype == DType::Float32 ? DType::Float32 : DType::Float64; break;
    }
    Index lanes = 1, lane_length = 1;
    std::vector<std::vector<Index>> chunks;
    for (Index q : q_shape) {
        n.shape.push_back(q);
        chunks.push_back({q});
    }
    for (std::size_t axis = 0; axis < input->shape.size(); ++axis) {
        const bool reduced = std::binary_search(quantile.axes.begin(), quantile.axes.end(), static_cast<int>(axis));
        (reduced ? lane_length : lanes) *= input->shape[axis];
    }
    reduced_shape(*input, quantile.axes, keepdims, n.shape, chunks);
    // As NumPy: the (non-nan) quantile of an empty lane has no value to take.
    if (lane_length == 0 && lanes > 0 && !quantiles.empty() && !skipna && mode != QuantileMode::Median)
        throw ValueError("cannot take a quantile over an empty axis (zero-size lanes)");
    n.chunks = ChunkGrid(std::move(chunks));
    quantile.q = std::move(quantiles);
    quantile.q_shape = std::move(q_shape);
    n.op = std::move(quantile);
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

NodePtr rebuild(const ops::Quantile& op, const Node&, std::vector<NodePtr> inputs) {
    return make_quantile_node(std::move(inputs[0]), op.q, op.q_shape, op.axes, op.keepdims, op.skipna, op.mode);
}

std::string describe(const ops::Quantile& op, const Node&, const std::vector<std::string>& inputs) {
    std::ostringstream out;
    out << (op.skipna ? "nan" : "") << (op.mode == QuantileMode::Median ? "median(" : "quantile(") << inputs[0];
    if (op.mode != QuantileMode::Median) {
        out << ", q=(";
        for (std::size_t i = 0; i < op.q.size(); ++i) out << (i ? ", " : "") << op.q[i];
        out << ")";
    }
    out << ", axes=(";
    for (std::size_t i = 0; i < op.axes.size(); ++i) out << (i ? ", " : "") << op.axes[i];
    out << ")" << (op.keepdims ? ", keepdims" : "") << ")";
    return out.str();
}

}  // namespace chunkarr
