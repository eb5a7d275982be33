#include "coordinates.hpp"

#include <chunkarr/core/error.hpp>
#include <chunkarr/graph/constructors.hpp>
#include <chunkarr/io/concat_source.hpp>

namespace chunkarr::cli {

std::string dimension_basename(const std::string& name) {
    const auto slash = name.rfind('/');
    return slash == std::string::npos ? name : name.substr(slash + 1);
}

std::optional<Coordinate> find_coordinate(const std::vector<std::string>& paths, const std::string& variable_path,
                                          const std::string& dimension, const OpenSourceOptions& options) {
    // Look in the variable's group, then in its parents.
    std::string group = variable_path.substr(0, variable_path.rfind('/'));
    while (true) {
        try {
            const SourcePtr source = open_source(paths, group + "/" + dimension, options);
            if (source->shape().size() == 1) return Coordinate{open(source), source->attributes()};
        } catch (const Error&) {}
        if (group.empty()) return std::nullopt;
        group = group.substr(0, group.rfind('/'));
    }
}

std::optional<Coordinate> axis_coordinate(const std::vector<std::string>& paths, const Source& source,
                                          const std::string& variable_path, std::size_t axis,
                                          const std::string& dimension, const OpenSourceOptions& options) {
    std::vector<std::string> where = paths;
    if (const auto* concat = dynamic_cast<const ConcatSource*>(&source); concat && concat->axis() != axis)
        where = {concat->names().front()};
    auto found = find_coordinate(where, variable_path, dimension, options);
    if (found && found->values.shape() != Shape{source.shape().at(axis)}) found.reset();
    return found;
}

}  // namespace chunkarr::cli
