#include "kernels/simd.hpp"

#include <cstdlib>
#include <string>

namespace chunkarr::kernels {

bool use_avx2() {
#if defined(__x86_64__) && defined(__GNUC__)
    static const bool yes = [] {
        const char* choice = std::getenv("CHUNKARR_SIMD");
        if (choice && std::string(choice) == "baseline") return false;
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") != 0;
    }();
    return yes;
#else
    return false;
#endif
}

}  // namespace chunkarr::kernels
