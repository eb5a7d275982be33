// Uses an installed chunkarr through find_package(chunkarr): a lazy arange, reduced and computed,
// then written to an HDF5 file and opened again through the public openers. HDF5 and netCDF are
// private dependencies of the library: this project has neither's include path, and no chunkarr
// header may pull their headers in.
//   downstream [SCRATCH.h5]
#include <chunkarr/chunkarr.hpp>
#include <chunkarr/io/file_format.hpp>

#if defined(H5_VERS_MAJOR) || defined(NC_NOERR)
#error "an installed chunkarr header includes <hdf5.h> or <netcdf.h>"
#endif

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace {

// An array written to an HDF5 file and read back through open_source, numeric_variables and
// HDF5Source; "" when all agrees, else what does not.
std::string round_trip(const chunkarr::Array& x, const std::string& path) {
    namespace ca = chunkarr;
    ca::store(x, path, "/data/x", {.chunks = {100}, .compression = "gzip"});
    if (ca::detect_file_format(path) != ca::FileFormat::HDF5) return "the stored file is not HDF5";
    if (ca::is_netcdf_file(path)) return "the stored .h5 file is taken for NetCDF";
    if (ca::numeric_variables(path) != std::vector<std::string>{"/data/x"})
        return "numeric_variables does not list /data/x";
    const ca::SourcePtr source = ca::open_source(path, "/data/x");
    if (source->shape() != ca::Shape{1000} || source->dtype() != ca::DType::Float64)
        return "open_source: wrong shape or dtype";
    if (source->storage_chunks() != std::optional<ca::Shape>(ca::Shape{100}))
        return "open_source: wrong storage chunks";
    const ca::HDF5Source direct(path, "/data/x");
    std::vector<double> values(3);
    direct.read({{997, 1000}}, values.data());
    if (values != std::vector<double>{997, 998, 999}) return "HDF5Source::read: wrong values";
    const double sum = ca::open(path, "/data/x").sum().compute().value_as_double(0);
    if (sum != 499500.0) return "the stored array sums to " + std::to_string(sum);
    return "";
}

}  // namespace

int main(int argc, char** argv) {
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
        // Files (HDF5 stays a private dependency too).
        const std::string path = argc > 1 ? argv[1] : "downstream.h5";
        const std::string problem = round_trip(x, path);
        std::remove(path.c_str());
        if (!problem.empty()) {
            std::fprintf(stderr, "downstream: %s: %s\n", path.c_str(), problem.c_str());
            return 1;
        }
        std::printf("downstream: chunkarr %s, sum %.17g, mean %.17g, dot %.17g, HDF5 round trip: ok\n", ca::version,
                    sum, mean, squares);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "downstream: %s\n", e.what());
        return 1;
    }
}
