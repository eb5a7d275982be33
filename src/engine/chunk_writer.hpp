#pragma once
// The consumer of store()'s blocks: worker threads pad edge chunks to the full chunk shape,
// apply the filters (HDF5) or the compressor (Zarr) and queue the bytes; one writer thread takes
// them off the queue and writes them (HDF5: H5Dwrite_chunk under the HDF5 lock; Zarr: a file;
// across MPI ranks: bytes for other ranks). Queued bytes keep their memory-budget reservation
// until written, so a slow disk makes the workers wait instead of memory grow.
#include <chunkarr/io/zarr/metadata.hpp>

#include "exec/executor.hpp"
#include "io/filter_pipeline.hpp"

#include <functional>
#include <memory>

namespace chunkarr {

class MemoryBudget;

// Where the writer thread puts each encoded chunk: its offset, bytes and size.
using ChunkWrite = std::function<void(const std::vector<Index>& offset, const std::byte* bytes, std::size_t size)>;

// Across MPI ranks the writer works in rounds (BlockConsumer::round_bytes): sized on `limit`,
// the same on every rank (agreed_round_budget, once per store); `end` is what the writer does
// at the end of each round (BlockConsumer::end_round), once every chunk of the round has gone
// to its ChunkWrite; what it receives counts in `budget`. No `end`: the writer works in one round.
struct Rounds {
    std::size_t limit = 0;
    std::function<void(MemoryBudget& budget)> end;
};

// Writes the blocks it consumes as chunks of `chunk` shape, each encoded with HDF5's `filters`
// (none: as they are) and handed to `write`.
std::unique_ptr<BlockConsumer> make_chunk_writer(ChunkWrite write, DType dtype, Shape chunk, FilterPipeline filters,
                                                 Rounds rounds = {});
// The same for a Zarr array, each chunk encoded with its `compressor`.
std::unique_ptr<BlockConsumer> make_chunk_writer(ChunkWrite write, DType dtype, Shape chunk, ZarrCompressor compressor,
                                                 Rounds rounds = {});

// For chunks made on another MPI rank: a ChunkWrite that appends each chunk (offset, size,
// bytes) to `bytes`, and the replay of such bytes into `write`.
ChunkWrite append_chunks_to(std::string& bytes);
void write_appended_chunks(const std::string& bytes, const ChunkWrite& write);

}  // namespace chunkarr
