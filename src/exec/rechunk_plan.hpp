#pragma once
// Planning a rechunk (the idea of Dask's plan_rechunk and rechunker's multistage plan, in
// chunkarr's terms). A task of a rechunk evaluates one region of its input; reading a region
// decodes every stored chunk it touches, whole. So a rechunk between "orthogonal" chunkings
// (maps (1, 721, 1440) -> time series (1000, 10, 10)) done one target chunk per task decodes
// each stored chunk thousands of times, and doing it in tasks that cover whole stored chunks
// needs regions far larger than the memory budget.
//
// The plan: direct when each input chunk is read a few times at most (max_reads); otherwise a
// chain of stages, each written to a temporary uncompressed HDF5 file whose chunks the next
// stage reads. A stage from chunks P to chunks C runs tasks of C's chunks times
// ceil(P / C) per axis (every stored P chunk read by at most two tasks per axis), and the
// intermediate chunkings are geometric interpolations between source and target per axis, with
// as few stages as make every stage's task fit the task limit (what store() allows a task:
// an eighth of the budget, at most 32 MiB; never less than one source or target chunk).
#include <chunkarr/core/shape.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace chunkarr {

struct RechunkLimits {
    Index max_reads = 4;  // direct when no input chunk is read by more tasks than this
    int max_stages = 8;   // stages (intermediate files plus the last) at most
};

struct RechunkStage {
    Shape chunks;  // the chunks this stage writes (its file's chunks)
    Shape tasks;   // the region one task computes (multiples of `chunks`)
    std::size_t task_bytes = 0;
    Index reads = 0;  // most tasks reading one chunk of the stage's input
};

struct RechunkPlan {
    Index direct_reads = 0;             // most target chunks one input chunk overlaps
    std::size_t direct_task_bytes = 0;  // one task covering whole input and target chunks
    std::size_t task_limit = 0;
    std::vector<RechunkStage> stages;  // empty: direct (the task grid only changes)
    bool direct() const { return stages.empty(); }
};

// Stores of this size fit the budget `memory_limit` (store()'s task size rule).
std::size_t rechunk_task_limit(std::size_t memory_limit);

// Plans the rechunk of an array chunked `from` to `to` (same shape) with elements of
// `itemsize` bytes under `memory_limit`.
RechunkPlan plan_rechunk(const ChunkGrid& from, const ChunkGrid& to, std::size_t itemsize, std::size_t memory_limit,
                         const RechunkLimits& limits = {});

// One line per stage, for explain(): "rechunk (1, 256, 256) -> (64, 8, 8) in 3 stages ...".
std::string describe_rechunk_plan(const ChunkGrid& from, const ChunkGrid& to, const RechunkPlan& plan);

}  // namespace chunkarr
