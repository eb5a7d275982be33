#pragma once
// store() with the choice of staging rechunks: a rechunk stage stores its own input with
// RechunkStaging::Skip (engine/rechunk_stages.cpp).
#include <chunkarr/engine/store.hpp>

#include "engine/pipeline.hpp"

#include <string>
#include <vector>

namespace chunkarr {

// Who writes the file across MPI ranks: rank 0 alone (a store's output), or every rank its own
// copy (a rechunk stage's file, on each rank's node), each of them all the chunks.
enum class StoreWriters { RankZero, EveryRank };

// `complex_pairs`: one per target, or empty for none; a true one is written as complex values
// (Zarr only; DatasetSpec::complex_pairs).
void store_targets(const std::vector<StoreTarget>& targets, const std::string& path, const StoreOptions& store_options,
                   const ComputeOptions& options, RechunkStaging staging, StoreWriters writers,
                   const std::vector<bool>& complex_pairs = {});

}  // namespace chunkarr
