#include <chunkarr/chunkarr.hpp>
#include <chunkarr/io/zarr/source.hpp>

#include "graph/node.hpp"
#include "support/catch.hpp"
#include "support/recording_source.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

using namespace chunkarr;
using test_support::TempDir;
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Values 0, 1, 2, ... (wrapped to the type's range) and bytes of the whole array compared.
NDArray values_of(DType dtype, const Shape& shape) {
    NDArray a = test_support::iota(shape);
    for (Index i = 0; i < a.size(); ++i) a.data_as<double>()[i] = std::fmod(a.data_as<double>()[i] * 3, 101) - 50;
    return a.astype(dtype);
}

bool identical(const NDArray& a, const NDArray& b) {
    if (a.dtype() != b.dtype() || a.shape() != b.shape()) return false;
    const std::byte* x = a.data();
    return std::equal(x, x + a.nbytes(), b.data());
}

}  // namespace

TEST_CASE("store writes Zarr stores that read back, every dtype and compressor", "[io][zarr][store]") {
    TempDir dir("zarr-sink");
    for (DType dtype : {DType::Bool, DType::Int8, DType::Int16, DType::Int32, DType::Int64, DType::UInt8, DType::UInt16,
                        DType::UInt32, DType::UInt64, DType::Float32, DType::Float64}) {
        for (const char* compression : {"", "none", "zlib", "gzip", "blosc:zstd"}) {
            CAPTURE(dtype_name(dtype), compression);
            const NDArray data = values_of(dtype, {11, 6});
            const std::string path = dir.file("d.zarr");
            store(from_ndarray(data, {4, 6}), path, "g/v", {.chunks = {5, 4}, .compression = compression});
            const auto source = std::make_shared<ZarrSource>(path, "g/v");
            CHECK(source->storage_chunks() == Shape{5, 4});
            CHECK(source->dimension_names() == std::vector<std::string>{"dim_0", "dim_1"});
            CHECK(identical(open(source, {.mask_and_scale = false}).compute(), data));
            // Parts across chunk edges.
            NDArray part(dtype, {4, 3});
            source->read({{3, 7}, {2, 5}}, part.data());
            CHECK(identical(part, from_ndarray(data)[{Slice{3, 7}, Slice{2, 5}}].compute()));
            CHECK(dir.entries() == std::vector<std::string>{"d.zarr"});
            fs::remove_all(path);
        }
    }
}

TEST_CASE("a Zarr store's metadata names its compressor, dimensions and fill value", "[io][zarr][store]") {
    TempDir dir("zarr-sink");
    const std::string path = dir.file("m.zarr");
    store({{arange(0, 10), "a", {"time"}}, {full({}, 2.5), "s", {}}}, path,
          {.compression = "blosc:lz4hc", .compression_level = 7, .bit_shuffle = true});
    const std::string zarray = read_text(fs::path(path) / "a" / ".zarray");
    CHECK(zarray.find("\"cname\": \"lz4hc\"") != std::string::npos);
    CHECK(zarray.find("\"clevel\": 7") != std::string::npos);
    CHECK(zarray.find("\"shuffle\": 2") != std::string::npos);
    CHECK(zarray.find("\"fill_value\": \"NaN\"") != std::string::npos);
    CHECK(read_text(fs::path(path) / "a" / ".zattrs").find("\"time\"") != std::string::npos);
    CHECK(fs::is_regular_file(fs::path(path) / ".zgroup"));
    CHECK(fs::is_regular_file(fs::path(path) / ".zmetadata"));
    CHECK(open(path, "s").compute().data_as<double>()[0] == 2.5);
    CHECK_THROWS_AS(store(arange(0, 3), dir.file("x.zarr"), "v", {.compression = "blosc:snappy"}), ValueError);
    CHECK_THROWS_AS(store(arange(0, 3), dir.file("x.zarr"), "v", {.compression = "lzma"}), ValueError);
}

TEST_CASE("a failing Zarr store leaves an existing store as it was and no temporary", "[io][zarr][store][errors]") {
    TempDir dir("zarr-sink");
    const std::string path = dir.file("out.zarr");
    store(arange(0, 10), path, "old");
    const std::string before = read_text(fs::path(path) / "old" / ".zarray");
    auto source =
        std::make_shared<test_support::RecordingSource>(test_support::iota({400}), Shape{4}, Region{{40, 44}});
    CHECK_THROWS_AS(store(Array(make_source_node(source)) + 1.0, path, "new", {.chunks = {4}}, {.threads = 2}),
                    IOError);
    CHECK(read_text(fs::path(path) / "old" / ".zarray") == before);
    CHECK_FALSE(fs::exists(fs::path(path) / "new"));
    CHECK(dir.entries() == std::vector<std::string>{"out.zarr"});
    // A new target: nothing is created.
    CHECK_THROWS_AS(store(Array(make_source_node(source)), dir.file("new.zarr"), "v"), IOError);
    CHECK(dir.entries() == std::vector<std::string>{"out.zarr"});
    // A directory that is not a store is never replaced.
    fs::create_directories(dir.path() / "plain");
    std::ofstream(dir.path() / "plain" / "keep.txt") << "mine";
    CHECK_THROWS_AS(store(arange(0, 3), dir.file("plain"), "v", {.format = StoreFormat::Zarr}), ValueError);
    CHECK(read_text(dir.path() / "plain" / "keep.txt") == "mine");
    // A successful store replaces the old one whole.
    store(arange(0, 3), path, "new");
    CHECK_FALSE(fs::exists(fs::path(path) / "old"));
    CHECK(open(path, "new").compute().size() == 3);
}
