#include <chunkarr/chunkarr.hpp>
#include <chunkarr/io/generator_source.hpp>

#include "support/catch.hpp"

using namespace chunkarr;

TEST_CASE("generated sources that differ in any digit are different arrays", "[io]") {
    // The description is the identity under which equal graph nodes are shared: values that
    // print alike with six digits (1.00932e+12) must still read their own values.
    const Array first = full({2}, 1009321445120.0, DType::Float64);
    const Array second = full({2}, 1009315000001.0, DType::Float64);
    CHECK(first.compute().value_as_double(0) == 1009321445120.0);
    CHECK(second.compute().value_as_double(1) == 1009315000001.0);
    const Array negative_zero = full({1}, -0.0, DType::Float64);
    CHECK(std::signbit(negative_zero.compute().value_as_double(0)));
    CHECK_FALSE(std::signbit(full({1}, 0.0, DType::Float64).compute().value_as_double(0)));
    const FullSource a({3}, DType::Float64, 0.1, ChunkGrid(std::vector<std::vector<Index>>{{3}})),
        b({3}, DType::Float64, 0.1000000001, ChunkGrid(std::vector<std::vector<Index>>{{3}}));
    CHECK(a.identity() != b.identity());
    const ArangeSource c(0.5, 1e-7, 4, DType::Float64, ChunkGrid(std::vector<std::vector<Index>>{{4}})),
        d(0.5, 1.0000001e-7, 4, DType::Float64, ChunkGrid(std::vector<std::vector<Index>>{{4}}));
    CHECK(c.identity() != d.identity());
}
