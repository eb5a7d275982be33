#include <chunkarr/chunkarr.hpp>

#include "graph/node.hpp"
#include "optimize/passes.hpp"
#include "support/catch.hpp"
#include "support/recording_source.hpp"

using namespace chunkarr;
using test_support::RecordingSource;

TEST_CASE("(a*b + c)[10:20, ::4] reads only the chunks that intersect the slice", "[optimize]") {
    const Shape shape{40, 30};
    auto a = std::make_shared<RecordingSource>(test_support::iota(shape), Shape{8, 10});
    auto b = std::make_shared<RecordingSource>(test_support::iota(shape), Shape{8, 10});
    auto c = std::make_shared<RecordingSource>(test_support::iota(shape), Shape{8, 10});
    const Array x = (Array(make_source_node(a)) * Array(make_source_node(b)) + Array(make_source_node(c)));
    const Array sliced = x[{Slice{10, 20}, Slice{std::nullopt, std::nullopt, 4}}];
    const NDArray result = sliced.compute();
    REQUIRE(result.shape() == Shape{10, 8});
    for (Index r = 0; r < 10; ++r)
        for (Index k = 0; k < 8; ++k) {
            const double v = static_cast<double>((10 + r) * 30 + 4 * k);
            REQUIRE(result.value_as_double(r * 8 + k) == v * v + v);
        }
    for (const auto* source : {a.get(), b.get(), c.get()}) {
        const auto reads = source->reads();
        CHECK_FALSE(reads.empty());
        for (const Region& region : reads) {
            // Rows 10..19 live in the row chunks [8,16) and [16,24): nothing else is touched.
            CHECK(region[0].start >= 8);
            CHECK(region[0].stop <= 24);
            CHECK(region[0].start >= 10);  // and within them, only the selected rows
            CHECK(region[0].stop <= 20);
        }
    }
}

TEST_CASE("slices move below elementwise ops and compose", "[optimize]") {
    const Array x = ones({20, 12}, DType::Float64, {5, 4});
    const Array y = (x * 2.0)[{Slice{2, 18, 2}}][{Slice{1, 5}}];
    const OptimizedGraph graph = push_down_slices({{y.node()}, {}});
    const NodePtr& out = graph.outputs.front();
    CHECK(out->is<ops::Binary>());  // the multiply is on top now
    const NodePtr& operand = out->inputs[0];
    REQUIRE(operand->is<ops::Slice>());  // one slice, on the source
    CHECK(operand->inputs[0]->is<ops::Source>());
    CHECK(std::get<ops::Slice>(operand->op).axes[0].start == 4);  // 2 + 1*2
    CHECK(std::get<ops::Slice>(operand->op).axes[0].step == 2);
    CHECK(out->shape == y.shape());
    CHECK(out->chunks == y.chunks());
}
