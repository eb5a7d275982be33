#pragma once
// Per-block linear algebra for the Contract node (tensordot, matmul, dot): operands are packed
// into row-major [batch][rows][k] and [batch][k][cols] panels of one compute type, then each
// panel product is added into the block's accumulator. Floats go through BLAS gemm
// (xtensor-blas's cxxblas binding); integers and bool through a loop in int64 arithmetic that
// wraps like NumPy's fixed-width integers.
#include <chunkarr/core/dtype.hpp>
#include <chunkarr/core/shape.hpp>

#include <cstddef>
#include <vector>

namespace chunkarr::kernels {

// The type products are summed in for a result of type `result`: float32 and float64 keep
// theirs; integers and bool sum in int64 (cast to the result at the end, which wraps exactly
// as NumPy's own integer matmul does; bool becomes "any product was true").
DType contract_compute_type(DType result);

// c[m][n] += sum_k a[m][k] * b[k][n]; all three row-major and of type `type` (from
// contract_compute_type). The terms of each c[m][n] are added in k order.
void gemm_accumulate(DType type, const std::byte* a, const std::byte* b, std::byte* c, Index m, Index n, Index k);

// Copies `in` (`in_type`, `in_shape`, row-major) into `out` as `out_type`, with axes reordered:
// axis i of the copy is axis order[i] of `in`.
void pack(const std::byte* in, DType in_type, const Shape& in_shape, const std::vector<int>& order, std::byte* out,
          DType out_type);

// While alive, BLAS runs each call on the calling thread (OpenBLAS's own pool is set to one
// thread and restored after), so that the executor's threads are the only parallelism and a
// product's rounding does not depend on BLAS threading. Without OpenBLAS it does nothing.
// The environment variable CHUNKARR_BLAS_THREADS=n asks for n BLAS threads instead (measuring).
class SingleThreadedBlas {
public:
    SingleThreadedBlas();
    ~SingleThreadedBlas();
    SingleThreadedBlas(const SingleThreadedBlas&) = delete;
    SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;
};

// Name of the BLAS in use ("OpenBLAS 0.3.21 ..." or "reference BLAS"), for benchmarks.
const char* blas_name();

}  // namespace chunkarr::kernels
