#pragma once
// The BLAS library, loaded on first use rather than linked. Linking OpenBLAS starts its thread
// pool when any chunkarr program starts, and those threads spin for about 0.1 s of CPU each
// before they sleep: measured 8 % of a 0.45 s `chunkarr stats` on 2 cores, for nothing, since
// only products (kernels/linalg) call BLAS. The cblas_sgemm/cblas_dgemm that xtensor-blas's
// cxxblas binding calls are defined (hidden) in blas_library.cpp and forward to the library's.
namespace chunkarr::kernels {

// Loads the BLAS once: one already visible in the process, else libcblas.so.3, libblas.so.3,
// libopenblas.so.0, else the library found at configure time; Error naming what was tried if
// none has cblas_sgemm and cblas_dgemm.
void load_blas();

}  // namespace chunkarr::kernels
