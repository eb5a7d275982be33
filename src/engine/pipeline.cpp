#include "engine/pipeline.hpp"

#include <chunkarr/core/error.hpp>

#include "engine/rechunk_stages.hpp"
#include "exec/plan.hpp"
#include "optimize/optimizer.hpp"

#include <string>

namespace chunkarr {

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
    std::vector<NDArray> results = execute(plan, graph, options);
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
    execute_blocks(plan, graph, grid, consumer, options);
    if (options.report) staged.add_to(*options.report);
}

}  // namespace chunkarr
