#include <chunkarr/chunkarr.hpp>

#include "exec/plan.hpp"
#include "graph/ops/reduce.hpp"
#include "support/catch.hpp"

#include <limits>

using namespace chunkarr;

TEST_CASE("reductions of the same input and axes share a group; nested ones get a later stage", "[exec]") {
    const Array x = ones({8, 6}, DType::Float64, {4, 3});
    const Plan plan =
        make_plan({x.mean().node(), x.std().node(), x.sum({0}).node(), (x - x.mean({0})).std({0}).node()});
    REQUIRE(plan.stages.size() == 2);
    // Stage 1: {mean, std} over all axes, and {sum(0), mean(0)} over axis 0.
    REQUIRE(plan.stages[0].size() == 2);
    CHECK(plan.stages[0][0].reductions.size() == 2);
    CHECK(plan.stages[0][0].inputs.size() == 1);
    CHECK(plan.stages[0][1].reductions.size() == 2);
    CHECK(plan.stages[1].size() == 1);
    CHECK(plan.total_tasks == 3 * 4);
    const auto reads = source_read_bytes(plan);
    REQUIRE(reads.size() == 1);
    CHECK(reads.front().second == 3 * 8 * 6 * 8);  // x is read by three walks
}

TEST_CASE("a reshape's tasks read each element once", "[exec][reshape]") {
    const Array x = ones({9, 10, 11}, DType::Float32, {4, 3, 5});
    for (const std::vector<Index>& shape : {std::vector<Index>{990}, {10, 99}, {11, 90}, {3, 3, 110}}) {
        const Plan plan = make_plan({reshape(x, shape).node()});
        const auto reads = source_read_bytes(plan);
        REQUIRE(reads.size() == 1);
        CHECK(reads.front().second == 9 * 10 * 11 * 4);
    }
}

TEST_CASE("a quantile's group is never joined by a reduction of another array", "[exec][plan]") {
    // Regression: the planner compared reductions with the first node of every group, a quantile
    // too (std::get on the wrong alternative).
    const Array a = ones({4, 3}, DType::Float64, {4, 3});
    const Array b = ones({2, 4}, DType::Float64, {1, 3});
    const Plan plan = make_plan({quantile(a, 0.25).node(), b.nansum().node(), a.nansum().node()});
    std::size_t groups = 0;
    for (const auto& stage : plan.stages) groups += stage.size();
    CHECK(groups == 3);
}

TEST_CASE("reductions skipping a NaN _FillValue share one pass over their input", "[exec][plan]") {
    // Regression: masks were compared with NaN == NaN (false), so `stats` on a variable whose
    // _FillValue is NaN (Zarr's default, common in NetCDF) reduced every block once per statistic.
    const Array x = ones({8, 6}, DType::Float64, {4, 3});
    CFDecoding fill;
    fill.missing_values = {std::numeric_limits<long double>::quiet_NaN()};
    std::vector<NodePtr> outputs;
    for (ReduceOp op : {ReduceOp::Count, ReduceOp::Min, ReduceOp::Mean, ReduceOp::Std})
        outputs.push_back(make_reduce_node(op, x.node(), {0, 1}, false, true, 0, std::nullopt, fill));
    CFDecoding other = fill;
    other.missing_values = {-999.0L};
    outputs.push_back(make_reduce_node(ReduceOp::Sum, x.node(), {0, 1}, false, true, 0, std::nullopt, other));
    const Plan plan = make_plan(outputs);
    REQUIRE(plan.stages.size() == 1);
    REQUIRE(plan.stages[0].size() == 1);
    const ReductionGroup& group = plan.stages[0][0];
    CHECK(group.reductions.size() == 5);
    REQUIRE(group.inputs.size() == 2);  // the NaN fill's four reductions, and the -999 one
    CHECK(group.needs[0].moments);
    CHECK(group.needs[0].extrema);
}
