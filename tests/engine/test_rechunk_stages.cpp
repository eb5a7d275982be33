#include <chunkarr/chunkarr.hpp>
#include <chunkarr/engine/explain.hpp>

#include "engine/rechunk_stages.hpp"
#include "support/catch.hpp"
#include "support/recording_source.hpp"
#include "support/temp_dir.hpp"

#include <atomic>
#include <cstring>
#include <filesystem>
#include <map>

using namespace chunkarr;
using test_support::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t MiB = 1 << 20;

// Values that differ everywhere (so a misplaced element shows).
NDArray sample(const Shape& shape) {
    NDArray a(DType::Float64, shape);
    for (Index i = 0; i < a.size(); ++i) a.data_as<double>()[i] = static_cast<double>(i) * 0.5 - 3.0;
    return a;
}

bool same(const NDArray& a, const NDArray& b) {
    return a.shape() == b.shape() && a.dtype() == b.dtype() &&
           std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.size()) * itemsize(a.dtype())) == 0;
}

// Reads per stored chunk of a recording source: how many read regions touch each chunk.
std::map<std::vector<Index>, int> reads_per_chunk(const std::vector<Region>& reads, const Shape& chunk) {
    std::map<std::vector<Index>, int> counts;
    for (const Region& region : reads) {
        if (element_count(region_shape(region)) == 0) continue;
        std::vector<Index> first, last;
        for (std::size_t axis = 0; axis < region.size(); ++axis) {
            first.push_back(region[axis].start / chunk[axis]);
            last.push_back((region[axis].stop - 1) / chunk[axis]);
        }
        std::vector<Index> at = first;
        for (;;) {
            ++counts[at];
            std::size_t axis = at.size();
            while (axis-- > 0) {
                if (++at[axis] <= last[axis]) break;
                at[axis] = first[axis];
            }
            if (axis == static_cast<std::size_t>(-1)) break;
        }
    }
    return counts;
}

}  // namespace

TEST_CASE("rechunk: orthogonal chunks of a compressed file in stages, within the budget", "[rechunk]") {
    TempDir dir("rechunk-test-budget");
    const Shape shape{64, 256, 256};  // 32 MiB of float64, stored as (1, 256, 256) maps
    const NDArray data = sample(shape);
    StoreOptions stored;
    stored.chunks = {1, 256, 256};
    stored.compression = "gzip";
    stored.compression_level = 1;
    store(from_ndarray(data, {16, 256, 256}), dir.file("in.h5"), "/x", stored);

    const Array x = open(dir.file("in.h5"), "/x");
    const ChunkGrid target = ChunkGrid::regular(shape, {64, 8, 8});
    const Array y = x.rechunk(target);
    CHECK(y.chunks() == target);

    TempDir scratch("rechunk-test-scratch");
    ComputeReport report;
    ComputeOptions options;
    options.memory_limit = 16 * MiB;
    options.threads = 2;
    options.report = &report;
    options.temp_directory = scratch.path();

    const RechunkPlan plan = plan_for(*y.node(), options.memory_limit);
    REQUIRE_FALSE(plan.direct());
    CHECK(plan.direct_reads == 1024);
    CHECK(explain({y}).find("rechunk stages") != std::string::npos);

    // Files in the scratch directory while it runs: at most two stages' (one being written).
    std::atomic<std::size_t> most_files{0};
    options.progress = [&](const Progress&) {
        std::error_code ec;
        std::size_t n = 0;
        for (fs::directory_iterator it(scratch.path(), ec), end; !ec && it != end; it.increment(ec)) ++n;
        std::size_t seen = most_files.load();
        while (n > seen && !most_files.compare_exchange_weak(seen, n)) {}
    };
    const NDArray result = compute({y}, options).front();
    options.progress = nullptr;
    CHECK(same(result, data));
    CHECK(most_files.load() >= 1);
    CHECK(most_files.load() <= 2);
    CHECK(report.peak_bytes > 0);
    CHECK(report.peak_bytes <= options.memory_limit);
    CHECK(scratch.entries().empty());  // the stages' files are gone

    // Done in one pass over whole stored chunks, a task would hold 32 MiB: over the budget.
    ComputeOptions direct = options;
    direct.report = nullptr;
    CHECK_THROWS_AS(compute({x.rechunk(ChunkGrid::regular(shape, {64, 256, 256}))}, direct), MemoryBudgetError);

    // Used inside an expression and stored: the same values.
    const Array doubled = y * 2.0;
    const NDArray twice = compute({doubled}, options).front();
    for (Index i = 0; i < twice.size(); ++i) REQUIRE(twice.data_as<double>()[i] == data.data_as<double>()[i] * 2.0);
    StoreOptions out;
    out.chunks = {64, 8, 8};
    store(y, dir.file("out.h5"), "/y", out, options);
    CHECK(same(open(dir.file("out.h5"), "/y").compute(), data));
    CHECK(scratch.entries().empty());
}

TEST_CASE("rechunk: each stored chunk is read a bounded number of times, odd shapes and chunks", "[rechunk]") {
    const Shape shape{23, 37, 29};
    const NDArray data = sample(shape);
    const Shape stored{1, 37, 29};
    auto source = std::make_shared<test_support::RecordingSource>(data, stored);
    const Array x = open(source);
    // Irregular target chunks.
    const ChunkGrid target({{5, 5, 5, 5, 3}, {4, 4, 4, 4, 4, 4, 4, 4, 5}, {3, 7, 7, 7, 5}});
    const Array y = x.rechunk(target);
    TempDir scratch("rechunk-test-odd");
    ComputeOptions options;
    options.memory_limit = 256 << 10;
    options.threads = 2;
    options.temp_directory = scratch.path();
    const RechunkPlan plan = plan_for(*y.node(), options.memory_limit);
    REQUIRE_FALSE(plan.direct());
    CHECK(plan.direct_reads == 9 * 5);
    const NDArray result = compute({y}, options).front();
    CHECK(same(result, data));
    CHECK(y.chunks() == target);
    int most = 0;
    for (const auto& [chunk, count] : reads_per_chunk(source->reads(), stored)) most = std::max(most, count);
    CHECK(most >= 1);
    CHECK(most <= 8);
    CHECK(scratch.entries().empty());

    // Reductions over a staged rechunk.
    const NDArray sums = compute({y.sum({0})}, options).front();
    const NDArray expected = compute({from_ndarray(data).sum({0})}).front();
    CHECK(same(sums, expected));
}

TEST_CASE("rechunk: in-memory inputs stay direct", "[rechunk]") {
    const Array x = from_ndarray(sample({40, 40}), {1, 40});
    const Array y = x.rechunk(ChunkGrid::regular({40, 40}, {40, 1}));
    CHECK(plan_for(*y.node(), 1 << 20).direct());
    CHECK(explain({y}).find("rechunk stages") == std::string::npos);
    CHECK(same(y.compute(), sample({40, 40})));
}

TEST_CASE("rechunk: an error or a cancellation in a stage leaves no files", "[rechunk]") {
    const Shape shape{16, 40, 40};
    const NDArray data = sample(shape);
    TempDir scratch("rechunk-test-cancel");
    ComputeOptions options;
    options.memory_limit = 256 << 10;
    options.threads = 2;
    options.temp_directory = scratch.path();
    {
        auto source = std::make_shared<test_support::RecordingSource>(data, Shape{1, 40, 40}, std::nullopt,
                                                                      std::chrono::milliseconds(5));
        const Array y = open(source).rechunk(ChunkGrid::regular(shape, {16, 2, 2}));
        REQUIRE_FALSE(plan_for(*y.node(), options.memory_limit).direct());
        std::atomic<bool> cancel{false};
        ComputeOptions cancelling = options;
        cancelling.cancel = &cancel;
        cancelling.progress = [&](const Progress& p) {
            if (p.tasks_done > 0) cancel = true;
        };
        CHECK_THROWS_AS(compute({y}, cancelling), CancelledError);
        CHECK(scratch.entries().empty());
    }
    {
        // A read failure in the first stage (on a region it reads).
        auto probe = std::make_shared<test_support::RecordingSource>(data, Shape{1, 40, 40});
        CHECK(same(compute({open(probe).rechunk(ChunkGrid::regular(shape, {16, 2, 2}))}, options).front(), data));
        REQUIRE_FALSE(probe->reads().empty());
        auto source = std::make_shared<test_support::RecordingSource>(data, Shape{1, 40, 40}, probe->reads().back());
        const Array y = open(source).rechunk(ChunkGrid::regular(shape, {16, 2, 2}));
        CHECK_THROWS(compute({y}, options));
        CHECK(scratch.entries().empty());
    }
}
