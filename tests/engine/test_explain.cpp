#include <chunkarr/chunkarr.hpp>
#include <chunkarr/engine/explain.hpp>

#include "support/catch.hpp"

using namespace chunkarr;

// Golden output: explain() is meant to be stable; a change here is a visible change.
TEST_CASE("explain shows the graph before and after, the plan and the bytes read", "[engine]") {
    const Array x = ones({8, 6}, DType::Float64, {4, 3});
    const Array y = (x * 2.0)[{Slice{0, 4}}];
    const std::string text = explain({y, x.sum()});
    const std::string expected =
        "graph:\n"
        "  n0 = source full((8, 6), 1, float64, chunks=((4, 4), (3, 3)))  : float64 (8, 6), 4 chunks\n"
        "  n1 = scalar 2 (weak)  : float64 ()\n"
        "  n2 = multiply(n0, n1)  : float64 (8, 6), 4 chunks\n"
        "  n3 = n2[0:4, 0:6]  : float64 (4, 6), 2 chunks\n"
        "  n4 = sum(n0, axes=(0, 1))  : float64 ()\n"
        "  out0 = n3\n"
        "  out1 = n4\n"
        "optimized:\n"
        "  n0 = source full((8, 6), 1, float64, chunks=((4, 4), (3, 3)))  : float64 (8, 6), 4 chunks\n"
        "  n1 = n0[0:4, 0:6]  : float64 (4, 6), 2 chunks\n"
        "  n2 = scalar 2 (weak)  : float64 ()\n"
        "  n3 = multiply(n1, n2)  : float64 (4, 6), 2 chunks\n"
        "  n4 = sum(n0, axes=(0, 1))  : float64 ()\n"
        "  out0 = n3\n"
        "  out1 = n4\n"
        "plan:\n"
        "  stage 1: 1 reduction in one pass over (8, 6), 4 tasks\n"
        "  elementwise output (4, 6), 2 tasks\n"
        "  total: 6 tasks\n"
        "reads:\n"
        "  full((8, 6), 1, float64, chunks=((4, 4), (3, 3))): 576 bytes\n";
    CHECK(text == expected);
}

TEST_CASE("explain shows a two-stage anomaly and a fused chain", "[engine]") {
    const Array x = ones({6, 4}, DType::Float32, {3, 4});
    const std::string text = explain({(x - x.mean({0})).std({0}), abs(x + 1.0) * 3.0});
    CHECK(text.find("stage 1: 1 reduction in one pass over (6, 4), 2 tasks") != std::string::npos);
    CHECK(text.find("stage 2: 1 reduction in one pass over (6, 4), 2 tasks") != std::string::npos);
    CHECK(text.find("[fused into its consumer]") != std::string::npos);
    CHECK(text.find("total: 6 tasks") != std::string::npos);
}
