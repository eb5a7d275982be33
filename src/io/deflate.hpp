#pragma once
// libdeflate's compressors and decompressors, one per thread (allocating one is not free and
// they are not thread-safe): shared by the HDF5 filter pipeline and the Zarr codecs.
#include <libdeflate.h>

namespace chunkarr {

libdeflate_decompressor* thread_decompressor();
// One per thread and level (0 to 12); ValueError for another level.
libdeflate_compressor* thread_compressor(int level);

}  // namespace chunkarr
