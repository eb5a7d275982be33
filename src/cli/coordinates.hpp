#pragma once
// Dimension names and coordinate variables of a variable, as `stats --per`, `stats -o` and `eval`
// need them.
#include <chunkarr/graph/array.hpp>
#include <chunkarr/io/attributes.hpp>
#include <chunkarr/io/source.hpp>
#include <chunkarr/io/variables.hpp>

#include <optional>
#include <string>
#include <vector>

namespace chunkarr::cli {

// A dimension's name without the group path an HDF5 dimension scale may carry.
std::string dimension_basename(const std::string& name);

// A coordinate variable: its values (lazily opened, CF decoding applied) and its attributes as
// stored (units, calendar, ... and the encoding ones: see output_attributes.hpp).
struct Coordinate {
    Array values;
    Attributes attributes;
};

// The coordinate variable of `dimension` for the variable at `variable_path` of `paths` (files
// or glob patterns, joined as open_source joins them): a 1-d variable of that name in the
// variable's group or a parent group (netCDF's scoping of dimensions); none when there is no
// such variable.
std::optional<Coordinate> find_coordinate(const std::vector<std::string>& paths, const std::string& variable_path,
                                          const std::string& dimension, const OpenSourceOptions& options);

// The coordinate of axis `axis` (named `dimension`) of the variable at `variable_path`, opened
// from `paths` as `source`: along the axis the files are joined, the coordinate is joined too;
// the others come from the first file (joining `lat` of every file would repeat it). None when
// there is no coordinate variable or it does not have the axis' length.
std::optional<Coordinate> axis_coordinate(const std::vector<std::string>& paths, const Source& source,
                                          const std::string& variable_path, std::size_t axis,
                                          const std::string& dimension, const OpenSourceOptions& options);

}  // namespace chunkarr::cli
