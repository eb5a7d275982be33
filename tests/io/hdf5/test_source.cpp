#include <chunkarr/core/error.hpp>
#include <chunkarr/io/hdf5/datasets.hpp>
#include <chunkarr/io/hdf5/source.hpp>
#include <chunkarr/io/variables.hpp>

#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <fstream>
#include <iterator>
#include <numeric>
#include <string>
#include <utility>

using namespace chunkarr;
using test_support::DatasetSpec;
using test_support::TempFile;
using test_support::write_dataset;

namespace {

// A file's bytes, to damage them, and writing them back.
std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void rewrite(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

}  // namespace

TEST_CASE("HDF5 source reads chunked, contiguous and compact layouts", "[io][hdf5]") {
    TempFile file("layouts.h5");
    std::vector<double> data(37 * 53);
    std::iota(data.begin(), data.end(), -100.0);
    DatasetSpec chunked{{37, 53}, std::vector<hsize_t>{8, 10}};
    chunked.gzip = 4;
    chunked.shuffle = true;
    chunked.fletcher32 = true;
    chunked.fletcher32_first = true;  // the checksum is shuffled and compressed with the data
    write_dataset(file.path(), "/deep/group/x", H5T_NATIVE_DOUBLE, data.data(), chunked, true);
    write_dataset(file.path(), "/contiguous", H5T_NATIVE_DOUBLE, data.data(), DatasetSpec{{37, 53}});
    DatasetSpec compact{{37, 53}};
    compact.compact = true;
    write_dataset(file.path(), "/compact", H5T_NATIVE_DOUBLE, data.data(), compact);

    for (const char* path : {"/deep/group/x", "contiguous", "/compact"}) {
        HDF5Source source(file.path(), path);
        CHECK(source.shape() == Shape{37, 53});
        CHECK(source.dtype() == DType::Float64);
        std::vector<double> out(5 * 4);
        source.read({{30, 35}, {49, 53}}, out.data());
        for (int i = 0; i < 5; ++i)
            for (int j = 0; j < 4; ++j) REQUIRE(out[i * 4 + j] == data[(30 + i) * 53 + 49 + j]);
        // The task grid covers the array.
        CHECK(source.task_grid().shape() == Shape{37, 53});
    }
    HDF5Source chunked_source(file.path(), "/deep/group/x");
    REQUIRE(chunked_source.storage_chunks().has_value());
    CHECK(*chunked_source.storage_chunks() == Shape{8, 10});
}

TEST_CASE("HDF5 source converts big-endian data and maps types", "[io][hdf5]") {
    TempFile file("types.h5");
    std::vector<std::int32_t> ints{-7, 0, 123456, -2000000000};
    DatasetSpec spec{{4}};
    spec.file_type = H5T_STD_I32BE;
    write_dataset(file.path(), "/be", H5T_NATIVE_INT32, ints.data(), spec, true);
    std::vector<std::uint16_t> small{1, 65535};
    DatasetSpec u16{{2}};
    u16.file_type = H5T_STD_U16BE;
    write_dataset(file.path(), "/u16", H5T_NATIVE_UINT16, small.data(), u16);
    double scalar = 2.5;
    write_dataset(file.path(), "/scalar", H5T_NATIVE_DOUBLE, &scalar, DatasetSpec{});

    HDF5Source be(file.path(), "/be");
    CHECK(be.dtype() == DType::Int32);
    std::vector<std::int32_t> out(4);
    be.read({{0, 4}}, out.data());
    CHECK(out == ints);
    HDF5Source u(file.path(), "/u16");
    CHECK(u.dtype() == DType::UInt16);
    std::vector<std::uint16_t> uout(2);
    u.read({{0, 2}}, uout.data());
    CHECK(uout == small);
    HDF5Source s(file.path(), "/scalar");
    CHECK(s.shape().empty());
    double value = 0;
    s.read({}, &value);
    CHECK(value == 2.5);
}

TEST_CASE("unallocated chunks read as the fill value", "[io][hdf5]") {
    TempFile file("fill.h5");
    DatasetSpec spec{{10, 10}, std::vector<hsize_t>{5, 5}};
    spec.fill_value = -1.5;
    spec.write = false;
    write_dataset(file.path(), "/empty", H5T_NATIVE_DOUBLE, nullptr, spec, true);
    HDF5Source source(file.path(), "/empty");
    std::vector<double> out(100, 0.0);
    source.read({{0, 10}, {0, 10}}, out.data());
    for (double v : out) REQUIRE(v == -1.5);
}

TEST_CASE("HDF5 source errors name the problem", "[io][hdf5][errors]") {
    TempFile file("errors.h5");
    double v = 1;
    write_dataset(file.path(), "/group/x", H5T_NATIVE_DOUBLE, &v, DatasetSpec{{1}}, true);
    CHECK_THROWS_AS(HDF5Source("/nonexistent/file.h5", "/x"), IOError);
    CHECK_THROWS_WITH(HDF5Source("/nonexistent/file.h5", "/x"), Catch::Matchers::Contains("/nonexistent/file.h5"));
    CHECK_THROWS_AS(HDF5Source(file.path(), "/group"), FormatError);
    CHECK_THROWS_WITH(HDF5Source(file.path(), "/group"), Catch::Matchers::Contains("is a group"));
    CHECK_THROWS_AS(HDF5Source(file.path(), "/group/nope"), KeyError);
    CHECK_THROWS_AS(HDF5Source(file.path(), "/missing/deeper"), KeyError);
    TempFile text("not.h5");
    std::ofstream(text.path()) << "this is not HDF5\n";
    CHECK_THROWS_AS(HDF5Source(text.path(), "/x"), FormatError);
    TempFile empty("empty.h5");
    std::ofstream(empty.path()).close();
    CHECK_THROWS_WITH(HDF5Source(empty.path(), "/x"), Catch::Matchers::Contains("empty"));
}

TEST_CASE("a contiguous dataset whose dataspace does not fit its stored bytes is an error on open",
          "[io][hdf5][errors]") {
    // Found by the fuzz test (tests/fuzz, h5v18-contig/flip-index/5): one flipped bit in a
    // dimension made HDF5 report 4 GB and 100 PB datasets stored in 320 and 168 bytes; stats
    // read past the data, or hung allocating the task grid of a 100 PB shape.
    TempFile file("dataspace.h5");
    std::vector<double> data(4099, 1.5);
    write_dataset(file.path(), "/x", H5T_NATIVE_DOUBLE, data.data(), DatasetSpec{{4099}}, true);
    std::string bytes = file_bytes(file.path());
    // The 1.8 format's dataspace message holds the dimension, then the maximum dimension.
    const std::string extent("\x03\x10\0\0\0\0\0\0", 8);
    const std::size_t at = bytes.find(extent);
    REQUIRE(at != std::string::npos);
    REQUIRE(bytes.find(extent, at + 8) == at + 8);
    // Byte 5 set to 1: 2^40 + 4099 elements; byte 1 cleared: 4099 - 4096 = 3 elements (in the
    // dimension and its maximum alike, which a flip would not keep below: see the next case).
    for (const auto& [offset, value] : {std::pair<std::size_t, char>{5, '\x01'}, {1, '\0'}}) {
        std::string damaged = bytes;
        damaged[at + offset] = damaged[at + 8 + offset] = value;
        rewrite(file.path(), damaged);
        CHECK_THROWS_AS(HDF5Source(file.path(), "/x"), FormatError);
        CHECK_THROWS_WITH(HDF5Source(file.path(), "/x"),
                          Catch::Matchers::Contains("/x") && Catch::Matchers::Contains("32792 bytes"));
    }
}

TEST_CASE("chunks of another rank than the dataspace are an error on open", "[io][hdf5][errors]") {
    // Found by the fuzz test (CHUNKARR_FUZZ_SEED=p, h5v18-chunked/flip-index/3): a flipped bit
    // made a chunked 2-d dataspace scalar; the chunk grid's ValueError made it a usage error.
    TempFile file("chunk_rank.h5");
    std::vector<double> data(7 * 6, 1.0);
    write_dataset(file.path(), "/x", H5T_NATIVE_DOUBLE, data.data(), DatasetSpec{{7, 6}, std::vector<hsize_t>{3, 4}},
                  true);
    std::string bytes = file_bytes(file.path());
    // The 1.8 format's dataspace message: version 1, rank 2, flags 1 (maximum dimensions), then
    // 5 reserved bytes, dimensions 7 and 6 and their maxima.
    const std::string dataspace("\x01\x02\x01\0\0\0\0\0\x07\0\0\0\0\0\0\0\x06", 17);
    const std::size_t at = bytes.find(dataspace);
    REQUIRE(at != std::string::npos);
    bytes[at + 1] = '\0';  // rank 0: a scalar
    rewrite(file.path(), bytes);
    CHECK_THROWS_AS(HDF5Source(file.path(), "/x"), FormatError);
}

TEST_CASE("a dimension past its maximum is an error on open", "[io][hdf5][errors]") {
    // Found by the fuzz test (CHUNKARR_FUZZ_SEED=c and e, h5v18-filters/flip-index/1): a flipped
    // bit made a chunked dataset of at most 21 elements claim 2^26 + 21 or 2^33 + 21 of them,
    // one chunk stored and the rest fill values; stats ran for minutes.
    TempFile file("maxdims.h5");
    std::vector<double> data(5003, 2.0);
    write_dataset(file.path(), "/x", H5T_NATIVE_DOUBLE, data.data(), DatasetSpec{{5003}, std::vector<hsize_t>{7}},
                  true);
    std::string bytes = file_bytes(file.path());
    const std::string extent("\x8b\x13\0\0\0\0\0\0", 8);  // 5003, then its maximum
    const std::size_t at = bytes.find(extent);
    REQUIRE(at != std::string::npos);
    REQUIRE(bytes.find(extent, at + 8) == at + 8);
    bytes[at + 3] = '\x02';  // 2^25 + 5003 elements, at most 5003
    rewrite(file.path(), bytes);
    CHECK_THROWS_AS(HDF5Source(file.path(), "/x"), FormatError);
    CHECK_THROWS_WITH(HDF5Source(file.path(), "/x"), Catch::Matchers::Contains("at most 5003"));
}

TEST_CASE("a layout message with a chunk dimension of 0 is an error before HDF5 divides by it", "[io][hdf5][errors]") {
    // Found by the fuzz test (CHUNKARR_FUZZ_SEED=h, h5v18-filters/flip-index/1): one bit turned
    // a version-3 layout message into version 1, whose chunk dimensions HDF5 then read from the
    // padding: 0, and H5Oopen died of SIGFPE (h5py too), in stats and in info alike.
    TempFile file("layout_version.h5");
    std::vector<double> data(30, 1.0);
    write_dataset(file.path(), "/x", H5T_NATIVE_DOUBLE, data.data(), DatasetSpec{{30}, std::vector<hsize_t>{7}}, true);
    write_dataset(file.path(), "/y", H5T_NATIVE_DOUBLE, data.data(), DatasetSpec{{30}});
    std::string bytes = file_bytes(file.path());
    // Version 3, chunked, 2 dimensions, the B-tree address, then chunk dimensions 7 and 8 (bytes).
    const std::size_t dims = bytes.find(std::string("\x07\0\0\0\x08\0\0\0", 8));
    REQUIRE(dims != std::string::npos);
    REQUIRE(bytes.compare(dims - 11, 3, "\x03\x02\x02") == 0);
    // Version 1 (its padding read as chunk dimensions), or no dimensions at all (CHUNKARR_FUZZ_SEED=r
    // and u: h5v18-filters/flip-index/0 and zero-meta/1).
    for (const auto& [offset, value] : {std::pair<std::size_t, char>{11, '\x01'}, {9, '\0'}}) {
        std::string damaged = bytes;
        damaged[dims - offset] = value;
        rewrite(file.path(), damaged);
        CHECK_THROWS_AS(HDF5Source(file.path(), "/x"), FormatError);
        CHECK_THROWS_WITH(HDF5Source(file.path(), "/x"), Catch::Matchers::Contains("chunked layout message"));
        // Listing skips it as it skips what H5Oopen refuses (the listing's own rules), without a crash.
        CHECK_NOTHROW(list_hdf5_datasets(file.path()));
        CHECK(HDF5Source(file.path(), "/y").shape() == Shape{30});  // the others open as before
    }
}

TEST_CASE("a number type whose bits do not fit its bytes is an error on open", "[io][hdf5][errors]") {
    // Found by the fuzz test (CHUNKARR_FUZZ_SEED=k, h5v18-filters/flip-meta/4): one bit made the
    // mantissa of a _FillValue attribute's float64 type 116 bits long; HDF5 converted its value
    // to another number, which no longer matched the fill values (h5py refused the type).
    TempFile file("float_fields.h5");
    std::vector<float> data{1.5f, -2.0f, 3.25f};
    for (const bool attribute : {true, false}) {
        DatasetSpec spec{{3}};
        spec.file_type = attribute ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;
        write_dataset(file.path(), "/x", H5T_NATIVE_FLOAT, data.data(), spec, true);
        if (attribute) test_support::write_attribute(file.path(), "/x", "_FillValue", {-2.0}, H5T_IEEE_F64LE);
        std::string bytes = file_bytes(file.path());
        // The float64 datatype message's properties: offset 0, precision 64, exponent at 52 of
        // 11 bits, mantissa at 0 of 52 bits, bias 1023.
        const std::string properties("\0\0\x40\0\x34\x0b\0\x34\xff\x03\0\0", 12);
        const std::size_t at = bytes.find(properties);
        REQUIRE(at != std::string::npos);
        REQUIRE(bytes.find(properties, at + 1) == std::string::npos);
        bytes[at + 7] = '\x74';  // a mantissa of 116 bits
        rewrite(file.path(), bytes);
        INFO((attribute ? "the _FillValue attribute's type" : "the dataset's type"));
        CHECK_THROWS_AS(HDF5Source(file.path(), "/x"), FormatError);
        CHECK_THROWS_WITH(HDF5Source(file.path(), "/x"),
                          Catch::Matchers::Contains("damaged datatype") &&
                              Catch::Matchers::Contains(attribute ? "_FillValue" : "/x"));
    }
    // An integer type's bit offset moved past its bytes (CHUNKARR_FUZZ_SEED=r,
    // h5v18-filters/flip-meta/8: HDF5 converted >u2 values to other numbers than h5py's).
    std::vector<std::uint16_t> counts{7, 8, 9};
    DatasetSpec u16{{3}};
    u16.file_type = H5T_STD_U16BE;
    write_dataset(file.path(), "/u", H5T_NATIVE_UINT16, counts.data(), u16, true);
    std::string bytes = file_bytes(file.path());
    // Version 1, fixed-point; big-endian, unsigned; 2 bytes; bit offset 0, precision 16.
    const std::string type("\x10\x01\0\0\x02\0\0\0\0\0\x10\0", 12);
    const std::size_t at = bytes.find(type);
    REQUIRE(at != std::string::npos);
    bytes[at + 8] = '\x02';  // bit offset 2: bits 2..17 of a 16-bit type
    rewrite(file.path(), bytes);
    CHECK_THROWS_WITH(HDF5Source(file.path(), "/u"), Catch::Matchers::Contains("damaged datatype"));
}

TEST_CASE("a compact dataset that stores no bytes is an error on open, not a crash in HDF5", "[io][hdf5][errors]") {
    // Found by the fuzz test (CHUNKARR_FUZZ_SEED=a, h5v18-contig/zero-meta/0): zeroed bytes
    // left a layout message "compact, 0 bytes" for a 40-element dataset; H5Dread then read
    // past the empty buffer and crashed (h5py crashes too).
    TempFile file("compact.h5");
    const std::vector<double> data{1.5, 2.5, 3.5, 4.5};
    DatasetSpec compact{{4}};
    compact.compact = true;
    write_dataset(file.path(), "/x", H5T_NATIVE_DOUBLE, data.data(), compact, true);
    std::string bytes = file_bytes(file.path());
    // The layout message (version 3, class compact, 2-byte size), then the 32 bytes of data.
    std::string message("\x03\x00\x20\x00", 4);
    message.append(reinterpret_cast<const char*>(data.data()), 32);
    const std::size_t at = bytes.find(message);
    REQUIRE(at != std::string::npos);
    bytes[at + 2] = '\0';  // stores 0 bytes
    rewrite(file.path(), bytes);
    CHECK_THROWS_AS(HDF5Source(file.path(), "/x"), FormatError);
    CHECK_THROWS_WITH(HDF5Source(file.path(), "/x"), Catch::Matchers::Contains("compact in 0 bytes"));
}

TEST_CASE("a dataspace of more chunks than can be listed is an error on open", "[io][hdf5][errors]") {
    // Found by the fuzz test (tests/fuzz, h5v18-filters/flip-index/3): a flipped bit gave a
    // chunked dataset 2^60 elements; building its task grid ran for minutes, then out of memory.
    TempFile file("chunk_count.h5");
    DatasetSpec chunked{{5003}, std::vector<hsize_t>{7}};
    chunked.write = false;  // never written: nothing bounds the extent but the dataspace
    write_dataset(file.path(), "/chunked", H5T_NATIVE_DOUBLE, nullptr, chunked, true);
    DatasetSpec contiguous{{5003}};
    contiguous.write = false;
    write_dataset(file.path(), "/contiguous", H5T_NATIVE_DOUBLE, nullptr, contiguous);
    for (const char* path : {"/chunked", "/contiguous"}) CHECK(HDF5Source(file.path(), path).shape() == Shape{5003});
    std::string bytes = file_bytes(file.path());
    const std::string extent("\x8b\x13\0\0\0\0\0\0", 8);
    for (auto at = bytes.find(extent); at != std::string::npos; at = bytes.find(extent, at + 8))
        bytes[at + 7] = '\x10';  // 2^60 + 5003 elements (and as many at most)
    rewrite(file.path(), bytes);
    for (const char* path : {"/chunked", "/contiguous"}) {
        INFO(path);
        CHECK_THROWS_AS(HDF5Source(file.path(), path), FormatError);
        CHECK_THROWS_WITH(HDF5Source(file.path(), path), Catch::Matchers::Contains("too many to index"));
    }
}

TEST_CASE("listing finds every dataset with its storage facts", "[io][hdf5]") {
    TempFile file("list.h5");
    std::vector<float> data(100, 1.0f);
    DatasetSpec spec{{10, 10}, std::vector<hsize_t>{5, 5}};
    spec.gzip = 6;
    write_dataset(file.path(), "/b/inner", H5T_NATIVE_FLOAT, data.data(), spec, true);
    write_dataset(file.path(), "/a", H5T_NATIVE_FLOAT, data.data(), DatasetSpec{{100}});
    const auto datasets = list_hdf5_datasets(file.path());
    REQUIRE(datasets.size() == 2);
    CHECK(datasets[0].path == "/a");
    CHECK(datasets[0].layout == "contiguous");
    CHECK(datasets[0].nbytes == 400);
    CHECK(datasets[1].path == "/b/inner");
    CHECK(datasets[1].dtype == "float32");
    CHECK(datasets[1].filters == std::vector<std::string>{"deflate(6)"});
    REQUIRE(datasets[1].chunks.has_value());
    CHECK(*datasets[1].chunks == Shape{5, 5});
    CHECK(datasets[1].storage_bytes < 400);  // constant data compresses
}

TEST_CASE("the stored chunk shape is known through the Source interface", "[io][hdf5]") {
    TempFile file("storage_chunks.h5");
    std::vector<double> data(6 * 9, 1.0);
    write_dataset(file.path(), "/chunked", H5T_NATIVE_DOUBLE, data.data(),
                  DatasetSpec{{6, 9}, std::vector<hsize_t>{4, 5}}, true);
    write_dataset(file.path(), "/contiguous", H5T_NATIVE_DOUBLE, data.data(), DatasetSpec{{6, 9}});
    const SourcePtr chunked = std::make_shared<HDF5Source>(file.path(), "/chunked");
    const SourcePtr contiguous = std::make_shared<HDF5Source>(file.path(), "/contiguous");
    REQUIRE(chunked->storage_chunks().has_value());
    CHECK(*chunked->storage_chunks() == Shape{4, 5});
    CHECK_FALSE(contiguous->storage_chunks().has_value());
}

TEST_CASE("bitfields read as the unsigned integers h5py gives", "[io][hdf5][bitfield]") {
    TempFile file("bitfields.h5");
    std::vector<std::uint16_t> values(9 * 7);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::uint16_t>(i * 2654435761u >> 7);
    DatasetSpec big_endian{{9, 7}, std::vector<hsize_t>{4, 3}, false, 4, true};
    big_endian.file_type = H5T_STD_B16BE;
    write_dataset(file.path(), "/b16be", H5T_NATIVE_B16, values.data(), big_endian, true);
    const std::vector<std::uint8_t> flags{0, 1, 1, 0, 1};
    DatasetSpec bools{{5}};
    bools.file_type = H5T_STD_B8LE;  // PyTables' BoolAtom
    write_dataset(file.path(), "/flags", H5T_NATIVE_B8, flags.data(), bools);

    const HDF5Source b16(file.path(), "/b16be");
    CHECK(b16.dtype() == DType::UInt16);
    std::vector<std::uint16_t> out(values.size());
    b16.read({{0, 9}, {0, 7}}, out.data());
    CHECK(out == values);
    const HDF5Source b8(file.path(), "/flags");
    CHECK(b8.dtype() == DType::UInt8);
    std::vector<std::uint8_t> out8(flags.size());
    b8.read({{0, 5}}, out8.data());
    CHECK(out8 == flags);
    const auto listed = numeric_variables(file.path());
    CHECK(listed == std::vector<std::string>{"/b16be", "/flags"});
}

namespace {

// Read system calls this process has made (the kernel's count in /proc/self/io).
long read_syscalls() {
    std::ifstream io("/proc/self/io");
    std::string key;
    long value = 0;
    while (io >> key >> value)
        if (key == "syscr:") return value;
    return -1;
}

}  // namespace

TEST_CASE("compressed chunks back to back in the file are read with one system call per run", "[io][hdf5]") {
    TempFile file("runs.h5");
    std::vector<float> data(64 * 30);
    std::iota(data.begin(), data.end(), 0.5f);
    DatasetSpec spec{{64, 30}, std::vector<hsize_t>{2, 30}};  // 32 small chunks, written in order
    spec.gzip = 1;
    spec.shuffle = true;
    write_dataset(file.path(), "v", H5T_NATIVE_FLOAT, data.data(), spec, true);
    HDF5Source source(file.path(), "v");
    std::vector<float> out(40 * 30);
    source.read({{0, 2}, {0, 30}}, out.data());  // builds the chunk index first
    const long before = read_syscalls();
    source.read({{1, 41}, {0, 30}}, out.data());  // 21 chunks, two of them in part
    const long calls = read_syscalls() - before;
    CHECK(calls >= 1);
    CHECK(calls <= 2);  // one run (HDF5 wrote the chunks in order); 21 without coalescing
    for (std::size_t i = 0; i < out.size(); ++i) REQUIRE(out[i] == data[30 + i]);
}
