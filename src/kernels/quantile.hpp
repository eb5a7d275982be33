#pragma once
// Exact quantiles out of core: selection of order statistics by histogram refinement.
//
// Every value maps to an order-preserving 64-bit key (integers shifted to unsigned, floats by
// their bit pattern with the sign folded), so refining a key range is exact for any dtype and
// independent of the values' magnitude. Per lane (one output position: the values over the
// reduced axes) and per needed rank ("target"), the selection keeps a key window [lo, hi] known
// to hold the rank, and how many values lie below it. The executor runs passes over the data:
//   pass 0     counts values and NaNs and finds the min/max key of every lane;
//   pass 1..   per target, a histogram of `bins` power-of-two-wide key bins over its window
//              (the window then shrinks to the bin holding the rank), or, once the window holds
//              few values (<= collect_limit), those values themselves, of which nth_element
//              picks the rank.
// A target is done when its window is one key. Memory is bounded by lanes x targets x bins;
// counts and collected multisets do not depend on the merge order, so results are exact and
// the same for any thread count.
#include <chunkarr/core/dtype.hpp>
#include <chunkarr/core/quantile_mode.hpp>
#include <chunkarr/core/shape.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace chunkarr::kernels {

class QuantileSelection {
public:
    // One active target of a box's lane, as one pass sees it.
    struct Entry {
        std::uint64_t lo = 0, hi = 0;
        std::size_t target = 0;
        std::uint32_t shift = 0;    // bin = (key - lo) >> shift
        std::int32_t hist = -1;     // histogram index in the partial, or -1
        std::int32_t collect = -1;  // collection index in the partial, or -1
    };
    // What one pass needs to know about one box of lanes (a block over the kept axes).
    struct BoxPlan {
        Region box;                        // over the kept axes
        std::vector<Index> lanes;          // global lane of every local lane (box C order)
        std::vector<std::uint32_t> begin;  // entries of local lane s: [begin[s], begin[s+1])
        std::vector<Entry> entries;
        std::int32_t hist_count = 0, collect_count = 0;
        std::size_t collect_bound = 0;  // sum of the windows' sizes of collected targets
    };
    // What one pass gathers over one box from some of its blocks; merged in any order.
    struct Partial {
        std::shared_ptr<const BoxPlan> plan;
        std::vector<std::int64_t> count, nan_count;   // pass 0, per local lane
        std::vector<std::uint64_t> min_key, max_key;  // pass 0
        std::vector<std::int64_t> histogram;          // hist_count x bins
        std::vector<std::vector<std::uint64_t>> collected;
    };

    // `lanes`: the shape of the kept (not reduced) axes of the input.
    QuantileSelection(DType dtype, Shape lanes, std::vector<double> quantiles, QuantileMode mode, bool skipna);

    // Most ranks one lane can need (two per quantile; bounds memory before pass 0).
    std::size_t max_targets_per_lane() const;
    int pass() const { return pass_; }
    // Bytes of the per-lane state held between passes (proportional to the output, not the data).
    std::size_t state_bytes() const;
    std::size_t bins() const { return bins_; }

    std::shared_ptr<const BoxPlan> plan_box(const Region& box) const;
    Partial make_partial(std::shared_ptr<const BoxPlan> plan) const;
    // Upper bound of a partial's bytes for `plan` in this pass.
    std::size_t partial_bytes(const BoxPlan& plan) const;
    // Adds one input block (`region` in input coordinates, C order, dtype as constructed).
    void accumulate(Partial& partial, const std::byte* values, const Shape& block_shape, const Region& region,
                    const std::vector<bool>& reduced) const;
    static void merge(Partial& into, Partial& other);
    // Takes in a box's complete partial of this pass. Distinct boxes may be absorbed concurrently.
    void absorb(Partial& partial);
    // Prepares the next pass with `bins` bins (a power of two >= 2); false when every target is
    // resolved and no pass is needed.
    bool next_pass(std::size_t bins);
    // Writes the result (q-major, then lanes in C order) in `dtype`, the node's result type.
    void finalize(std::byte* out, DType dtype) const;

private:
    struct Target {
        std::int64_t rank = 0;
        std::uint64_t lo = 0, hi = 0;
        std::int64_t below = 0, inside = 0;
        std::uint8_t phase = 0;  // 0 done, 1 histogram, 2 collect
    };
    void make_targets();
    std::vector<std::int64_t> lane_ranks(std::int64_t n) const;

    DType dtype_;
    Shape lanes_;
    Index lane_count_;
    std::vector<double> quantiles_;
    QuantileMode mode_;
    bool skipna_;
    int pass_ = 0;
    std::size_t bins_ = 0;
    std::size_t collect_limit_ = 0;
    std::vector<std::int64_t> count_, nan_count_;
    std::vector<std::uint64_t> min_key_, max_key_;
    std::vector<std::size_t> target_begin_;  // per lane, into targets_ (lane_count + 1)
    std::vector<Target> targets_;
};

// A partial as bytes, appended to `out` (to send it to another MPI rank: kernels/quantile_bytes.cpp),
// and read back at `at` (moved past it) for the box of `plan`.
void append_bytes(const QuantileSelection::Partial& partial, std::string& out);
QuantileSelection::Partial partial_from_bytes(std::shared_ptr<const QuantileSelection::BoxPlan> plan,
                                              const std::string& bytes, std::size_t& at);

}  // namespace chunkarr::kernels
