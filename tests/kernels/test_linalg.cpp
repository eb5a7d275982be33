#include "kernels/linalg.hpp"
#include "support/catch.hpp"

#include <cstdint>
#include <vector>

using namespace chunkarr;

TEST_CASE("gemm_accumulate adds a product into its output", "[kernels][linalg]") {
    const std::vector<double> a = {1, 2, 3, 4, 5, 6};     // 2 x 3
    const std::vector<double> b = {7, 8, 9, 10, 11, 12};  // 3 x 2
    std::vector<double> c = {1, 1, 1, 1};
    kernels::gemm_accumulate(DType::Float64, reinterpret_cast<const std::byte*>(a.data()),
                             reinterpret_cast<const std::byte*>(b.data()), reinterpret_cast<std::byte*>(c.data()), 2, 2,
                             3);
    CHECK(c == std::vector<double>{59, 65, 140, 155});
    std::vector<float> af(a.begin(), a.end()), bf(b.begin(), b.end()), cf(4, 0.0f);
    kernels::gemm_accumulate(DType::Float32, reinterpret_cast<const std::byte*>(af.data()),
                             reinterpret_cast<const std::byte*>(bf.data()), reinterpret_cast<std::byte*>(cf.data()), 2,
                             2, 3);
    CHECK(cf == std::vector<float>{58, 64, 139, 154});
    std::vector<std::int64_t> ai(a.begin(), a.end()), bi(b.begin(), b.end()), ci(4, 0);
    ai[0] = INT64_MAX;  // wraps, as NumPy's int64 does
    kernels::gemm_accumulate(DType::Int64, reinterpret_cast<const std::byte*>(ai.data()),
                             reinterpret_cast<const std::byte*>(bi.data()), reinterpret_cast<std::byte*>(ci.data()), 2,
                             2, 3);
    CHECK(ci[2] == 139);
    CHECK(ci[0] == static_cast<std::int64_t>(static_cast<std::uint64_t>(INT64_MAX) * 7u + 2 * 9 + 3 * 11));
    CHECK(kernels::contract_compute_type(DType::Int8) == DType::Int64);
    CHECK(kernels::contract_compute_type(DType::Bool) == DType::Int64);
    CHECK(kernels::contract_compute_type(DType::Float32) == DType::Float32);
}

TEST_CASE("pack reorders axes and converts", "[kernels][linalg]") {
    const std::vector<std::int16_t> in = {0, 1, 2, 3, 4, 5};  // shape (2, 3)
    std::vector<double> out(6);
    kernels::pack(reinterpret_cast<const std::byte*>(in.data()), DType::Int16, {2, 3}, {1, 0},
                  reinterpret_cast<std::byte*>(out.data()), DType::Float64);
    CHECK(out == std::vector<double>{0, 3, 1, 4, 2, 5});
    std::vector<std::int16_t> same(6);
    kernels::pack(reinterpret_cast<const std::byte*>(in.data()), DType::Int16, {1, 2, 3}, {2, 0, 1},
                  reinterpret_cast<std::byte*>(same.data()), DType::Int16);
    CHECK(same == std::vector<std::int16_t>{0, 3, 1, 4, 2, 5});
}

TEST_CASE("BLAS runs single-threaded while a guard lives", "[kernels][linalg]") {
    kernels::SingleThreadedBlas outer;
    { kernels::SingleThreadedBlas nested; }
    CHECK(std::string(kernels::blas_name()).size() > 0);
}
