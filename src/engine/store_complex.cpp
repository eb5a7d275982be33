#include <chunkarr/core/error.hpp>
#include <chunkarr/engine/store_complex.hpp>

#include "engine/store_targets.hpp"

namespace chunkarr {

void store_complex(const ComplexArray& z, const std::string& path, const std::string& name,
                   const StoreOptions& store_options, const ComputeOptions& options) {
    const std::size_t ndim = z.real.ndim();
    if (!store_options.chunks.empty() && store_options.chunks.size() != ndim)
        throw ValueError("chunks have " + std::to_string(store_options.chunks.size()) + " axes but the array has " +
                         std::to_string(ndim));
    if (!store_options.dimensions.empty() && store_options.dimensions.size() != ndim)
        throw ValueError(std::to_string(store_options.dimensions.size()) + " dimension names for the " +
                         std::to_string(ndim) + "-d " + name);
    // Each value's parts side by side on a last axis of 2, whole in every chunk: a chunk's bytes
    // are then those of the complex values, which the sink describes without that axis.
    const Array pairs = stack({z.real, z.imag}, static_cast<int>(ndim));
    StoreOptions pair_options = store_options;
    pair_options.chunks = store_options.chunks.empty() ? default_store_chunks(z.real) : store_options.chunks;
    pair_options.chunks.push_back(2);
    if (!pair_options.dimensions.empty()) pair_options.dimensions.push_back("part");
    store_targets({{pairs, name, {}}}, path, pair_options, options, RechunkStaging::Run, StoreWriters::RankZero,
                  {true});
}

}  // namespace chunkarr
