// Header messages read from the file's bytes against headers HDF5 wrote: version 1 (HDF5 1.8's
// default) and version 2 (the latest format), with continuation blocks, and damaged ones.
#include "io/hdf5/object_header.hpp"
#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <filesystem>
#include <fstream>
#include <hdf5.h>
#include <string>
#include <unistd.h>

using namespace chunkarr;

namespace {

// "/d", chunked, with `attributes` int attributes "a0", "a1", ... added one by one after the
// dataset exists (so that its header grows continuation blocks).
std::string write_dataset(bool latest_format, int attributes) {
    const std::string path =
        (std::filesystem::temp_directory_path() / ("chunkarr_object_header-" + std::to_string(::getpid()) + ".h5"))
            .string();
    hid_t access = H5Pcreate(H5P_FILE_ACCESS);
    if (latest_format) H5Pset_libver_bounds(access, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
    hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access);
    const hsize_t shape = 100, chunk = 10;
    hid_t space = H5Screate_simple(1, &shape, nullptr);
    hid_t creation = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(creation, 1, &chunk);
    H5Pset_attr_phase_change(creation, 1000, 0);  // keep every attribute in the header
    hid_t dataset = H5Dcreate2(file, "/d", H5T_NATIVE_INT, space, H5P_DEFAULT, creation, H5P_DEFAULT);
    hid_t scalar = H5Screate(H5S_SCALAR);
    for (int i = 0; i < attributes; ++i) {
        hid_t attribute =
            H5Acreate2(dataset, ("a" + std::to_string(i)).c_str(), H5T_NATIVE_INT, scalar, H5P_DEFAULT, H5P_DEFAULT);
        H5Awrite(attribute, H5T_NATIVE_INT, &i);
        H5Aclose(attribute);
    }
    H5Sclose(scalar);
    H5Dclose(dataset);
    H5Pclose(creation);
    H5Sclose(space);
    H5Fclose(file);
    H5Pclose(access);
    return path;
}

}  // namespace

TEST_CASE("every message of a type is found, in version 1 and 2 headers, past continuations", "[io][hdf5][header]") {
    for (const bool latest : {false, true}) {
        INFO((latest ? "version-2 header" : "version-1 header"));
        const std::string path = write_dataset(latest, 40);
        const haddr_t header = test_support::object_header_address(path, "/d");
        const HDF5Addressing addressing{0, 8, 8};
        RawFile file(path);
        const auto attributes = read_header_messages(file, addressing, header, header_message_type::attribute);
        REQUIRE(attributes);
        CHECK(attributes->size() == 40);  // more than the first block holds
        const auto first_two = read_header_messages(file, addressing, header, header_message_type::attribute, 2);
        REQUIRE(first_two);
        CHECK(first_two->size() == 2);
        const auto layouts = read_header_messages(file, addressing, header, header_message_type::layout);
        REQUIRE(layouts);
        REQUIRE(layouts->size() == 1);
        CHECK(layouts->front().at(0) == (latest ? 4 : 3));                         // the layout message's version
        CHECK(layouts->front().at(1) == 2);                                        // chunked
        const auto none = read_header_messages(file, addressing, header, 0x0015);  // no attribute info in v1
        REQUIRE(none);
        if (!latest) CHECK(none->empty());

        // A header whose version byte is gone, and one cut short, do not parse.
        std::string bytes;
        {
            std::ifstream in(path, std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), {});
        }
        std::string damaged = bytes;
        damaged[header + (latest ? 4 : 0)] = 7;
        std::ofstream(path, std::ios::binary | std::ios::trunc) << damaged;
        CHECK_FALSE(read_header_messages(RawFile(path), addressing, header, header_message_type::attribute));
        std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes.substr(0, header + 20);
        CHECK_FALSE(read_header_messages(RawFile(path), addressing, header, header_message_type::attribute));
        std::filesystem::remove(path);
    }
}
