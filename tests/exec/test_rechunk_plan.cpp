#include "exec/rechunk_plan.hpp"
#include "support/catch.hpp"

using namespace chunkarr;

namespace {
constexpr std::size_t MiB = 1 << 20;
}

TEST_CASE("rechunk plan: a few reads per input chunk stay direct", "[rechunk]") {
    const Shape shape{64, 256, 256};
    const RechunkPlan plan =
        plan_rechunk(ChunkGrid::regular(shape, {8, 256, 256}), ChunkGrid::regular(shape, {16, 128, 128}), 8, 64 * MiB);
    CHECK(plan.direct());
    CHECK(plan.direct_reads == 4);  // one stored chunk: 2 x 2 target chunks
    CHECK(
        describe_rechunk_plan(ChunkGrid::regular(shape, {8, 256, 256}), ChunkGrid::regular(shape, {16, 128, 128}), plan)
            .find("direct") != std::string::npos);
}

TEST_CASE("rechunk plan: reads counted exactly on irregular grids", "[rechunk]") {
    // [5, 10) overlaps [3, 6), [6, 9), [9, 12): three reads; the other axis: one.
    const RechunkPlan plan =
        plan_rechunk(ChunkGrid({{5, 5, 5, 2}, {4}}), ChunkGrid({{3, 3, 3, 3, 3, 2}, {4}}), 4, 64 * MiB);
    CHECK(plan.direct_reads == 3);
    CHECK(plan.direct());
    const RechunkPlan many =
        plan_rechunk(ChunkGrid({{17}, {1, 1, 1, 1}}), ChunkGrid({{1, 2, 3, 4, 7}, {4}}), 4, 64 * MiB);
    CHECK(many.direct_reads == 5);
    CHECK_FALSE(many.direct());
}

TEST_CASE("rechunk plan: orthogonal chunkings go through stages that fit the budget", "[rechunk]") {
    // 32 MiB of float64 stored as maps, wanted as time series: done directly, each stored
    // chunk is read by 1024 tasks, or tasks cover whole stored chunks: 32 MiB each.
    const Shape shape{64, 256, 256};
    const ChunkGrid from = ChunkGrid::regular(shape, {1, 256, 256});
    const ChunkGrid to = ChunkGrid::regular(shape, {64, 8, 8});
    const RechunkPlan plan = plan_rechunk(from, to, 8, 16 * MiB);
    CHECK(plan.direct_reads == 1024);
    CHECK(plan.direct_task_bytes == 32 * MiB);
    CHECK(plan.task_limit == 2 * MiB);
    REQUIRE(plan.stages.size() >= 2);
    CHECK(plan.stages.back().chunks == Shape{64, 8, 8});
    for (const RechunkStage& stage : plan.stages) {
        CHECK(stage.task_bytes <= plan.task_limit);
        CHECK(stage.reads == 1);  // sizes that divide each other: tasks hold whole chunks
        for (std::size_t axis = 0; axis < 3; ++axis)
            CHECK((stage.tasks[axis] % stage.chunks[axis] == 0 || stage.tasks[axis] == shape[axis]));
    }
    // Geometric steps: each axis moves monotonically from source to target.
    for (std::size_t k = 1; k < plan.stages.size(); ++k) {
        CHECK(plan.stages[k].chunks[0] >= plan.stages[k - 1].chunks[0]);
        CHECK(plan.stages[k].chunks[1] <= plan.stages[k - 1].chunks[1]);
    }
    const std::string text = describe_rechunk_plan(from, to, plan);
    CHECK(text.find("stage 1: chunks") != std::string::npos);
    CHECK(text.find("1024 tasks") != std::string::npos);
}

TEST_CASE("rechunk plan: a larger budget needs fewer stages", "[rechunk]") {
    // ERA5-like: hourly maps to 1000-step series.
    const Shape shape{1000, 721, 1440};
    const ChunkGrid from = ChunkGrid::regular(shape, {1, 721, 1440});
    const ChunkGrid to = ChunkGrid::regular(shape, {1000, 10, 10});
    const RechunkPlan small = plan_rechunk(from, to, 4, 128 * MiB);
    const RechunkPlan large = plan_rechunk(from, to, 4, 64ull * 1024 * MiB);
    CHECK_FALSE(small.direct());
    CHECK_FALSE(large.direct());
    CHECK(large.stages.size() <= small.stages.size());
    for (const RechunkStage& stage : small.stages) CHECK(stage.task_bytes <= small.task_limit);
    CHECK(small.stages.back().chunks == Shape{1000, 10, 10});
}

TEST_CASE("rechunk plan: splitting only is one stage in tasks of whole stored chunks", "[rechunk]") {
    const Shape shape{1024, 1024};
    const RechunkPlan plan =
        plan_rechunk(ChunkGrid::regular(shape, {512, 512}), ChunkGrid::regular(shape, {8, 8}), 8, 1024 * MiB);
    REQUIRE(plan.stages.size() == 1);
    CHECK(plan.stages[0].chunks == Shape{8, 8});
    CHECK(plan.stages[0].tasks == Shape{512, 512});
    CHECK(plan.stages[0].reads == 1);
}

TEST_CASE("rechunk plan: chunks larger than the limit still plan (the limit grows to one chunk)", "[rechunk]") {
    const Shape shape{64, 512, 512};
    const RechunkPlan plan =
        plan_rechunk(ChunkGrid::regular(shape, {1, 512, 512}), ChunkGrid::regular(shape, {64, 4, 4}), 8, MiB);
    CHECK(plan.task_limit == 2 * MiB);  // one stored chunk
    REQUIRE_FALSE(plan.direct());
    CHECK(plan.stages.back().chunks == Shape{64, 4, 4});
}

TEST_CASE("rechunk plan: empty arrays and unlimited reads are direct", "[rechunk]") {
    CHECK(plan_rechunk(ChunkGrid({{0}, {5, 5}}), ChunkGrid({{0}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}}), 8, MiB).direct());
    RechunkLimits limits;
    limits.max_reads = 1 << 30;
    const Shape shape{64, 256, 256};
    CHECK(plan_rechunk(ChunkGrid::regular(shape, {1, 256, 256}), ChunkGrid::regular(shape, {64, 8, 8}), 8, 16 * MiB,
                       limits)
              .direct());
}
