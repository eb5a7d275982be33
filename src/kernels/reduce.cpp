#include "kernels/reduce.hpp"

#include <chunkarr/core/error.hpp>

#include "kernels/missing_mask.hpp"
#include "kernels/simd.hpp"
#include "kernels/wrapping.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

namespace chunkarr::kernels {

ReduceNeeds& ReduceNeeds::operator|=(const ReduceNeeds& other) {
    sum |= other.sum;
    extrema |= other.extrema;
    moments |= other.moments;
    product |= other.product;
    return *this;
}

ReduceNeeds needs_of(ReduceOp op) {
    switch (op) {
        case ReduceOp::Sum:
        case ReduceOp::Mean: return {true, false, false};
        case ReduceOp::Min:
        case ReduceOp::Max: return {false, true, false};
        case ReduceOp::Var:
        case ReduceOp::Std: return {true, false, true};
        case ReduceOp::Count: return {false, false, false};
        case ReduceOp::Prod: return {false, false, false, true};
    }
    return {};
}

namespace {

// bool is summed and compared as 0/1.
template <class T> using Value = std::conditional_t<std::is_same_v<T, bool>, std::uint8_t, T>;
template <class T>
using Sum = std::conditional_t<
    std::is_floating_point_v<T>, double,
    std::conditional_t<std::is_unsigned_v<T> && !std::is_same_v<T, bool>, std::uint64_t, std::int64_t>>;

// 64-bit integers can overflow their int64/uint64 sum: it wraps as NumPy's does (in unsigned
// arithmetic: signed overflow is undefined), and a float64 sum beside it gives the mean and the
// variance's pieces, as NumPy computes them in float64.
template <class V> constexpr bool wide_integer = std::is_integral_v<V> && sizeof(V) == 8;
// Adds to a sum of V values: wrapping for 64-bit integers, plainly for the rest (whose int64
// sums cannot overflow, and whose vectorised loops GCC 12.2 -O3 miscompiles with the unsigned
// casts: measured, int8 sums of 16 values came out wrong).
template <class V, class S> constexpr S add_to_sum(S a, S b) {
    if constexpr (wide_integer<V>) return wrapping_add(a, b);
    else return a + b;
}

template <class T> constexpr bool nan_check(T x) {
    if constexpr (std::is_floating_point_v<T>) return x == x;
    else return true;
}
struct NotNaN {
    template <class V> constexpr bool operator()(V v) const { return nan_check(v); }
};

// The hot loops for float data (NaN and at most one fill value missing) in the AVX2 copy (below), written with GCC vector types
// (the baseline build lowers them worse than its own scalar loops, so it keeps those). Lane k
// takes elements k, k+4, ... exactly as the scalar loops do, so the results are the same bit
// for bit. Each returns how many leading elements it consumed (a multiple of 4).
using Double4 = double __attribute__((vector_size(32)));
using Int64x4 = std::int64_t __attribute__((vector_size(32)));
using Float4 = float __attribute__((vector_size(16)));

// (By reference: returning a 32-byte vector from a function built without AVX changes the ABI.)
inline void widen(const double* p, Double4& v) { std::memcpy(&v, p, sizeof v); }
inline void widen(const float* p, Double4& v) {
    Float4 narrow;
    std::memcpy(&narrow, p, sizeof narrow);
    v = __builtin_convertvector(narrow, Double4);
}
template <class V> using Lanes = std::conditional_t<std::is_same_v<V, double>, Double4, Float4>;

// `Fill`: false when the fill is NaN (no fill: the commonest case), whose test `v != fill` is
// always true and is left out.
template <class V, bool Extrema, bool Fill>
inline Index float_lanes(const V* p, Index n, V fill, double* sum, std::int64_t* count, V* lo, V* hi) {
    Double4 s, zero = {0, 0, 0, 0};
    const auto wide_fill = static_cast<double>(fill);
    const Double4 fills = {wide_fill, wide_fill, wide_fill, wide_fill};
    Lanes<V> narrow_fills;
    for (int k = 0; k < 4; ++k) narrow_fills[k] = fill;
    Int64x4 c;
    Lanes<V> l, h;
    std::memcpy(&s, sum, sizeof s);
    std::memcpy(&c, count, sizeof c);
    std::memcpy(&l, lo, sizeof l);
    std::memcpy(&h, hi, sizeof h);
    Index i = 0;
    for (; i + 4 <= n; i += 4) {
        Double4 v;
        widen(p + i, v);
        Int64x4 ok = v == v;  // all ones where neither NaN nor the fill
        if constexpr (Fill) ok &= v != fills;
        c -= ok;
        s += ok ? v : zero;
        if constexpr (Extrema) {
            Lanes<V> raw;
            std::memcpy(&raw, p + i, sizeof raw);
            if constexpr (Fill) {
                const auto kept = raw != narrow_fills;
                l = (raw < l) & kept ? raw : l;  // NaN compares false: skipped
                h = (raw > h) & kept ? raw : h;
            } else {
                l = raw < l ? raw : l;
                h = raw > h ? raw : h;
            }
        }
    }
    std::memcpy(sum, &s, sizeof s);
    std::memcpy(count, &c, sizeof c);
    std::memcpy(lo, &l, sizeof l);
    std::memcpy(hi, &h, sizeof h);
    return i;
}

template <class V, bool Fill> inline Index float_squares(const V* p, Index n, V fill, double mean, double* acc) {
    Double4 a, zero = {0, 0, 0, 0};
    const auto wide_fill = static_cast<double>(fill);
    const Double4 fills = {wide_fill, wide_fill, wide_fill, wide_fill};
    std::memcpy(&a, acc, sizeof a);
    Index i = 0;
    for (; i + 4 <= n; i += 4) {
        Double4 v;
        widen(p + i, v);
        const Double4 d = v - mean;
        if constexpr (Fill) a += (v == v) & (v != fills) ? d * d : zero;
        else a += v == v ? d * d : zero;
    }
    std::memcpy(acc, &a, sizeof a);
    return i;
}

// Float values that are neither NaN nor `fill`: one more value that counts as missing (a float
// variable's _FillValue, the common CF case), tested in the loops themselves instead of through
// a per-value MissingMask; NaN when there is none (then it excludes nothing more).
template <class V> struct NotNaNNorFill {
    V fill;
    bool operator()(V v) const { return v == v && v != fill; }
};
// The same for the AVX2 copy: a distinct type, so that its instantiations are its own.
template <class V> struct NotNaNNorFillWide : NotNaNNorFill<V> {};
template <class Valid> struct has_fill : std::false_type {};
template <class V> struct has_fill<NotNaNNorFill<V>> : std::true_type {};
template <class V> struct has_fill<NotNaNNorFillWide<V>> : std::true_type {};

template <class V, bool Masked, class Valid>
constexpr bool vector_lanes = std::is_floating_point_v<V> && !Masked && std::is_same_v<Valid, NotNaNNorFillWide<V>>;

// The one fill value a float mask comes down to, or nothing when it is more (several missing
// values, a valid range). No mask: NaN (nothing besides NaN is missing).
template <class V> std::optional<V> single_fill(const CFDecoding* mask) {
    if (!mask) return std::numeric_limits<V>::quiet_NaN();
    if (mask->missing_values.size() > 1 || mask->valid_min || mask->valid_max) return std::nullopt;
    return mask->missing_values.empty() ? std::numeric_limits<V>::quiet_NaN()
                                        : static_cast<V>(mask->missing_values.front());
}

#if defined(__x86_64__) && defined(__GNUC__)
#define CHUNKARR_AVX2_DISPATCH 1
// The reduction loops again, compiled for AVX2 when the CPU has it (four doubles per
// instruction instead of two; kernels/simd.hpp chooses). No FMA: every sum is formed exactly as
// in the baseline build, so results are bit-identical whichever copy runs.
#endif

template <class T> constexpr T lowest() {
    if constexpr (std::is_floating_point_v<T>) return -std::numeric_limits<T>::infinity();
    else return std::numeric_limits<T>::lowest();
}
template <class T> constexpr T highest() {
    if constexpr (std::is_floating_point_v<T>) return std::numeric_limits<T>::infinity();
    else return std::numeric_limits<T>::max();
}

// The block as alternating runs of reduced and kept axes (adjacent axes of the same kind merged,
// length-1 axes dropped): fewer, longer loops.
struct Layout {
    std::vector<Index> extent;
    std::vector<bool> reduced;
    std::vector<Index> slot_stride;  // 0 on reduced axes
};

Layout coalesce(const Shape& shape, const std::vector<bool>& reduced) {
    Layout layout;
    for (std::size_t axis = 0; axis < shape.size(); ++axis) {
        if (shape[axis] == 1) continue;
        if (!layout.extent.empty() && layout.reduced.back() == reduced[axis]) {
            layout.extent.back() *= shape[axis];
        } else {
            layout.extent.push_back(shape[axis]);
            layout.reduced.push_back(reduced[axis]);
        }
    }
    if (layout.extent.empty()) {
        layout.extent.push_back(1);
        layout.reduced.push_back(true);
    }
    layout.slot_stride.assign(layout.extent.size(), 0);
    Index s = 1;
    for (std::size_t axis = layout.extent.size(); axis-- > 0;) {
        if (layout.reduced[axis]) continue;
        layout.slot_stride[axis] = s;
        s *= layout.extent[axis];
    }
    return layout;
}

// Calls row(input_offset, slot, length, inner_reduced) for every innermost run of the block.
template <class Row> void for_each_run(const Layout& layout, Row row) {
    const std::size_t ndim = layout.extent.size();
    const Index length = layout.extent[ndim - 1];
    const bool inner_reduced = layout.reduced[ndim - 1];
    Index outer = 1;
    for (std::size_t axis = 0; axis + 1 < ndim; ++axis) outer *= layout.extent[axis];
    std::vector<Index> index(ndim, 0);
    for (Index r = 0; r < outer; ++r) {
        Index slot = 0;
        for (std::size_t axis = 0; axis + 1 < ndim; ++axis) slot += index[axis] * layout.slot_stride[axis];
        row(r * length, slot, length, inner_reduced);
        for (std::size_t axis = ndim - 1; axis-- > 0;) {
            if (++index[axis] < layout.extent[axis]) break;
            index[axis] = 0;
        }
    }
}

// Products, one pass of their own (only prod asks for them): in element order within a run, so
// the result does not depend on how the block was cut.
template <class V, class S, class Valid>
void multiply_in(S* product, const V* block, const Layout& layout, Valid valid) {
    for_each_run(layout, [&](Index offset, Index slot, Index length, bool inner_reduced) {
        const V* x = block + offset;
        if (inner_reduced) {
            S p = product[slot];
            for (Index j = 0; j < length; ++j)
                if (valid(x[j])) p = wrapping_multiply(p, static_cast<S>(x[j]));
            product[slot] = p;
        } else {
            for (Index j = 0; j < length; ++j)
                if (valid(x[j])) product[slot + j] = wrapping_multiply(product[slot + j], static_cast<S>(x[j]));
        }
    });
}

}  // namespace

std::size_t ReducePartial::bytes_for(DType dtype, Index slots, ReduceNeeds needs) {
    std::size_t per_slot = 3 * 8;
    if (!is_float(dtype) && itemsize(dtype) == 8) per_slot += 8;  // and a float64 sum
    if (needs.extrema) per_slot += 2 * itemsize(dtype);
    if (needs.moments) per_slot += 2 * 8;
    if (needs.product) per_slot += 8;
    return static_cast<std::size_t>(slots) * per_slot;
}

std::size_t ReducePartial::bytes() const { return bytes_for(dtype_, slots_, needs_); }

ReducePartial::ReducePartial(DType dtype, const std::byte* block, const Shape& block_shape,
                             const std::vector<bool>& reduced, ReduceNeeds needs, const CFDecoding* mask)
    : dtype_(dtype), needs_(needs) {
    slots_ = 1;
    for (std::size_t axis = 0; axis < block_shape.size(); ++axis)
        if (!reduced[axis]) slots_ *= block_shape[axis];
    const auto n = static_cast<std::size_t>(slots_);
    count_.assign(n, 0);
    nan_count_.assign(n, 0);
    if (is_float(dtype) || itemsize(dtype) == 8) fsum_.assign(n, 0.0);  // 64-bit integers: both sums
    if (is_unsigned(dtype)) usum_.assign(n, 0);
    else if (!is_float(dtype)) isum_.assign(n, 0);
    if (needs.moments) {
        mean_.assign(n, 0.0);
        m2_.assign(n, 0.0);
    }
    if (needs.product) {
        if (is_float(dtype)) fprod_.assign(n, 1.0);
        else if (is_unsigned(dtype)) uprod_.assign(n, 1);
        else iprod_.assign(n, 1);
    }
    visit_dtype(dtype, [&](auto tag) {
        using T = decltype(tag);
        using V = Value<T>;
        if (needs.extrema) {
            min_.resize(n * sizeof(V));
            max_.resize(n * sizeof(V));
            V* mn = reinterpret_cast<V*>(min_.data());
            V* mx = reinterpret_cast<V*>(max_.data());
            for (std::size_t i = 0; i < n; ++i) mn[i] = highest<V>(), mx[i] = lowest<V>();
        }
        if (element_count(block_shape) == 0) return;
        const V* values = reinterpret_cast<const V*>(block);
        if constexpr (std::is_floating_point_v<V>) {
            if (const std::optional<V> fill = single_fill<V>(mask)) {
#ifdef CHUNKARR_AVX2_DISPATCH
                if (use_avx2()) return accumulate_avx2(values, block_shape, reduced, *fill);
#endif
                if (!mask) return accumulate<V, Sum<T>, false>(values, block_shape, reduced, NotNaN{});
                return accumulate<V, Sum<T>, false>(values, block_shape, reduced, NotNaNNorFill<V>{*fill});
            }
        }
        if (mask) {
            const MissingMask<V> missing(*mask);
            accumulate<V, Sum<T>, true>(values, block_shape, reduced,
                                        [&missing](V v) { return !missing.is_missing(v); });
        } else {
            accumulate<V, Sum<T>, false>(values, block_shape, reduced, NotNaN{});
        }
    });
}

#ifdef CHUNKARR_AVX2_DISPATCH
// flatten: everything accumulate calls is inlined here, so all of it is compiled for AVX2.
template <class V>
void ReducePartial::accumulate_avx2(const V* block, const Shape& shape, const std::vector<bool>& reduced, V fill) {
    accumulate<V, Sum<V>, false>(block, shape, reduced, NotNaNNorFillWide<V>{{fill}});
}
#endif

template <class V, class S, bool Masked, class Valid>
void ReducePartial::accumulate(const V* block, const Shape& shape, const std::vector<bool>& reduced, Valid valid) {
    const Layout layout = coalesce(shape, reduced);
    S* sum = nullptr;
    if constexpr (std::is_same_v<S, double>) sum = fsum_.data();
    else if constexpr (std::is_same_v<S, std::uint64_t>) sum = usum_.data();
    else sum = isum_.data();
    V* mn = needs_.extrema ? reinterpret_cast<V*>(min_.data()) : nullptr;
    V* mx = needs_.extrema ? reinterpret_cast<V*>(max_.data()) : nullptr;
    const bool extrema = needs_.extrema;
    if (needs_.product) {
        if constexpr (std::is_same_v<S, double>) multiply_in(fprod_.data(), block, layout, valid);
        else if constexpr (std::is_same_v<S, std::uint64_t>) multiply_in(uprod_.data(), block, layout, valid);
        else multiply_in(iprod_.data(), block, layout, valid);
    }

    // Pass 1: counts, sums, extrema.
    for_each_run(layout, [&](Index offset, Index slot, Index length, bool inner_reduced) {
        const V* x = block + offset;
        if (inner_reduced) {
            // Four lanes: vectorises, and sums pairwise-ish for accuracy.
            struct Piece {
                std::int64_t count;
                S sum;
                V lo, hi;
                double wide_sum;  // 64-bit integers: the float64 sum
            };
            auto reduce_piece = [&](const V* p, Index n, V lo0, V hi0) {
                S s[4] = {0, 0, 0, 0};
                double w[4] = {0, 0, 0, 0};
                std::int64_t c[4] = {0, 0, 0, 0};
                V lo[4] = {lo0, lo0, lo0, lo0}, hi[4] = {hi0, hi0, hi0, hi0};
                auto run = [&](auto with_extrema) {
                    Index i = 0;
                    if constexpr (vector_lanes<V, Masked, Valid>) {
                        constexpr bool with = decltype(with_extrema)::value;
                        i = valid.fill != valid.fill ? float_lanes<V, with, false>(p, n, valid.fill, s, c, lo, hi)
                                                     : float_lanes<V, with, true>(p, n, valid.fill, s, c, lo, hi);
                    }
                    auto step = [&](int k, V v) {
                        const bool ok = valid(v);
                        c[k] += ok;
                        s[k] = add_to_sum<V>(s[k], ok ? static_cast<S>(v) : S(0));
                        if constexpr (wide_integer<V>) w[k] += ok ? static_cast<double>(v) : 0.0;
                        if constexpr (decltype(with_extrema)::value) {
                            // NaN compares false, so without a mask the test alone skips it
                            // (and compiles to minpd/maxpd).
                            if constexpr (Masked || has_fill<Valid>::value) {
                                lo[k] = ok && v < lo[k] ? v : lo[k];
                                hi[k] = ok && v > hi[k] ? v : hi[k];
                            } else {
                                lo[k] = v < lo[k] ? v : lo[k];
                                hi[k] = v > hi[k] ? v : hi[k];
                            }
                        }
                    };
                    for (; i + 4 <= n; i += 4)
                        for (int k = 0; k < 4; ++k) step(k, p[i + k]);
                    for (; i < n; ++i) step(0, p[i]);
                };
                if (extrema) run(std::true_type{});
                else run(std::false_type{});
                Piece piece{c[0] + c[1] + c[2] + c[3],
                            add_to_sum<V>(add_to_sum<V>(s[0], s[1]), add_to_sum<V>(s[2], s[3])), lo[0], hi[0],
                            (w[0] + w[1]) + (w[2] + w[3])};
                for (int k = 1; k < 4; ++k) {
                    piece.lo = lo[k] < piece.lo ? lo[k] : piece.lo;
                    piece.hi = hi[k] > piece.hi ? hi[k] : piece.hi;
                }
                return piece;
            };
            // With moments, the run goes in L1-sized pieces: each piece's squared deviations
            // from its own mean are summed while it is still in cache (exact two-pass), and
            // pieces merge into the slot with Chan's formula.
            const Index piece_length = needs_.moments ? 4096 : length;
            for (Index start = 0; start < length; start += piece_length) {
                const Index n = std::min(piece_length, length - start);
                const Piece piece = reduce_piece(x + start, n, extrema ? mn[slot] : V{}, extrema ? mx[slot] : V{});
                if (needs_.moments && piece.count > 0) {
                    const double piece_mean = (wide_integer<V> ? piece.wide_sum : static_cast<double>(piece.sum)) /
                                              static_cast<double>(piece.count);
                    double acc[4] = {0, 0, 0, 0};
                    const V* p = x + start;
                    Index i = 0;
                    if constexpr (vector_lanes<V, Masked, Valid>)
                        i = valid.fill != valid.fill ? float_squares<V, false>(p, n, valid.fill, piece_mean, acc)
                                                     : float_squares<V, true>(p, n, valid.fill, piece_mean, acc);
                    for (; i + 4 <= n; i += 4)
                        for (int k = 0; k < 4; ++k) {
                            const double d = static_cast<double>(p[i + k]) - piece_mean;
                            acc[k] += valid(p[i + k]) ? d * d : 0.0;
                        }
                    for (; i < n; ++i) {
                        const double d = static_cast<double>(p[i]) - piece_mean;
                        acc[0] += valid(p[i]) ? d * d : 0.0;
                    }
                    const double piece_m2 = (acc[0] + acc[1]) + (acc[2] + acc[3]);
                    const auto na = static_cast<double>(count_[slot]);
                    const auto nb = static_cast<double>(piece.count);
                    const double delta = piece_mean - mean_[slot];
                    mean_[slot] += delta * nb / (na + nb);
                    m2_[slot] += piece_m2 + delta * delta * na * nb / (na + nb);
                }
                count_[slot] += piece.count;
                nan_count_[slot] += n - piece.count;
                sum[slot] = add_to_sum<V>(sum[slot], piece.sum);
                if constexpr (wide_integer<V>) fsum_[slot] += piece.wide_sum;
                if (extrema) {
                    mn[slot] = piece.lo;
                    mx[slot] = piece.hi;
                }
            }
        } else {
            std::int64_t* cnt = count_.data() + slot;
            std::int64_t* nan = nan_count_.data() + slot;
            S* s = sum + slot;
            for (Index j = 0; j < length; ++j) {
                const bool ok = valid(x[j]);
                cnt[j] += ok;
                nan[j] += !ok;
                s[j] = add_to_sum<V>(s[j], ok ? static_cast<S>(x[j]) : S(0));
                if constexpr (wide_integer<V>) fsum_[slot + j] += ok ? static_cast<double>(x[j]) : 0.0;
            }
            if (extrema) {
                V* lo = mn + slot;
                V* hi = mx + slot;
                for (Index j = 0; j < length; ++j) {
                    const bool ok = valid(x[j]);
                    lo[j] = ok && x[j] < lo[j] ? x[j] : lo[j];
                    hi[j] = ok && x[j] > hi[j] ? x[j] : hi[j];
                }
            }
        }
    });
    // Inner-reduced runs already have their moments (per piece, above).
    if (!needs_.moments || layout.reduced.back()) return;
    // Pass 2 (runs along kept axes): squared deviations from this block's own mean.
    for (Index i = 0; i < slots_; ++i)
        mean_[i] = count_[i] > 0
                       ? (wide_integer<V> ? fsum_[i] : static_cast<double>(sum[i])) / static_cast<double>(count_[i])
                       : 0.0;
    for_each_run(layout, [&](Index offset, Index slot, Index length, bool) {
        const V* x = block + offset;
        const double* mean = mean_.data() + slot;
        double* m2 = m2_.data() + slot;
        for (Index j = 0; j < length; ++j) {
            const double d = static_cast<double>(x[j]) - mean[j];
            m2[j] += valid(x[j]) ? d * d : 0.0;
        }
    });
}

void ReducePartial::merge(const ReducePartial& other) {
    if (other.slots_ != slots_ || other.dtype_ != dtype_) throw Error("internal: merging mismatched partials");
    visit_dtype(dtype_, [&](auto tag) { merge_typed<decltype(tag)>(other); });
}

template <class T> void ReducePartial::merge_typed(const ReducePartial& other) {
    using V = Value<T>;
    for (Index i = 0; i < slots_; ++i) {
        const auto na = static_cast<double>(count_[i]);
        const auto nb = static_cast<double>(other.count_[i]);
        if (needs_.moments && nb > 0) {
            // Chan et al.: combine two (count, mean, M2) triples.
            const double n = na + nb;
            const double delta = other.mean_[i] - mean_[i];
            mean_[i] += delta * nb / n;
            m2_[i] += other.m2_[i] + delta * delta * na * nb / n;
        }
        count_[i] += other.count_[i];
        nan_count_[i] += other.nan_count_[i];
    }
    if (!fsum_.empty())
        for (Index i = 0; i < slots_; ++i) fsum_[i] += other.fsum_[i];
    if (!isum_.empty())
        for (Index i = 0; i < slots_; ++i) isum_[i] = wrapping_add(isum_[i], other.isum_[i]);
    if (!usum_.empty())
        for (Index i = 0; i < slots_; ++i) usum_[i] += other.usum_[i];
    for (Index i = 0; i < static_cast<Index>(fprod_.size()); ++i) fprod_[i] *= other.fprod_[i];
    for (Index i = 0; i < static_cast<Index>(iprod_.size()); ++i)
        iprod_[i] = wrapping_multiply(iprod_[i], other.iprod_[i]);
    for (Index i = 0; i < static_cast<Index>(uprod_.size()); ++i) uprod_[i] *= other.uprod_[i];
    if (needs_.extrema) {
        V* mn = reinterpret_cast<V*>(min_.data());
        V* mx = reinterpret_cast<V*>(max_.data());
        const V* omn = reinterpret_cast<const V*>(other.min_.data());
        const V* omx = reinterpret_cast<const V*>(other.max_.data());
        for (Index i = 0; i < slots_; ++i) {
            mn[i] = omn[i] < mn[i] ? omn[i] : mn[i];
            mx[i] = omx[i] > mx[i] ? omx[i] : mx[i];
        }
    }
}

void ReducePartial::finalize(ReduceOp op, bool skipna, int ddof, DType out_dtype, std::byte* out) const {
    visit_dtype(dtype_, [&](auto tag) { finalize_typed<decltype(tag)>(op, skipna, ddof, out_dtype, out); });
}

template <class T>
void ReducePartial::finalize_typed(ReduceOp op, bool skipna, int ddof, DType out_dtype, std::byte* out) const {
    using V = Value<T>;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    visit_dtype(out_dtype, [&](auto out_tag) {
        using R = decltype(out_tag);
        R* y = reinterpret_cast<R*>(out);
        for (Index i = 0; i < slots_; ++i) {
            const std::int64_t n = count_[i];
            const bool poisoned = !skipna && nan_count_[i] > 0;  // NaN propagates
            auto put_double = [&](double v) { y[i] = static_cast<R>(v); };
            switch (op) {
                case ReduceOp::Count: y[i] = static_cast<R>(n); break;
                case ReduceOp::Sum:
                    if (poisoned) put_double(nan);
                    else if (!usum_.empty()) y[i] = static_cast<R>(usum_[i]);
                    else if (!isum_.empty()) y[i] = static_cast<R>(isum_[i]);
                    else put_double(fsum_[i]);
                    break;
                case ReduceOp::Prod:
                    if (poisoned) put_double(nan);
                    else if (!uprod_.empty()) y[i] = static_cast<R>(uprod_[i]);
                    else if (!iprod_.empty()) y[i] = static_cast<R>(iprod_[i]);
                    else put_double(fprod_[i]);
                    break;
                case ReduceOp::Mean: {
                    // Integers: the exact sum, unless a 64-bit one wrapped (then its float64 sum
                    // is 2^64 away, at least 2^63 give or take rounding).
                    double total = !usum_.empty()   ? static_cast<double>(usum_[i])
                                   : !isum_.empty() ? static_cast<double>(isum_[i])
                                                    : fsum_[i];
                    if (!fsum_.empty() && std::abs(total - fsum_[i]) > 0x1p62) total = fsum_[i];
                    put_double(poisoned || n == 0 ? nan : total / static_cast<double>(n));
                    break;
                }
                case ReduceOp::Var:
                case ReduceOp::Std: {
                    double v = (poisoned || n - ddof <= 0) ? nan : m2_[i] / static_cast<double>(n - ddof);
                    put_double(op == ReduceOp::Std ? std::sqrt(v) : v);
                    break;
                }
                case ReduceOp::Min:
                case ReduceOp::Max: {
                    const V* v = reinterpret_cast<const V*>((op == ReduceOp::Min ? min_ : max_).data());
                    if (poisoned || n == 0) {
                        if constexpr (std::is_floating_point_v<R>) put_double(nan);
                        else y[i] = R(0);
                    } else {
                        y[i] = static_cast<R>(v[i]);
                    }
                    break;
                }
            }
        }
    });
}

}  // namespace chunkarr::kernels
