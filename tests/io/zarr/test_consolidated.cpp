#include <chunkarr/core/error.hpp>
#include <chunkarr/io/zarr/store.hpp>

#include "io/zarr/consolidated.hpp"
#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <cmath>

using namespace chunkarr;

namespace {

// A store directory holding a .zgroup.
struct TempStore : test_support::TempDir {
    TempStore() : TempDir("zarr-consolidated") { write(".zgroup", R"({"zarr_format": 2})"); }
    std::string zmetadata() const { return file(".zmetadata"); }
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
    const auto first = consolidated_metadata(store.path().string());
    CHECK(consolidated_metadata(store.path().string()) == first);  // the same parse, not a second one
    CHECK(read_zarr_array(store.path().string(), "a").shape == Shape{10});
    const ZarrArrayMetadata b = read_zarr_array(store.path().string(), "/b");
    CHECK(b.shape == Shape{10});
    CHECK(b.dimension_names == std::vector<std::string>{"y"});
    CHECK(std::isnan(static_cast<double>(*b.fill_value)));
    CHECK_THROWS_AS(read_zarr_array(store.path().string(), "c"), KeyError);
    CHECK(list_zarr_arrays(store.path().string()).size() == 2);

    // Rewritten (another size): read again.
    store.write(".zmetadata", zmetadata(1000));
    CHECK(consolidated_metadata(store.path().string()) != first);
    CHECK(read_zarr_array(store.path().string(), "a").shape == Shape{1000});

    // Damaged: the error, not the last good parse.
    store.write(".zmetadata", "{\"metadata\": [");
    CHECK_THROWS_WITH(read_zarr_array(store.path().string(), "a"), Catch::Matchers::Contains(".zmetadata is not JSON"));
    store.write(".zmetadata", "{\"zarr_consolidated_format\": 1}");
    CHECK_THROWS_WITH(list_zarr_arrays(store.path().string()),
                      Catch::Matchers::Contains(".zmetadata has no \"metadata\" object"));
}
