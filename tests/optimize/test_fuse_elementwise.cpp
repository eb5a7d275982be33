#include <chunkarr/chunkarr.hpp>

#include "optimize/passes.hpp"
#include "support/catch.hpp"

#include <cmath>

using namespace chunkarr;

TEST_CASE("a fused chain of 5 elementwise ops allocates one buffer per chunk", "[optimize]") {
    const Array x = arange(0, 1000, 1, DType::Float64, 100);     // 10 chunks
    const Array chain = abs(sqrt((x + 1.0) * 2.0) - 3.0) / 4.0;  // 5 ops
    ComputeReport report;
    ComputeOptions options;
    options.report = &report;
    const NDArray result = chain.compute(options);
    CHECK(report.tasks == 10);
    CHECK(report.buffers == 10);
    for (Index i = 0; i < 1000; i += 37)
        CHECK(result.value_as_double(i) == Approx(std::abs(std::sqrt((i + 1.0) * 2.0) - 3.0) / 4.0));
}

TEST_CASE("shared or kept results are not overwritten", "[optimize]") {
    const Array x = arange(0, 100, 1, DType::Float64, 10);
    const Array y = x + 1.0;  // used twice below: not transient
    const Array z = y * y;
    const OptimizedGraph graph = fuse_elementwise({{z.node(), y.node()}, {}});
    CHECK(graph.transient.count(y.node().get()) == 0);
    const auto results = compute({z, y});
    CHECK(results[0].value_as_double(3) == 16.0);
    CHECK(results[1].value_as_double(3) == 4.0);
}
