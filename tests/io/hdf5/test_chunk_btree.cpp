#include <chunkarr/io/hdf5/source.hpp>

#include "io/hdf5/chunk_btree.hpp"
#include "io/hdf5/chunk_index.hpp"
#include "io/hdf5/source_impl.hpp"
#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <fstream>
#include <hdf5.h>
#include <map>
#include <numeric>

using namespace chunkarr;

namespace {

struct Layout {
    H5F_libver_t low = H5F_LIBVER_EARLIEST;
    hsize_t userblock = 0;
    std::vector<hsize_t> shape, chunks;
    bool gzip = false;
    bool write_everything = true;  // false: only a corner, the other chunks stay unallocated
};

// Writes /x (float64, values = position) with the HDF5 C API; returns the file path.
void write_file(const std::string& path, const Layout& layout) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_libver_bounds(fapl, layout.low, H5F_LIBVER_LATEST);
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    if (layout.userblock) H5Pset_userblock(fcpl, layout.userblock);
    hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl, fapl);
    REQUIRE(file >= 0);
    hid_t space = H5Screate_simple(static_cast<int>(layout.shape.size()), layout.shape.data(), nullptr);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, static_cast<int>(layout.chunks.size()), layout.chunks.data());
    if (layout.gzip) H5Pset_deflate(dcpl, 1);
    hid_t dataset = H5Dcreate2(file, "/x", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    REQUIRE(dataset >= 0);
    hsize_t total = 1;
    for (hsize_t n : layout.shape) total *= n;
    std::vector<double> values(total);
    std::iota(values.begin(), values.end(), 0.0);
    if (layout.write_everything) {
        REQUIRE(H5Dwrite(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0);
    } else {  // the first chunk-sized box only
        hid_t memory = H5Screate_simple(static_cast<int>(layout.chunks.size()), layout.chunks.data(), nullptr);
        std::vector<hsize_t> start(layout.chunks.size(), 0);
        H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, layout.chunks.data(), nullptr);
        REQUIRE(H5Dwrite(dataset, H5T_NATIVE_DOUBLE, memory, space, H5P_DEFAULT, values.data()) >= 0);
        H5Sclose(memory);
    }
    H5Dclose(dataset);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(file);
    H5Pclose(fcpl);
    H5Pclose(fapl);
}

using Listing = std::map<std::vector<std::uint64_t>, StoredChunk>;

// Every chunk as HDF5 itself reports it (H5Dget_chunk_info_by_coord, one call per chunk).
Listing listing_from_hdf5(const std::string& path, const Layout& layout) {
    Listing listing;
    hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t dataset = H5Dopen2(file, "/x", H5P_DEFAULT);
    std::vector<hsize_t> grid;
    hsize_t total = 1;
    for (std::size_t axis = 0; axis < layout.shape.size(); ++axis) {
        grid.push_back((layout.shape[axis] + layout.chunks[axis] - 1) / layout.chunks[axis]);
        total *= grid.back();
    }
    for (hsize_t flat = 0; flat < total; ++flat) {
        std::vector<hsize_t> offset(grid.size());
        hsize_t rest = flat;
        for (std::size_t axis = grid.size(); axis-- > 0;) {
            offset[axis] = (rest % grid[axis]) * layout.chunks[axis];
            rest /= grid[axis];
        }
        unsigned mask = 0;
        haddr_t address = HADDR_UNDEF;
        hsize_t size = 0;
        REQUIRE(H5Dget_chunk_info_by_coord(dataset, offset.data(), &mask, &address, &size) >= 0);
        if (address == HADDR_UNDEF) continue;
        listing[std::vector<std::uint64_t>(offset.begin(), offset.end())] = {address + layout.userblock, size, mask,
                                                                             true};
    }
    H5Dclose(dataset);
    H5Fclose(file);
    return listing;
}

// walk_chunk_btree's answer, or nullopt when it declines.
std::optional<Listing> listing_from_walk(const std::string& path, const Layout& layout,
                                         std::size_t max_chunks = 1u << 30) {
    RawFile file(path);
    Listing listing;
    const bool walked = walk_chunk_btree(
        file, HDF5Addressing{layout.userblock, 8, 8}, test_support::object_header_address(path, "/x"),
        static_cast<unsigned>(layout.shape.size()), max_chunks,
        [&](const std::uint64_t* offsets, std::uint32_t mask, std::uint64_t address, std::uint32_t size) {
            listing[std::vector<std::uint64_t>(offsets, offsets + layout.shape.size())] = {address, size, mask, true};
        });
    if (!walked) return std::nullopt;
    return listing;
}

void require_same(const Listing& mine, const Listing& theirs) {
    REQUIRE(mine.size() == theirs.size());
    for (const auto& [offset, chunk] : theirs) {
        INFO("chunk at offset[0] = " << offset[0]);
        const auto found = mine.find(offset);
        REQUIRE(found != mine.end());
        CHECK(found->second.address == chunk.address);
        CHECK(found->second.size == chunk.size);
        CHECK(found->second.filter_mask == chunk.filter_mask);
    }
}

}  // namespace

TEST_CASE("the B-tree walk lists the same chunks as HDF5", "[io][hdf5][btree]") {
    test_support::TempFile temp("btree.h5");
    Layout layout;
    SECTION("version-1 object header, tree of several levels, edge chunks") {
        layout.shape = {203, 61};
        layout.chunks = {3, 2};  // 68 x 31 = 2108 chunks: a root over two levels of nodes
    }
    SECTION("version-2 object header (1.8 format), compressed, 3-d") {
        layout.low = H5F_LIBVER_V18;
        layout.shape = {9, 40, 31};
        layout.chunks = {2, 7, 5};
        layout.gzip = true;
    }
    SECTION("a userblock shifts every address") {
        layout.userblock = 1024;
        layout.shape = {500};
        layout.chunks = {7};
    }
    SECTION("unallocated chunks are not listed") {
        layout.shape = {50, 50};
        layout.chunks = {10, 10};
        layout.write_everything = false;
    }
    write_file(temp.path(), layout);
    const std::optional<Listing> walked = listing_from_walk(temp.path(), layout);
    REQUIRE(walked.has_value());
    require_same(*walked, listing_from_hdf5(temp.path(), layout));
    if (!layout.write_everything) CHECK(walked->size() == 1);
}

TEST_CASE("the B-tree walk declines what it does not parse", "[io][hdf5][btree]") {
    test_support::TempFile temp("btree_other.h5");
    Layout layout;
    layout.shape = {100, 10};
    layout.chunks = {10, 10};
    SECTION("a version-4 layout (1.10 format: fixed-array index)") {
        layout.low = H5F_LIBVER_LATEST;
        write_file(temp.path(), layout);
        CHECK_FALSE(listing_from_walk(temp.path(), layout).has_value());
    }
    SECTION("more entries than the dataset can hold") {
        write_file(temp.path(), layout);
        CHECK_FALSE(listing_from_walk(temp.path(), layout, 5).has_value());
    }
    SECTION("a damaged node") {
        write_file(temp.path(), layout);
        // Overwrite the root node's signature: the walk must give up, not crash.
        std::string bytes;
        {
            std::ifstream in(temp.path(), std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), {});
        }
        const auto tree = bytes.find("TREE", 100);  // past the superblock's root-group tree
        REQUIRE(tree != std::string::npos);
        std::size_t last = tree;
        for (auto at = tree; at != std::string::npos; at = bytes.find("TREE", at + 1)) last = at;
        bytes.replace(last, 4, "XXXX");  // the dataset's tree is written after the group's
        std::ofstream(temp.path(), std::ios::binary | std::ios::trunc) << bytes;
        CHECK_FALSE(listing_from_walk(temp.path(), layout).has_value());
    }
}

TEST_CASE("a dataset of 100 000 chunks gets a full index", "[io][hdf5][btree]") {
    test_support::TempFile temp("btree_many.h5");
    Layout layout;
    layout.shape = {100000};
    layout.chunks = {1};
    write_file(temp.path(), layout);
    HDF5Source source(temp.path(), "/x");
    const HDF5ChunkIndex* index = source.impl().chunk_index_or_null();
    REQUIRE(index != nullptr);
    REQUIRE(index->size() == 100000);
    // (HDF5 1.10's own lookup walks every chunk per call: ask it about a few only.)
    hid_t file = H5Fopen(temp.path().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t dataset = H5Dopen2(file, "/x", H5P_DEFAULT);
    for (Index chunk : {Index{0}, Index{1}, Index{4242}, Index{99999}}) {
        const hsize_t offset = static_cast<hsize_t>(chunk);
        unsigned mask = 0;
        haddr_t address = HADDR_UNDEF;
        hsize_t size = 0;
        REQUIRE(H5Dget_chunk_info_by_coord(dataset, &offset, &mask, &address, &size) >= 0);
        const StoredChunk& entry = index->at({chunk});
        CHECK(entry.allocated);
        CHECK(entry.address == address);
        CHECK(entry.size == size);
    }
    H5Dclose(dataset);
    H5Fclose(file);
    std::vector<double> out(3);
    source.read({{49999, 50002}}, out.data());
    CHECK(out == std::vector<double>{49999, 50000, 50001});
}

TEST_CASE("without a parseable tree, small datasets are indexed through HDF5 and large ones are not",
          "[io][hdf5][btree]") {
    test_support::TempFile temp("btree_v4.h5");
    Layout layout;
    layout.low = H5F_LIBVER_LATEST;
    layout.chunks = {1};
    SECTION("small") {
        layout.shape = {100};
        write_file(temp.path(), layout);
        HDF5Source source(temp.path(), "/x");
        REQUIRE(source.impl().chunk_index_or_null() != nullptr);
        CHECK(source.impl().chunk_index_or_null()->at({37}).allocated);
    }
    SECTION("large") {
        layout.shape = {HDF5ChunkIndex::max_chunks_by_coord + 1};
        write_file(temp.path(), layout);
        HDF5Source source(temp.path(), "/x");
#ifdef CHUNKARR_HAVE_H5DCHUNK_ITER
        CHECK(source.impl().chunk_index_or_null() != nullptr);  // H5Dchunk_iter lists any index type
#else
        CHECK(source.impl().chunk_index_or_null() == nullptr);
#endif
        std::vector<double> out(2);
        source.read({{2047, 2049}}, out.data());  // still read, chunk by chunk under the lock
        CHECK(out == std::vector<double>{2047, 2048});
    }
}
