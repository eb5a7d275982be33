#pragma once
// The datasets of an HDF5 (or NetCDF-4) file, as `chunkarr info` shows them.
#include <chunkarr/core/shape.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace chunkarr {

// What `chunkarr info` shows of one dataset, or of an object that cannot be read.
struct HDF5DatasetInfo {
    std::string path;
    // Set when the object cannot be read (a damaged object header, group or heap, a link that
    // leads nowhere): the message, naming file and path; the fields below are then empty.
    std::string error;
    Shape shape;
    std::string dtype;  // numpy name, or "string", "compound", "other"
    // The dtype chunkarr computes with (float16 widens to float32); nullopt for a dataset that
    // is not numbers, or numbers of a type no DType holds (float128, int128).
    std::optional<std::string> computed_dtype;
    bool numbers = false;            // integers or floats (of any size), an enum of them, a bitfield
    std::optional<char> byte_order;  // '<' or '>' for numeric types
    std::string layout;              // "chunked", "contiguous", "compact", "virtual"
    std::optional<Shape> chunks;
    std::vector<std::string> filters;    // "shuffle", "deflate(4)", ...
    std::uint64_t nbytes = 0;            // logical size
    std::uint64_t storage_bytes = 0;     // allocated in the file
    bool netcdf_dimension_only = false;  // a NetCDF-4 dimension without values: not a variable
};

// Every dataset in the file, recursively, and every object that cannot be read (with `error`),
// sorted by path. IOError when the file changed while it was listed.
std::vector<HDF5DatasetInfo> list_hdf5_datasets(const std::string& file_path);

}  // namespace chunkarr
