#pragma once
// Reductions as mergeable partial states. A partial holds, for every output element ("slot") of
// one task's region, the count of non-NaN values, the count of NaNs, a sum (float64, int64 or
// uint64 by input kind), min/max in the input dtype, mean/M2 for variance, and a product (in the
// sum's type) when prod is asked. Variance is
// two-pass (sum first, then squared deviations from that mean: exact and vectorisable), done on
// cache-sized pieces; pieces and partials merge with Chan's formula, always in the same order,
// so results do not depend on the thread count.
#include <chunkarr/core/cf_decoding.hpp>
#include <chunkarr/core/dtype.hpp>
#include <chunkarr/core/ops.hpp>
#include <chunkarr/core/shape.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace chunkarr::kernels {

struct ReduceNeeds {
    bool sum = false;
    bool extrema = false;
    bool moments = false;
    bool product = false;
    ReduceNeeds& operator|=(const ReduceNeeds& other);
};
ReduceNeeds needs_of(ReduceOp op);

class ReducePartial {
public:
    ReducePartial() = default;
    // Accumulates a block of `block_shape` (C order, dtype `dtype`), reducing the axes where
    // reduced[axis] is true. With `mask`, the values it marks missing count as NaN do.
    ReducePartial(DType dtype, const std::byte* block, const Shape& block_shape, const std::vector<bool>& reduced,
                  ReduceNeeds needs, const CFDecoding* mask = nullptr);

    // Merges `other` (same slots) into this one.
    void merge(const ReducePartial& other);
    // Writes the result of `op` for every slot to `out` (dtype reduce_result(op, dtype)).
    void finalize(ReduceOp op, bool skipna, int ddof, DType out_dtype, std::byte* out) const;

    Index slots() const { return slots_; }
    std::size_t bytes() const;
    DType dtype() const { return dtype_; }
    const std::vector<std::int64_t>& counts() const { return count_; }
    const std::vector<std::int64_t>& nan_counts() const { return nan_count_; }

    // Bytes a partial of `slots` slots takes.
    static std::size_t bytes_for(DType dtype, Index slots, ReduceNeeds needs);

    // The partial as bytes, appended to `out` (to send it to another MPI rank, which reads it
    // back exactly: kernels/reduce_bytes.cpp); from_bytes reads one at `at` and moves past it.
    void append_bytes(std::string& out) const;
    static ReducePartial from_bytes(const std::string& bytes, std::size_t& at);

private:
    template <class V, class S, bool Masked, class Valid>
    void accumulate(const V* block, const Shape& shape, const std::vector<bool>& reduced, Valid valid);
#if defined(__x86_64__) && defined(__GNUC__)
    // accumulate() for unmasked float blocks, compiled for AVX2 (chosen at run time).
    template <class V>
    __attribute__((target("avx2"), flatten)) void accumulate_avx2(const V* block, const Shape& shape,
                                                                  const std::vector<bool>& reduced, V fill);
#endif
    template <class T> void merge_typed(const ReducePartial& other);
    template <class T> void finalize_typed(ReduceOp op, bool skipna, int ddof, DType out_dtype, std::byte* out) const;

    DType dtype_ = DType::Float64;
    ReduceNeeds needs_;
    Index slots_ = 0;
    std::vector<std::int64_t> count_;  // non-NaN values
    std::vector<std::int64_t> nan_count_;
    std::vector<double> fsum_;          // float input
    std::vector<std::int64_t> isum_;    // bool and signed input
    std::vector<std::uint64_t> usum_;   // unsigned input
    std::vector<std::byte> min_, max_;  // slots of the input dtype
    std::vector<double> mean_, m2_;
    std::vector<double> fprod_;  // products, in the sum's type (1 where nothing was multiplied)
    std::vector<std::int64_t> iprod_;
    std::vector<std::uint64_t> uprod_;
};

}  // namespace chunkarr::kernels
