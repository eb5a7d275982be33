#include <chunkarr/chunkarr.hpp>

#include "optimize/graph.hpp"
#include "support/catch.hpp"

#include <algorithm>

using namespace chunkarr;

TEST_CASE("topological order puts inputs first and visits shared nodes once", "[optimize]") {
    const Array x = ones({4}, DType::Float64, {2});
    const Array y = x * 2.0;
    const auto order = topological_order({(y + x).node(), y.node()});
    auto position = [&](const Array& a) {
        return std::find(order.begin(), order.end(), a.node().get()) - order.begin();
    };
    CHECK(order.size() == 4);  // x, the scalar 2, y, y + x
    CHECK(position(x) < position(y));
    CHECK(position(y) < position(y + x));
}
