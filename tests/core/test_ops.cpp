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

TEST_CASE("the dtypes of the ufuncs beyond arithmetic follow NumPy", "[graph]") {
    CHECK(binary_types(BinaryOp::FloorDivide, DType::Bool, DType::Bool).result == DType::Int8);
    CHECK(binary_types(BinaryOp::Arctan2, DType::Int16, DType::Int16).result == DType::Float32);
    CHECK(binary_types(BinaryOp::FloatPower, DType::Float32, DType::Float32).result == DType::Float64);
    CHECK(binary_types(BinaryOp::LogicalXor, DType::Int32, DType::Float64).result == DType::Bool);
    CHECK(binary_types(BinaryOp::Ldexp, DType::Float32, DType::Int64).result == DType::Float32);
    CHECK_THROWS_AS(binary_types(BinaryOp::Ldexp, DType::Float32, DType::Float32), ValueError);
    CHECK_THROWS_AS(binary_types(BinaryOp::BitwiseAnd, DType::Float64, DType::Int8), ValueError);
    CHECK_THROWS_AS(binary_types(BinaryOp::Gcd, DType::Bool, DType::Bool), ValueError);
    CHECK(unary_types(UnaryOp::FrexpExponent, DType::Float32).result == DType::Int32);
    CHECK(unary_types(UnaryOp::Square, DType::Bool).result == DType::Int8);
    CHECK(unary_types(UnaryOp::Signbit, DType::Int8).result == DType::Bool);
    CHECK_THROWS_AS(unary_types(UnaryOp::Sign, DType::Bool), ValueError);
    CHECK_THROWS_AS(unary_types(UnaryOp::Invert, DType::Float32), ValueError);
    CHECK(reduce_result(ReduceOp::Prod, DType::Int8) == DType::Int64);
    CHECK(reduce_result(ReduceOp::Prod, DType::UInt16) == DType::UInt64);
}
