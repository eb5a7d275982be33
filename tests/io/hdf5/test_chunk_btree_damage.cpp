// Damaged files against the B-tree walk, built into the ASan/UBSan target: whatever the bytes,
// the walk returns (listed, not parsed or damaged) without reading out of bounds or looping
// forever.
#include "io/hdf5/chunk_btree.hpp"
#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <hdf5.h>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

using namespace chunkarr;

TEST_CASE("random damage to a dataset's header and chunk tree never crashes the walk", "[io][hdf5][btree]") {
    // Per process: the sanitizer run may overlap another checkout's.
    const std::string path =
        (std::filesystem::temp_directory_path() / ("chunkarr_btree_damage-" + std::to_string(::getpid()) + ".h5"))
            .string();
    const std::vector<hsize_t> shape{203, 61}, chunks{3, 2};  // 2108 chunks, a tree of three levels
    haddr_t header = HADDR_UNDEF;
    {
        hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        hid_t space = H5Screate_simple(2, shape.data(), nullptr);
        hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_chunk(dcpl, 2, chunks.data());
        hid_t dataset = H5Dcreate2(file, "/x", H5T_NATIVE_INT, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        std::vector<int> values(203 * 61, 7);
        H5Dwrite(dataset, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
        H5Dclose(dataset);
        H5Pclose(dcpl);
        H5Sclose(space);
        H5Fclose(file);
    }
    header = test_support::object_header_address(path, "/x");
    std::string original;
    {
        std::ifstream in(path, std::ios::binary);
        original.assign(std::istreambuf_iterator<char>(in), {});
    }
    const std::size_t total_chunks = 68 * 31;
    int damaged = 0;
    const auto walk = [&] {
        RawFile file(path);
        std::size_t visited = 0;
        const ChunkTreeWalk result =
            walk_chunk_btree(file, HDF5Addressing{0, 8, 8}, header, ChunkGeometry{{203, 61}, {3, 2}, 0}, total_chunks,
                             [&](const std::uint64_t*, std::uint32_t, std::uint64_t, std::uint32_t) { ++visited; });
        const bool walked = result.listed();
        if (result.outcome == ChunkTreeWalk::Outcome::damaged) ++damaged;
        CHECK(visited <= total_chunks);
        if (!walked) CHECK(visited == 0);  // nothing is visited from a tree that is not listed
        if (result.outcome == ChunkTreeWalk::Outcome::damaged) CHECK_FALSE(result.problem.empty());
        return walked;
    };
    REQUIRE(walk());

    // Damage only what the walk reads: the object header and the tree nodes (the raw chunk data
    // is not read). Tree nodes are found by their signature.
    std::vector<std::size_t> targets;
    for (std::size_t at = static_cast<std::size_t>(header); at < static_cast<std::size_t>(header) + 256; ++at)
        targets.push_back(at);
    for (auto at = original.find("TREE"); at != std::string::npos; at = original.find("TREE", at + 1))
        for (std::size_t i = 0; i < 64; ++i) targets.push_back(at + i);
    std::mt19937_64 random(12345);
    int declined = 0;
    for (int trial = 0; trial < 400; ++trial) {
        std::string damaged = original;
        const int flips = 1 + static_cast<int>(random() % 4);
        for (int f = 0; f < flips; ++f) {
            const std::size_t at = targets[random() % targets.size()];
            if (at < damaged.size()) damaged[at] = static_cast<char>(random() & 0xff);
        }
        std::ofstream(path, std::ios::binary | std::ios::trunc) << damaged;
        if (!walk()) ++declined;
    }
    CHECK(declined > 0);  // the damage was noticed at least sometimes
    CHECK(damaged > 0);   // and damage to the tree was named as such
    std::filesystem::remove(path);
}
