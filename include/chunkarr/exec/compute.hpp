#pragma once
// Running graphs: lower the outputs to chunk tasks and execute them on a oneTBB arena.
#include <chunkarr/core/ndarray.hpp>
#include <chunkarr/exec/options.hpp>
#include <chunkarr/graph/array.hpp>

#include <vector>

namespace chunkarr {

class MemoryBudget;
struct Block;

// Computes several arrays in one run: shared inputs are read once.
std::vector<NDArray> compute(const std::vector<Array>& arrays, const ComputeOptions& options = {});

// Takes the blocks of compute_blocks() as they are made: on worker threads, concurrently, in any
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
    // After the last block, while the budget lives: wait for work in flight (throws its error).
    virtual void finish() = 0;
    // Instead of finish() when the run fails or is cancelled: stop, drop work in flight.
    virtual void abort() noexcept = 0;
};

// Computes `array` one block of `grid` (same shape) at a time and hands each block to
// `consumer`, never holding the whole result: memory stays within options.memory_limit. Empty
// blocks are skipped.
void compute_blocks(const Array& array, const ChunkGrid& grid, BlockConsumer& consumer, const ComputeOptions& options = {});

}  // namespace chunkarr
