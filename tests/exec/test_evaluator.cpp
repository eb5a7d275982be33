#include <chunkarr/chunkarr.hpp>

#include "exec/evaluator.hpp"
#include "support/catch.hpp"

using namespace chunkarr;

TEST_CASE("output regions map to the input regions they need", "[exec]") {
    const Array x = ones({10, 8}, DType::Float64, {5, 4});
    const Array row = ones({8}, DType::Float64, {4});
    const Array sum = x + row;  // row broadcasts along axis 0
    const Region out{{5, 10}, {4, 8}};
    CHECK(input_region(*sum.node(), 1, out) == Region{{4, 8}});
    const Array sliced = x[{Slice{1, 9, 2}, Index{3}}];
    CHECK(input_region(*sliced.node(), 0, Region{{1, 3}}) == Region{{3, 6}, {3, 4}});
    const Array reduced = x.sum({0});
    CHECK(input_region(*reduced.node(), 0, Region{{0, 4}}) == Region{{0, 10}, {0, 4}});
}

TEST_CASE("a task's footprint counts every buffer it will allocate", "[exec]") {
    const Array x = ones({10, 8}, DType::Float32, {5, 4});
    const Array y = (x * 2.0).astype(DType::Float64);
    const Region region{{0, 5}, {0, 4}};
    // x (20 float32), x*2 (20 float32), the float64 cast (20 float64), the scalar 2.0 (a float64)
    // and its float32 copy for the multiply.
    CHECK(Evaluator::footprint({y.node()}, region, {}) == 20 * 4 + 20 * 4 + 20 * 8 + 8 + 4);
}
