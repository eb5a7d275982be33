#include "coordinates.hpp"

#include <chunkarr/core/error.hpp>
#include <chunkarr/graph/constructors.hpp>

namespace chunkarr::cli {

std::string dimension_basename(const std::string& name) {
    const auto slash = name.rfind('/');
    return slash == std::string::npos ? name : name.substr(slash + 1);
}

std::optional<Array> open_coordinate(const std::vector<std::string>& paths, const std::string& variable_path,
                                     const std::string& dimension, const OpenSourceOptions& options) {
    // Look in the variable's group, then in its parents.
    std::string group = variable_path.substr(0, variable_path.rfind('/'));
    while (true) {
        try {
            const SourcePtr source = open_source(paths, group + "/" + dimension, options);
            if (source->shape().size() == 1) return open(source);
        } catch (const Error&) {}
        if (group.empty()) return std::nullopt;
        group = group.substr(0, group.rfind('/'));
    }
}

}  // namespace chunkarr::cli
