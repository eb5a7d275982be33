#pragma once
// Runs a plan (exec/plan.hpp) of an optimized graph on a oneTBB arena within the memory budget:
// reductions stage by stage, then the outputs, block by block.
#include <chunkarr/core/ndarray.hpp>
#include <chunkarr/core/options.hpp>

#include "exec/block.hpp"
#include "exec/plan.hpp"
#include "optimize/graph.hpp"

#include <vector>

namespace chunkarr {

class MemoryBudget;

// Takes the blocks of execute_blocks() as they are made: on worker threads, concurrently, in any
// order. What it allocates is part of the memory budget.
class BlockConsumer {
public:
    virtual ~BlockConsumer() = default;
    // Called once before the first block, with the run's budget.
    virtual void start(MemoryBudget& budget) = 0;
    // Bytes consume() allocates for a block of `region`; reserved with the task's own bytes.
    virtual std::size_t scratch_bytes(const Region& region) const = 0;
    // Uses the values of one block. Returns how many of its scratch bytes it keeps past the task:
    // they stay reserved until the consumer calls budget.release() for them.
    virtual std::size_t consume(const std::vector<Index>& block, const Region& region, const Block& values) = 0;
    // Across MPI ranks, a consumer that trades what it makes with the other ranks does it in
    // rounds: the blocks are shared out round by round (each round's in contiguous runs), and
    // after each round every rank calls end_round() on the thread that makes the exchanges. A
    // rank holds at most round_bytes(region) per block of a round until then (0: one round, and
    // no end_round(): the consumer needs none).
    virtual std::size_t round_bytes(const Region&) const { return 0; }
    // What the rounds are sized on: the same on every rank (agreed_round_budget()).
    virtual std::size_t round_budget() const { return 0; }
    virtual void end_round() {}
    // After the last block, while the budget lives: wait for work in flight (throws its error).
    virtual void finish() = 0;
    // Instead of finish() when the run fails or is cancelled: stop, drop work in flight.
    virtual void abort() noexcept = 0;
};

// The budget rounds of BlockConsumer are sized on. Every rank must size them alike (each round
// is a collective): the smallest `memory_limit` of any rank (nodes differ, and so do their default
// limits), and at most 2 GiB, so that a round (a quarter of it) stays well under MPI's 2 GiB per
// message. A collective: called once per store, where it starts.
std::size_t agreed_round_budget(const mpi::World& world, std::size_t memory_limit);

// Every output of `graph` as an array.
std::vector<NDArray> execute(const Plan& plan, const OptimizedGraph& graph, const ComputeOptions& options);

// The single output of `graph`, one block of `grid` (same shape) at a time, handed to
// `consumer`: the whole result is never held. Empty blocks are skipped. Across MPI ranks each
// rank's consumer gets a contiguous share of the blocks (rank_share over the grid's blocks), or
// of each round's blocks (BlockConsumer::round_bytes).
void execute_blocks(const Plan& plan, const OptimizedGraph& graph, const ChunkGrid& grid, BlockConsumer& consumer,
                    const ComputeOptions& options);

}  // namespace chunkarr
