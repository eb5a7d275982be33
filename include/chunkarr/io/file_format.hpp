#pragma once
// What kind of file this is, from its first bytes (never from its name); a directory is a Zarr
// store when it holds Zarr metadata.
#include <string>

namespace chunkarr {

enum class FileFormat {
    HDF5,             // plain HDF5, or NetCDF-4 (which is HDF5 inside)
    NetCDF3Classic,   // CDF-1
    NetCDF3Offset64,  // CDF-2, 64-bit offsets
    NetCDF3Data64,    // CDF-5, 64-bit data
    ZarrStore,        // a Zarr v2 directory store (.zarray, .zgroup or .zmetadata in it)
    Unknown
};

// Throws IOError for a missing or unreadable file, FormatError for an empty one.
FileFormat detect_file_format(const std::string& path);
inline bool is_netcdf3(FileFormat f) {
    return f == FileFormat::NetCDF3Classic || f == FileFormat::NetCDF3Offset64 || f == FileFormat::NetCDF3Data64;
}

}  // namespace chunkarr
