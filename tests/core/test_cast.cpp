#include "core/cast.hpp"
#include "support/catch.hpp"

#include <cmath>
#include <vector>

using namespace chunkarr;

TEST_CASE("casts follow NumPy's astype", "[core]") {
    std::vector<double> in{1.9, -1.9, 0.0, NAN};
    std::vector<std::int32_t> ints(4);
    cast_elements(reinterpret_cast<std::byte*>(in.data()), DType::Float64, reinterpret_cast<std::byte*>(ints.data()),
                  DType::Int32, 3);
    CHECK(ints[0] == 1);
    CHECK(ints[1] == -1);  // truncation toward zero
    std::vector<bool> truth(4);
    bool out[4];
    cast_elements(reinterpret_cast<std::byte*>(in.data()), DType::Float64, reinterpret_cast<std::byte*>(out),
                  DType::Bool, 4);
    CHECK(out[0]);
    CHECK_FALSE(out[2]);
    CHECK(out[3]);  // NaN is true
}
