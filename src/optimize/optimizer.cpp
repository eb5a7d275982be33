#include "optimize/optimizer.hpp"

#include <chunkarr/core/error.hpp>

#include "optimize/passes.hpp"
#include "optimize/rewrite.hpp"

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

}  // namespace chunkarr
