#include "kernels/quantile.hpp"

#include <chunkarr/core/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

namespace chunkarr::kernels {

namespace {

constexpr std::uint64_t sign_bit = std::uint64_t{1} << 63;

template <class T> bool is_nan_value(T v) {
    if constexpr (std::is_floating_point_v<T>) return std::isnan(v);
    else return false;
}

// Order-preserving key: a < b exactly when key(a) < key(b) (NaN excluded; -0.0 before +0.0).
template <class T> std::uint64_t key_of(T v) {
    if constexpr (std::is_floating_point_v<T>) {
        const double d = v;
        std::uint64_t bits;
        std::memcpy(&bits, &d, sizeof bits);
        return (bits & sign_bit) ? ~bits : bits | sign_bit;
    } else if constexpr (std::is_same_v<T, bool>) {
        return v ? 1 : 0;
    } else if constexpr (std::is_signed_v<T>) {
        return static_cast<std::uint64_t>(static_cast<std::int64_t>(v)) ^ sign_bit;
    } else {
        return static_cast<std::uint64_t>(v);
    }
}

template <class T> T value_of(std::uint64_t key) {
    if constexpr (std::is_floating_point_v<T>) {
        const std::uint64_t bits = (key & sign_bit) ? key & ~sign_bit : ~key;
        double d;
        std::memcpy(&d, &bits, sizeof d);
        return static_cast<T>(d);
    } else if constexpr (std::is_same_v<T, bool>) {
        return key != 0;
    } else if constexpr (std::is_signed_v<T>) {
        return static_cast<T>(static_cast<std::int64_t>(key ^ sign_bit));
    } else {
        return static_cast<T>(key);
    }
}

// Calls f(value, local lane) for every value of a C-order block; `step` is each axis's stride
// in local lanes (0 along reduced axes), `base` the local lane of the block's first value.
template <class T, class F>
void for_each_value(const T* v, const Shape& shape, const std::vector<Index>& step, Index base, F&& f) {
    const Index total = element_count(shape);
    if (total == 0) return;
    const std::size_t nd = shape.size();
    if (nd == 0) {
        f(v[0], base);
        return;
    }
    const Index inner = shape[nd - 1], inner_step = step[nd - 1];
    std::vector<Index> index(nd - 1, 0);
    Index lane = base;
    for (Index row = 0, rows = total / inner; row < rows; ++row) {
        Index l = lane;
        for (Index i = 0; i < inner; ++i, l += inner_step) f(v[i], l);
        v += inner;
        for (std::size_t a = nd - 1; a-- > 0;) {
            lane += step[a];
            if (++index[a] < shape[a]) break;
            lane -= step[a] * shape[a];
            index[a] = 0;
        }
    }
}

}  // namespace

QuantileSelection::QuantileSelection(DType dtype, Shape lanes, std::vector<double> quantiles, QuantileMode mode,
                                     bool skipna)
    : dtype_(dtype),
      lanes_(std::move(lanes)),
      lane_count_(element_count(lanes_)),
      quantiles_(std::move(quantiles)),
      mode_(mode),
      skipna_(skipna) {
    const auto n = static_cast<std::size_t>(lane_count_);
    count_.assign(n, 0);
    nan_count_.assign(n, 0);
    min_key_.assign(n, std::numeric_limits<std::uint64_t>::max());
    max_key_.assign(n, 0);
}

std::size_t QuantileSelection::max_targets_per_lane() const {
    switch (mode_) {
        case QuantileMode::Linear: return std::max<std::size_t>(1, 2 * quantiles_.size());
        case QuantileMode::Exact: return std::max<std::size_t>(1, quantiles_.size());
        case QuantileMode::Median: return 2;
    }
    return 2;
}

std::size_t QuantileSelection::state_bytes() const {
    return count_.size() * 32 + targets_.size() * sizeof(Target) + target_begin_.size() * sizeof(std::size_t);
}

std::vector<std::int64_t> QuantileSelection::lane_ranks(std::int64_t n) const {
    std::vector<std::int64_t> ranks;
    if (mode_ == QuantileMode::Median) {
        if (n % 2 == 0) ranks.push_back(n / 2 - 1);
        ranks.push_back(n / 2);
        return ranks;
    }
    for (double q : quantiles_) {
        if (mode_ == QuantileMode::Exact) {
            ranks.push_back(q == 0.0 ? 0 : n - 1);
            continue;
        }
        const double virtual_index = static_cast<double>(n - 1) * q;
        if (virtual_index >= static_cast<double>(n - 1)) {
            ranks.push_back(n - 1);
            continue;
        }
        const auto previous = static_cast<std::int64_t>(std::floor(virtual_index));
        ranks.push_back(previous);
        ranks.push_back(previous + 1);
    }
    std::sort(ranks.begin(), ranks.end());
    ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
    return ranks;
}

void QuantileSelection::make_targets() {
    target_begin_.assign(static_cast<std::size_t>(lane_count_) + 1, 0);
    for (Index lane = 0; lane < lane_count_; ++lane) {
        const auto l = static_cast<std::size_t>(lane);
        target_begin_[l] = targets_.size();
        const std::int64_t n = count_[l];
        if (n == 0 || (!skipna_ && nan_count_[l] > 0)) continue;  // the result is NaN
        for (std::int64_t rank : lane_ranks(n)) {
            Target t;
            t.rank = rank;
            t.lo = min_key_[l];
            t.hi = max_key_[l];
            t.below = 0;
            t.inside = n;
            t.phase = 1;
            targets_.push_back(t);
        }
    }
    target_begin_.back() = targets_.size();
}

std::shared_ptr<const QuantileSelection::BoxPlan> QuantileSelection::plan_box(const Region& box) const {
    auto plan = std::make_shared<BoxPlan>();
    plan->box = box;
    const Shape shape = region_shape(box);
    const Index local = element_count(shape);
    plan->lanes.resize(static_cast<std::size_t>(local));
    std::vector<Index> index(shape.size(), 0);
    for (Index s = 0; s < local; ++s) {
        Index global = 0;
        for (std::size_t a = 0; a < shape.size(); ++a) global = global * lanes_[a] + box[a].start + index[a];
        plan->lanes[static_cast<std::size_t>(s)] = global;
        for (std::size_t a = shape.size(); a-- > 0;) {
            if (++index[a] < shape[a]) break;
            index[a] = 0;
        }
    }
    if (pass_ == 0) return plan;
    plan->begin.reserve(static_cast<std::size_t>(local) + 1);
    for (Index lane : plan->lanes) {
        plan->begin.push_back(static_cast<std::uint32_t>(plan->entries.size()));
        const auto l = static_cast<std::size_t>(lane);
        for (std::size_t t = target_begin_[l]; t < target_begin_[l + 1]; ++t) {
            const Target& target = targets_[t];
            if (target.phase == 0) continue;
            Entry e;
            e.lo = target.lo;
            e.hi = target.hi;
            e.target = t;
            if (target.phase == 1) {
                const std::uint64_t range = target.hi - target.lo;
                while ((range >> e.shift) >= bins_) ++e.shift;
                e.hist = plan->hist_count++;
            } else {
                e.collect = plan->collect_count++;
                plan->collect_bound += static_cast<std::size_t>(target.inside);
            }
            plan->entries.push_back(e);
        }
    }
    plan->begin.push_back(static_cast<std::uint32_t>(plan->entries.size()));
    return plan;
}

QuantileSelection::Partial QuantileSelection::make_partial(std::shared_ptr<const BoxPlan> plan) const {
    Partial p;
    const std::size_t local = plan->lanes.size();
    if (pass_ == 0) {
        p.count.assign(local, 0);
        p.nan_count.assign(local, 0);
        p.min_key.assign(local, std::numeric_limits<std::uint64_t>::max());
        p.max_key.assign(local, 0);
    } else {
        p.histogram.assign(static_cast<std::size_t>(plan->hist_count) * bins_, 0);
        p.collected.resize(static_cast<std::size_t>(plan->collect_count));
        // Room for the whole window up front (what partial_bytes counts): no regrowth per key.
        for (const Entry& e : plan->entries)
            if (e.collect >= 0)
                p.collected[static_cast<std::size_t>(e.collect)].reserve(
                    static_cast<std::size_t>(targets_[e.target].inside));
    }
    p.plan = std::move(plan);
    return p;
}

std::size_t QuantileSelection::partial_bytes(const BoxPlan& plan) const {
    if (pass_ == 0) return plan.lanes.size() * 32;
    return static_cast<std::size_t>(plan.hist_count) * bins_ * 8 + plan.collect_bound * 8 +
           static_cast<std::size_t>(plan.collect_count) * sizeof(std::vector<std::uint64_t>);
}

void QuantileSelection::accumulate(Partial& p, const std::byte* values, const Shape& block_shape, const Region& region,
                                   const std::vector<bool>& reduced) const {
    const BoxPlan& plan = *p.plan;
    // Local-lane stride of every input axis, and the local lane of the block's first value.
    const Shape box_shape = region_shape(plan.box);
    std::vector<Index> box_stride(box_shape.size(), 1);
    for (std::size_t k = box_shape.size(); k-- > 1;) box_stride[k - 1] = box_stride[k] * box_shape[k];
    std::vector<Index> step(block_shape.size(), 0);
    Index base = 0;
    for (std::size_t axis = 0, k = 0; axis < block_shape.size(); ++axis) {
        if (reduced[axis]) continue;
        step[axis] = box_stride[k];
        base += (region[axis].start - plan.box[k].start) * box_stride[k];
        ++k;
    }
    visit_dtype(dtype_, [&](auto tag) {
        using T = decltype(tag);
        const T* v = reinterpret_cast<const T*>(values);
        if (pass_ == 0) {
            for_each_value(v, block_shape, step, base, [&](T x, Index lane) {
                const auto l = static_cast<std::size_t>(lane);
                if (is_nan_value(x)) {
                    ++p.nan_count[l];
                    return;
                }
                const std::uint64_t k = key_of(x);
                ++p.count[l];
                p.min_key[l] = std::min(p.min_key[l], k);
                p.max_key[l] = std::max(p.max_key[l], k);
            });
            return;
        }
        const std::size_t bins = bins_;
        for_each_value(v, block_shape, step, base, [&](T x, Index lane) {
            const auto l = static_cast<std::size_t>(lane);
            const std::uint32_t first = plan.begin[l], last = plan.begin[l + 1];
            if (first == last || is_nan_value(x)) return;
            const std::uint64_t k = key_of(x);
            for (std::uint32_t i = first; i < last; ++i) {
                const Entry& e = plan.entries[i];
                if (k < e.lo || k > e.hi) continue;
                if (e.hist >= 0) ++p.histogram[static_cast<std::size_t>(e.hist) * bins + ((k - e.lo) >> e.shift)];
                else p.collected[static_cast<std::size_t>(e.collect)].push_back(k);
            }
        });
    });
}

void QuantileSelection::merge(Partial& into, Partial& other) {
    for (std::size_t i = 0; i < into.count.size(); ++i) {
        into.count[i] += other.count[i];
        into.nan_count[i] += other.nan_count[i];
        into.min_key[i] = std::min(into.min_key[i], other.min_key[i]);
        into.max_key[i] = std::max(into.max_key[i], other.max_key[i]);
    }
    for (std::size_t i = 0; i < into.histogram.size(); ++i) into.histogram[i] += other.histogram[i];
    for (std::size_t i = 0; i < into.collected.size(); ++i)
        into.collected[i].insert(into.collected[i].end(), other.collected[i].begin(), other.collected[i].end());
    other = Partial{};
}

void QuantileSelection::absorb(Partial& p) {
    const BoxPlan& plan = *p.plan;
    if (pass_ == 0) {
        for (std::size_t s = 0; s < plan.lanes.size(); ++s) {
            const auto l = static_cast<std::size_t>(plan.lanes[s]);
            count_[l] = p.count[s];
            nan_count_[l] = p.nan_count[s];
            min_key_[l] = p.min_key[s];
            max_key_[l] = p.max_key[s];
        }
        return;
    }
    for (const Entry& e : plan.entries) {
        Target& t = targets_[e.target];
        if (e.hist >= 0) {
            const std::int64_t* counts = p.histogram.data() + static_cast<std::size_t>(e.hist) * bins_;
            const std::uint64_t used = ((t.hi - t.lo) >> e.shift) + 1;
            std::int64_t before = t.below;
            bool found = false;
            for (std::uint64_t b = 0; b < used; ++b) {
                if (t.rank < before + counts[b]) {
                    const std::uint64_t offset = (b << e.shift) + ((std::uint64_t{1} << e.shift) - 1);
                    const std::uint64_t lo = t.lo + (b << e.shift);
                    t.hi = offset >= t.hi - t.lo ? t.hi : t.lo + offset;
                    t.lo = lo;
                    t.below = before;
                    t.inside = counts[b];
                    found = true;
                    break;
                }
                before += counts[b];
            }
            if (!found) throw Error("internal: quantile selection lost its rank (did the data change between passes?)");
        } else {
            auto& keys = p.collected[static_cast<std::size_t>(e.collect)];
            const std::int64_t at = t.rank - t.below;
            if (static_cast<std::int64_t>(keys.size()) != t.inside || at < 0 || at >= t.inside)
                throw Error(
                    "internal: quantile selection collected the wrong values (did the data change between passes?)");
            std::nth_element(keys.begin(), keys.begin() + at, keys.end());
            t.lo = t.hi = keys[static_cast<std::size_t>(at)];
            t.below += at;
            t.inside = 1;
            t.phase = 0;
            std::vector<std::uint64_t>().swap(keys);
        }
    }
}

bool QuantileSelection::next_pass(std::size_t bins) {
    if (pass_ == 0) make_targets();
    bins_ = std::max<std::size_t>(2, bins);
    // Collecting a window of up to 8 x bins values costs no more memory than the executor
    // budgets for a histogram pass (it sizes boxes for 2 x bins counts of 5 x 8 bytes per target),
    // and short lanes (a few hundred values) are then collected right after pass 0.
    collect_limit_ = 8 * bins_;
    bool active = false;
    for (Target& t : targets_) {
        if (t.phase == 0) continue;
        if (t.lo == t.hi) t.phase = 0;
        else t.phase = static_cast<std::size_t>(t.inside) <= collect_limit_ ? 2 : 1;
        active = active || t.phase != 0;
    }
    if (active) ++pass_;
    return active;
}

void QuantileSelection::finalize(std::byte* out, DType dtype) const {
    if (target_begin_.empty() && lane_count_ > 0) throw Error("internal: quantile finalized before its passes");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::size_t nq = mode_ == QuantileMode::Median ? 1 : quantiles_.size();
    visit_dtype(dtype_, [&](auto tag) {
        using T = decltype(tag);
        auto value_at = [&](std::size_t lane, std::int64_t rank) {
            const auto first = targets_.begin() + static_cast<std::ptrdiff_t>(target_begin_[lane]);
            const auto last = targets_.begin() + static_cast<std::ptrdiff_t>(target_begin_[lane + 1]);
            const auto it =
                std::lower_bound(first, last, rank, [](const Target& t, std::int64_t r) { return t.rank < r; });
            if (it == last || it->rank != rank || it->phase != 0) throw Error("internal: quantile rank not selected");
            return value_of<T>(it->lo);
        };
        auto write = [&](std::size_t at, double value, T exact) {
            switch (dtype) {
                case DType::Float64: reinterpret_cast<double*>(out)[at] = value; break;
                case DType::Float32: reinterpret_cast<float*>(out)[at] = static_cast<float>(value); break;
                default: reinterpret_cast<T*>(out)[at] = exact; break;
            }
        };
        for (std::size_t qi = 0; qi < nq; ++qi) {
            for (Index lane_index = 0; lane_index < lane_count_; ++lane_index) {
                const auto lane = static_cast<std::size_t>(lane_index);
                const std::size_t at = qi * static_cast<std::size_t>(lane_count_) + lane;
                const std::int64_t n = count_[lane];
                if (target_begin_[lane] == target_begin_[lane + 1]) {  // NaN present or nothing to select
                    write(at, nan, T{});
                    continue;
                }
                if (mode_ == QuantileMode::Median) {
                    const T a = value_at(lane, n % 2 ? n / 2 : n / 2 - 1);
                    const T b = value_at(lane, n / 2);
                    if constexpr (std::is_same_v<T, float>) {
                        write(at, n % 2 ? a : static_cast<float>(a + b) / 2.0f, a);  // NumPy's float32 mean
                    } else {
                        write(at,
                              n % 2 ? static_cast<double>(a) : (static_cast<double>(a) + static_cast<double>(b)) / 2.0,
                              a);
                    }
                    continue;
                }
                const double q = quantiles_[qi];
                if (mode_ == QuantileMode::Exact) {
                    const T v = value_at(lane, q == 0.0 ? 0 : n - 1);
                    write(at, static_cast<double>(v), v);
                    continue;
                }
                // NumPy's linear method: virtual index (n-1)q, neighbours, and _lerp in its types.
                const double virtual_index = static_cast<double>(n - 1) * q;
                std::int64_t previous, next;
                double gamma;
                if (virtual_index >= static_cast<double>(n - 1)) {
                    previous = next = n - 1;
                    gamma = virtual_index + 1.0;  // NumPy subtracts the index -1 it uses there
                } else {
                    previous = static_cast<std::int64_t>(std::floor(virtual_index));
                    next = previous + 1;
                    gamma = virtual_index - static_cast<double>(previous);
                }
                const T a = value_at(lane, previous), b = value_at(lane, next);
                if constexpr (std::is_same_v<T, bool>) {
                    throw ValueError("quantile of a bool array is not supported");
                } else {
                    T diff;
                    if constexpr (std::is_floating_point_v<T>) {
                        diff = static_cast<T>(b - a);
                    } else {
                        using U = std::make_unsigned_t<T>;
                        diff =
                            static_cast<T>(static_cast<U>(static_cast<U>(b) - static_cast<U>(a)));  // wraps, as NumPy
                    }
                    const double d = static_cast<double>(diff);
                    double r = static_cast<double>(a) + d * gamma;
                    if (gamma >= 0.5) r = static_cast<double>(b) - d * (1.0 - gamma);
                    write(at, r, a);
                }
            }
        }
    });
}

}  // namespace chunkarr::kernels
