#include "kernels/blas_library.hpp"
#include "kernels/linalg.hpp"
#include "support/catch.hpp"

#include <dlfcn.h>
#include <string>

using namespace chunkarr;

TEST_CASE("BLAS is loaded on demand, once, and is the process's", "[linalg][blas]") {
    REQUIRE_NOTHROW(kernels::load_blas());
    REQUIRE_NOTHROW(kernels::load_blas());  // once: no second library, no error
    // Loaded globally, so a product anywhere in the process uses this same library.
    CHECK(dlsym(RTLD_DEFAULT, "cblas_dgemm") != nullptr);
    CHECK(std::string(kernels::blas_name()) != "no BLAS");
    // And a product through it (2x2 . 2x2).
    const double a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8};
    double c[4] = {1, 1, 1, 1};
    kernels::gemm_accumulate(DType::Float64, reinterpret_cast<const std::byte*>(a),
                             reinterpret_cast<const std::byte*>(b), reinterpret_cast<std::byte*>(c), 2, 2, 2);
    CHECK(c[0] == 20);
    CHECK(c[3] == 51);
}
