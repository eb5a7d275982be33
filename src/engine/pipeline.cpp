#include "engine/pipeline.hpp"

#include <chunkarr/core/error.hpp>

#include "engine/rechunk_stages.hpp"
#include "exec/plan.hpp"
#include "optimize/optimizer.hpp"

#include <string>

namespace chunkarr {

namespace {

// Every file the graph reads is still the version whose metadata was read when it was opened
// (Source::check_unchanged: a stat per source, never per chunk).
void check_sources_unchanged(const OptimizedGraph& graph) {
    for (const Node* node : topological_order(graph.outputs))
        if (const auto* source = node->as<ops::Source>()) source->source->check_unchanged();
}

// Runs the graph's tasks, then checks that no file changed under them: a result never mixes two
// versions of a file another process was writing. A read that failed (a chunk past the end of
// the file, bytes that do not decode) while a file changed reports the change instead.
template <class Run> auto run_unchanged(const OptimizedGraph& graph, Run run) {
    auto results = [&] {
        try {
            return run();
        } catch (const IOError&) {
            check_sources_unchanged(graph);
            throw;
        } catch (const FormatError&) {
            check_sources_unchanged(graph);
            throw;
        }
    }();
    check_sources_unchanged(graph);
    return results;
}

}  // namespace

void check_options(const ComputeOptions& options) {
    if (options.threads < 0)
        throw ValueError("threads must be positive (or 0 for one per core), got " + std::to_string(options.threads));
}

std::vector<NDArray> run_pipeline(const std::vector<NodePtr>& outputs, const ComputeOptions& options,
                                  RechunkStaging staging) {
    check_options(options);
    // Rechunks that need stages run them first (temporary files live as long as `staged`).
    const RechunkStages staged =
        staging == RechunkStaging::Run ? run_rechunk_stages(outputs, options) : RechunkStages(outputs);
    const OptimizedGraph graph = optimize(staged.outputs);
    const Plan plan = make_plan(graph.outputs);
    std::vector<NDArray> results = run_unchanged(graph, [&] { return execute(plan, graph, options); });
    if (options.report) staged.add_to(*options.report);
    return results;
}

void run_pipeline_blocks(const NodePtr& output, const ChunkGrid& grid, BlockConsumer& consumer,
                         const ComputeOptions& options, RechunkStaging staging) {
    check_options(options);
    if (grid.shape() != output->shape)
        throw ValueError("compute_blocks: grid " + grid.to_string() + " does not cover the array");
    const RechunkStages staged =
        staging == RechunkStaging::Run ? run_rechunk_stages({output}, options) : RechunkStages({output});
    const OptimizedGraph graph = optimize(staged.outputs);
    const Plan plan = make_plan(graph.outputs);
    run_unchanged(graph, [&] {
        execute_blocks(plan, graph, grid, consumer, options);
        return true;  // (nothing to return: the consumer has the blocks)
    });
    if (options.report) staged.add_to(*options.report);
}

}  // namespace chunkarr
