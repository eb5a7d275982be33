#include <chunkarr/chunkarr.hpp>

#include "exec/fused_chain.hpp"
#include "graph/ops/decode_cf.hpp"
#include "optimize/optimizer.hpp"
#include "support/catch.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

using namespace chunkarr;

namespace {

// int16 stored values of a (4, 3000) array: every value class a decoding treats differently.
NDArray stored_int16() {
    NDArray stored(DType::Int16, {4, 3000});
    auto* v = reinterpret_cast<std::int16_t*>(stored.data());
    for (Index i = 0; i < stored.size(); ++i) v[i] = static_cast<std::int16_t>((i * 7919) % 65536 - 32768);
    v[0] = -32767;    // _FillValue
    v[5] = -999;      // missing_value
    v[1500] = 32000;  // above valid_max
    return stored;
}

// _FillValue and missing_value, a valid range, ERA5-like packing.
CFDecoding packing(DType result) { return CFDecoding{{-32767, -999}, -30000, 30000, 0.0015, 260.0, result}; }

// The expression on `region`, evaluated step by step (no transient results: every operation
// its own pass over the block, the decoded copy materialised) and as one fused chain.
struct BothWays {
    Block step_by_step, fused;
    bool ran_fused = false;
};

BothWays evaluate_both_ways(const Array& expression, const Region& region) {
    BothWays result;
    const EvaluationContext unfused;
    Evaluator plain(unfused);
    result.step_by_step = plain.evaluate(expression.node(), region);
    EvaluationContext context;
    context.transient = optimize({expression.node()}).transient;
    Evaluator evaluator(context);
    if (auto block = evaluate_fused_chain(*expression.node(), region, evaluator)) {
        result.fused = *block;
        result.ran_fused = true;
    }
    return result;
}

bool same_bits(const Block& a, const Block& b) {
    return a.dtype == b.dtype && a.shape == b.shape && std::memcmp(a.data(), b.data(), a.nbytes()) == 0;
}

}  // namespace

TEST_CASE("a CF decode runs inside its consumer's chain, bit for bit as decoded first", "[exec]") {
    for (DType result : {DType::Float64, DType::Float32}) {
        const Array stored = from_ndarray(stored_int16(), {3, 2500});  // edge chunks on both axes
        const Array decoded(make_decode_cf_node(stored.node(), packing(result)));
        // The last: `decoded` is used three times, so it is decoded once, whole, and the chain
        // is the multiply and the add.
        const Array expressions[] = {decoded * 2.0 + 1.0, sqrt(abs(decoded - 270.0)) / 3.0,
                                     where(decoded > 265.0, decoded, -1.0), decoded * decoded + decoded};
        for (const Array& expression : expressions) {
            // A whole chunk (3 x 2500: two full tiles and a partial one) and an edge chunk.
            for (const Region& region : {Region{{0, 3}, {0, 2500}}, Region{{3, 4}, {2500, 3000}}}) {
                const BothWays both = evaluate_both_ways(expression, region);
                REQUIRE(both.ran_fused);
                CHECK(same_bits(both.step_by_step, both.fused));
            }
        }
    }
}

TEST_CASE("fused chains give the values of decode-then-compute on whole arrays", "[exec]") {
    for (DType result : {DType::Float64, DType::Float32}) {
        const NDArray raw = stored_int16();
        const Array stored = from_ndarray(raw, {3, 700});
        const Array decoded(make_decode_cf_node(stored.node(), packing(result)));
        // The decoded values made first, then the expression on them: no decode in the chain.
        const Array materialised = from_ndarray(decoded.compute(), {3, 700});
        const NDArray fused = (decoded * 2.0 + 1.0).compute();
        const NDArray reference = (materialised * 2.0 + 1.0).compute();
        REQUIRE(fused.dtype() == result);
        CHECK(std::memcmp(fused.data(), reference.data(), fused.nbytes()) == 0);
        CHECK(std::isnan(fused.value_as_double(0)));
        CHECK(std::isnan(fused.value_as_double(5)));
        CHECK(std::isnan(fused.value_as_double(1500)));
        const auto v = reinterpret_cast<const std::int16_t*>(raw.data());
        CHECK(fused.value_as_double(7) == Approx((v[7] * 0.0015 + 260.0) * 2 + 1).epsilon(1e-6));
    }
}

TEST_CASE("an operand broadcast along some axes only leaves the chain to the row kernels", "[exec]") {
    const Array stored = from_ndarray(stored_int16(), {4, 1000});
    const Array decoded(make_decode_cf_node(stored.node(), packing(DType::Float64)));
    const Array row = arange(0, 3000, 1, DType::Float64, 1000);  // (3000) broadcast along axis 0
    const Array expression = decoded * 2.0 + row;
    const BothWays both = evaluate_both_ways(expression, Region{{0, 4}, {1000, 2000}});
    CHECK_FALSE(both.ran_fused);
    const NDArray values = expression.compute();
    const NDArray decoded_values = decoded.compute();
    for (Index i : {Index{7}, Index{1003}, Index{3999}})
        CHECK(values.value_as_double(i) == decoded_values.value_as_double(i) * 2.0 + static_cast<double>(i % 3000));
}

TEST_CASE("a float decode that keeps its type masks in place", "[exec]") {
    NDArray raw(DType::Float32, {10});
    auto* v = reinterpret_cast<float*>(raw.data());
    for (int i = 0; i < 10; ++i) v[i] = static_cast<float>(i) - 3.5f;
    v[2] = -1.0f;
    CFDecoding cf;
    cf.missing_values = {-1.0};
    cf.result = DType::Float32;
    const Array decoded(make_decode_cf_node(from_ndarray(raw, {4}).node(), cf));
    ComputeReport report;
    ComputeOptions options;
    options.report = &report;
    const NDArray values = decoded.compute(options);
    CHECK(report.buffers == 3);  // one per chunk: the stored values decoded where they are
    CHECK(std::isnan(values.value_as_double(2)));
    CHECK(values.value_as_double(9) == 5.5);
}
