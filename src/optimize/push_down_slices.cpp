#include "optimize/passes.hpp"
#include "optimize/rewrite.hpp"

namespace chunkarr {

namespace {

// slice(slice(x)) as one slice of x.
std::vector<SliceAxis> compose(const std::vector<SliceAxis>& inner, const std::vector<SliceAxis>& outer) {
    std::vector<SliceAxis> result;
    std::size_t out_axis = 0;
    for (const SliceAxis& first : inner) {
        if (first.drop) {
            result.push_back(first);
            continue;
        }
        const SliceAxis& second = outer[out_axis++];
        SliceAxis combined;
        combined.start = first.start + second.start * first.step;
        combined.step = first.step * second.step;
        combined.drop = second.drop;
        const Index length = second.length();  // 1 for a dropped axis
        combined.stop = length > 0 ? combined.start + (length - 1) * combined.step + 1 : combined.start;
        result.push_back(combined);
    }
    return result;
}

// The slice of elementwise input `input` (rank r, aligned right) that `axes` of the result
// (rank R) selects: broadcast axes stay length 1 (or are dropped with the result's axis).
std::vector<SliceAxis> input_slice(const Node& result, const Node& input, const std::vector<SliceAxis>& axes) {
    const std::size_t offset = result.shape.size() - input.shape.size();
    std::vector<SliceAxis> slice;
    for (std::size_t axis = 0; axis < input.shape.size(); ++axis) {
        const SliceAxis& s = axes[axis + offset];
        const bool broadcast = input.shape[axis] == 1 && result.shape[axis + offset] != 1;
        if (broadcast) slice.push_back({0, 1, 1, s.drop});
        else slice.push_back(s);
    }
    return slice;
}

NodePtr push(const NodePtr& node);
NodePtr slice_of(const NodePtr& input, const std::vector<SliceAxis>& axes);

// slice(contract(a, b)) as contract(slice(a), slice(b)): the result's batch and kept axes are
// sliced in the operands (broadcast batch axes stay length 1), the summed axes stay whole, so
// the sum's pieces and order are unchanged and only the selected rows and columns are computed.
NodePtr push_into_contract(const Node& slice, const NodePtr& contract) {
    const ops::Contract& spec = std::get<ops::Contract>(contract->op);
    const std::vector<SliceAxis>& selected = std::get<ops::Slice>(slice.op).axes;
    std::vector<SliceAxis> operand_slices[2];
    std::vector<int> summed[2];
    int batch = spec.batch;
    for (std::size_t k = 0; k < 2; ++k) {
        const Node& input = *contract->inputs[k];
        std::vector<int> kept_position(input.shape.size(), -1);  // axis in the sliced operand
        int position = 0;
        for (std::size_t axis = 0; axis < input.shape.size(); ++axis) {
            const int out = contract_output_axis(*contract, k, axis);
            SliceAxis s{0, input.shape[axis], 1, false};
            if (out >= 0) {
                const SliceAxis& wanted = selected[static_cast<std::size_t>(out)];
                const bool broadcast = static_cast<int>(axis) < spec.batch && input.shape[axis] == 1 &&
                                       contract->shape[static_cast<std::size_t>(out)] != 1;
                s = broadcast ? SliceAxis{0, 1, 1, wanted.drop} : wanted;
                if (k == 0 && static_cast<int>(axis) < spec.batch && wanted.drop) --batch;
            }
            operand_slices[k].push_back(s);
            if (!s.drop) kept_position[axis] = position++;
        }
        for (int axis : k == 0 ? spec.a_axes : spec.b_axes)
            summed[k].push_back(kept_position[static_cast<std::size_t>(axis)]);
    }
    NodePtr a = slice_of(contract->inputs[0], operand_slices[0]);
    NodePtr b = slice_of(contract->inputs[1], operand_slices[1]);
    return make_contract_node(std::move(a), std::move(b), batch, summed[0], summed[1], spec.k_chunks, slice.chunks);
}

NodePtr slice_of(const NodePtr& input, const std::vector<SliceAxis>& axes) {
    if (input->shape.empty()) return input;  // a 0-d operand broadcasts: nothing to slice
    return push(make_slice_node(input, axes));
}

// One slice, moved as far down as it goes.
NodePtr push(const NodePtr& node) {
    const auto* slice = node->as<ops::Slice>();
    if (!slice) return node;
    const NodePtr& input = node->inputs[0];
    NodePtr moved;
    if (const auto* inner = input->as<ops::Slice>()) {
        moved = push(make_slice_node(input->inputs[0], compose(inner->axes, slice->axes)));
    } else if (input->is<ops::Contract>()) {
        moved = push_into_contract(*node, input);
    } else if (is_elementwise(*input)) {
        std::vector<NodePtr> inputs;
        for (const auto& operand : input->inputs)
            inputs.push_back(slice_of(operand, input_slice(*input, *operand, slice->axes)));
        moved = with_inputs(*input, std::move(inputs));
    } else {
        return node;
    }
    // Keep the original where the rewrite would change what the output looks like.
    return looks_the_same(*moved, *node) ? moved : node;
}

}  // namespace

OptimizedGraph push_down_slices(OptimizedGraph graph) { return rewrite_outputs(std::move(graph), push); }

}  // namespace chunkarr
