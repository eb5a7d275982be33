#pragma once
// The one path every computation takes: stage the rechunks that need it (engine/rechunk_stages),
// optimize the graph (optimize/), plan its tasks (exec/plan) and execute them (exec/executor).
#include <chunkarr/core/ndarray.hpp>
#include <chunkarr/core/options.hpp>

#include "exec/executor.hpp"
#include "graph/node.hpp"

#include <vector>

namespace chunkarr {

// Whether rechunks that need stages run them first. A stage's own store of its input skips
// them: that graph is already what the stage reads.
enum class RechunkStaging { Run, Skip };

std::vector<NDArray> run_pipeline(const std::vector<NodePtr>& outputs, const ComputeOptions& options,
                                  RechunkStaging staging = RechunkStaging::Run);

// `output` one block of `grid` (same shape) at a time, handed to `consumer` (see
// execute_blocks): memory stays within options.memory_limit.
void run_pipeline_blocks(const NodePtr& output, const ChunkGrid& grid, BlockConsumer& consumer,
                         const ComputeOptions& options, RechunkStaging staging = RechunkStaging::Run);

// ComputeOptions::threads must not be negative.
void check_options(const ComputeOptions& options);

}  // namespace chunkarr
