#include <chunkarr/chunkarr.hpp>

#include "optimize/passes.hpp"
#include "support/catch.hpp"

using namespace chunkarr;

TEST_CASE("where() with a constant condition keeps only the branch it takes", "[optimize]") {
    const Array a = ones({6}, DType::Float64, {3});
    const Array b = zeros({6}, DType::Float64, {3});
    const Array picked = where(scalar(1, DType::Bool), a, b);
    CHECK(cull({{picked.node()}, {}}).outputs.front() == a.node());
    const Array other = where(scalar(0, DType::Bool), a, b);
    CHECK(cull({{other.node()}, {}}).outputs.front() == b.node());
    // A branch that would need broadcasting stays behind its where().
    const Array narrow = where(scalar(1, DType::Bool), ones({1}), b);
    CHECK(cull({{narrow.node()}, {}}).outputs.front() == narrow.node());
    CHECK(picked.compute().value_as_double(0) == 1.0);
}
