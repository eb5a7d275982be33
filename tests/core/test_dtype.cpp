#include <chunkarr/core/dtype.hpp>

#include "support/catch.hpp"

using namespace chunkarr;

TEST_CASE("promote follows numpy.result_type", "[dtype]") {
    // Expected values from numpy.result_type on arrays.
    CHECK(promote(DType::Int8, DType::UInt8) == DType::Int16);
    CHECK(promote(DType::Int16, DType::UInt16) == DType::Int32);
    CHECK(promote(DType::Int32, DType::UInt32) == DType::Int64);
    CHECK(promote(DType::Int64, DType::UInt64) == DType::Float64);
    CHECK(promote(DType::UInt8, DType::Int32) == DType::Int32);
    CHECK(promote(DType::UInt32, DType::Int8) == DType::Int64);
    CHECK(promote(DType::Bool, DType::Int8) == DType::Int8);
    CHECK(promote(DType::Float32, DType::Int16) == DType::Float32);
    CHECK(promote(DType::Float32, DType::Int32) == DType::Float64);
    CHECK(promote(DType::Float32, DType::UInt8) == DType::Float32);
    CHECK(promote(DType::Float32, DType::Float64) == DType::Float64);
    CHECK(promote(DType::UInt16, DType::UInt64) == DType::UInt64);
}

TEST_CASE("sum and float result types follow numpy", "[dtype]") {
    CHECK(sum_result(DType::Int8) == DType::Int64);
    CHECK(sum_result(DType::Bool) == DType::Int64);
    CHECK(sum_result(DType::UInt16) == DType::UInt64);
    CHECK(sum_result(DType::Float32) == DType::Float32);
    CHECK(float_result(DType::Int32) == DType::Float64);
    CHECK(float_result(DType::Int16) == DType::Float32);
    CHECK(float_result(DType::Float32) == DType::Float32);
}

TEST_CASE("dtype names round-trip and sizes are right", "[dtype]") {
    for (DType t : {DType::Bool, DType::Int8, DType::Int16, DType::Int32, DType::Int64, DType::UInt8, DType::UInt16,
                    DType::UInt32, DType::UInt64, DType::Float32, DType::Float64}) {
        REQUIRE(parse_dtype(dtype_name(t)) == t);
    }
    CHECK(itemsize(DType::Int16) == 2);
    CHECK(itemsize(DType::UInt64) == 8);
    CHECK(itemsize(DType::Bool) == 1);
    CHECK_FALSE(parse_dtype("float16").has_value());
}
