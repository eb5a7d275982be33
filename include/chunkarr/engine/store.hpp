#pragma once
// Writing arrays to HDF5 or NetCDF-4 files or Zarr v2 stores, the streaming way: the array is computed in tasks of
// whole stored chunks (about the array's own chunks; memory stays within the budget and the
// whole array is never held), each chunk is padded at the edges, shuffled and deflated on the
// worker threads, and one writer thread puts the compressed bytes into the file with HDF5's
// direct chunk write. The file names the standard shuffle and
// deflate filters, so h5py, netCDF4-python and any HDF5 reader decode it. A Zarr store gets one
// file per chunk (compressed on the worker threads), and its metadata last.
//
// Atomic: the data goes to a temporary file (or directory) beside the target, renamed over the target only
// when everything succeeded. On an error or cancellation the temporary file is removed and an
// existing target stays byte for byte what it was.
#include <chunkarr/core/options.hpp>
#include <chunkarr/graph/array.hpp>
#include <chunkarr/io/attributes.hpp>

#include <optional>
#include <string>
#include <vector>

namespace chunkarr {

enum class StoreFormat {
    Auto,  // NetCDF-4 for .nc/.nc4/.cdf targets, Zarr for .zarr, HDF5 otherwise
    HDF5,
    NetCDF4,
    Zarr,  // a Zarr v2 directory store (zarr-python and xr.open_zarr read it)
};

struct StoreOptions {
    Shape chunks{};                 // stored chunk shape; empty: the array's chunks, halved along
                                    // the leading axes to at most 4 MiB (larger than the
                                    // array along an axis: clamped)
    std::string compression{};      // "" or "none", or "gzip" (deflate); Zarr: "" is Blosc lz4 (as
                                    // zarr-python), also "zlib", "blosc" or "blosc:CNAME" (lz4,
                                    // lz4hc, zstd, zlib, blosclz)
    int compression_level = 4;      // gzip: 1 (fast) to 9 (small); Blosc: 0 to 9
    std::optional<bool> shuffle{};  // byte shuffle before gzip or in Blosc; default: on when compressed
    bool bit_shuffle = false;       // Zarr Blosc: bit shuffle instead of byte shuffle
    StoreFormat format = StoreFormat::Auto;
    std::vector<std::string> dimensions{};  // NetCDF-4 dimension names, one per axis (default dim_0, ...)
    Attributes file_attributes{};           // of the root group (global attributes: history, ...)
};

// One array to write and where in the file it goes ("/group/name").
struct StoreTarget {
    Array array;
    std::string name;
    std::vector<std::string> dimensions{};  // NetCDF-4; empty: StoreOptions::dimensions or dim_N
    Attributes attributes{};                // of the dataset (units, calendar, ...)
};

// Writes `array` as dataset (or NetCDF variable) `name` of a new file `path`.
void store(const Array& array, const std::string& path, const std::string& name, const StoreOptions& store_options = {},
           const ComputeOptions& options = {});
// Writes several arrays into one new file, one after the other, atomically as a whole.
void store(const std::vector<StoreTarget>& targets, const std::string& path, const StoreOptions& store_options = {},
           const ComputeOptions& options = {});

// The stored chunk shape store() uses for `array` (what StoreOptions::chunks defaults to).
Shape default_store_chunks(const Array& array);
// The format store() writes to `path` with `format` (resolves Auto by the file name).
StoreFormat resolve_store_format(const std::string& path, StoreFormat format);

}  // namespace chunkarr
