#include "kernels/reduce.hpp"
#include "support/catch.hpp"

#include <cmath>
#include <random>
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
