#include <chunkarr/core/error.hpp>
#include <chunkarr/exec/plan.hpp>
#include <chunkarr/optimize/optimizer.hpp>
#include <chunkarr/exec/rechunk.hpp>
#include <chunkarr/optimize/passes.hpp>

#include "rewrite.hpp"

#include <map>
#include <sstream>

namespace chunkarr {

namespace {

struct NamedPass {
    const char* name;
    OptimizedGraph (*run)(OptimizedGraph);
};

// The fixed order: simplify first, then move slices down (which can expose shared
// subexpressions), merge those, align task grids to storage, and decide fusion last, on the
// final graph.
constexpr NamedPass passes[] = {
    {"cull", cull},
    {"push_down_slices", push_down_slices},
    {"merge_common_subexpressions", merge_common_subexpressions},
    {"align_chunks", align_chunks},
    {"fuse_elementwise", fuse_elementwise},
};

void verify(const char* pass, const std::vector<NodePtr>& before, const std::vector<NodePtr>& after) {
    for (std::size_t i = 0; i < before.size(); ++i) {
        if (i >= after.size() || !looks_the_same(*before[i], *after[i])) {
            std::ostringstream message;
            message << "internal: optimizer pass " << pass << " changed output " << i;
            throw Error(message.str());
        }
    }
}

std::string describe_node(const Node& n, const std::map<const Node*, std::string>& names) {
    std::ostringstream out;
    auto arg = [&](std::size_t k) { return names.at(n.inputs[k].get()); };
    switch (n.kind) {
        case NodeKind::Source: out << "source " << n.source->describe(); break;
        case NodeKind::Scalar: out << "scalar " << n.scalar << (n.weak_scalar ? " (weak)" : ""); break;
        case NodeKind::Unary: out << op_name(n.unary) << "(" << arg(0) << ")"; break;
        case NodeKind::Binary: out << op_name(n.binary) << "(" << arg(0) << ", " << arg(1) << ")"; break;
        case NodeKind::Where: out << "where(" << arg(0) << ", " << arg(1) << ", " << arg(2) << ")"; break;
        case NodeKind::Cast: out << "astype(" << arg(0) << ", " << dtype_name(n.dtype) << ")"; break;
        case NodeKind::DecodeCF: out << "decode_cf(" << arg(0) << ")"; break;
        case NodeKind::Rechunk: out << "rechunk(" << arg(0) << ", " << n.chunks.to_string() << ")"; break;
        case NodeKind::Scan:
            out << (n.scan_product ? "cumprod(" : "cumsum(") << arg(0) << (n.inputs.size() > 1 ? ", offsets=" + arg(1) : "")
                << ", axis=" << n.axes.front() << ")";
            break;
        case NodeKind::Contract: {
            auto list = [&](const std::vector<int>& axes) {
                out << "(";
                for (std::size_t i = 0; i < axes.size(); ++i) out << (i ? ", " : "") << axes[i];
                out << (axes.size() == 1 ? ",)" : ")");
            };
            out << "tensordot(" << arg(0) << ", " << arg(1) << ", axes=(";
            list(n.contract.a_axes);
            out << ", ";
            list(n.contract.b_axes);
            out << ")";
            if (n.contract.batch > 0) out << ", batch=" << n.contract.batch;
            Index pieces = 1;
            for (const auto& sizes : n.contract.k_chunks) pieces *= static_cast<Index>(sizes.size());
            out << ", " << pieces << " piece" << (pieces == 1 ? "" : "s") << ")";
            break;
        }
        case NodeKind::ExpandDims: {
            out << "expand_dims(" << arg(0) << ", (";
            for (std::size_t i = 0; i < n.axes.size(); ++i) out << (i ? ", " : "") << n.axes[i];
            out << "))";
            break;
        }
        case NodeKind::Transpose: {
            out << "transpose(" << arg(0) << ", (";
            for (std::size_t i = 0; i < n.axes.size(); ++i) out << (i ? ", " : "") << n.axes[i];
            out << "))";
            break;
        }
        case NodeKind::Reshape: out << "reshape(" << arg(0) << ", " << shape_to_string(n.shape) << ")"; break;
        case NodeKind::MapBlocks: {
            out << (n.overlap ? "map_overlap(" : "map_blocks(") << n.function->name;
            for (std::size_t k = 0; k < n.inputs.size(); ++k) out << ", " << arg(k);
            if (n.overlap) {
                out << ", depth=" << shape_to_string(n.overlap->depth) << ", boundary=(";
                for (std::size_t axis = 0; axis < n.overlap->boundaries.size(); ++axis) {
                    out << (axis ? ", " : "") << boundary_name(n.overlap->boundaries[axis]);
                    if (n.overlap->boundaries[axis] == Boundary::Constant) out << ' ' << n.overlap->values[axis];
                }
                out << ')';
                if (!n.overlap->trim) out << ", trim=false";
            }
            out << ")";
            break;
        }
        case NodeKind::Concatenate: {
            out << "concatenate(";
            for (std::size_t k = 0; k < n.inputs.size(); ++k) out << (k ? ", " : "") << arg(k);
            out << ", axis=" << n.axes.front() << ")";
            break;
        }
        case NodeKind::Slice: {
            out << arg(0) << "[";
            for (std::size_t i = 0; i < n.slice.size(); ++i) {
                const SliceAxis& s = n.slice[i];
                out << (i ? ", " : "");
                if (s.drop) out << s.start;
                else out << s.start << ":" << s.stop;
                if (!s.drop && s.step != 1) out << ":" << s.step;
            }
            out << "]";
            break;
        }
        case NodeKind::Quantile: {
            out << (n.skipna ? "nan" : "") << (n.quantile_mode == QuantileMode::Median ? "median(" : "quantile(") << arg(0);
            if (n.quantile_mode != QuantileMode::Median) {
                out << ", q=(";
                for (std::size_t i = 0; i < n.quantiles.size(); ++i) out << (i ? ", " : "") << n.quantiles[i];
                out << ")";
            }
            out << ", axes=(";
            for (std::size_t i = 0; i < n.axes.size(); ++i) out << (i ? ", " : "") << n.axes[i];
            out << ")" << (n.keepdims ? ", keepdims" : "") << ")";
            break;
        }
        case NodeKind::Reduce: {
            out << (n.skipna && n.reduce != ReduceOp::Count ? "nan" : "") << op_name(n.reduce) << "(" << arg(0) << ", axes=(";
            for (std::size_t i = 0; i < n.axes.size(); ++i) out << (i ? ", " : "") << n.axes[i];
            out << ")" << (n.keepdims ? ", keepdims" : "") << (n.mask ? ", masked" : "") << ")";
            break;
        }
    }
    return out.str();
}

void print_graph(std::ostringstream& out, const std::vector<NodePtr>& outputs, const std::unordered_set<const Node*>* transient) {
    std::map<const Node*, std::string> names;
    for (const Node* node : topological_order(outputs)) {
        std::ostringstream name_text;
        name_text << 'n' << names.size();
        const std::string name = name_text.str();
        names[node] = name;
        out << "  " << name << " = " << describe_node(*node, names) << "  : " << dtype_name(node->dtype) << " "
            << shape_to_string(node->shape);
        if (!node->shape.empty()) out << ", " << node->chunks.block_count() << " chunks";
        if (transient && transient->count(node)) out << "  [fused into its consumer]";
        out << "\n";
    }
    for (std::size_t i = 0; i < outputs.size(); ++i) out << "  out" << i << " = " << names.at(outputs[i].get()) << "\n";
}

}  // namespace

OptimizedGraph optimize(const std::vector<NodePtr>& outputs) {
    OptimizedGraph graph{outputs, {}};
    for (const NamedPass& pass : passes) {
        std::vector<NodePtr> before = graph.outputs;
        graph = pass.run(std::move(graph));
        verify(pass.name, before, graph.outputs);
    }
    return graph;
}

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
                out << "  stage " << stage_number << ": 1 quantile selection in passes over " << shape_to_string(group.grid.shape())
                    << ", " << group.grid.block_count() << " tasks per pass\n";
                continue;
            }
            out << "  stage " << stage_number << ": " << group.reductions.size() << " reduction"
                << (group.reductions.size() == 1 ? "" : "s") << " in one pass over " << shape_to_string(group.grid.shape())
                << ", " << group.grid.block_count() << " tasks\n";
        }
    }
    for (const auto& output : optimized.outputs)
        if (output->kind != NodeKind::Reduce && output->kind != NodeKind::Quantile)
            out << "  elementwise output " << shape_to_string(output->shape) << ", " << output->chunks.block_count() << " tasks\n";
    out << "  total: " << plan.total_tasks << " tasks\n";
    // Rechunks that run in stages (through temporary files) before the plan above.
    std::string rechunks;
    std::map<const Node*, bool> cheap;   // Source::cheap_rereads of every source under a node
    for (const Node* node : topological_order(outputs)) {
        bool all = node->kind != NodeKind::Source || node->source->cheap_rereads();
        for (const auto& input : node->inputs) all = all && cheap.at(input.get());
        cheap[node] = all;
        if (node->kind == NodeKind::Rechunk && element_count(node->shape) > 0 && !all) {
            const RechunkPlan rechunk = plan_for(*node, budget, false);
            if (!rechunk.direct()) rechunks += "  " + describe_rechunk_plan(rechunk_input_grid(*node), node->chunks, rechunk);
        }
    }
    if (!rechunks.empty()) out << "rechunk stages (run first, budget " << budget << " bytes):\n" << rechunks;
    out << "reads:\n";
    for (const auto& [source, bytes] : source_read_bytes(plan))
        out << "  " << source->source->describe() << ": " << bytes << " bytes\n";
    return out.str();
}

}  // namespace chunkarr
