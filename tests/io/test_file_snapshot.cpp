#include <chunkarr/chunkarr.hpp>
#include <chunkarr/io/file_snapshot.hpp>

#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <filesystem>
#include <fstream>

using namespace chunkarr;
using Catch::Matchers::Contains;

namespace {

void append_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::app) << bytes;
}

void flip_byte(const std::string& path, std::uint64_t offset) {
    std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
    file.seekg(static_cast<std::streamoff>(offset));
    const char byte = static_cast<char>(file.get() ^ 0xFF);
    file.seekp(static_cast<std::streamoff>(offset));
    file.put(byte);
}

void write_two_datasets(const std::string& path) {
    const std::vector<double> a{0, 1, 2, 3, 4, 5}, b{7, 8, 9};
    test_support::write_dataset(path, "/a", H5T_NATIVE_DOUBLE, a.data(), test_support::DatasetSpec{{6}, {{2}}}, true);
    test_support::write_dataset(path, "/b", H5T_NATIVE_DOUBLE, b.data(), test_support::DatasetSpec{{3}});
}

}  // namespace

TEST_CASE("a file snapshot names what changed", "[io]") {
    test_support::TempFile file("snapshot.bin");
    std::ofstream(file.path(), std::ios::binary) << "0123456789";
    const FileSnapshot snapshot(file.path());
    CHECK(snapshot.identity().exists);
    CHECK(snapshot.identity().size == 10);
    CHECK_NOTHROW(snapshot.check_unchanged());
    CHECK(snapshot.version() == FileSnapshot(file.path()).version());

    append_bytes(file.path(), "more");
    CHECK_THROWS_AS(snapshot.check_unchanged(), IOError);
    CHECK_THROWS_WITH(snapshot.check_unchanged(),
                      Contains(file.path() + " changed while it was being read") && Contains("from 10 to 14 bytes"));
    CHECK(snapshot.version() != FileSnapshot(file.path()).version());

    const FileSnapshot before_replacing(file.path());
    const std::string other = file.path() + ".new";
    std::ofstream(other, std::ios::binary) << "01234567890123";
    std::filesystem::rename(other, file.path());
    CHECK_THROWS_WITH(before_replacing.check_unchanged(), Contains("replaced by another file"));

    const FileSnapshot before_removing(file.path());
    std::filesystem::remove(file.path());
    CHECK_THROWS_WITH(before_removing.check_unchanged(), Contains("gone"));
    CHECK_FALSE(FileSnapshot(file.path()).identity().exists);
    CHECK_NOTHROW(FileSnapshot(file.path()).check_unchanged());  // missing then, missing now
}

TEST_CASE("a computation over a file that changed since it was opened is an error", "[io][engine]") {
    test_support::TempFile file("changed.h5");
    write_two_datasets(file.path());
    {
        const Array a = open(open_source(file.path(), "/a"));
        CHECK(a.sum().compute().value_as_double(0) == 15.0);
        append_bytes(file.path(), std::string(64, 'x'));  // another process writing
        CHECK_THROWS_AS(a.sum().compute(), IOError);
        CHECK_THROWS_WITH(a.sum().compute(), Contains("changed while it was being read"));
        // HDF5 shares one open file, and its metadata, among all opens of it: while `a` lives,
        // opening the file again gives the version `a` saw.
        CHECK_THROWS_WITH(open(open_source(file.path(), "/b")).sum().compute(), Contains("changed"));
    }
    // Opened again once the old arrays are gone, the file is read as it is now.
    CHECK(open(open_source(file.path(), "/a")).sum().compute().value_as_double(0) == 15.0);
}

TEST_CASE("the listing of a file names the datasets it cannot read", "[io]") {
    test_support::TempFile file("damaged-header.h5");
    write_two_datasets(file.path());
    flip_byte(file.path(), test_support::object_header_address(file.path(), "/b"));  // its version byte
    const auto listed = list_variables(file.path());
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].path == "/a");
    CHECK(listed[0].error.empty());
    CHECK(listed[1].path == "/b");
    CHECK_THAT(listed[1].error, Contains(file.path() + ":/b") && Contains("object header"));
    CHECK_THROWS_AS(numeric_variables(file.path()), IOError);
    CHECK_THROWS_WITH(open_source(file.path(), "/b"), Contains("/b"));
    const auto datasets = list_hdf5_datasets(file.path());
    REQUIRE(datasets.size() == 2);
    CHECK(datasets[1].error == listed[1].error);
}
