#pragma once
// Ways to make an Array: from files, from memory, from generators.
#include <chunkarr/core/cf_decoding.hpp>
#include <chunkarr/core/ndarray.hpp>
#include <chunkarr/graph/array.hpp>
#include <chunkarr/io/source.hpp>

#include <optional>
#include <string>

namespace chunkarr {

struct OpenOptions {
    // Apply CF mask-and-scale (_FillValue, missing_value, valid range, scale_factor/add_offset)
    // when the variable has such attributes; missing values become NaN.
    bool mask_and_scale = true;
    // For a glob pattern of many files: join along this dimension (default: the unlimited one).
    std::optional<std::string> concat_dimension{};
};

// A variable of an HDF5 or NetCDF file or a Zarr store, or of many files given as a glob pattern
// ("data/*.nc"), joined along their record dimension. Reads metadata only.
Array open(const std::string& path, const std::string& variable, const OpenOptions& options = {});
// An opened source as an Array, CF decoding applied as `options` says.
Array open(const SourcePtr& source, const OpenOptions& options = {});
// The array as stored, without CF decoding, plus the decoding its attributes ask for (if any),
// by the rules the source follows (Source::cf_rules: netCDF4-python's, or xarray's for Zarr).
std::optional<CFDecoding> cf_decoding_for(const Source& source);
// The dtype CF decoding gives stored values of dtype `stored`, as netCDF4-python unpacks them
// (float32 scale_factor on int16 data: float32); integers that stay integers become float64.
DType unpacked_dtype(DType stored, std::optional<DType> scale_type, std::optional<DType> offset_type,
                     double scale_factor, double add_offset);
// The type the stored values are read as before that decoding: the stored type, or under
// `_Unsigned = "true"` on a signed integer variable the unsigned type of its width
// (netCDF4-python and xarray read those bits so).
DType storage_dtype(const Source& source);

// An in-memory array; `chunk_shape` empty means one chunk.
Array from_ndarray(NDArray array, const Shape& chunk_shape = {});
Array full(const Shape& shape, double value, DType dtype = DType::Float64, const Shape& chunk_shape = {});
Array zeros(const Shape& shape, DType dtype = DType::Float64, const Shape& chunk_shape = {});
Array ones(const Shape& shape, DType dtype = DType::Float64, const Shape& chunk_shape = {});
// Uniform random float64 in [0, 1), reproducible for a seed whatever the chunking.
Array random_uniform(const Shape& shape, std::uint64_t seed = 0, const Shape& chunk_shape = {});
// [start, stop) by step, like numpy.arange; `chunk` elements per chunk (0: one chunk).
Array arange(double start, double stop, double step = 1, DType dtype = DType::Float64, Index chunk = 0);

}  // namespace chunkarr
