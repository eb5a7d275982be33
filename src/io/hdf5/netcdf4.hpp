#pragma once
// NetCDF-4 conventions, read through HDF5: whether a file or dataset follows them, dimension
// scales (a variable's dimension names and their lengths) and dimensions without values.
#include <chunkarr/core/shape.hpp>

#include "io/hdf5/file.hpp"

#include <string>

namespace chunkarr::hdf5 {

// The file was written by netCDF: its root has netCDF's _NCProperties, or some dataset is a
// dimension scale. Remembered per file (and version of it): finding a scale visits every dataset.
bool is_netcdf4(const HDF5File& file);
// Only the attribute check, for a file that is not open yet; false when HDF5 cannot open it.
bool has_netcdf4_properties(const std::string& path);

// A variable that follows the conventions: it has dimension scales attached or is one, or its
// file is NetCDF-4.
bool follows_netcdf4(const HDF5File& file, const Where& at, hid_t dataset);
// netCDF-4 stores a dimension without a coordinate variable as an HDF5 dimension scale full of
// fill values, whose NAME says so. It is not a variable.
bool is_netcdf_dimension_only(const Where& at, hid_t dataset);
bool is_dimension_scale(const Where& at, hid_t dataset);

struct DimensionScale {
    std::string name;   // "" when the axis has none
    Index length = -1;  // -1 when unknown
};
// The first dimension scale attached to `axis` of `dataset`. A scale list HDF5 cannot follow
// reads as no scale, as netCDF does.
DimensionScale attached_scale(hid_t dataset, unsigned axis);

}  // namespace chunkarr::hdf5
