#include <chunkarr/core/error.hpp>
#include <chunkarr/io/hdf5/datasets.hpp>
#include <chunkarr/io/hdf5/source.hpp>
#include <chunkarr/io/variables.hpp>

#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <fstream>
#include <numeric>

using namespace chunkarr;
using test_support::DatasetSpec;
using test_support::TempFile;
using test_support::write_dataset;

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
