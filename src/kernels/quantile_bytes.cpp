// QuantileSelection::Partial as bytes and back, for partials computed on another MPI rank.
// The box's plan is not sent: every rank makes the same plan for the same box.
#include "kernels/partial_bytes.hpp"
#include "kernels/quantile.hpp"

namespace chunkarr::kernels {

void append_bytes(const QuantileSelection::Partial& partial, std::string& out) {
    append_vector(out, partial.count);
    append_vector(out, partial.nan_count);
    append_vector(out, partial.min_key);
    append_vector(out, partial.max_key);
    append_vector(out, partial.histogram);
    append_value(out, static_cast<std::uint64_t>(partial.collected.size()));
    for (const auto& values : partial.collected) append_vector(out, values);
}

QuantileSelection::Partial partial_from_bytes(std::shared_ptr<const QuantileSelection::BoxPlan> plan,
                                              const std::string& bytes, std::size_t& at) {
    QuantileSelection::Partial partial;
    partial.plan = std::move(plan);
    partial.count = read_vector<std::int64_t>(bytes, at);
    partial.nan_count = read_vector<std::int64_t>(bytes, at);
    partial.min_key = read_vector<std::uint64_t>(bytes, at);
    partial.max_key = read_vector<std::uint64_t>(bytes, at);
    partial.histogram = read_vector<std::int64_t>(bytes, at);
    const auto lists = read_value<std::uint64_t>(bytes, at);
    if (lists > bytes.size() - at) throw Error("internal: a partial state from another rank is cut short");
    for (std::uint64_t i = 0; i < lists; ++i) partial.collected.push_back(read_vector<std::uint64_t>(bytes, at));
    return partial;
}

}  // namespace chunkarr::kernels
