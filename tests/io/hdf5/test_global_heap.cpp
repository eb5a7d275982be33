// The global heap check against collections HDF5 wrote, then damaged; built into the ASan/UBSan
// target: whatever the bytes, the check answers without reading out of bounds or looping.
#include "io/hdf5/global_heap.hpp"
#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <hdf5.h>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

using namespace chunkarr;

namespace {

// A dataset "/d" with two variable-length attributes (a string and a sequence of ints) and a
// fixed-size one, as h5py and netCDF-4 write them.
std::string write_file_with_heap_attributes() {
    const std::string path =
        (std::filesystem::temp_directory_path() / ("chunkarr_global_heap-" + std::to_string(::getpid()) + ".h5"))
            .string();
    hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hsize_t four = 4;
    hid_t space = H5Screate_simple(1, &four, nullptr);
    hid_t dataset = H5Dcreate2(file, "/d", H5T_NATIVE_INT, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t scalar = H5Screate(H5S_SCALAR);
    hid_t text = H5Tcopy(H5T_C_S1);
    H5Tset_size(text, H5T_VARIABLE);
    hid_t attribute = H5Acreate2(dataset, "units", text, scalar, H5P_DEFAULT, H5P_DEFAULT);
    const char* units = "degrees_north";
    H5Awrite(attribute, text, &units);
    H5Aclose(attribute);
    hid_t sequence = H5Tvlen_create(H5T_NATIVE_INT);
    const hsize_t two = 2;
    hid_t pair = H5Screate_simple(1, &two, nullptr);
    int first[3] = {1, 2, 3}, second[1] = {4};
    hvl_t values[2] = {{3, first}, {1, second}};
    attribute = H5Acreate2(dataset, "lists", sequence, pair, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(attribute, sequence, values);
    H5Aclose(attribute);
    attribute = H5Acreate2(dataset, "scale", H5T_NATIVE_DOUBLE, scalar, H5P_DEFAULT, H5P_DEFAULT);
    const double half = 0.5;
    H5Awrite(attribute, H5T_NATIVE_DOUBLE, &half);
    H5Aclose(attribute);
    H5Sclose(pair);
    H5Tclose(sequence);
    H5Tclose(text);
    H5Sclose(scalar);
    H5Dclose(dataset);
    H5Sclose(space);
    H5Fclose(file);
    return path;
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::uint64_t le64(const std::string& bytes, std::size_t at) {
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
    return value;
}

void put_le64(std::string& bytes, std::size_t at, std::uint64_t value) {
    for (int i = 0; i < 8; ++i) bytes[at + i] = static_cast<char>((value >> (8 * i)) & 0xff);
}

}  // namespace

TEST_CASE("the collections of variable-length attributes are found and pass when sound", "[io][hdf5][heap]") {
    const std::string path = write_file_with_heap_attributes();
    const haddr_t header = test_support::object_header_address(path, "/d");
    const HDF5Addressing addressing{0, 8, 8};
    RawFile file(path);
    const auto attributes = read_header_messages(file, addressing, header, header_message_type::attribute);
    REQUIRE(attributes);
    REQUIRE(attributes->size() == 3);
    std::vector<std::uint64_t> collections;
    int variable = 0;
    for (const HeaderMessage& attribute : *attributes) {
        const auto found = attribute_heap_collections(attribute, addressing);
        if (!found.empty()) ++variable;
        for (const std::uint64_t c : found) collections.push_back(c);
    }
    CHECK(variable == 2);  // "units" and "lists"; "scale" holds its value in the header
    REQUIRE(!collections.empty());
    const std::string bytes = read_bytes(path);
    for (const std::uint64_t c : collections) {
        REQUIRE(c + 4 <= bytes.size());
        CHECK(bytes.substr(c, 4) == "GCOL");
        CHECK_FALSE(global_heap_problem(file, addressing, c).has_value());
    }
    // The same header asked for one message type gets only those.
    const auto layouts = read_header_messages(file, addressing, header, header_message_type::layout);
    REQUIRE(layouts);
    CHECK(layouts->size() == 1);
    std::filesystem::remove(path);
}

TEST_CASE("a damaged global heap collection is named, never walked past", "[io][hdf5][heap]") {
    const std::string path = write_file_with_heap_attributes();
    const haddr_t header = test_support::object_header_address(path, "/d");
    const HDF5Addressing addressing{0, 8, 8};
    std::uint64_t collection = 0;
    {
        RawFile file(path);
        const auto attributes = read_header_messages(file, addressing, header, header_message_type::attribute);
        REQUIRE(attributes);
        for (const HeaderMessage& attribute : *attributes)
            for (const std::uint64_t c : attribute_heap_collections(attribute, addressing)) collection = c;
    }
    REQUIRE(collection > 0);
    const std::string original = read_bytes(path);
    const std::uint64_t size = le64(original, collection + 8);
    // The free-space object (index 0) follows the stored objects.
    std::size_t free_space = collection + 16;
    while (original[free_space] != 0 || original[free_space + 1] != 0)
        free_space += 16 + ((le64(original, free_space + 8) + 7) & ~std::uint64_t{7});
    REQUIRE(free_space < collection + size);

    const auto problem_with = [&](const std::string& damaged) {
        write_bytes(path, damaged);
        RawFile file(path);
        return global_heap_problem(file, addressing, collection);
    };
    SECTION("free space of 0 bytes, on which libhdf5 1.10 loops forever") {
        std::string damaged = original;
        put_le64(damaged, free_space + 8, 0);
        const auto problem = problem_with(damaged);
        REQUIRE(problem);
        CHECK(problem->find("free-space object at offset " + std::to_string(free_space - collection) +
                            " claims 0 bytes") != std::string::npos);
    }
    SECTION("an object larger than the collection") {
        std::string damaged = original;
        put_le64(damaged, collection + 16 + 8, std::uint64_t{1} << 62);
        const auto problem = problem_with(damaged);
        REQUIRE(problem);
        CHECK(problem->find("object 1 at offset 16") != std::string::npos);
        CHECK(problem->find("past the collection's end") != std::string::npos);
    }
    SECTION("a collection size past the end of the file") {
        std::string damaged = original;
        put_le64(damaged, collection + 8, original.size());
        const auto problem = problem_with(damaged);
        REQUIRE(problem);
        CHECK(problem->find("past the end of the file") != std::string::npos);
    }
    SECTION("no signature, another version") {
        std::string damaged = original;
        damaged[collection] = 'X';
        REQUIRE(problem_with(damaged));
        CHECK(problem_with(damaged)->find("GCOL") != std::string::npos);
        damaged = original;
        damaged[collection + 4] = 2;
        REQUIRE(problem_with(damaged));
        CHECK(problem_with(damaged)->find("version 2") != std::string::npos);
    }
    SECTION("seeded damage to the collection and the header: answers, in bounds") {
        std::mt19937_64 random(20261201);
        int found_damaged = 0;
        for (int trial = 0; trial < 400; ++trial) {
            std::string damaged = original;
            const bool in_header = trial % 4 == 0;
            const std::size_t base = in_header ? header : collection;
            const std::size_t span = in_header ? 512 : 96;
            for (int flip = 0; flip < 1 + trial % 3; ++flip) {
                const std::size_t at = std::min<std::size_t>(base + random() % span, damaged.size() - 1);
                damaged[at] = static_cast<char>(damaged[at] ^ (1 << (random() % 8)));
            }
            write_bytes(path, damaged);
            RawFile file(path);
            const auto attributes = read_header_messages(file, addressing, header, header_message_type::attribute);
            if (!attributes) continue;
            for (const HeaderMessage& attribute : *attributes)
                for (const std::uint64_t c : attribute_heap_collections(attribute, addressing))
                    if (global_heap_problem(file, addressing, c)) ++found_damaged;
        }
        CHECK(found_damaged > 0);
    }
    std::filesystem::remove(path);
}
