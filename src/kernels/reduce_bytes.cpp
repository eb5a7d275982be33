// ReducePartial as bytes and back, for partials computed on another MPI rank: every field is
// copied bit for bit (ranks of one run share the machine's byte order), so a merged result is
// the same as when one process made every partial.
#include "kernels/partial_bytes.hpp"
#include "kernels/reduce.hpp"

namespace chunkarr::kernels {

void ReducePartial::append_bytes(std::string& out) const {
    append_value(out, dtype_);
    append_value(out, needs_);
    append_value(out, slots_);
    append_vector(out, count_);
    append_vector(out, nan_count_);
    append_vector(out, fsum_);
    append_vector(out, isum_);
    append_vector(out, usum_);
    append_vector(out, min_);
    append_vector(out, max_);
    append_vector(out, mean_);
    append_vector(out, m2_);
    append_vector(out, fprod_);
    append_vector(out, iprod_);
    append_vector(out, uprod_);
}

ReducePartial ReducePartial::from_bytes(const std::string& bytes, std::size_t& at) {
    ReducePartial p;
    p.dtype_ = read_value<DType>(bytes, at);
    p.needs_ = read_value<ReduceNeeds>(bytes, at);
    p.slots_ = read_value<Index>(bytes, at);
    p.count_ = read_vector<std::int64_t>(bytes, at);
    p.nan_count_ = read_vector<std::int64_t>(bytes, at);
    p.fsum_ = read_vector<double>(bytes, at);
    p.isum_ = read_vector<std::int64_t>(bytes, at);
    p.usum_ = read_vector<std::uint64_t>(bytes, at);
    p.min_ = read_vector<std::byte>(bytes, at);
    p.max_ = read_vector<std::byte>(bytes, at);
    p.mean_ = read_vector<double>(bytes, at);
    p.m2_ = read_vector<double>(bytes, at);
    p.fprod_ = read_vector<double>(bytes, at);
    p.iprod_ = read_vector<std::int64_t>(bytes, at);
    p.uprod_ = read_vector<std::uint64_t>(bytes, at);
    return p;
}

}  // namespace chunkarr::kernels
