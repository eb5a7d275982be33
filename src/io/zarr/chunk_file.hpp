#pragma once
// Reading one Zarr chunk file whole, with pread into a reused buffer (one file per chunk: no
// descriptor is kept open).
#include <cstddef>
#include <string>
#include <vector>

namespace chunkarr {

// Reads file `path` whole: into `direct` when it is not null (the file must then hold exactly
// `expected` bytes, the chunk's), else into `buffer` (resized to the file's size, which must not
// be much more than `expected`). False when the file does
// not exist (a chunk never written); IOError for any other failure or a wrong size.
bool read_chunk_file(const std::string& path, std::byte* direct, std::size_t expected, std::vector<std::byte>& buffer);

}  // namespace chunkarr
