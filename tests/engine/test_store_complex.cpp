#include <chunkarr/chunkarr.hpp>
#include <chunkarr/engine/store_complex.hpp>
#include <chunkarr/io/zarr/source.hpp>

#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

using namespace chunkarr;
using test_support::TempDir;

namespace {

NDArray values(DType dtype, const Shape& shape, double scale) {
    NDArray a(DType::Float64, shape);
    for (Index i = 0; i < a.size(); ++i) a.data_as<double>()[i] = scale * static_cast<double>(i) - 3;
    return a.astype(dtype);
}

std::vector<double> read_part(const std::string& store, ComplexPart part) {
    OpenOptions raw;
    raw.mask_and_scale = false;
    const NDArray a = open(std::make_shared<ZarrSource>(store, "/z", part), raw).compute().astype(DType::Float64);
    return std::vector<double>(a.data_as<double>(), a.data_as<double>() + a.size());
}

}  // namespace

TEST_CASE("complex values are stored as one complex Zarr array and read back by part", "[engine][store][complex]") {
    TempDir dir("store-complex");
    const std::string store = dir.file("out.zarr");
    for (DType part : {DType::Float32, DType::Float64}) {
        const ComplexArray z = make_complex(from_ndarray(values(part, {5, 3}, 0.5), {2, 3}),
                                            from_ndarray(values(part, {5, 3}, -2), {3, 1}));
        StoreOptions options;
        options.chunks = {2, 2};  // edge chunks on both axes
        options.dimensions = {"time", "x"};
        store_complex(z, store, "z", options);
        std::ifstream in(store + "/z/.zarray");
        const auto zarray = nlohmann::json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
        CHECK(zarray["dtype"] == (part == DType::Float32 ? "<c8" : "<c16"));
        CHECK(zarray["shape"] == nlohmann::json::array({5, 3}));
        CHECK(zarray["chunks"] == nlohmann::json::array({2, 2}));
        CHECK(zarray["fill_value"] == nlohmann::json::array({"NaN", "NaN"}));
        std::ifstream attrs(store + "/z/.zattrs");
        CHECK(nlohmann::json::parse(std::string(std::istreambuf_iterator<char>(attrs), {}))["_ARRAY_DIMENSIONS"] ==
              nlohmann::json::array({"time", "x"}));
        const auto re = read_part(store, ComplexPart::Real), im = read_part(store, ComplexPart::Imag);
        for (std::size_t i = 0; i < 15; ++i) {
            CHECK(re[i] == 0.5 * static_cast<double>(i) - 3);
            CHECK(im[i] == -2 * static_cast<double>(i) - 3);
        }
    }
}

TEST_CASE("complex values go to Zarr stores only", "[engine][store][complex][errors]") {
    TempDir dir("store-complex-format");
    const ComplexArray z =
        make_complex(from_ndarray(values(DType::Float64, {4}, 1)), from_ndarray(values(DType::Float64, {4}, 1)));
    CHECK_THROWS_WITH(store_complex(z, dir.file("out.h5"), "z"), Catch::Matchers::Contains("Zarr stores only"));
    CHECK(dir.entries().empty());
    StoreOptions wrong;
    wrong.chunks = {2, 2};
    CHECK_THROWS_WITH(store_complex(z, dir.file("out.zarr"), "z", wrong),
                      Catch::Matchers::Contains("chunks have 2 axes"));
}

TEST_CASE("a failed complex write names the chunk and region of the user's array", "[engine][store][complex][errors]") {
    // The values are written as pairs on a last axis of 2: an error names the user's 2-d chunk.
    TempDir dir("store-complex-error");
    std::filesystem::create_directory(dir.file("in.zarr"));
    dir.write("in.zarr/.zarray", R"({"zarr_format": 2, "shape": [4, 3], "chunks": [2, 3], "dtype": "<c16",
                                    "order": "C", "fill_value": null, "compressor": null, "filters": null})");
    dir.write("in.zarr/0.0", std::string(2 * 3 * 16, '\0'));
    dir.write("in.zarr/1.0", "truncated");
    const auto z = open_complex(dir.file("in.zarr"), "");
    REQUIRE(z);
    try {
        store_complex(*z, dir.file("out.zarr"), "z");
        FAIL("a truncated chunk was written");
    } catch (const IOError& e) {
        const std::string message = e.what();
        CHECK_THAT(message, Catch::Matchers::Contains("in.zarr:/ (real part) chunk 1.0"));
        CHECK_THAT(message, Catch::Matchers::EndsWith(" (chunk (0, 0) at [0:4, 0:3])"));
    }
    CHECK_FALSE(std::filesystem::exists(dir.file("out.zarr")));
}
