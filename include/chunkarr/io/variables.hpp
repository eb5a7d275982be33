#pragma once
// Finding and opening variables in any supported file: HDF5, NetCDF-4 (through HDF5), NetCDF
// classic (through libnetcdf), Zarr v2 directory stores, and glob patterns of many files joined
// into one array.
#include <chunkarr/io/source.hpp>

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace chunkarr {

// One entry of a file's listing: a variable chunkarr can compute with, or an object of the file
// that cannot be read (a damaged object header, group or heap; a link that leads nowhere).
struct ListedVariable {
    std::string path;
    std::string error;  // why it cannot be read (naming file and path); empty when it can
};

// The variables of a file chunkarr can compute with and the objects that cannot be read, in the
// file's order (HDF5: sorted by path). NetCDF-4 dimension scales that are not variables and
// datasets of other types are left out; nothing that cannot be read is.
std::vector<ListedVariable> list_variables(const std::string& path);
// The variables of a file chunkarr can compute with, as list_variables lists them. IOError
// naming the first object that cannot be read, when one cannot.
std::vector<std::string> numeric_variables(const std::string& path);

struct OpenSourceOptions {
    // Many files: join along this dimension name (default: the unlimited dimension, else the
    // first dimension).
    std::optional<std::string> concat_dimension;
};

// `path` may be a glob pattern ("data/*.nc"): the matching files, in sorted order, are joined.
SourcePtr open_source(const std::string& path, const std::string& variable, const OpenSourceOptions& options = {});
// Several paths, each a file or a glob pattern: their files, in the order given (each pattern's
// matches sorted), joined as the files of one pattern are. One plain file is opened alone.
SourcePtr open_source(const std::vector<std::string>& paths, const std::string& variable,
                      const OpenSourceOptions& options = {});
// The real and imaginary parts of a complex variable (a complex64 or complex128 array of a Zarr
// store, or of many joined as open_source joins them) as two sources of its float type; nullopt
// when the variable is not complex. Complex HDF5 and NetCDF variables (h5py's compound {r, i})
// are not read: open_source names their type.
struct ComplexSources {
    SourcePtr real, imag;
    // The (first) store's fill_value as [real, imaginary]; none when it is null. xr.open_zarr
    // masks the values equal to it (both parts): open_complex does too, unless told not to.
    std::optional<std::array<double, 2>> fill_value;
};
std::optional<ComplexSources> open_complex_sources(const std::string& path, const std::string& variable,
                                                   const OpenSourceOptions& options = {});
std::optional<ComplexSources> open_complex_sources(const std::vector<std::string>& paths, const std::string& variable,
                                                   const OpenSourceOptions& options = {});
bool is_glob_pattern(const std::string& path);
// A NetCDF file: classic by its signature, NetCDF-4 by the attribute netCDF writes at its root.
bool is_netcdf_file(const std::string& path);
// The files a pattern matches, sorted; IOError when none.
std::vector<std::string> expand_glob(const std::string& pattern);
// The first file of a glob pattern (as expand_glob, so an error when none matches), or `path`.
std::string first_file(const std::string& path);

}  // namespace chunkarr
