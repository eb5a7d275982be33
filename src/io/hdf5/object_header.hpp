#pragma once
// Reads header messages straight from an HDF5 file's bytes (File Format Specification version 3,
// IV.A.1.a: version-1 object headers, IV.A.1.b: version 2), continuation blocks followed. Used
// where chunkarr must look at what HDF5 is about to decode (a chunk index, an attribute's heap)
// without asking HDF5, which trusts it. Everything read is bounds-checked.
#include "io/raw_file.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace chunkarr {

// How addresses are stored in this file and how big its chunk B-tree nodes are (from its
// superblock: H5Pget_sizes, H5Pget_userblock, H5Pget_istore_k).
struct HDF5Addressing {
    std::uint64_t base = 0;  // absolute offset of address 0 (the userblock size)
    unsigned sizeof_addr = 8;
    unsigned sizeof_size = 8;
    unsigned chunk_node_k = 32;  // a chunk B-tree node holds up to 2K children

    // The "undefined address" (all bits set in sizeof_addr bytes).
    std::uint64_t undefined_address() const {
        return sizeof_addr >= 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * sizeof_addr)) - 1;
    }
};

using HeaderMessage = std::vector<std::uint8_t>;

namespace header_message_type {
constexpr std::uint16_t dataspace = 0x0001;
constexpr std::uint16_t datatype = 0x0003;
constexpr std::uint16_t layout = 0x0008;
constexpr std::uint16_t attribute = 0x000C;
constexpr std::uint16_t continuation = 0x0010;
}  // namespace header_message_type

// The bodies of the messages of `type` in the object header at `object_header` (relative
// address), in header order, at most `at_most` of them; nullopt when the header does not parse
// (a version this reader does not know, a block past the end of the file, a message longer
// than its block).
std::optional<std::vector<HeaderMessage>> read_header_messages(const RawFile& file, const HDF5Addressing& addressing,
                                                               std::uint64_t object_header, std::uint16_t type,
                                                               std::size_t at_most = SIZE_MAX);

// The file's bytes [offset, offset + size) (absolute offsets); nullopt when they are not all
// inside the file.
std::optional<std::vector<std::uint8_t>> file_bytes(const RawFile& file, std::uint64_t offset, std::uint64_t size);

// A little-endian unsigned integer of `width` (at most 8) bytes.
std::uint64_t load_le(const std::uint8_t* bytes, unsigned width);

}  // namespace chunkarr
