#pragma once
// Dimension names and coordinate variables of a variable, as `stats --per` and `eval` need them.
#include <chunkarr/graph/array.hpp>
#include <chunkarr/io/variables.hpp>

#include <optional>
#include <string>
#include <vector>

namespace chunkarr::cli {

// A dimension's name without the group path an HDF5 dimension scale may carry.
std::string dimension_basename(const std::string& name);

// The coordinate variable of `dimension` for the variable at `variable_path` of `paths` (files
// or glob patterns, joined as open_source joins them): a 1-d variable of that name in the
// variable's group or a parent group (netCDF's scoping of dimensions), lazily opened, CF
// decoding applied; none when there is no such variable.
std::optional<Array> open_coordinate(const std::vector<std::string>& paths, const std::string& variable_path,
                                     const std::string& dimension, const OpenSourceOptions& options);

}  // namespace chunkarr::cli
