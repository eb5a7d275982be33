#pragma once
// The filters of a dataset, from its creation properties, as the pipeline chunkarr decodes
// itself. Apart from the decoder so that the decoder (and its sanitizer test) needs no libhdf5.
#include "io/filter_pipeline.hpp"
#include "io/hdf5/library.hpp"

#include <optional>

namespace chunkarr::hdf5 {

// The pipeline of a dataset creation property list, or nullopt if it has a filter we do not
// decode ourselves. Takes the lock.
std::optional<FilterPipeline> read_filter_pipeline(const Where& at, hid_t dcpl);

}  // namespace chunkarr::hdf5
