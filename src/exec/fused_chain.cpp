#include "exec/fused_chain.hpp"

#include "core/cast.hpp"
#include "kernels/elementwise.hpp"

#include <algorithm>
#include <vector>

namespace chunkarr {

namespace {

bool tiled_operation(const Node& node) {
    return node.is<ops::Unary>() || node.is<ops::Binary>() || node.is<ops::Where>() || node.is<ops::DecodeCF>();
}

// The dtype the operation reads its input `k` in (exec/eval/elementwise.cpp casts to it).
DType operand_type(const Node& node, std::size_t k) {
    if (const auto* unary = node.as<ops::Unary>()) return unary->types.compute;
    if (const auto* binary = node.as<ops::Binary>()) return binary->types.compute;
    if (node.is<ops::Where>()) return k == 0 ? DType::Bool : node.dtype;
    return node.inputs[k]->dtype;  // DecodeCF reads the stored values
}

// An operand of a step: the tile of an earlier step, or a block evaluated whole (a leaf: a
// source, a scalar, anything not fused), walking with the tile or one value broadcast.
struct StepInput {
    int step = -1;  // >= 0: that step's tile
    int leaf = -1;  // >= 0: that leaf's block
    bool one_value = false;
    DType type = DType::Float64;       // the type the step reads it in
    std::vector<std::byte> converted;  // an earlier step's tile cast to `type`, when it differs
};

struct Step {
    const Node* node = nullptr;
    std::vector<StepInput> inputs;
    std::vector<std::byte> tile;  // this step's values on the current tile (not the last step)
};

struct Leaf {
    const NodePtr* node = nullptr;
    Region region;
    DType type = DType::Float64;
    Block block;
};

class FusedChain {
public:
    FusedChain(const EvaluationContext& context, Index total) : context_(context), total_(total) {}

    // Steps for `node` and its transient producers, children first; false when an operand is
    // broadcast along some axes only.
    bool plan(const Node& node, const Region& region) {
        Step step;
        step.node = &node;
        for (std::size_t k = 0; k < node.inputs.size(); ++k) {
            const NodePtr& input = node.inputs[k];
            const Region input_box = input_region(node, k, region);
            const Index count = element_count(region_shape(input_box));
            StepInput operand;
            operand.type = operand_type(node, k);
            if (count == total_ && context_.transient.count(input.get()) && tiled_operation(*input)) {
                if (!plan(*input, input_box)) return false;
                operand.step = static_cast<int>(steps_.size()) - 1;
            } else if (count == total_ || count == 1) {
                operand.leaf = static_cast<int>(leaves_.size());
                operand.one_value = count != total_;
                leaves_.push_back({&input, input_box, operand.type, {}});
            } else {
                return false;
            }
            step.inputs.push_back(std::move(operand));
        }
        steps_.push_back(std::move(step));
        return true;
    }

    bool fuses_anything() const { return steps_.size() > 1; }

    Block run(const Region& region, Evaluator& evaluator) {
        const Node& last = *steps_.back().node;
        for (Leaf& leaf : leaves_) {
            const Block stored = evaluator.evaluate(*leaf.node, leaf.region);
            leaf.block = evaluator.as_dtype(stored, leaf.type);
        }
        Block out = output_block(last, region, evaluator);
        for (std::size_t s = 0; s + 1 < steps_.size(); ++s)
            steps_[s].tile.resize(static_cast<std::size_t>(fused_tile_elements) * itemsize(steps_[s].node->dtype));
        for (Step& step : steps_)
            for (StepInput& input : step.inputs)
                if (input.step >= 0 && steps_[input.step].node->dtype != input.type)
                    input.converted.resize(static_cast<std::size_t>(fused_tile_elements) * itemsize(input.type));
        const auto out_item = static_cast<Index>(itemsize(last.dtype));
        for (Index start = 0; start < total_; start += fused_tile_elements) {
            const Index n = std::min(fused_tile_elements, total_ - start);
            for (std::size_t s = 0; s < steps_.size(); ++s) {
                const bool is_last = s + 1 == steps_.size();
                run_step(steps_[s], start, n, is_last ? out.data() + start * out_item : steps_[s].tile.data());
            }
        }
        return out;
    }

private:
    // A leaf block of the result's dtype that only this chain holds (a transient result or a
    // converted copy) is overwritten: each tile reads its elements before the last step writes
    // them, as the unfused kernels do in place. Otherwise a new block.
    Block output_block(const Node& last, const Region& region, Evaluator& evaluator) {
        for (const Leaf& leaf : leaves_) {
            const bool ours = context_.transient.count(leaf.node->get()) || (*leaf.node)->dtype != leaf.type;
            if (ours && leaf.block.dtype == last.dtype && leaf.block.size() == total_ &&
                leaf.block.storage.use_count() == 1)
                return leaf.block;
        }
        return evaluator.allocate(last.dtype, region_shape(region));
    }

    kernels::Operand operand(StepInput& input, Index start, Index n) {
        if (input.leaf >= 0) {
            const Block& block = leaves_[input.leaf].block;
            if (input.one_value) return {block.data(), {1}};
            return {block.data() + start * static_cast<Index>(itemsize(input.type)), {n}};
        }
        const Step& from = steps_[input.step];
        if (input.converted.empty()) return {from.tile.data(), {n}};
        cast_elements(from.tile.data(), from.node->dtype, input.converted.data(), input.type, n);
        return {input.converted.data(), {n}};
    }

    void run_step(Step& step, Index start, Index n, std::byte* out) {
        const Node& node = *step.node;
        const Shape shape{n};
        if (const auto* unary = node.as<ops::Unary>()) {
            kernels::unary(unary->function, unary->types, operand(step.inputs[0], start, n), out, shape);
        } else if (const auto* binary = node.as<ops::Binary>()) {
            const kernels::Operand a = operand(step.inputs[0], start, n);
            const kernels::Operand b = operand(step.inputs[1], start, n);
            kernels::binary(binary->function, binary->types, a, b, out, shape);
        } else if (node.is<ops::Where>()) {
            const kernels::Operand condition = operand(step.inputs[0], start, n);
            const kernels::Operand a = operand(step.inputs[1], start, n);
            const kernels::Operand b = operand(step.inputs[2], start, n);
            kernels::where(condition, node.dtype, a, b, out, shape);
        } else {
            const kernels::Operand stored = operand(step.inputs[0], start, n);
            kernels::decode_cf(node.as<ops::DecodeCF>()->decoding, node.inputs[0]->dtype, stored.data, out, n);
        }
    }

    const EvaluationContext& context_;
    Index total_;
    std::vector<Step> steps_;
    std::vector<Leaf> leaves_;
};

}  // namespace

std::optional<Block> evaluate_fused_chain(const Node& node, const Region& region, Evaluator& evaluator) {
    const Index total = element_count(region_shape(region));
    if (total == 0 || !tiled_operation(node)) return std::nullopt;
    FusedChain chain(evaluator.context(), total);
    if (!chain.plan(node, region) || !chain.fuses_anything()) return std::nullopt;
    return chain.run(region, evaluator);
}

}  // namespace chunkarr
