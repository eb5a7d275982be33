#pragma once
// Finding and opening variables in any supported file: HDF5, NetCDF-4 (through HDF5), NetCDF
// classic (through libnetcdf), and glob patterns of many files joined into one array.
#include <chunkarr/io/source.hpp>

#include <optional>
#include <string>
#include <vector>

namespace chunkarr {

// The variables of a file chunkarr can compute with, sorted by path. NetCDF-4 dimension
// scales that are not variables are left out.
std::vector<std::string> numeric_variables(const std::string& path);

struct OpenSourceOptions {
    // Many files: join along this dimension name (default: the unlimited dimension, else the
    // first dimension).
    std::optional<std::string> concat_dimension;
};

// `path` may be a glob pattern ("data/*.nc"): the matching files, in sorted order, are joined.
SourcePtr open_source(const std::string& path, const std::string& variable, const OpenSourceOptions& options = {});
bool is_glob_pattern(const std::string& path);
// A NetCDF file: classic by its signature, NetCDF-4 by the attribute netCDF writes at its root.
bool is_netcdf_file(const std::string& path);
// The files a pattern matches, sorted; IOError when none.
std::vector<std::string> expand_glob(const std::string& pattern);

}  // namespace chunkarr
