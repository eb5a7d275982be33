// explain(): the graph before and after optimization, the plan the executor would run, the
// rechunk stages that run first, and the bytes each source reads.
#include <chunkarr/core/options.hpp>
#include <chunkarr/engine/explain.hpp>

#include "engine/rechunk_stages.hpp"
#include "exec/plan.hpp"
#include "exec/rechunk_plan.hpp"
#include "graph/node.hpp"
#include "optimize/graph.hpp"
#include "optimize/optimizer.hpp"

#include <map>
#include <sstream>

namespace chunkarr {

namespace {

std::vector<std::string> input_names(const Node& node, const std::map<const Node*, std::string>& names) {
    std::vector<std::string> inputs;
    for (const auto& input : node.inputs) inputs.push_back(names.at(input.get()));
    return inputs;
}

void print_graph(std::ostringstream& out, const std::vector<NodePtr>& outputs,
                 const std::unordered_set<const Node*>* transient) {
    std::map<const Node*, std::string> names;
    for (const Node* node : topological_order(outputs)) {
        std::ostringstream name_text;
        name_text << 'n' << names.size();
        const std::string name = name_text.str();
        names[node] = name;
        out << "  " << name << " = " << describe(*node, input_names(*node, names)) << "  : " << dtype_name(node->dtype)
            << " " << shape_to_string(node->shape);
        if (!node->shape.empty()) out << ", " << node->chunks.block_count() << " chunks";
        if (transient && transient->count(node)) out << "  [fused into its consumer]";
        out << "\n";
    }
    for (std::size_t i = 0; i < outputs.size(); ++i) out << "  out" << i << " = " << names.at(outputs[i].get()) << "\n";
}

}  // namespace

std::string explain(const std::vector<Array>& arrays, std::size_t memory_limit) {
    const std::size_t budget = memory_limit > 0 ? memory_limit : default_memory_limit();
    std::vector<NodePtr> outputs;
    for (const auto& a : arrays) outputs.push_back(a.node());
    const OptimizedGraph optimized = optimize(outputs);
    std::ostringstream out;
    out << "graph:\n";
    print_graph(out, outputs, nullptr);
    out << "optimized:\n";
    print_graph(out, optimized.outputs, &optimized.transient);
    const Plan plan = make_plan(optimized.outputs);
    out << "plan:\n";
    std::size_t stage_number = 0;
    for (const auto& stage : plan.stages) {
        ++stage_number;
        for (const auto& group : stage) {
            if (group.selection) {
                out << "  stage " << stage_number << ": 1 quantile selection in passes over "
                    << shape_to_string(group.grid.shape()) << ", " << group.grid.block_count() << " tasks per pass\n";
                continue;
            }
            out << "  stage " << stage_number << ": " << group.reductions.size() << " reduction"
                << (group.reductions.size() == 1 ? "" : "s") << " in one pass over "
                << shape_to_string(group.grid.shape()) << ", " << group.grid.block_count() << " tasks\n";
        }
    }
    for (const auto& output : optimized.outputs)
        if (!is_reduction(*output))
            out << "  elementwise output " << shape_to_string(output->shape) << ", " << output->chunks.block_count()
                << " tasks\n";
    out << "  total: " << plan.total_tasks << " tasks\n";
    // Rechunks that run in stages (through temporary files) before the plan above.
    std::string rechunks;
    std::map<const Node*, bool> cheap;  // Source::cheap_rereads of every source under a node
    for (const Node* node : topological_order(outputs)) {
        const auto* source = node->as<ops::Source>();
        bool all = !source || source->source->cheap_rereads();
        for (const auto& input : node->inputs) all = all && cheap.at(input.get());
        cheap[node] = all;
        if (node->is<ops::Rechunk>() && element_count(node->shape) > 0 && !all) {
            const RechunkPlan rechunk = plan_for(*node, budget, false);
            if (!rechunk.direct())
                rechunks += "  " + describe_rechunk_plan(rechunk_input_grid(*node), node->chunks, rechunk);
        }
    }
    if (!rechunks.empty()) out << "rechunk stages (run first, budget " << budget << " bytes):\n" << rechunks;
    out << "reads:\n";
    for (const auto& [source, bytes] : source_read_bytes(plan))
        out << "  " << std::get<ops::Source>(source->op).source->describe() << ": " << bytes << " bytes\n";
    return out.str();
}

}  // namespace chunkarr
