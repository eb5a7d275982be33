#pragma once
// A dataset as a sink declares it: what HDF5Sink::define takes, and the NetCDF-4 layout of it.
#include <chunkarr/core/dtype.hpp>
#include <chunkarr/core/shape.hpp>
#include <chunkarr/io/attributes.hpp>

#include "io/filter_pipeline.hpp"

#include <string>
#include <vector>

namespace chunkarr {

struct DatasetSpec {
    std::string path;  // "/group/name"; groups are created as needed
    DType dtype = DType::Float64;
    Shape shape;
    Shape chunks;                         // stored chunk shape (ignored for 0-d)
    FilterPipeline filters;               // shuffle and/or deflate, in pipeline order
    std::vector<std::string> dimensions;  // NetCDF-4: one name per axis (default dim_0, dim_1, ...)
    Attributes attributes;                // written with the dataset (numbers keep their stored type)
    // Zarr: the last axis (length 2, whole in each chunk) holds each value's real and imaginary
    // part; the array is written as complex64 (float32 parts) or complex128 without that axis,
    // whose chunk bytes are the same.
    bool complex_pairs = false;
};

// Whether the dataset is stored in chunks (not 0-d, not empty, chunks given).
inline bool chunked(const DatasetSpec& spec) {
    return !spec.shape.empty() && element_count(spec.shape) > 0 && !spec.chunks.empty();
}

}  // namespace chunkarr
