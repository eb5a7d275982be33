#include <chunkarr/core/error.hpp>
#include <chunkarr/io/variables.hpp>

#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"
#include "support/temp_dir.hpp"

#include <filesystem>

using namespace chunkarr;

TEST_CASE("a glob opens many files as one array, in sorted order", "[io]") {
    const auto dir = std::filesystem::temp_directory_path() / ("chunkarr-glob-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    // Written out of order: b (2 rows), a (1 row), c (3 rows).
    const std::vector<std::pair<std::string, std::vector<double>>> files{
        {"b.h5", {10, 11, 12, 13}}, {"a.h5", {0, 1}}, {"c.h5", {20, 21, 22, 23, 24, 25}}};
    for (const auto& [name, values] : files)
        test_support::write_dataset((dir / name).string(), "/x", H5T_NATIVE_DOUBLE, values.data(),
                                    test_support::DatasetSpec{{static_cast<hsize_t>(values.size() / 2), 2}}, true);
    const SourcePtr joined = open_source((dir / "*.h5").string(), "x");
    CHECK(joined->shape() == Shape{6, 2});
    std::vector<double> out(12);
    joined->read({{0, 6}, {0, 2}}, out.data());
    CHECK(out == std::vector<double>{0, 1, 10, 11, 12, 13, 20, 21, 22, 23, 24, 25});
    CHECK(expand_glob((dir / "*.h5").string()).front().find("a.h5") != std::string::npos);
    CHECK_THROWS_AS(expand_glob((dir / "*.nc").string()), IOError);
    CHECK(is_glob_pattern("data/*.nc"));
    CHECK_FALSE(is_glob_pattern("data/file.nc"));
    CHECK(numeric_variables((dir / "a.h5").string()) == std::vector<std::string>{"/x"});

    // A list of paths: joined in the order given, patterns expanded in place; one file alone.
    const SourcePtr listed = open_source({(dir / "c.h5").string(), (dir / "[ab].h5").string()}, "x");
    CHECK(listed->shape() == Shape{6, 2});
    listed->read({{0, 6}, {0, 2}}, out.data());
    CHECK(out == std::vector<double>{20, 21, 22, 23, 24, 25, 0, 1, 10, 11, 12, 13});
    CHECK(open_source(std::vector<std::string>{(dir / "b.h5").string()}, "x")->shape() == Shape{2, 2});
    CHECK_THROWS_AS(open_source(std::vector<std::string>{}, "x"), ValueError);
    CHECK_THROWS_AS(open_source({(dir / "a.h5").string(), (dir / "b.h5").string()}, "nothing"), KeyError);
    std::filesystem::remove_all(dir);
}

TEST_CASE("a complex Zarr array opens as its two parts; other variables have none", "[io][zarr][complex]") {
    test_support::TempDir store("variables-complex");
    store.write(".zgroup", R"({"zarr_format": 2})");
    std::filesystem::create_directories(store.path() / "z");
    std::filesystem::create_directories(store.path() / "t");
    store.write("z/.zarray", R"({"zarr_format": 2, "shape": [3], "chunks": [2], "dtype": "<c8", "order": "C",
                                 "fill_value": [1, -1], "compressor": null, "filters": null})");
    store.write("t/.zarray", R"({"zarr_format": 2, "shape": [3], "chunks": [2], "dtype": "<f8", "order": "C",
                                 "fill_value": null, "compressor": null, "filters": null})");
    const auto parts = open_complex_sources(store.path().string(), "z");
    REQUIRE(parts);
    CHECK(parts->real->dtype() == DType::Float32);
    CHECK(parts->imag->shape() == Shape{3});
    std::vector<float> imag(3);
    parts->imag->read({{0, 3}}, imag.data());  // no chunk files: the fill value's imaginary part
    CHECK(imag == std::vector<float>{-1, -1, -1});
    CHECK_FALSE(open_complex_sources(store.path().string(), "t"));
    // A glob of stores joins each part along the first dimension (none is unlimited in Zarr).
    test_support::TempDir many("variables-complex-glob");
    for (const char* name : {"a.zarr", "b.zarr"}) {
        std::filesystem::create_directories(many.path() / name / "z");
        many.write(std::string(name) + "/.zgroup", R"({"zarr_format": 2})");
        many.write(std::string(name) + "/z/.zarray", std::string(R"({"zarr_format": 2, "shape": [2], "chunks": [2],
            "dtype": "<c16", "order": "C", "compressor": null, "filters": null, "fill_value": [)") +
                                                         (name[0] == 'a' ? "1, 2]}" : "3, 4]}"));
    }
    const auto joined = open_complex_sources((many.path() / "*.zarr").string(), "z");
    REQUIRE(joined);
    CHECK(joined->real->shape() == Shape{4});
    std::vector<double> joined_imag(4);
    joined->imag->read({{0, 4}}, joined_imag.data());
    CHECK(joined_imag == std::vector<double>{2, 2, 4, 4});
    CHECK_THROWS_WITH(open_source(store.path().string(), "z"), Catch::Matchers::Contains("is complex64"));
    CHECK(numeric_variables(store.path().string()) == std::vector<std::string>{"/t", "/z"});
}
