#include "kernels/blas_library.hpp"

#include <chunkarr/core/error.hpp>

#include <algorithm>
#include <dlfcn.h>
#include <mutex>
#include <string>
#include <vector>
#include <xflens/cxxblas/drivers/cblas.h>

namespace chunkarr::kernels {

namespace {

using Sgemm = decltype(&cblas_sgemm);
using Dgemm = decltype(&cblas_dgemm);

struct Blas {
    Sgemm sgemm = nullptr;
    Dgemm dgemm = nullptr;
};

Blas& blas() {
    static Blas functions;
    return functions;
}

// Candidate libraries: the runtime sonames first (what a linked program would get: on Debian
// libblas.so.3 is the BLAS alternative chosen, e.g. OpenBLAS, while the libblas.so CMake finds
// is the development link, which may point to the reference BLAS), then what CMake found.
std::vector<std::string> candidates() {
    std::vector<std::string> names{"libcblas.so.3", "libblas.so.3", "libopenblas.so.0"};
#ifdef CHUNKARR_BLAS_LIBRARIES
    std::string list = CHUNKARR_BLAS_LIBRARIES;
    for (std::size_t start = 0; start <= list.size();) {
        const std::size_t end = std::min(list.find(';', start), list.size());
        if (end > start) names.push_back(list.substr(start, end - start));
        start = end + 1;
    }
#endif
    return names;
}

}  // namespace

void load_blas() {
    static std::once_flag once;
    std::call_once(once, [] {
        Blas& functions = blas();
        // A BLAS the process already has (NumPy's, say): the same library, no second pool.
        functions.sgemm = reinterpret_cast<Sgemm>(dlsym(RTLD_DEFAULT, "cblas_sgemm"));
        functions.dgemm = reinterpret_cast<Dgemm>(dlsym(RTLD_DEFAULT, "cblas_dgemm"));
        std::string tried;
        for (const std::string& name : candidates()) {
            if (functions.sgemm && functions.dgemm) break;
            void* library = dlopen(name.c_str(), RTLD_NOW | RTLD_GLOBAL);
            tried += (tried.empty() ? "" : ", ") + name;
            if (!library) continue;
            functions.sgemm = reinterpret_cast<Sgemm>(dlsym(library, "cblas_sgemm"));
            functions.dgemm = reinterpret_cast<Dgemm>(dlsym(library, "cblas_dgemm"));
        }
        if (!functions.sgemm || !functions.dgemm) {
            functions = Blas{};
            throw Error(
                "matrix products need a BLAS library with cblas_sgemm/cblas_dgemm; none could be loaded (tried " +
                tried + ")");
        }
    });
}

}  // namespace chunkarr::kernels

// The two functions cxxblas calls, hidden so that they never stand in for the real ones
// elsewhere in the process.
extern "C" __attribute__((visibility("hidden"))) void cblas_sgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE transA,
                                                                  enum CBLAS_TRANSPOSE transB, CBLAS_INT m, CBLAS_INT n,
                                                                  CBLAS_INT k, float alpha, const float* A,
                                                                  CBLAS_INT ldA, const float* B, CBLAS_INT ldB,
                                                                  float beta, float* C, CBLAS_INT ldC) {
    chunkarr::kernels::load_blas();
    chunkarr::kernels::blas().sgemm(order, transA, transB, m, n, k, alpha, A, ldA, B, ldB, beta, C, ldC);
}

extern "C" __attribute__((visibility("hidden"))) void cblas_dgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE transA,
                                                                  enum CBLAS_TRANSPOSE transB, CBLAS_INT m, CBLAS_INT n,
                                                                  CBLAS_INT k, double alpha, const double* A,
                                                                  CBLAS_INT ldA, const double* B, CBLAS_INT ldB,
                                                                  double beta, double* C, CBLAS_INT ldC) {
    chunkarr::kernels::load_blas();
    chunkarr::kernels::blas().dgemm(order, transA, transB, m, n, k, alpha, A, ldA, B, ldB, beta, C, ldC);
}
