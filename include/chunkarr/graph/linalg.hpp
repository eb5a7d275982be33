#pragma once
// Linear algebra on chunked arrays, NumPy's names and semantics, lazy. Each result block is
// the sum over the summed axes' pieces of one product of operand panels (BLAS gemm for floats,
// an int64 loop for integers and bool), added in a fixed order: bit-identical for any thread
// count. A task holds one panel of each operand, never a whole operand.
#include <chunkarr/graph/array.hpp>

#include <vector>

namespace chunkarr {

// Sum over the last `axes` axes of `a` and the first `axes` of `b` (numpy.tensordot(a, b, axes)).
Array tensordot(const Array& a, const Array& b, int axes = 2);
// Sum over a_axes[i] of `a` paired with b_axes[i] of `b` (numpy.tensordot(a, b, (a_axes, b_axes))).
// The result's axes: a's remaining axes, then b's, in order.
Array tensordot(const Array& a, const Array& b, const std::vector<int>& a_axes, const std::vector<int>& b_axes);
// numpy.matmul (Python's @): 1-d operands are promoted to matrices and the added axis removed
// from the result; leading (batch) axes broadcast.
Array matmul(const Array& a, const Array& b);
// numpy.dot: a product with 0-d operands; otherwise the sum over a's last axis and b's
// second-to-last (its only axis when 1-d).
Array dot(const Array& a, const Array& b);

}  // namespace chunkarr
