#pragma once
// The consumer of store()'s blocks: worker threads pad edge chunks to the full chunk shape,
// apply the filters and queue the bytes; one writer thread takes them off the queue and writes
// them with H5Dwrite_chunk under the HDF5 lock. Queued bytes keep their memory-budget
// reservation until written, so a slow disk makes the workers wait instead of memory grow.
#include "exec/executor.hpp"
#include "io/filter_pipeline.hpp"
#include "io/hdf5/sink.hpp"

#include <memory>

namespace chunkarr {

// Writes the blocks it consumes as chunks of `chunk` shape of dataset `dataset` of `sink`.
std::unique_ptr<BlockConsumer> make_chunk_writer(HDF5Sink& sink, int dataset, DType dtype, Shape chunk,
                                                 FilterPipeline filters);

}  // namespace chunkarr
