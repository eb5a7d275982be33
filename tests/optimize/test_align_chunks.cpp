#include <chunkarr/chunkarr.hpp>

#include "graph/node.hpp"
#include "optimize/passes.hpp"
#include "support/catch.hpp"
#include "support/recording_source.hpp"

#include <set>

using namespace chunkarr;
using test_support::RecordingSource;

TEST_CASE("a reduction over differently chunked inputs reads whole stored chunks once", "[optimize]") {
    const Shape shape{24, 24};
    auto a = std::make_shared<RecordingSource>(test_support::iota(shape), Shape{4, 6});
    auto b = std::make_shared<RecordingSource>(test_support::iota(shape), Shape{6, 4});
    const Array x = Array(make_source_node(a)) * Array(make_source_node(b));
    const Array total = x.sum();
    // Unaligned, the tasks would be the common refinement of 4- and 6-row chunks.
    CHECK(x.chunks().block_count() == 8 * 8);
    const OptimizedGraph graph = align_chunks({{total.node()}, {}});
    const NodePtr& rechunked = graph.outputs.front()->inputs[0];
    REQUIRE(rechunked->is<ops::Rechunk>());
    CHECK(rechunked->chunks.chunks(0) == std::vector<Index>{12, 12});  // boundaries both grids have
    CHECK(rechunked->chunks.chunks(1) == std::vector<Index>{12, 12});

    ComputeReport report;
    ComputeOptions options;
    options.report = &report;
    double expected = 0;
    for (Index i = 0; i < 24 * 24; ++i) expected += static_cast<double>(i) * static_cast<double>(i);
    CHECK(total.compute(options).value_as_double(0) == expected);
    CHECK(report.tasks == 4);
    for (const auto* source : {a.get(), b.get()}) {
        const auto reads = source->reads();
        CHECK(reads.size() == 4);
        std::set<Index> starts;
        for (const Region& region : reads) {
            CHECK(region[0].size() == 12);  // whole stored chunks: 3 of a's rows, 2 of b's
            starts.insert(region[0].start * 100 + region[1].start);
        }
        CHECK(starts.size() == 4);  // no region read twice
    }
}

TEST_CASE("kept axes keep their chunks, so the output does not change", "[optimize]") {
    const Array a = ones({12, 12}, DType::Float64, {3, 4});
    const Array b = ones({12, 12}, DType::Float64, {4, 3});
    const Array per_row = (a + b).sum({1});
    const OptimizedGraph graph = align_chunks({{per_row.node()}, {}});
    CHECK(graph.outputs.front()->chunks == per_row.chunks());
    CHECK(graph.outputs.front()->inputs[0]->chunks.chunks(1) == std::vector<Index>{12});
    CHECK(per_row.compute().value_as_double(5) == 24.0);
}
