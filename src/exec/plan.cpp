#include "exec/plan.hpp"

#include "exec/evaluator.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <unordered_map>

namespace chunkarr {

namespace {

// Stage number of every reduction reachable from the outputs: 0 when its input has no
// reduction, else one more than the deepest reduction inside.
void assign_stages(const NodePtr& node, std::unordered_map<const Node*, int>& level_below,
                   std::map<int, std::vector<NodePtr>>& by_stage, std::unordered_map<const Node*, bool>& seen) {
    if (seen.count(node.get())) return;
    int deepest = -1;
    for (const auto& input : node->inputs) {
        assign_stages(input, level_below, by_stage, seen);
        deepest = std::max(deepest, level_below[input.get()]);
    }
    seen[node.get()] = true;
    if (is_reduction(*node)) {
        const int stage = deepest + 1;
        by_stage[stage].push_back(node);
        level_below[node.get()] = stage;
    } else {
        level_below[node.get()] = deepest;
    }
}

}  // namespace

Plan make_plan(const std::vector<NodePtr>& outputs) {
    Plan plan;
    plan.outputs = outputs;
    std::unordered_map<const Node*, int> level_below;
    std::unordered_map<const Node*, bool> seen;
    std::map<int, std::vector<NodePtr>> by_stage;
    for (const auto& output : outputs) assign_stages(output, level_below, by_stage, seen);

    for (auto& [stage, reductions] : by_stage) {
        std::vector<ReductionGroup> groups;
        for (const auto& reduction : reductions) {
            const Node& input = *reduction->inputs[0];
            if (const auto* quantile = reduction->as<ops::Quantile>()) {
                ReductionGroup group;
                group.grid = input.chunks;
                group.reduced.assign(input.shape.size(), false);
                for (int axis : quantile->axes) group.reduced[static_cast<std::size_t>(axis)] = true;
                group.reductions = {reduction};
                group.inputs = {reduction->inputs[0]};
                group.masks = {nullptr};
                group.needs.emplace_back();
                group.selection = true;
                groups.push_back(std::move(group));
                continue;
            }
            const auto& reduce = std::get<ops::Reduce>(reduction->op);
            auto same_walk = [&](const ReductionGroup& g) {
                if (g.selection) return false;  // a quantile's group is its own
                const Node& other = *g.reductions.front();
                return std::get<ops::Reduce>(other.op).axes == reduce.axes && other.inputs[0]->shape == input.shape &&
                       other.inputs[0]->chunks == input.chunks;
            };
            auto it = std::find_if(groups.begin(), groups.end(), same_walk);
            if (it == groups.end()) {
                ReductionGroup group;
                group.grid = input.chunks;
                group.reduced.assign(input.shape.size(), false);
                for (int axis : reduce.axes) group.reduced[static_cast<std::size_t>(axis)] = true;
                groups.push_back(std::move(group));
                it = std::prev(groups.end());
            }
            it->reductions.push_back(reduction);
            const CFDecoding* mask = reduce.mask ? &*reduce.mask : nullptr;
            std::size_t k = 0;
            while (k < it->inputs.size() &&
                   !(it->inputs[k] == reduction->inputs[0] &&
                     (it->masks[k] == mask || (it->masks[k] && mask && *it->masks[k] == *mask))))
                ++k;
            if (k == it->inputs.size()) {
                it->inputs.push_back(reduction->inputs[0]);
                it->masks.push_back(mask);
                it->needs.emplace_back();
            }
            it->needs[k] |= kernels::needs_of(reduce.function);
        }
        for (const auto& group : groups) {
            plan.total_tasks += group.grid.block_count();
            for (const auto& input : group.inputs)
                plan.total_input_bytes +=
                    static_cast<std::uint64_t>(element_count(input->shape)) * itemsize(input->dtype);
        }
        plan.stages.push_back(std::move(groups));
    }
    for (const auto& output : outputs) {
        if (is_reduction(*output)) continue;
        plan.total_tasks += output->chunks.block_count();
        plan.total_input_bytes += static_cast<std::uint64_t>(element_count(output->shape)) * itemsize(output->dtype);
    }
    return plan;
}

std::vector<std::pair<const Node*, std::uint64_t>> source_read_bytes(const Plan& plan) {
    std::vector<std::pair<const Node*, std::uint64_t>> totals;
    auto add = [&](const Node* source, std::uint64_t bytes) {
        for (auto& [node, total] : totals)
            if (node == source) return void(total += bytes);
        totals.emplace_back(source, bytes);
    };
    // Each task evaluates its region once per distinct (node, region), as the Evaluator does.
    std::function<void(const Node&, const Region&, std::vector<std::pair<const Node*, Region>>&)> walk =
        [&](const Node& node, const Region& region, std::vector<std::pair<const Node*, Region>>& seen) {
            for (const auto& [n, r] : seen)
                if (n == &node && r == region) return;
            seen.emplace_back(&node, region);
            if (node.is<ops::Source>()) {
                add(&node, static_cast<std::uint64_t>(element_count(region_shape(region))) * itemsize(node.dtype));
                return;
            }
            if (is_reduction(node)) return;  // an earlier stage
            for (std::size_t k = 0; k < node.inputs.size(); ++k)
                for (const Region& input : input_regions(node, k, region)) walk(*node.inputs[k], input, seen);
        };
    auto each_task = [&](const ChunkGrid& grid, const std::vector<NodePtr>& nodes) {
        for (Index flat = 0; flat < grid.block_count(); ++flat) {
            const Region region = grid.block_region(grid.unravel(flat));
            std::vector<std::pair<const Node*, Region>> seen;
            for (const auto& node : nodes) walk(*node, region, seen);
        }
    };
    for (const auto& stage : plan.stages)
        for (const auto& group : stage) each_task(group.grid, group.inputs);
    for (const auto& output : plan.outputs)
        if (!is_reduction(*output)) each_task(output->chunks, {output});
    return totals;
}

}  // namespace chunkarr
