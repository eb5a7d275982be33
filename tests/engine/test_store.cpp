#include <chunkarr/chunkarr.hpp>

#include "graph/node.hpp"
#include "io/hdf5/library.hpp"
#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"
#include "support/recording_source.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <netcdf.h>
#include <sstream>
#include <thread>

using namespace chunkarr;
using test_support::TempDir;
namespace fs = std::filesystem;

namespace {

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// Values 0.5 * i - 7 cast to `dtype` (bool: i % 3 == 0).
NDArray sample(DType dtype, const Shape& shape) {
    NDArray a(DType::Float64, shape);
    for (Index i = 0; i < a.size(); ++i)
        a.data_as<double>()[i] = dtype == DType::Bool ? (i % 3 == 0) : std::fmod(0.5 * i - 7, 100.0);
    return a.astype(dtype);
}

bool same(const NDArray& a, const NDArray& b) {
    return a.dtype() == b.dtype() && a.shape() == b.shape() &&
           std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.size()) * itemsize(a.dtype())) == 0;
}

// The filter ids of a dataset's creation properties, in pipeline order, and its chunk shape.
std::pair<std::vector<int>, std::vector<hsize_t>> layout_of(const std::string& path, const std::string& name) {
    hdf5::Lock lock;
    hdf5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    hdf5::Handle dataset(H5Dopen2(file.get(), name.c_str(), H5P_DEFAULT));
    hdf5::Handle dcpl(H5Dget_create_plist(dataset.get()));
    std::vector<int> filters;
    for (int i = 0; i < H5Pget_nfilters(dcpl.get()); ++i) {
        unsigned flags = 0;
        std::size_t n = 0;
        filters.push_back(
            H5Pget_filter2(dcpl.get(), static_cast<unsigned>(i), &flags, &n, nullptr, 0, nullptr, nullptr));
    }
    std::vector<hsize_t> chunk(8);
    int rank = -1;
    if (H5Pget_layout(dcpl.get()) == H5D_CHUNKED) rank = H5Pget_chunk(dcpl.get(), 8, chunk.data());
    chunk.resize(static_cast<std::size_t>(std::max(rank, 0)));
    return {filters, chunk};
}

}  // namespace

TEST_CASE("store writes compressed chunks that read back, edge chunks included", "[exec][store]") {
    TempDir dir("store-roundtrip");
    const NDArray data = sample(DType::Float64, {7, 5, 3});
    const Array x = from_ndarray(data, {3, 2, 3});
    const std::string path = dir.file("out.h5");
    store(x * 2.0, path, "/grp/values", {.chunks = {4, 2, 2}, .compression = "gzip", .compression_level = 6});
    const auto [filters, chunk] = layout_of(path, "/grp/values");
    CHECK(filters == std::vector<int>{H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE});
    CHECK(chunk == std::vector<hsize_t>{4, 2, 2});
    CHECK(same(open(path, "/grp/values").compute(), (x * 2.0).compute()));
    CHECK(dir.entries() == std::vector<std::string>{"out.h5"});
}

TEST_CASE("store round-trips every dtype, with and without compression", "[exec][store]") {
    TempDir dir("store-dtypes");
    for (DType dtype : {DType::Bool, DType::Int8, DType::Int16, DType::Int32, DType::Int64, DType::UInt8, DType::UInt16,
                        DType::UInt32, DType::UInt64, DType::Float32, DType::Float64}) {
        for (const char* compression : {"", "gzip"}) {
            CAPTURE(dtype_name(dtype), compression);
            const NDArray data = sample(dtype, {11, 6});
            const std::string path = dir.file("d.h5");
            store(from_ndarray(data, {4, 6}), path, "v", {.chunks = {5, 4}, .compression = compression});
            const NDArray back = open(path, "v").compute();
            CHECK(same(back, data));
            fs::remove(path);
        }
    }
}

TEST_CASE("store writes 0-d, empty and 1-d arrays; default chunks follow the array's", "[exec][store]") {
    TempDir dir("store-shapes");
    NDArray scalar(DType::Float64, {});
    scalar.data_as<double>()[0] = 2.5;
    store(from_ndarray(scalar), dir.file("s.h5"), "s", {.compression = "gzip"});
    CHECK(open(dir.file("s.h5"), "s").compute().value_as_double(0) == 2.5);

    store(zeros({0, 4}, DType::Int32), dir.file("e.h5"), "e", {.compression = "gzip"});
    CHECK(open(dir.file("e.h5"), "e").shape() == Shape{0, 4});

    const Array line = arange(0, 1001, 1, DType::Int64, 100);
    store(line, dir.file("l.h5"), "l", {.compression = "gzip"});
    CHECK(layout_of(dir.file("l.h5"), "l").second == std::vector<hsize_t>{100});
    CHECK(same(open(dir.file("l.h5"), "l").compute(), line.compute()));

    // 64 MiB chunks are halved along the leading axis to 4 MiB.
    CHECK(default_store_chunks(zeros({4096, 2048}, DType::Float64, {4096, 2048})) == Shape{256, 2048});
    CHECK(resolve_store_format("x.NC", StoreFormat::Auto) == StoreFormat::NetCDF4);
    CHECK(resolve_store_format("x.h5", StoreFormat::Auto) == StoreFormat::HDF5);
    CHECK_THROWS_AS(store(line, dir.file("bad.h5"), "l", {.compression = "lz4"}), ValueError);
    CHECK_THROWS_AS(store(line, dir.file("bad.h5"), "l", {.compression = "gzip", .compression_level = 12}), ValueError);
    CHECK_THROWS_AS(store(line, dir.file("bad.h5"), "l", {.chunks = {2, 2}}), ValueError);
    CHECK(dir.entries() == std::vector<std::string>{"e.h5", "l.h5", "s.h5"});
}

TEST_CASE("store writes NetCDF-4 that libnetcdf reads, dimension names included", "[exec][store][netcdf]") {
    TempDir dir("store-netcdf");
    const NDArray data = sample(DType::Float32, {5, 7});
    const std::string path = dir.file("out.nc");
    store({{from_ndarray(data, {2, 7}), "t2m", {"lat", "lon"}},
           {from_ndarray(sample(DType::Int16, {7}), {3}), "/g/w", {}}},
          path, {.chunks = {}, .compression = "gzip"});
    {
        hdf5::Lock lock;
        int ncid = -1;
        REQUIRE(nc_open(path.c_str(), NC_NOWRITE, &ncid) == NC_NOERR);
        int varid = -1;
        REQUIRE(nc_inq_varid(ncid, "t2m", &varid) == NC_NOERR);
        int dimids[2];
        int ndims = 0;
        nc_inq_varndims(ncid, varid, &ndims);
        REQUIRE(ndims == 2);
        nc_inq_vardimid(ncid, varid, dimids);
        char name[NC_MAX_NAME + 1];
        nc_inq_dimname(ncid, dimids[0], name);
        CHECK(std::string(name) == "lat");
        nc_inq_dimname(ncid, dimids[1], name);
        CHECK(std::string(name) == "lon");
        std::vector<float> values(35);
        REQUIRE(nc_get_var_float(ncid, varid, values.data()) == NC_NOERR);
        CHECK(std::memcmp(values.data(), data.data(), 35 * sizeof(float)) == 0);
        int shuffle = 0, deflate = 0, level = 0;
        nc_inq_var_deflate(ncid, varid, &shuffle, &deflate, &level);
        CHECK((shuffle && deflate && level == 4));
        nc_close(ncid);
    }
    OpenOptions raw;
    raw.mask_and_scale = false;  // integers stay integers
    CHECK(same(open(path, "/g/w", raw).compute(), sample(DType::Int16, {7})));
    CHECK(dir.entries() == std::vector<std::string>{"out.nc"});
}

TEST_CASE("a failing store leaves an existing file byte-identical and no temporary", "[exec][store][errors]") {
    TempDir dir("store-atomic");
    for (const std::string name : {"out.h5", "out.nc"}) {
        const std::string path = dir.file(name);
        std::ofstream(path, std::ios::binary) << "precious bytes\n";
        const std::string before = read_bytes(path);
        auto source = std::make_shared<test_support::RecordingSource>(test_support::iota({400}), Shape{4},
                                                                      Region{{40, 44}}, std::chrono::milliseconds(1));
        const Array x(make_source_node(source));
        try {
            store(x + 1.0, path, "v", {.chunks = {4}, .compression = "gzip"}, {.threads = 2});
            FAIL("expected an IOError");
        } catch (const IOError& e) {
            CHECK(std::string(e.what()).find("simulated read failure") != std::string::npos);
        }
        CHECK(read_bytes(path) == before);
        CHECK(dir.entries() == std::vector<std::string>{name});
        fs::remove(path);
    }
    // A missing target: nothing is created.
    auto source = std::make_shared<test_support::RecordingSource>(test_support::iota({40}), Shape{4}, Region{{8, 12}});
    CHECK_THROWS_AS(store(Array(make_source_node(source)), dir.file("new.h5"), "v"), IOError);
    CHECK(dir.entries().empty());
}

TEST_CASE("a cancelled store leaves an existing file untouched", "[exec][store][errors]") {
    TempDir dir("store-cancel");
    const std::string path = dir.file("out.h5");
    store(arange(0, 10), path, "old");
    const std::string before = read_bytes(path);
    auto source = std::make_shared<test_support::RecordingSource>(test_support::iota({4000}), Shape{10}, std::nullopt,
                                                                  std::chrono::milliseconds(2));
    std::atomic<bool> cancel{false};
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        cancel = true;
    });
    CHECK_THROWS_AS(
        store(Array(make_source_node(source)), path, "new", {.chunks = {10}}, {.threads = 2, .cancel = &cancel}),
        CancelledError);
    canceller.join();
    CHECK(source->reads().size() < 400);
    CHECK(read_bytes(path) == before);
    CHECK(dir.entries() == std::vector<std::string>{"out.h5"});
}

TEST_CASE("store stays within the memory budget and never holds the whole array", "[exec][store][memory]") {
    TempDir dir("store-budget");
    // 32 MiB of float64, 256 KiB stored chunks, a 4 MiB budget.
    const Array x = random_uniform({1024, 4096}, 7, {64, 4096}) * 10.0;
    ComputeReport report;
    const std::string path = dir.file("big.h5");
    store(x, path, "x", {.chunks = {8, 4096}, .compression = "gzip", .compression_level = 1},
          {.threads = 2, .memory_limit = 4 << 20, .report = &report});
    CHECK(report.peak_bytes > 0);
    CHECK(report.peak_bytes <= std::size_t{4} << 20);
    CHECK(report.tasks <= 128);  // stored chunks grouped into tasks as the budget allows
    const Array back = open(path, "x");
    CHECK(layout_of(path, "x").second == std::vector<hsize_t>{8, 4096});
    const auto sums = compute({back.sum(), x.sum(), (back != x).sum()});
    CHECK(sums[0].value_as_double(0) == Approx(sums[1].value_as_double(0)).epsilon(1e-12));
    CHECK(sums[2].value_as_int64(0) == 0);
}

TEST_CASE("store groups small stored chunks into tasks of the array's chunks: each source chunk is read once",
          "[exec][store]") {
    TempDir dir("store-grouped");
    auto source = std::make_shared<test_support::RecordingSource>(test_support::iota({30, 40}), Shape{16, 40});
    const Array x(make_source_node(source));
    const std::string path = dir.file("g.h5");
    store(x, path, "x", {.chunks = {3, 7}, .compression = "gzip"});
    const auto reads = source->reads();
    // Tasks of 6 x 6 stored chunks (18 x 42, clamped): rows 0:18 and 18:30, all columns at once.
    CHECK(reads.size() == 2);
    for (const auto& region : reads) CHECK((region[1].start == 0 && region[1].stop == 40));
    CHECK(layout_of(path, "x").second == std::vector<hsize_t>{3, 7});
    CHECK(same(open(path, "x").compute(), test_support::iota({30, 40})));
    // Uncompressed, with edge chunks inside multi-chunk tasks.
    store(x, dir.file("u.h5"), "x", {.chunks = {4, 9}});
    CHECK(same(open(dir.file("u.h5"), "x").compute(), test_support::iota({30, 40})));
}

TEST_CASE("store reports progress that ends at its total", "[exec][store]") {
    TempDir dir("store-progress");
    const Array x = random_uniform({60, 50}, 3, {10, 50});
    for (const Array& array : {x, x - x.mean({0}), x.mean({0})}) {
        Progress last;
        int calls = 0;
        ComputeOptions options;
        options.progress = [&](const Progress& p) {
            last = p;
            ++calls;
        };
        store(array, dir.file("p.h5"), "p", {.chunks = {}, .compression = "gzip"}, options);
        CHECK(calls > 0);
        CHECK(last.tasks_done == last.tasks_total);
        CHECK(last.bytes_done == last.bytes_total);
    }
}
