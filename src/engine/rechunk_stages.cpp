#include "engine/rechunk_stages.hpp"

#include <chunkarr/io/hdf5/source.hpp>

#include "engine/pipeline.hpp"
#include "engine/store_targets.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <limits>
#include <system_error>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>

namespace chunkarr {

namespace {

std::atomic<std::uint64_t> file_counter{0};

std::string temp_file_path(const ComputeOptions& options) {
    const std::filesystem::path dir = options.temp_directory.empty() ? std::filesystem::temp_directory_path()
                                                                     : std::filesystem::path(options.temp_directory);
    return (dir / ("chunkarr-rechunk-" + std::to_string(::getpid()) + "-" + std::to_string(file_counter++) + ".h5"))
        .string();
}

}  // namespace

RechunkStages::~RechunkStages() {
    // The graph first: its sources hold the files open.
    outputs.clear();
    for (const auto& file : files_) {
        std::error_code ignored;
        std::filesystem::remove(file, ignored);
    }
}

void RechunkStages::add_to(ComputeReport& into) const {
    into.tasks += report.tasks;
    into.bytes_read += report.bytes_read;
    into.buffers += report.buffers;
    into.peak_bytes = std::max(into.peak_bytes, report.peak_bytes);
}

bool rereads_are_cheap(const Node& node) {
    std::unordered_set<const Node*> seen;
    std::function<bool(const Node&)> walk = [&](const Node& n) {
        if (!seen.insert(&n).second) return true;
        if (const auto* source = n.as<ops::Source>()) return source->source->cheap_rereads();
        return std::all_of(n.inputs.begin(), n.inputs.end(), [&](const NodePtr& input) { return walk(*input); });
    };
    return walk(node);
}

ChunkGrid rechunk_input_grid(const Node& rechunk) {
    const Node& input = *rechunk.inputs[0];
    // A dataset read as it is: what a read decodes is its stored chunk, not the task chunk.
    if (const auto* source = input.as<ops::Source>())
        if (const std::optional<Shape> stored = source->source->storage_chunks())
            return ChunkGrid::regular(input.shape, *stored);
    return input.chunks;
}

RechunkPlan plan_for(const Node& rechunk, std::size_t memory_limit) {
    return plan_for(rechunk, memory_limit, rereads_are_cheap(*rechunk.inputs[0]));
}

RechunkPlan plan_for(const Node& rechunk, std::size_t memory_limit, bool cheap) {
    RechunkLimits limits;
    if (cheap) limits.max_reads = std::numeric_limits<Index>::max();
    return plan_rechunk(rechunk_input_grid(rechunk), rechunk.chunks, itemsize(rechunk.dtype), memory_limit, limits);
}

NodePtr RechunkStages::stage(const NodePtr& node, const RechunkPlan& plan, const ComputeOptions& options) {
    NodePtr current = node->inputs[0];
    for (const RechunkStage& stage : plan.stages) {
        const std::string path = temp_file_path(options);
        files_.push_back(path);
        StoreOptions store_options;
        store_options.chunks = stage.chunks;
        store_options.compression = "none";
        store_options.shuffle = false;
        store_options.format = StoreFormat::HDF5;
        ComputeOptions stage_options = options;
        ComputeReport stage_report;
        stage_options.report = &stage_report;
        // The stage's own graph is what it stores: not staged again. Across MPI ranks the ranks
        // share its chunks and each writes all of them into its own temporary file (the ranks
        // may not share a file system).
        store_targets({{Array(current), "/data", {}}}, path, store_options, stage_options, RechunkStaging::Skip,
                      StoreWriters::EveryRank);
        report.tasks += stage_report.tasks;
        report.bytes_read += stage_report.bytes_read;
        report.buffers += stage_report.buffers;
        report.peak_bytes = std::max(report.peak_bytes, stage_report.peak_bytes);
        report.memory_limit = stage_report.memory_limit;
        report.threads = stage_report.threads;
        ++stages_run;
        // Read back in the chunks just written: the next stage's tasks start from them.
        current = make_rechunk_node(make_source_node(std::make_shared<HDF5Source>(path, "/data")),
                                    ChunkGrid::regular(node->shape, stage.chunks));
        // The stage before is no longer needed: at most two stages' files exist at once.
        if (files_.size() >= 2 && &stage != &plan.stages.front()) {
            std::error_code ignored;
            std::filesystem::remove(files_[files_.size() - 2], ignored);
        }
    }
    return make_rechunk_node(current->is<ops::Rechunk>() ? current->inputs[0] : current, node->chunks);
}

RechunkStages run_rechunk_stages(const std::vector<NodePtr>& outputs, const ComputeOptions& options) {
    RechunkStages result;
    const std::size_t limit = options.memory_limit > 0 ? options.memory_limit : default_memory_limit();
    // Per original node: its rewrite, and whether re-reading it is cheap (known bottom-up).
    std::unordered_map<const Node*, std::pair<NodePtr, bool>> done;
    std::function<std::pair<NodePtr, bool>(const NodePtr&)> rewrite =
        [&](const NodePtr& node) -> std::pair<NodePtr, bool> {
        if (auto it = done.find(node.get()); it != done.end()) return it->second;
        std::vector<NodePtr> inputs;
        bool changed = false;
        const auto* source = node->as<ops::Source>();
        bool cheap = !source || source->source->cheap_rereads();
        for (const auto& input : node->inputs) {
            auto [rewritten, input_cheap] = rewrite(input);
            changed = changed || rewritten != input;
            cheap = cheap && input_cheap;
            inputs.push_back(std::move(rewritten));
        }
        NodePtr out = changed ? with_inputs(*node, std::move(inputs)) : node;
        if (out->is<ops::Rechunk>() && element_count(out->shape) > 0 && !cheap) {
            const RechunkPlan plan = plan_for(*out, limit, false);
            if (!plan.direct()) out = result.stage(out, plan, options);
        }
        done.emplace(node.get(), std::make_pair(out, cheap));
        return {out, cheap};
    };
    for (const auto& output : outputs) result.outputs.push_back(rewrite(output).first);
    return result;
}

}  // namespace chunkarr
