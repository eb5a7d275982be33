#pragma once
// Running the rechunks that need stages (see rechunk_plan.hpp). `rechunk` stays lazy: compute(),
// run_pipeline() (compute, store) first runs the stages of every Rechunk node of their graph whose
// plan is not direct: each stage streams its input through store() into a temporary,
// uncompressed chunked HDF5 file (in ComputeOptions::temp_directory, or the system's temporary
// directory), within the memory budget; the next stage reads that file. The node is then
// replaced by the last file, read with the requested chunks. A stage's file is removed once the
// next one is written (disk: at most two copies of the array), the last when the RechunkStages
// object goes (after the run, and on an error or a cancellation).
//
// Rechunks of inputs that are cheap to read again (Source::cheap_rereads: memory, generators,
// contiguous files, where a region read decodes no whole chunk) always stay direct.
#include <chunkarr/core/options.hpp>

#include "exec/rechunk_plan.hpp"
#include "graph/node.hpp"

#include <string>
#include <vector>

namespace chunkarr {

class RechunkStages {
public:
    RechunkStages() = default;
    // Nothing staged: the graph as it is.
    explicit RechunkStages(std::vector<NodePtr> graph) : outputs(std::move(graph)) {}
    RechunkStages(const RechunkStages&) = delete;
    RechunkStages& operator=(const RechunkStages&) = delete;
    RechunkStages(RechunkStages&&) = default;
    RechunkStages& operator=(RechunkStages&&) = delete;
    ~RechunkStages();

    std::vector<NodePtr> outputs;  // the graph with staged rechunks replaced
    ComputeReport report;          // what the stages did (tasks, bytes read, peak)
    int stages_run = 0;
    const std::vector<std::string>& files() const { return files_; }

    // Adds the stage's figures to `into` (peak: the larger).
    void add_to(ComputeReport& into) const;

private:
    friend RechunkStages run_rechunk_stages(const std::vector<NodePtr>&, const ComputeOptions&);
    NodePtr stage(const NodePtr& node, const RechunkPlan& plan, const ComputeOptions& options);
    std::vector<std::string> files_;
};

// Whether re-reading `node`'s regions decodes no whole chunks (Source::cheap_rereads of every
// source under it).
bool rereads_are_cheap(const Node& node);

// The chunks a Rechunk node's input is read in (a dataset's stored chunks).
ChunkGrid rechunk_input_grid(const Node& rechunk);
// The plan compute() follows for a Rechunk node (direct for cheap inputs; `cheap`: what
// rereads_are_cheap says of its input, when the caller knows).
RechunkPlan plan_for(const Node& rechunk, std::size_t memory_limit);
RechunkPlan plan_for(const Node& rechunk, std::size_t memory_limit, bool cheap);

RechunkStages run_rechunk_stages(const std::vector<NodePtr>& outputs, const ComputeOptions& options);

}  // namespace chunkarr
