#pragma once
// Per-chunk elementwise kernels with NumPy broadcasting. Every operand shape has the output's
// rank; an axis of length 1 where the output is longer is broadcast. Operands are already in
// the op's compute dtype (core/ops.hpp).
#include <chunkarr/core/cf_decoding.hpp>
#include <chunkarr/core/dtype.hpp>
#include <chunkarr/core/ops.hpp>
#include <chunkarr/core/shape.hpp>

#include <cstddef>

namespace chunkarr::kernels {

struct Operand {
    const std::byte* data;
    Shape shape;
};

void unary(UnaryOp op, OpTypes types, const Operand& in, std::byte* out, const Shape& out_shape);
void binary(BinaryOp op, OpTypes types, const Operand& a, const Operand& b, std::byte* out, const Shape& out_shape);
// condition is bool; a and b are in `dtype`.
void where(const Operand& condition, DType dtype, const Operand& a, const Operand& b, std::byte* out,
           const Shape& out_shape);
// Stored values (dtype `from`) to physical ones (decoding.result), missing -> NaN.
void decode_cf(const CFDecoding& decoding, DType from, const std::byte* in, std::byte* out, Index count);
// Copies every `step`-th element of a dense block (shape `in_shape`) into `out` (shape
// `out_shape`, same rank): out[i] = in[i * step].
void gather_strided(const std::byte* in, const Shape& in_shape, const std::vector<Index>& step, std::size_t item,
                    std::byte* out, const Shape& out_shape);

}  // namespace chunkarr::kernels
