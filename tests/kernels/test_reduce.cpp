#include "kernels/reduce.hpp"
#include "support/catch.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace chunkarr;
using kernels::ReducePartial;

namespace {
const std::byte* bytes(const std::vector<double>& v) { return reinterpret_cast<const std::byte*>(v.data()); }
double finalize(const ReducePartial& p, ReduceOp op, bool skipna = false, int ddof = 0) {
    double out = 0;
    p.finalize(op, skipna, ddof, DType::Float64, reinterpret_cast<std::byte*>(&out));
    return out;
}
}  // namespace

TEST_CASE("merged partials equal one pass over everything", "[kernels][reduce]") {
    std::mt19937_64 rng(42);
    std::normal_distribution<double> normal(1e6, 3.0);  // large mean: naive variance would lose digits
    std::vector<double> all(1000);
    for (auto& v : all) v = normal(rng);
    const kernels::ReduceNeeds needs{true, true, true};
    ReducePartial whole(DType::Float64, bytes(all), {1000}, {true}, needs);
    std::vector<double> first(all.begin(), all.begin() + 337), second(all.begin() + 337, all.end());
    ReducePartial a(DType::Float64, bytes(first), {337}, {true}, needs);
    ReducePartial b(DType::Float64, bytes(second), {663}, {true}, needs);
    a.merge(b);
    double mean = 0;
    for (double v : all) mean += v;
    mean /= 1000;
    double m2 = 0;
    for (double v : all) m2 += (v - mean) * (v - mean);
    CHECK(finalize(a, ReduceOp::Mean) == Approx(mean).epsilon(1e-15));
    CHECK(finalize(a, ReduceOp::Var) == Approx(m2 / 1000).epsilon(1e-10));
    CHECK(finalize(whole, ReduceOp::Var) == Approx(m2 / 1000).epsilon(1e-10));
    CHECK(finalize(a, ReduceOp::Std, false, 1) == Approx(std::sqrt(m2 / 999)).epsilon(1e-10));
    CHECK(finalize(a, ReduceOp::Min) == *std::min_element(all.begin(), all.end()));
    CHECK(finalize(a, ReduceOp::Max) == *std::max_element(all.begin(), all.end()));
}

TEST_CASE("NaN propagates unless skipped", "[kernels][reduce]") {
    std::vector<double> v{1, NAN, 3};
    ReducePartial p(DType::Float64, bytes(v), {3}, {true}, {true, true, true});
    CHECK(std::isnan(finalize(p, ReduceOp::Sum)));
    CHECK(std::isnan(finalize(p, ReduceOp::Max)));
    CHECK(finalize(p, ReduceOp::Sum, true) == 4);
    CHECK(finalize(p, ReduceOp::Max, true) == 3);
    CHECK(finalize(p, ReduceOp::Mean, true) == 2);
    CHECK(finalize(p, ReduceOp::Count) == 2);
}

TEST_CASE("reducing an inner or outer axis gives one slot per kept element", "[kernels][reduce]") {
    // 2x3 block [[1,2,3],[4,5,6]]
    std::vector<double> v{1, 2, 3, 4, 5, 6};
    ReducePartial rows(DType::Float64, bytes(v), {2, 3}, {false, true}, {true, false, false});
    ReducePartial cols(DType::Float64, bytes(v), {2, 3}, {true, false}, {true, false, false});
    REQUIRE(rows.slots() == 2);
    REQUIRE(cols.slots() == 3);
    std::vector<double> out(3);
    rows.finalize(ReduceOp::Sum, false, 0, DType::Float64, reinterpret_cast<std::byte*>(out.data()));
    CHECK(out[0] == 6);
    CHECK(out[1] == 15);
    cols.finalize(ReduceOp::Sum, false, 0, DType::Float64, reinterpret_cast<std::byte*>(out.data()));
    CHECK(out == std::vector<double>{5, 7, 9});
}

TEST_CASE("integer sums are exact int64", "[kernels][reduce]") {
    std::vector<std::int64_t> v{(std::int64_t{1} << 62), 1, -3};
    ReducePartial p(DType::Int64, reinterpret_cast<const std::byte*>(v.data()), {3}, {true}, {true, true, false});
    std::int64_t sum = 0;
    p.finalize(ReduceOp::Sum, false, 0, DType::Int64, reinterpret_cast<std::byte*>(&sum));
    CHECK(sum == (std::int64_t{1} << 62) - 2);
    std::int64_t min = 0;
    p.finalize(ReduceOp::Min, false, 0, DType::Int64, reinterpret_cast<std::byte*>(&min));
    CHECK(min == -3);
}

TEST_CASE("a 64-bit integer sum that wraps leaves the mean and the variance right", "[kernels][reduce]") {
    // Found by the fuzz test (CHUNKARR_FUZZ_SEED=j, h5v18-chunked/flip-data/5): a flipped sign bit
    // made an int64 value -2^63 + ...; the wrapped int64 sum gave a mean of the wrong sign.
    // NumPy: the sum wraps, the mean and std are float64 computations.
    const std::int64_t big = std::int64_t{1} << 62;
    std::vector<std::int64_t> v{big, big, big, -5, 7};
    double true_sum = 0;
    for (auto x : v) true_sum += static_cast<double>(x);
    const double mean = true_sum / 5;
    double m2 = 0;
    for (auto x : v) m2 += (static_cast<double>(x) - mean) * (static_cast<double>(x) - mean);
    for (const bool inner : {true, false}) {  // reduced along the inner axis, or the outer one
        const Shape shape = inner ? Shape{1, 5} : Shape{5, 1};
        const std::vector<bool> reduced = inner ? std::vector<bool>{false, true} : std::vector<bool>{true, false};
        ReducePartial first(DType::Int64, reinterpret_cast<const std::byte*>(v.data()), shape, reduced,
                            {true, true, true});
        std::int64_t sum = 0;
        first.finalize(ReduceOp::Sum, false, 0, DType::Int64, reinterpret_cast<std::byte*>(&sum));
        CHECK(sum == -big + 2);  // 3 * 2^62 + 2 wraps, as NumPy's int64 sum does
        CHECK(finalize(first, ReduceOp::Mean) == Approx(mean).epsilon(1e-15));
        CHECK(finalize(first, ReduceOp::Var) == Approx(m2 / 5).epsilon(1e-12));
    }
    // Merged partials, and uint64.
    ReducePartial a(DType::Int64, reinterpret_cast<const std::byte*>(v.data()), {3}, {true}, {true, true, true});
    ReducePartial b(DType::Int64, reinterpret_cast<const std::byte*>(v.data() + 3), {2}, {true}, {true, true, true});
    a.merge(b);
    CHECK(finalize(a, ReduceOp::Mean) == Approx(mean).epsilon(1e-15));
    std::vector<std::uint64_t> u{std::uint64_t{1} << 63, std::uint64_t{1} << 63, 1};
    ReducePartial p(DType::UInt64, reinterpret_cast<const std::byte*>(u.data()), {3}, {true}, {true, true, true});
    std::uint64_t usum = 0;
    p.finalize(ReduceOp::Sum, false, 0, DType::UInt64, reinterpret_cast<std::byte*>(&usum));
    CHECK(usum == 1);
    CHECK(finalize(p, ReduceOp::Mean) == Approx((0x1p64 + 1) / 3).epsilon(1e-15));
    // Without a wrap the mean is still the exact sum's.
    std::vector<std::int64_t> small{big, 1, -3};
    ReducePartial exact(DType::Int64, reinterpret_cast<const std::byte*>(small.data()), {3}, {true},
                        {true, true, true});
    CHECK(finalize(exact, ReduceOp::Mean) == static_cast<double>(big - 2) / 3);
}

TEST_CASE("small signed integers sum right in every lane", "[kernels][reduce]") {
    // With the 64-bit wrap applied to all integer sums, GCC 12.2 -O3 vectorised the four lanes
    // of int8 values wrongly (-8 for -15 here, and only without extrema).
    std::vector<std::int8_t> v;
    std::int64_t expected = 0;
    for (int i = 0; i < 16; ++i) {
        v.push_back(static_cast<std::int8_t>(i % 13 - 6));
        expected += v.back();
    }
    for (const bool extrema : {false, true}) {
        ReducePartial p(DType::Int8, reinterpret_cast<const std::byte*>(v.data()), {16}, {true},
                        {true, extrema, false});
        std::int64_t sum = 0;
        p.finalize(ReduceOp::Sum, false, 0, DType::Int64, reinterpret_cast<std::byte*>(&sum));
        CHECK(sum == expected);
    }
}

TEST_CASE("products merge in a fixed order, skip NaN when asked, and wrap as NumPy's", "[kernels][reduce]") {
    const kernels::ReduceNeeds needs{false, false, false, true};
    std::vector<double> values{1.5, -2.0, NAN, 4.0, 0.5};
    ReducePartial whole(DType::Float64, bytes(values), {5}, {true}, needs);
    CHECK(std::isnan(finalize(whole, ReduceOp::Prod)));
    CHECK(finalize(whole, ReduceOp::Prod, true) == -6.0);
    std::vector<double> first(values.begin(), values.begin() + 2), second(values.begin() + 2, values.end());
    ReducePartial a(DType::Float64, bytes(first), {2}, {true}, needs);
    a.merge(ReducePartial(DType::Float64, bytes(second), {3}, {true}, needs));
    CHECK(finalize(a, ReduceOp::Prod, true) == -6.0);
    // 3^41 does not fit int64: the product is taken modulo 2^64, as NumPy's int64 prod.
    std::vector<std::int64_t> threes(41, 3);
    ReducePartial p(DType::Int64, reinterpret_cast<const std::byte*>(threes.data()), {41}, {true}, needs);
    std::int64_t got = 0;
    p.finalize(ReduceOp::Prod, false, 0, DType::Int64, reinterpret_cast<std::byte*>(&got));
    std::uint64_t expected = 1;
    for (int i = 0; i < 41; ++i) expected *= 3;
    CHECK(got == static_cast<std::int64_t>(expected));
}

TEST_CASE("a float fill value is skipped inside the lane loops like NaN, on every axis", "[kernels][reduce]") {
    CFDecoding fill;
    fill.missing_values = {-999.0L};
    std::vector<float> values(7 * 11);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i % 13) - 4.5f;
    values[3] = -999.0f;
    values[20] = NAN;
    values[40] = -999.0f;
    values[76] = -999.0f;
    const auto* bytes_of = reinterpret_cast<const std::byte*>(values.data());
    const kernels::ReduceNeeds needs{true, true, true};
    for (const std::vector<bool>& reduced : {std::vector<bool>{true, true}, {false, true}, {true, false}}) {
        ReducePartial partial(DType::Float32, bytes_of, {7, 11}, reduced, needs, &fill);
        std::vector<double> sum(static_cast<std::size_t>(partial.slots()));
        std::vector<std::int64_t> count(sum.size());
        std::vector<float> lo(sum.size(), INFINITY), hi(sum.size(), -INFINITY);
        for (std::size_t r = 0; r < 7; ++r)
            for (std::size_t c = 0; c < 11; ++c) {
                const float v = values[r * 11 + c];
                if (v != v || v == -999.0f) continue;
                const std::size_t slot = reduced[0] && reduced[1] ? 0 : reduced[1] ? r : c;
                sum[slot] += v, ++count[slot], lo[slot] = std::min(lo[slot], v), hi[slot] = std::max(hi[slot], v);
            }
        std::vector<double> got_sum(sum.size());
        std::vector<float> got_lo(sum.size()), got_hi(sum.size());
        partial.finalize(ReduceOp::Sum, true, 0, DType::Float64, reinterpret_cast<std::byte*>(got_sum.data()));
        partial.finalize(ReduceOp::Min, true, 0, DType::Float32, reinterpret_cast<std::byte*>(got_lo.data()));
        partial.finalize(ReduceOp::Max, true, 0, DType::Float32, reinterpret_cast<std::byte*>(got_hi.data()));
        for (std::size_t k = 0; k < sum.size(); ++k) {
            CHECK(partial.counts()[k] == count[k]);
            CHECK(got_sum[k] == Approx(sum[k]));
            CHECK(got_lo[k] == lo[k]);
            CHECK(got_hi[k] == hi[k]);
        }
    }
}

namespace {
// Every statistic of `partial` as bytes (sum, mean, var, min, max, counts), to compare bit for bit.
template <class V> std::string statistics_bytes(const ReducePartial& partial, DType dtype) {
    std::string out;
    const auto slots = static_cast<std::size_t>(partial.slots());
    for (ReduceOp op : {ReduceOp::Sum, ReduceOp::Mean, ReduceOp::Var}) {
        std::vector<double> values(slots);
        partial.finalize(op, true, 0, DType::Float64, reinterpret_cast<std::byte*>(values.data()));
        out.append(reinterpret_cast<const char*>(values.data()), slots * sizeof(double));
    }
    for (ReduceOp op : {ReduceOp::Min, ReduceOp::Max}) {
        std::vector<V> values(slots);
        partial.finalize(op, true, 0, dtype, reinterpret_cast<std::byte*>(values.data()));
        out.append(reinterpret_cast<const char*>(values.data()), slots * sizeof(V));
    }
    out.append(reinterpret_cast<const char*>(partial.counts().data()), slots * sizeof(std::int64_t));
    return out;
}

template <class V> void check_fill_and_no_mask_agree(DType dtype) {
    std::mt19937 random(11);
    std::normal_distribution<double> normal(0.0, 1e3);
    std::vector<V> values(9 * 4099);  // runs longer than a variance piece, not a multiple of 4
    for (V& v : values) v = static_cast<V>(normal(random));
    for (std::size_t i = 0; i < values.size(); i += 37) values[i] = std::numeric_limits<V>::quiet_NaN();
    values[5] = std::numeric_limits<V>::infinity();
    CFDecoding absent_fill;  // a fill value the data never takes: it excludes nothing
    absent_fill.missing_values = {-12345.5L};
    const auto* block = reinterpret_cast<const std::byte*>(values.data());
    const kernels::ReduceNeeds needs{true, true, true};
    for (const std::vector<bool>& reduced : {std::vector<bool>{true, true}, {false, true}, {true, false}}) {
        const ReducePartial unmasked(dtype, block, {9, 4099}, reduced, needs);
        const ReducePartial masked(dtype, block, {9, 4099}, reduced, needs, &absent_fill);
        CHECK(statistics_bytes<V>(unmasked, dtype) == statistics_bytes<V>(masked, dtype));
    }
}
}  // namespace

TEST_CASE("unmasked float data reduces bit for bit as with a fill value it never takes", "[kernels][reduce]") {
    // Two copies of the lane loops (NaN only; NaN or the fill): whichever runs, the same bytes.
    check_fill_and_no_mask_agree<double>(DType::Float64);
    check_fill_and_no_mask_agree<float>(DType::Float32);
}

TEST_CASE("packed integers with one or two missing values reduce as with the general mask", "[kernels][reduce]") {
    std::vector<std::int16_t> values(7 * 1031);
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = static_cast<std::int16_t>(static_cast<int>((i * 7919) % 65536) - 32768);
    for (std::size_t i = 0; i < values.size(); i += 29) values[i] = -32767;  // _FillValue
    for (std::size_t i = 3; i < values.size(); i += 41) values[i] = -999;    // missing_value
    const auto* block = reinterpret_cast<const std::byte*>(values.data());
    const kernels::ReduceNeeds needs{true, true, true};
    // An integer the data never takes: a third missing value (a fraction would be dropped as not
    // representable, leaving two) that sends the reduction through the general mask.
    const std::set<int> present(values.begin(), values.end());
    int absent = 0;
    while (present.count(absent)) ++absent;
    for (std::size_t listed : {1, 2}) {
        for (bool range : {false, true}) {
            CFDecoding few;  // the vectorised test
            few.missing_values.assign({-32767.0L, -999.0L});
            few.missing_values.resize(listed);
            if (range) few.valid_min = -30000, few.valid_max = 30000;
            CFDecoding general = few;  // the same mask with a third value the data never takes
            general.missing_values.push_back(absent);
            for (const std::vector<bool>& reduced : {std::vector<bool>{true, true}, {false, true}, {true, false}}) {
                const ReducePartial a(DType::Int16, block, {7, 1031}, reduced, needs, &few);
                const ReducePartial b(DType::Int16, block, {7, 1031}, reduced, needs, &general);
                CHECK(statistics_bytes<std::int16_t>(a, DType::Int16) ==
                      statistics_bytes<std::int16_t>(b, DType::Int16));
            }
            std::int64_t expected = 0;  // the rules, value by value
            for (std::int16_t v : values) {
                const bool missing = v == -32767 || (listed == 2 && v == -999) || (range && (v < -30000 || v > 30000));
                expected += !missing;
            }
            const ReducePartial whole(DType::Int16, block, {7, 1031}, {true, true}, needs, &few);
            CHECK(whole.counts()[0] == expected);
        }
    }
}
