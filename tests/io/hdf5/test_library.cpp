// The checked libhdf5 wrapper: a failing call names the file, the object and the call, and a
// getter never hands back a garbage size.
#include <chunkarr/core/error.hpp>
#include <chunkarr/io/hdf5/source.hpp>

#include "io/hdf5/library.hpp"
#include "io/hdf5/sink.hpp"
#include "io/hdf5/types.hpp"
#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

using namespace chunkarr;
using Catch::Matchers::Contains;

TEST_CASE("a failing HDF5 call names the file, the object and the call", "[io][hdf5][wrapper]") {
    hdf5::Lock lock;
    const Where at{"data.h5", "/t2m"};
    CHECK_THROWS_AS(CHUNKARR_H5(at, H5Dget_space, H5I_INVALID_HID), IOError);
    try {
        CHUNKARR_H5(at, H5Dget_space, H5I_INVALID_HID);
        FAIL("H5Dget_space on an invalid id did not throw");
    } catch (const IOError& e) {
        const std::string message = e.what();
        const std::string prefix = "data.h5:/t2m: H5Dget_space failed: ";
        CHECK(message.rfind(prefix, 0) == 0);
        CHECK(message.size() > prefix.size());  // HDF5's own reason follows
    }
    CHECK_FALSE(hdf5::error_pending());  // the error stack was cleared
    const Where attribute{"data.h5", "/t2m", "units"};
    CHECK_THROWS_WITH(CHUNKARR_H5(attribute, H5Aget_type, H5I_INVALID_HID),
                      Contains("data.h5:/t2m attribute units: H5Aget_type failed"));
}

TEST_CASE("failing getters throw instead of returning a garbage size", "[io][hdf5][wrapper]") {
    hdf5::Lock lock;
    const Where at{"data.h5", "/x"};
    // Unsigned results (H5Tget_size: 0 on failure) and signed ones (a negative rank).
    CHECK_THROWS_WITH(CHUNKARR_H5(at, H5Tget_size, H5I_INVALID_HID), Contains("data.h5:/x: H5Tget_size failed"));
    CHECK_THROWS_WITH(hdf5::type_size(at, H5I_INVALID_HID), Contains("H5Tget_size failed"));
    CHECK_THROWS_WITH(CHUNKARR_H5(at, H5Sget_simple_extent_ndims, H5I_INVALID_HID),
                      Contains("data.h5:/x: H5Sget_simple_extent_ndims failed"));
    CHECK_THROWS_WITH(hdf5::dataspace_shape(at, H5I_INVALID_HID), Contains("H5Sget_simple_extent_ndims failed"));
    CHECK_THROWS_WITH(CHUNKARR_H5(at, H5Tget_class, H5I_INVALID_HID), Contains("H5Tget_class failed"));
    // Results that are fine pass through unchanged.
    CHECK(CHUNKARR_H5(at, H5Tget_size, H5T_NATIVE_INT16) == 2);
    CHECK(hdf5::type_size(at, H5T_NATIVE_DOUBLE) == 8);
}

TEST_CASE("a call whose failure is an answer returns it, with HDF5's reason", "[io][hdf5][wrapper]") {
    test_support::TempFile file("wrapper_try.h5");
    const double v = 1;
    test_support::write_dataset(file.path(), "/x", H5T_NATIVE_DOUBLE, &v, test_support::DatasetSpec{{1}}, true);
    hdf5::Lock lock;
    const Where at{file.path()};
    const hdf5::Handle opened(CHUNKARR_H5(at, H5Fopen, file.path().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    const auto missing = CHUNKARR_H5_TRY(H5Dopen2, opened.get(), "/nope", H5P_DEFAULT);
    CHECK_FALSE(missing.ok());
    CHECK(missing.value < 0);
    CHECK_THAT(missing.what(), Contains("H5Dopen2 failed: "));
    CHECK_THAT(missing.message(Where{file.path(), "/nope"}), Contains(file.path() + ":/nope: H5Dopen2 failed"));
    CHECK_FALSE(hdf5::error_pending());
    const auto found = CHUNKARR_H5_TRY(H5Dopen2, opened.get(), "/x", H5P_DEFAULT);
    REQUIRE(found.ok());
    const hdf5::Handle dataset(found.value);
    CHECK(found.detail.empty());
}

TEST_CASE("a checked call without the library lock is refused", "[io][hdf5][wrapper]") {
    REQUIRE_FALSE(hdf5::lock_held());
    const Where at{"data.h5", "/x"};
    CHECK_THROWS_WITH(CHUNKARR_H5(at, H5Tget_size, H5T_NATIVE_INT16),
                      Contains("H5Tget_size called without the HDF5 lock"));
    CHECK_THROWS_AS(CHUNKARR_H5_TRY(H5Tget_size, H5T_NATIVE_INT16), Error);
    {
        hdf5::Lock outer;
        hdf5::Lock inner;  // the lock is recursive
        CHECK(hdf5::lock_held());
    }
    CHECK_FALSE(hdf5::lock_held());
}

TEST_CASE("a dataset path that is not there, or not a dataset, is named in the error", "[io][hdf5][wrapper]") {
    test_support::TempFile file("wrapper_paths.h5");
    const double v = 1;
    test_support::write_dataset(file.path(), "/group/x", H5T_NATIVE_DOUBLE, &v, test_support::DatasetSpec{{1}}, true);
    CHECK_THROWS_AS(HDF5Source(file.path(), "/group/x/deeper"), KeyError);  // x is not a group
    CHECK_THROWS_WITH(HDF5Source(file.path(), "/group/x/deeper"), Contains("/group/x/deeper") && Contains(file.path()));
    CHECK_THROWS_WITH(HDF5Source(file.path(), "/other/x"), Contains("/other does not exist"));
}

TEST_CASE("damaged data read through H5Dread names the file, the dataset and the call", "[io][hdf5][wrapper]") {
    test_support::TempFile file("wrapper_damaged.h5");
    std::vector<double> data(64);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<double>(i * i);
    test_support::DatasetSpec spec{{64}, std::vector<hsize_t>{64}};
    spec.gzip = 1;
    test_support::write_dataset(file.path(), "/x", H5T_NATIVE_DOUBLE, data.data(), spec, true);
    std::uint64_t address = 0, size = 0;
    {
        hdf5::Lock lock;
        const Where at{file.path(), "/x"};
        const hdf5::Handle f(CHUNKARR_H5(at, H5Fopen, file.path().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
        const hdf5::Handle d(CHUNKARR_H5(at, H5Dopen2, f.get(), "/x", H5P_DEFAULT));
        const hsize_t origin = 0;
        unsigned mask = 0;
        haddr_t chunk_address = HADDR_UNDEF;
        hsize_t chunk_size = 0;
        CHUNKARR_H5(at, H5Dget_chunk_info_by_coord, d.get(), &origin, &mask, &chunk_address, &chunk_size);
        address = chunk_address;
        size = chunk_size;
    }
    REQUIRE(size > 8);
    {
        std::fstream out(file.path(), std::ios::in | std::ios::out | std::ios::binary);
        out.seekp(static_cast<std::streamoff>(address + 2));
        const std::string garbage(static_cast<std::size_t>(size - 4), '\xff');
        out.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
    // Through H5Dread under the lock (the direct path has its own decoder and messages).
    ::setenv("CHUNKARR_HDF5_DIRECT", "0", 1);
    const HDF5Source source(file.path(), "/x");
    ::unsetenv("CHUNKARR_HDF5_DIRECT");
    std::vector<double> back(64);
    CHECK_THROWS_AS(source.read({{0, 64}}, back.data()), IOError);
    CHECK_THROWS_WITH(source.read({{0, 64}}, back.data()),
                      Contains(file.path() + ":/x") && Contains("H5Dread failed: "));
}

TEST_CASE("a sink names the file, the dataset and the call that failed", "[io][hdf5][wrapper]") {
    test_support::TempFile target("wrapper_sink.h5");
    HDF5Sink sink(target.path());
    sink.write("/x", NDArray(DType::Float64, {2}));
    // A dataset below a dataset: HDF5 refuses to create it.
    CHECK_THROWS_WITH(sink.write("/x/y", NDArray(DType::Float64, {2})),
                      Contains(target.path() + ":/x/y") && Contains("H5Dcreate2 failed"));
}
