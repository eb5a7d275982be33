#include <chunkarr/core/error.hpp>
#include <chunkarr/core/ops.hpp>

#include "support/catch.hpp"

using namespace chunkarr;

TEST_CASE("operation dtypes follow NumPy", "[graph]") {
    CHECK(binary_types(BinaryOp::Divide, DType::Int32, DType::Int32).result == DType::Float64);
    CHECK(binary_types(BinaryOp::Divide, DType::Float32, DType::Int8).result == DType::Float32);
    CHECK(binary_types(BinaryOp::Less, DType::Int8, DType::UInt8).compute == DType::Int16);
    CHECK(binary_types(BinaryOp::Less, DType::Int8, DType::UInt8).result == DType::Bool);
    CHECK_THROWS_AS(binary_types(BinaryOp::Subtract, DType::Bool, DType::Bool), ValueError);
    CHECK(unary_types(UnaryOp::Sqrt, DType::Int64).result == DType::Float64);
    CHECK(unary_types(UnaryOp::IsNan, DType::Float32).result == DType::Bool);
    CHECK(reduce_result(ReduceOp::Mean, DType::Int16) == DType::Float64);
    CHECK(reduce_result(ReduceOp::Count, DType::Float32) == DType::Int64);
    CHECK(op_name(BinaryOp::GreaterEqual) == "greater_equal");
}
