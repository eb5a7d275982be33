#pragma once
// Lists a chunked dataset's stored chunks by walking its version-1 B-tree straight from the
// file's bytes: the index layout HDF5 1.8/1.10 write by default (and netCDF-4 files use).
// HDF5 1.10's own listing calls (H5Dget_chunk_info_by_coord / by index) walk the whole tree on
// every call, which makes a full index quadratic; this walk is linear. Other index types
// (layout version 4: fixed/extensible array, v2 B-tree) are not parsed: the caller asks HDF5.
#include "io/raw_file.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace chunkarr {

// How addresses are stored in this file (from its superblock: H5Pget_sizes, userblock).
struct HDF5Addressing {
    std::uint64_t base = 0;  // absolute offset of address 0 (the userblock size)
    unsigned sizeof_addr = 8;
    unsigned sizeof_size = 8;
};

// offsets: the chunk's first element per axis (rank values); address is absolute.
using ChunkVisitor = std::function<void(const std::uint64_t* offsets, std::uint32_t filter_mask, std::uint64_t address,
                                        std::uint32_t size)>;

// Walks the chunk B-tree of the dataset whose object header is at `object_header` (relative
// address). Returns false, having visited nothing, when the layout is not a version-3 chunked
// layout with a v1 B-tree, or anything in the file disagrees with the format, or the tree holds
// more than `max_chunks` entries (then ask HDF5).
bool walk_chunk_btree(const RawFile& file, const HDF5Addressing& addressing, std::uint64_t object_header, unsigned rank,
                      std::size_t max_chunks, const ChunkVisitor& visit);

// The raw Data Layout message (any version) of the object whose header is at `object_header`
// (relative address), found as the walk finds it (v1 or v2 header, continuation blocks
// followed); nullopt when the header has none or does not parse.
std::optional<std::vector<std::uint8_t>> read_layout_message(const RawFile& file, const HDF5Addressing& addressing,
                                                             std::uint64_t object_header);

}  // namespace chunkarr
