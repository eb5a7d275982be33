#pragma once
// The Zarr compressors chunkarr decodes and encodes itself, on worker threads with no lock:
// Blosc (blosc_*_ctx are thread-safe), zlib and gzip (libdeflate), and none.
#include <chunkarr/io/zarr/metadata.hpp>

#include <cstddef>
#include <vector>

namespace chunkarr {

// Decodes one stored chunk into `out`, which holds exactly `chunk_bytes`. IOError saying what is
// wrong with damaged input (the caller adds which chunk).
void decode_zarr_chunk(const ZarrCompressor& compressor, const std::byte* stored, std::size_t stored_size,
                       std::byte* out, std::size_t chunk_bytes);
// Encodes one full chunk of elements of `item` bytes into `out` (resized to the encoded size).
void encode_zarr_chunk(const ZarrCompressor& compressor, std::size_t item, const std::byte* chunk,
                       std::size_t chunk_bytes, std::vector<std::byte>& out);

}  // namespace chunkarr
