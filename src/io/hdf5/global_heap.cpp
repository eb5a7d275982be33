#include "io/hdf5/global_heap.hpp"

#include <algorithm>
#include <cstring>

namespace chunkarr {

namespace {

constexpr std::uint8_t variable_length_class = 9;

std::uint64_t align8(std::uint64_t size) { return (size + 7) & ~std::uint64_t{7}; }

// The number of elements of a dataspace message (IV.A.2.b, versions 1 and 2); nullopt when it
// does not parse.
std::optional<std::uint64_t> element_count(const std::uint8_t* data, std::size_t size, unsigned sizeof_size) {
    if (size < 4) return std::nullopt;
    const unsigned version = data[0], rank = data[1];
    std::size_t at = 0;
    if (version == 1) {
        at = 8;  // version, rank, flags, 5 reserved bytes
    } else if (version == 2) {
        if (data[3] == 2) return 0;  // a null dataspace
        at = 4;                      // version, rank, flags, type
    } else {
        return std::nullopt;
    }
    if (at + std::size_t{rank} * sizeof_size > size) return std::nullopt;
    std::uint64_t count = 1;
    for (unsigned axis = 0; axis < rank; ++axis) {
        const std::uint64_t extent = load_le(data + at + std::size_t{axis} * sizeof_size, sizeof_size);
        if (extent != 0 && count > UINT64_MAX / extent) return std::nullopt;
        count *= extent;
    }
    return count;
}

}  // namespace

std::optional<std::string> global_heap_problem(const RawFile& file, const HDF5Addressing& addressing,
                                               std::uint64_t address) {
    const std::string where = "the global heap collection at " + std::to_string(address);
    const unsigned length_width = addressing.sizeof_size;
    const std::uint64_t header_size = 8 + length_width;  // "GCOL", version, 3 reserved, size
    const auto header = file_bytes(file, addressing.base + address, header_size);
    if (!header) return where + " lies past the end of the file";
    if (std::memcmp(header->data(), "GCOL", 4) != 0) return where + " has no GCOL signature";
    if ((*header)[4] != 1) return where + " has version " + std::to_string((*header)[4]) + " (only 1 exists)";
    const std::uint64_t size = load_le(header->data() + 8, length_width);
    if (size < header_size) return where + " claims " + std::to_string(size) + " bytes, less than its own header";
    const auto bytes = file_bytes(file, addressing.base + address, size);
    if (!bytes) return where + " claims " + std::to_string(size) + " bytes, past the end of the file";
    // Each object: index (2), reference count (2), 4 reserved bytes, size, then its data padded
    // to 8 bytes; object 0 is the free space, whose size counts its own header and is not padded.
    // A tail too small for an object header is free space too.
    const std::uint64_t object_header = 8 + length_width;
    std::uint64_t at = header_size;
    while (at < size) {
        if (size - at < object_header) break;
        const std::uint64_t index = load_le(bytes->data() + at, 2);
        const std::uint64_t object_size = load_le(bytes->data() + at + 8, length_width);
        const std::uint64_t need = index > 0 ? object_header + align8(std::min(object_size, size)) : object_size;
        if (need == 0)
            return where + ": its free-space object at offset " + std::to_string(at) + " claims 0 bytes (damaged heap)";
        if (need > size - at)
            return where + ": object " + std::to_string(index) + " at offset " + std::to_string(at) + " claims " +
                   std::to_string(object_size) + " bytes, past the collection's end (damaged heap)";
        at += need;
    }
    return std::nullopt;
}

std::vector<std::uint64_t> attribute_heap_collections(const HeaderMessage& attribute,
                                                      const HDF5Addressing& addressing) {
    std::vector<std::uint64_t> collections;
    if (attribute.size() < 8) return collections;
    const unsigned version = attribute[0], flags = attribute[1];
    if (version < 1 || version > 3 || (version > 1 && (flags & 0x03) != 0)) return collections;  // shared parts
    const std::size_t name_size = load_le(attribute.data() + 2, 2);
    const std::size_t type_size = load_le(attribute.data() + 4, 2);
    const std::size_t space_size = load_le(attribute.data() + 6, 2);
    // Version 1 pads the name, datatype and dataspace to 8 bytes; version 3 adds an encoding byte.
    const auto padded = [version](std::size_t n) { return version == 1 ? align8(n) : n; };
    const std::size_t type_at = 8 + (version == 3 ? 1 : 0) + padded(name_size);
    const std::size_t space_at = type_at + padded(type_size);
    const std::size_t data_at = space_at + padded(space_size);
    if (type_size < 8 || data_at > attribute.size()) return collections;
    if ((attribute[type_at] & 0x0f) != variable_length_class) return collections;
    const auto count = element_count(attribute.data() + space_at, space_size, addressing.sizeof_size);
    if (!count) return collections;
    // Each element on disk: its length (4 bytes), then the heap ID: collection address, index (4).
    const std::size_t element = 4 + addressing.sizeof_addr + 4;
    const std::uint64_t stored = std::min<std::uint64_t>(*count, (attribute.size() - data_at) / element);
    for (std::uint64_t i = 0; i < stored; ++i) {
        const std::uint8_t* at = attribute.data() + data_at + i * element;
        const std::uint64_t collection = load_le(at + 4, addressing.sizeof_addr);
        // HDF5 reads the heap for a non-zero address (1.10's H5T__vlen_disk_read), whatever the length.
        if (collection == 0 || collection == addressing.undefined_address()) continue;
        if (std::find(collections.begin(), collections.end(), collection) == collections.end())
            collections.push_back(collection);
    }
    return collections;
}

}  // namespace chunkarr
