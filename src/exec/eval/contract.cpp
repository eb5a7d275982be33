// Contract: per result block, the products of the operands' panels piece by piece of the summed
// axes (one BLAS gemm per piece and batch), added in a fixed order; each piece is read by a
// fresh evaluator so that only one pair of panels is held.
#include "core/cast.hpp"
#include "exec/eval/operations.hpp"
#include "kernels/linalg.hpp"

#include <algorithm>
#include <cstring>

namespace chunkarr {

namespace {

// The pieces of a contraction's summed axes: piece `flat` (row-major over k_chunks).
std::vector<Range> contract_piece(const ops::Contract& spec, Index flat) {
    std::vector<Range> piece(spec.k_chunks.size());
    for (std::size_t p = spec.k_chunks.size(); p-- > 0;) {
        const auto& sizes = spec.k_chunks[p];
        const auto count = static_cast<Index>(sizes.size());
        const Index index = flat % count;
        flat /= count;
        Index start = 0;
        for (Index i = 0; i < index; ++i) start += sizes[static_cast<std::size_t>(i)];
        piece[p] = {start, start + sizes[static_cast<std::size_t>(index)]};
    }
    return piece;
}

Index contract_piece_count(const ops::Contract& spec) {
    Index count = 1;
    for (const auto& sizes : spec.k_chunks) count *= static_cast<Index>(sizes.size());
    return count;
}

// Operand k's axes in packed order: batch, then (first operand) kept axes and summed axes in
// pair order, or (second operand) summed axes in pair order and kept axes.
std::vector<int> contract_pack_order(const ops::Contract& spec, const Node& node, std::size_t k) {
    const auto& summed = k == 0 ? spec.a_axes : spec.b_axes;
    std::vector<int> batch, kept;
    for (std::size_t axis = 0; axis < node.inputs[k]->shape.size(); ++axis) {
        if (static_cast<int>(axis) < spec.batch) batch.push_back(static_cast<int>(axis));
        else if (contract_output_axis(node, k, axis) >= 0) kept.push_back(static_cast<int>(axis));
    }
    std::vector<int> order = batch;
    if (k == 0) {
        order.insert(order.end(), kept.begin(), kept.end());
        order.insert(order.end(), summed.begin(), summed.end());
    } else {
        order.insert(order.end(), summed.begin(), summed.end());
        order.insert(order.end(), kept.begin(), kept.end());
    }
    return order;
}

bool is_identity(const std::vector<int>& order) {
    for (std::size_t i = 0; i < order.size(); ++i)
        if (order[i] != static_cast<int>(i)) return false;
    return true;
}

std::vector<Range> whole_summed_axes(const ops::Contract& spec) {
    std::vector<Range> piece;
    for (const auto& sizes : spec.k_chunks) {
        Index total = 0;
        for (Index c : sizes) total += c;
        piece.push_back({0, total});
    }
    return piece;
}

// The region of operand `k` behind `region` of the result, with the summed axes limited to
// `piece` (one range per pair of summed axes).
Region operand_region(const ops::Contract& spec, const Node& node, std::size_t k, const Region& region,
                      const std::vector<Range>& piece) {
    const Node& input = *node.inputs[k];
    const auto& summed = k == 0 ? spec.a_axes : spec.b_axes;
    Region result(input.shape.size());
    for (std::size_t axis = 0; axis < input.shape.size(); ++axis) {
        const int out = contract_output_axis(node, k, axis);
        if (out < 0) {
            const auto p = static_cast<std::size_t>(std::find(summed.begin(), summed.end(), static_cast<int>(axis)) -
                                                    summed.begin());
            result[axis] = piece[p];
        } else if (static_cast<int>(axis) < spec.batch && input.shape[axis] == 1) {
            result[axis] = {0, 1};  // broadcast batch axis
        } else {
            result[axis] = region[static_cast<std::size_t>(out)];
        }
    }
    return result;
}

}  // namespace

Region input_region(const ops::Contract& op, const Node& node, std::size_t k, const Region& region) {
    return operand_region(op, node, k, region, whole_summed_axes(op));
}

Block evaluate(const ops::Contract& spec, const Node& node, const Region& region, Evaluator& evaluator) {
    const Shape shape = region_shape(region);
    const DType type = kernels::contract_compute_type(node.dtype);
    const std::size_t item = itemsize(type);
    const auto batch = static_cast<std::size_t>(spec.batch);
    const std::size_t a_kept = node.inputs[0]->shape.size() - batch - spec.a_axes.size();
    Index batches = 1, rows = 1, cols = 1;
    for (std::size_t axis = 0; axis < shape.size(); ++axis)
        (axis < batch ? batches : axis < batch + a_kept ? rows : cols) *= shape[axis];
    Block sum = evaluator.allocate(type, shape);
    std::memset(sum.data(), 0, sum.nbytes());
    const std::vector<int> orders[2] = {contract_pack_order(spec, node, 0), contract_pack_order(spec, node, 1)};
    const Index pieces = contract_piece_count(spec);
    for (Index flat = 0; batches * rows * cols > 0 && flat < pieces; ++flat) {
        const std::vector<Range> piece = contract_piece(spec, flat);
        Index depth = 1;
        for (const Range& r : piece) depth *= r.size();
        if (depth == 0) continue;
        Evaluator panels(evaluator.context());  // its memo ends with the piece
        Block packed[2];
        Shape batch_shape[2];
        for (std::size_t k = 0; k < 2; ++k) {
            const Block values = panels.evaluate(node.inputs[k], operand_region(spec, node, k, region, piece));
            batch_shape[k] = Shape(values.shape.begin(), values.shape.begin() + static_cast<std::ptrdiff_t>(batch));
            if (values.dtype == type && is_identity(orders[k])) {
                packed[k] = values;
            } else {
                packed[k] = evaluator.allocate(type, values.shape);
                kernels::pack(values.data(), values.dtype, values.shape, orders[k], packed[k].data(), type);
            }
        }
        evaluator.count_read(panels.bytes_read());
        // Batch index of the result -> batch index of each operand (0 along broadcast axes).
        std::vector<Index> index(batch, 0);
        for (Index b = 0; b < batches; ++b) {
            Index at[2] = {0, 0};
            for (std::size_t k = 0; k < 2; ++k)
                for (std::size_t axis = 0; axis < batch; ++axis)
                    at[k] = at[k] * batch_shape[k][axis] + (batch_shape[k][axis] == 1 ? 0 : index[axis]);
            kernels::gemm_accumulate(type, packed[0].data() + at[0] * rows * depth * static_cast<Index>(item),
                                     packed[1].data() + at[1] * depth * cols * static_cast<Index>(item),
                                     sum.data() + b * rows * cols * static_cast<Index>(item), rows, cols, depth);
            for (std::size_t axis = batch; axis-- > 0;) {
                if (++index[axis] < shape[axis]) break;
                index[axis] = 0;
            }
        }
    }
    if (type == node.dtype) return sum;
    Block out = evaluator.allocate(node.dtype, shape);
    cast_elements(sum.data(), type, out.data(), node.dtype, sum.size());
    return out;
}

// The result and its sum, and one piece's panels (the first piece is the largest).
std::size_t footprint(const ops::Contract& op, const Node& node, const Region& region, FootprintWalk& walk) {
    const DType type = kernels::contract_compute_type(node.dtype);
    std::size_t total = region_bytes(region, node.dtype) + (type != node.dtype ? region_bytes(region, type) : 0);
    const std::vector<Range> piece = contract_piece(op, 0);
    for (std::size_t k = 0; k < 2; ++k) {
        const Region ir = operand_region(op, node, k, region, piece);
        FootprintWalk panels(walk.done());  // a piece's panels are read by an evaluator of their own
        total += panels(*node.inputs[k], ir) + region_bytes(ir, type);
    }
    return total;
}

}  // namespace chunkarr
