#include <chunkarr/core/error.hpp>
#include <chunkarr/io/zarr/store.hpp>

#include "io/zarr/consolidated.hpp"
#include "support/catch.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace chunkarr;
namespace fs = std::filesystem;

namespace {

struct TempStore {
    fs::path path = fs::temp_directory_path() / ("chunkarr-zarr-consolidated-" + std::to_string(::getpid()));
    TempStore() {
        fs::remove_all(path);
        fs::create_directories(path);
        write(".zgroup", R"({"zarr_format": 2})");
    }
    ~TempStore() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    void write(const std::string& name, const std::string& text) const {
        std::ofstream(path / name, std::ios::binary | std::ios::trunc) << text;
    }
    std::string zmetadata() const { return (path / ".zmetadata").string(); }
};

// A .zmetadata of arrays "a" (shape {rows}) and "b", each with _ARRAY_DIMENSIONS.
std::string zmetadata(int rows) {
    const std::string array =
        R"({"zarr_format": 2, "shape": [)" + std::to_string(rows) +
        R"(], "chunks": [4], "dtype": "<f8", "order": "C", "fill_value": "NaN", "compressor": null, "filters": null})";
    return R"({"zarr_consolidated_format": 1, "metadata": {".zgroup": {"zarr_format": 2}, "a/.zarray": )" + array +
           R"(, "a/.zattrs": {"_ARRAY_DIMENSIONS": ["x"]}, "b/.zarray": )" + array +
           R"(, "b/.zattrs": {"_ARRAY_DIMENSIONS": ["y"]}}})";
}

}  // namespace

TEST_CASE("a consolidated .zmetadata is parsed once per version and shared by its arrays", "[io][zarr]") {
    TempStore store;
    store.write(".zmetadata", zmetadata(10));
    const auto first = consolidated_metadata(store.path.string());
    CHECK(consolidated_metadata(store.path.string()) == first);  // the same parse, not a second one
    CHECK(read_zarr_array(store.path.string(), "a").shape == Shape{10});
    const ZarrArrayMetadata b = read_zarr_array(store.path.string(), "/b");
    CHECK(b.shape == Shape{10});
    CHECK(b.dimension_names == std::vector<std::string>{"y"});
    CHECK(std::isnan(static_cast<double>(*b.fill_value)));
    CHECK_THROWS_AS(read_zarr_array(store.path.string(), "c"), KeyError);
    CHECK(list_zarr_arrays(store.path.string()).size() == 2);

    // Rewritten (another size): read again.
    store.write(".zmetadata", zmetadata(1000));
    CHECK(consolidated_metadata(store.path.string()) != first);
    CHECK(read_zarr_array(store.path.string(), "a").shape == Shape{1000});

    // Damaged: the error, not the last good parse.
    store.write(".zmetadata", "{\"metadata\": [");
    CHECK_THROWS_WITH(read_zarr_array(store.path.string(), "a"), Catch::Matchers::Contains(".zmetadata is not JSON"));
    store.write(".zmetadata", "{\"zarr_consolidated_format\": 1}");
    CHECK_THROWS_WITH(list_zarr_arrays(store.path.string()),
                      Catch::Matchers::Contains(".zmetadata has no \"metadata\" object"));
}
