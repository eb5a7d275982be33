#pragma once
// Which vector instructions the hot loops may use, chosen once at run time (the build targets
// the baseline x86-64; the AVX2 copies of a few loops are compiled beside it).
// CHUNKARR_SIMD=baseline forces the baseline everywhere (to compare, or to test both copies).

namespace chunkarr::kernels {

bool use_avx2();

}  // namespace chunkarr::kernels
