#include "engine/pipeline.hpp"

#include <chunkarr/core/error.hpp>
#include <chunkarr/exec/mpi_world.hpp>

#include "engine/rechunk_stages.hpp"
#include "exec/plan.hpp"
#include "optimize/optimizer.hpp"

#include <limits>
#include <sstream>
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

// What a rank sees of the files the graph reads: each source's name, shape, dtype, chunks,
// attributes and file sizes.
std::string sources_seen(const std::vector<NodePtr>& outputs) {
    std::ostringstream seen;
    seen.precision(std::numeric_limits<long double>::max_digits10);  // attributes compared exactly
    for (const Node* node : topological_order(outputs)) {
        const auto* op = node->as<ops::Source>();
        if (!op) continue;
        const Source& source = *op->source;
        seen << source.describe() << '\n'
             << shape_to_string(source.shape()) << dtype_name(source.dtype()) << source.task_grid().to_string()
             << " sizes " << source.file_sizes() << '\n';
        for (const auto& [name, value] : source.attributes().all()) {
            seen << name << '=';
            if (const auto* text = std::get_if<std::string>(&value)) seen << *text;
            else
                for (long double number : std::get<std::vector<long double>>(value)) seen << number << ',';
            seen << '\n';
        }
    }
    return seen.str();
}

// Every rank reads the same version of every file: the same metadata and size (checked before
// anything is read, staged rechunks included). Each rank finds the same answer, so all raise
// the same error when one differs.
void check_ranks_see_the_same_files(const std::vector<NodePtr>& outputs, const ComputeOptions& options) {
    if (!options.world || options.world->size() < 2) return;
    const mpi::World& world = *options.world;
    const std::vector<std::string> seen = world.exchange(sources_seen(outputs));
    for (std::size_t rank = 1; rank < seen.size(); ++rank) {
        if (seen[rank] == seen.front()) continue;
        const std::string first_line = seen[rank].substr(0, seen[rank].find('\n'));
        world.fail_together(std::make_exception_ptr(
            IOError("MPI rank " + std::to_string(rank) + " sees other files than rank 0 (another size or metadata" +
                    (first_line.empty() ? std::string() : ", first " + first_line) +
                    "): every rank must read the same files")));
    }
}

// Runs `body` on every rank of options.world: an error on one rank is raised on every rank
// (World::fail), so that none is left waiting in an exchange.
template <class Body> auto on_every_rank(const ComputeOptions& options, Body body) {
    if (!options.world || options.world->size() < 2) return body();
    try {
        return body();
    } catch (...) {
        options.world->fail(std::current_exception());
    }
}

}  // namespace

void check_options(const ComputeOptions& options) {
    if (options.threads < 0)
        throw ValueError("threads must be positive (or 0 for one per core), got " + std::to_string(options.threads));
}

std::vector<NDArray> run_pipeline(const std::vector<NodePtr>& outputs, const ComputeOptions& options,
                                  RechunkStaging staging) {
    return on_every_rank(options, [&] {
        check_options(options);
        check_ranks_see_the_same_files(outputs, options);
        // Rechunks that need stages run them first (temporary files live as long as `staged`).
        const RechunkStages staged =
            staging == RechunkStaging::Run ? run_rechunk_stages(outputs, options) : RechunkStages(outputs);
        const OptimizedGraph graph = optimize(staged.outputs);
        const Plan plan = make_plan(graph.outputs);
        std::vector<NDArray> results = run_unchanged(graph, [&] { return execute(plan, graph, options); });
        if (options.report) staged.add_to(*options.report);
        return results;
    });
}

void run_pipeline_blocks(const NodePtr& output, const ChunkGrid& grid, BlockConsumer& consumer,
                         const ComputeOptions& options, RechunkStaging staging) {
    on_every_rank(options, [&] {
        check_options(options);
        if (grid.shape() != output->shape)
            throw ValueError("compute_blocks: grid " + grid.to_string() + " does not cover the array");
        // (A stage's own store reads the stage before, each rank its own file: checked before.)
        if (staging == RechunkStaging::Run) check_ranks_see_the_same_files({output}, options);
        const RechunkStages staged =
            staging == RechunkStaging::Run ? run_rechunk_stages({output}, options) : RechunkStages({output});
        const OptimizedGraph graph = optimize(staged.outputs);
        const Plan plan = make_plan(graph.outputs);
        run_unchanged(graph, [&] {
            execute_blocks(plan, graph, grid, consumer, options);
            return true;  // (nothing to return: the consumer has the blocks)
        });
        if (options.report) staged.add_to(*options.report);
    });
}

}  // namespace chunkarr
