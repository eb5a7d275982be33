#include <chunkarr/core/error.hpp>
#include <chunkarr/engine/store_complex.hpp>

#include "engine/store_targets.hpp"

namespace chunkarr {

namespace {

// `list` ("a, b, c") without its last entry: the pairs' axis of 2, which the user's array lacks.
std::string without_last_entry(const std::string& list) {
    const std::size_t comma = list.rfind(", ");
    return comma == std::string::npos ? std::string() : list.substr(0, comma);
}

// An error's " (chunk (i, j, k) at [a:b, c:d, 0:2])" about the pairs array as the user's array:
// " (chunk (i, j) at [a:b, c:d])".
std::string in_user_coordinates(const std::string& message) {
    const std::string chunk = " (chunk (", at = ") at [", end = "])";
    const std::size_t start = message.rfind(chunk);
    if (start == std::string::npos) return message;
    const std::size_t index_start = start + chunk.size(), middle = message.find(at, index_start);
    if (middle == std::string::npos) return message;
    const std::size_t region_start = middle + at.size(), stop = message.find(end, region_start);
    if (stop == std::string::npos) return message;
    return message.substr(0, index_start) + without_last_entry(message.substr(index_start, middle - index_start)) + at +
           without_last_entry(message.substr(region_start, stop - region_start)) + message.substr(stop);
}

}  // namespace

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
    try {
        store_targets({{pairs, name, {}}}, path, pair_options, options, RechunkStaging::Run, StoreWriters::RankZero,
                      {true});
    } catch (...) {
        rethrow_rewritten(in_user_coordinates);
    }
}

}  // namespace chunkarr
