#include <chunkarr/core/error.hpp>

#include "kernels/reduce.hpp"
#include "support/catch.hpp"

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

using namespace chunkarr;
using kernels::ReducePartial;

namespace {

template <class T> const std::byte* as_bytes(const std::vector<T>& v) {
    return reinterpret_cast<const std::byte*>(v.data());
}

// The result of `op` for every slot, as raw bytes (compared bit for bit).
std::vector<std::byte> finalized(const ReducePartial& p, ReduceOp op, DType out) {
    std::vector<std::byte> values(static_cast<std::size_t>(p.slots()) * itemsize(out));
    p.finalize(op, true, 1, out, values.data());
    return values;
}

ReducePartial round_trip(const ReducePartial& p) {
    std::string bytes;
    p.append_bytes(bytes);
    std::size_t at = 0;
    ReducePartial back = ReducePartial::from_bytes(bytes, at);
    CHECK(at == bytes.size());
    return back;
}

}  // namespace

TEST_CASE("a partial read back from its bytes finalizes and merges bit for bit as the original",
          "[kernels][reduce][mpi]") {
    const kernels::ReduceNeeds needs{true, true, true, true};
    std::mt19937 random(7);
    std::normal_distribution<float> normal(3.0f, 10.0f);
    std::vector<float> first(6 * 5), second(6 * 5);
    for (auto& v : first) v = normal(random);
    for (auto& v : second) v = normal(random);
    first[4] = NAN;  // a missing value: counted apart
    // Reduce axis 0 of (6, 5) blocks: five slots.
    const ReducePartial a(DType::Float32, as_bytes(first), {6, 5}, {true, false}, needs);
    const ReducePartial b(DType::Float32, as_bytes(second), {6, 5}, {true, false}, needs);
    ReducePartial merged = a, merged_back = round_trip(a);
    merged.merge(b);
    merged_back.merge(round_trip(b));
    CHECK(merged_back.counts() == merged.counts());
    CHECK(merged_back.nan_counts() == merged.nan_counts());
    for (const ReduceOp op : {ReduceOp::Sum, ReduceOp::Mean, ReduceOp::Std, ReduceOp::Var, ReduceOp::Prod}) {
        INFO("op " << static_cast<int>(op));
        CHECK(finalized(merged_back, op, DType::Float64) == finalized(merged, op, DType::Float64));
    }
    CHECK(finalized(merged_back, ReduceOp::Min, DType::Float32) == finalized(merged, ReduceOp::Min, DType::Float32));
    CHECK(finalized(merged_back, ReduceOp::Max, DType::Float32) == finalized(merged, ReduceOp::Max, DType::Float32));
}

TEST_CASE("integer partials keep their exact sums and extrema through bytes", "[kernels][reduce][mpi]") {
    const std::vector<std::int64_t> values{9007199254740993, -5, 7, 9007199254740993};
    const ReducePartial p(DType::Int64, as_bytes(values), {4}, {true}, {true, true, false});
    const ReducePartial back = round_trip(p);
    CHECK(finalized(back, ReduceOp::Sum, DType::Int64) == finalized(p, ReduceOp::Sum, DType::Int64));
    std::int64_t max = 0;
    back.finalize(ReduceOp::Max, false, 0, DType::Int64, reinterpret_cast<std::byte*>(&max));
    CHECK(max == 9007199254740993);
}

TEST_CASE("bytes cut short are an error, not a read past their end", "[kernels][reduce][mpi]") {
    const std::vector<double> values{1.0, 2.0, 3.0};
    const ReducePartial p(DType::Float64, as_bytes(values), {3}, {true}, {true, true, true});
    std::string bytes;
    p.append_bytes(bytes);
    for (const std::size_t keep : {std::size_t{0}, std::size_t{5}, bytes.size() / 2, bytes.size() - 1}) {
        const std::string cut = bytes.substr(0, keep);
        std::size_t at = 0;
        CHECK_THROWS_AS(ReducePartial::from_bytes(cut, at), Error);
    }
}
