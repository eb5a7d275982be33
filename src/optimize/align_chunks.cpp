#include "optimize/passes.hpp"
#include "optimize/rewrite.hpp"

#include <algorithm>
#include <set>

namespace chunkarr {

namespace {

// Tasks larger than this stay on the finer grid (memory per task matters more than reads).
constexpr std::size_t largest_aligned_task = 64 << 20;

// Sources under `node` whose shape is the node's (reached through elementwise ops only).
void collect_sources(const Node& node, const Shape& shape, std::vector<const Node*>& sources) {
    if (node.shape != shape) return;
    if (node.is<ops::Source>()) {
        if (std::find(sources.begin(), sources.end(), &node) == sources.end()) sources.push_back(&node);
        return;
    }
    if (!is_elementwise(node)) return;
    for (const auto& input : node.inputs) collect_sources(*input, shape, sources);
}

std::set<Index> boundaries(const ChunkGrid& grid, std::size_t axis) {
    std::set<Index> bounds;
    for (std::size_t i = 0; i <= grid.chunks(axis).size(); ++i) bounds.insert(grid.offset(axis, static_cast<Index>(i)));
    return bounds;
}

NodePtr align(const NodePtr& node) {
    const auto* reduce = node->as<ops::Reduce>();
    if (!reduce) return node;
    const NodePtr& input = node->inputs[0];
    std::vector<const Node*> sources;
    collect_sources(*input, input->shape, sources);
    if (sources.size() < 2) return node;
    std::vector<std::vector<Index>> chunks = input->chunks.chunks();
    std::size_t item_bytes = 0;
    for (const Node* source : sources) item_bytes += itemsize(source->dtype);
    for (int axis_int : reduce->axes) {
        const auto axis = static_cast<std::size_t>(axis_int);
        // Boundaries every source has: tasks between them hold whole stored chunks of all.
        std::set<Index> common = boundaries(sources.front()->chunks, axis);
        for (const Node* source : sources) {
            const std::set<Index> other = boundaries(source->chunks, axis);
            std::set<Index> kept;
            std::set_intersection(common.begin(), common.end(), other.begin(), other.end(),
                                  std::inserter(kept, kept.end()));
            common = std::move(kept);
        }
        std::vector<Index> axis_chunks;
        Index previous = 0;
        for (Index bound : common) {
            if (bound > previous) axis_chunks.push_back(bound - previous);
            previous = bound;
        }
        if (axis_chunks.empty()) axis_chunks.push_back(input->shape[axis]);
        chunks[axis] = std::move(axis_chunks);
    }
    const ChunkGrid aligned(std::move(chunks));
    if (aligned == input->chunks) return node;
    if (static_cast<std::size_t>(aligned.max_block_elements()) * item_bytes > largest_aligned_task) return node;
    return with_inputs(*node, {make_rechunk_node(input, aligned)});
}

}  // namespace

OptimizedGraph align_chunks(OptimizedGraph graph) { return rewrite_outputs(std::move(graph), align); }

}  // namespace chunkarr
