#pragma once
// Global heap collections (HDF5 File Format Specification version 3, III.E), checked from the
// file's bytes before HDF5 decodes them: variable-length attribute values (strings, NetCDF-4's
// DIMENSION_LIST) live there, and libhdf5 1.10 trusts what it reads — a free-space object that
// claims 0 bytes makes H5HG__cache_heap_deserialize loop forever, one that claims more than
// the collection walks out of it.
#include "io/hdf5/object_header.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace chunkarr {

// What is wrong with the global heap collection at `address` (relative), walked object by
// object as HDF5 walks it: the "GCOL" signature, version 1, a size that fits the file, and
// objects that each advance and end exactly at the collection's end. nullopt when it is sound.
std::optional<std::string> global_heap_problem(const RawFile& file, const HDF5Addressing& addressing,
                                               std::uint64_t address);

// The global heap collections (relative addresses, each once, in order of appearance) that the
// value of an attribute message (IV.A.2.m, versions 1 to 3) points to, when the attribute's
// datatype is variable-length (a sequence or a string) at the top level. Empty for other
// attributes, for a shared (committed) datatype, and for a message that does not parse: HDF5
// judges those. Variable-length types nested in compounds or arrays are not followed.
std::vector<std::uint64_t> attribute_heap_collections(const HeaderMessage& attribute, const HDF5Addressing& addressing);

}  // namespace chunkarr
