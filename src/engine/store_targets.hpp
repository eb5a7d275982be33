#pragma once
// store() with the choice of staging rechunks: a rechunk stage stores its own input with
// RechunkStaging::Skip (engine/rechunk_stages.cpp).
#include <chunkarr/engine/store.hpp>

#include "engine/pipeline.hpp"

#include <string>
#include <vector>

namespace chunkarr {

void store_targets(const std::vector<StoreTarget>& targets, const std::string& path, const StoreOptions& store_options,
                   const ComputeOptions& options, RechunkStaging staging);

}  // namespace chunkarr
