#pragma once
// Writing complex values (graph/complex_array.hpp) into a Zarr store as one complex64 or
// complex128 array, as zarr-python writes them: each chunk holds (real, imaginary) pairs.
#include <chunkarr/engine/store.hpp>
#include <chunkarr/graph/complex_array.hpp>

#include <string>

namespace chunkarr {

// store() of complex values as array `name` of a new Zarr store `path` (format Auto for a path
// ending in .zarr, or Zarr; any other: ValueError). store_options.chunks and dimensions are per
// axis of `z`, as for a real array of its shape.
void store_complex(const ComplexArray& z, const std::string& path, const std::string& name,
                   const StoreOptions& store_options = {}, const ComputeOptions& options = {});

}  // namespace chunkarr
