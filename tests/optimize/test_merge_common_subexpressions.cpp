#include <chunkarr/chunkarr.hpp>

#include "optimize/passes.hpp"
#include "support/catch.hpp"

using namespace chunkarr;

TEST_CASE("subexpressions that become equal after slice push-down are merged", "[optimize]") {
    const Array x = ones({12, 8}, DType::Float64, {4, 4});
    const Array first = (x * 2.0)[{Slice{0, 4}}];
    const Array second = x[{Slice{0, 4}}] * 2.0;
    CHECK(first.node() != second.node());
    OptimizedGraph graph{{first.node(), second.node()}, {}};
    graph = merge_common_subexpressions(push_down_slices(std::move(graph)));
    CHECK(graph.outputs[0] == graph.outputs[1]);
}
