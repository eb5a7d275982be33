// Uses an installed chunkarr through find_package(chunkarr): a lazy arange, reduced and computed.
#include <chunkarr/chunkarr.hpp>

#include <cstdio>

int main() {
    namespace ca = chunkarr;
    try {
        const ca::Array x = ca::arange(0, 1000, 1, ca::DType::Float64, 64);
        xt::xarray<double> s = x.sum().compute();
        xt::xarray<double> m = x.mean().compute();
        if (s.size() != 1 || m.size() != 1) {
            std::fprintf(stderr, "downstream: expected 0-d results, got sizes %zu and %zu\n", s.size(), m.size());
            return 1;
        }
        const double sum = s(), mean = m();
        if (sum != 499500.0 || mean != 499.5) {
            std::fprintf(stderr, "downstream: sum %.17g (want 499500), mean %.17g (want 499.5)\n", sum, mean);
            return 1;
        }
        // A product (BLAS stays a private dependency of the library).
        const double squares = ca::dot(x, x).compute().value_as_double(0);
        if (squares != 332833500.0) {
            std::fprintf(stderr, "downstream: dot %.17g (want 332833500)\n", squares);
            return 1;
        }
        std::printf("downstream: chunkarr %s, sum %.17g, mean %.17g, dot %.17g: ok\n", ca::version, sum, mean, squares);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "downstream: %s\n", e.what());
        return 1;
    }
}
