#pragma once
// The consumer of store()'s blocks: worker threads pad edge chunks to the full chunk shape,
// apply the filters and queue the bytes; one writer thread takes them off the queue and writes
// them with H5Dwrite_chunk under the HDF5 lock. Queued bytes keep their memory-budget
// reservation until written, so a slow disk makes the workers wait instead of memory grow.
#include "exec/executor.hpp"
#include "io/filter_pipeline.hpp"
#include "io/hdf5/sink.hpp"

#include <functional>
#include <memory>

namespace chunkarr {

// Writes the blocks it consumes as chunks of `chunk` shape of dataset `dataset` of `sink`.
std::unique_ptr<BlockConsumer> make_chunk_writer(HDF5Sink& sink, int dataset, DType dtype, Shape chunk,
                                                 FilterPipeline filters);

// Where the writer thread puts each filtered chunk: its offset, bytes and size.
using ChunkWrite = std::function<void(const std::vector<Index>& offset, const std::byte* bytes, std::size_t size)>;
// The same, each chunk handed to `write` (on the writer thread, one at a time).
std::unique_ptr<BlockConsumer> make_chunk_writer(ChunkWrite write, DType dtype, Shape chunk, FilterPipeline filters);

// For chunks made on another MPI rank: a ChunkWrite that appends each chunk (offset, size,
// bytes) to `bytes`, and the replay of such bytes into `write`.
ChunkWrite append_chunks_to(std::string& bytes);
void write_appended_chunks(const std::string& bytes, const ChunkWrite& write);

}  // namespace chunkarr
