#pragma once
// How a dataset is stored: layout, chunk shape and filters, from its creation properties.
#include <chunkarr/core/shape.hpp>

#include "io/hdf5/library.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace chunkarr::hdf5 {

struct Layout {
    std::string name;  // "chunked", "contiguous", "compact", "virtual"
    std::optional<Shape> chunks;
    std::vector<std::string> filters;                               // "shuffle", "deflate(4)", ...
    std::vector<std::pair<H5Z_filter_t, std::string>> unavailable;  // required filters we cannot decode
    std::vector<std::pair<H5Z_filter_t, std::string>> optional_unavailable;
};

Layout read_layout(const Where& at, hid_t dataset);

}  // namespace chunkarr::hdf5
