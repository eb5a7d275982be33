#include <chunkarr/core/error.hpp>
#include <chunkarr/io/hdf5/source.hpp>

#include "io/hdf5/chunk_btree.hpp"
#include "io/hdf5/chunk_index.hpp"
#include "io/hdf5/source_impl.hpp"
#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <algorithm>
#include <fstream>
#include <hdf5.h>
#include <map>
#include <memory>
#include <numeric>
#include <random>

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

ChunkGeometry geometry_of(const Layout& layout) {
    return ChunkGeometry{std::vector<std::uint64_t>(layout.shape.begin(), layout.shape.end()),
                         std::vector<std::uint64_t>(layout.chunks.begin(), layout.chunks.end()), layout.gzip ? 1u : 0u};
}

// walk_chunk_btree's answer; `listing` gets the chunks it visits.
ChunkTreeWalk walk_file(const std::string& path, const Layout& layout, Listing& listing,
                        std::size_t max_chunks = 1u << 30) {
    RawFile file(path);
    return walk_chunk_btree(
        file, HDF5Addressing{layout.userblock, 8, 8}, test_support::object_header_address(path, "/x"),
        geometry_of(layout), max_chunks,
        [&](const std::uint64_t* offsets, std::uint32_t mask, std::uint64_t address, std::uint32_t size) {
            listing[std::vector<std::uint64_t>(offsets, offsets + layout.shape.size())] = {address, size, mask, true};
        });
}

// walk_chunk_btree's listing, or nullopt when it declines or finds the tree damaged.
std::optional<Listing> listing_from_walk(const std::string& path, const Layout& layout,
                                         std::size_t max_chunks = 1u << 30) {
    Listing listing;
    if (!walk_file(path, layout, listing, max_chunks).listed()) return std::nullopt;
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

// A square float64 /x of `side` x `side` in square chunks, written whole or only its first chunk.
Layout write_square(const std::string& path, hsize_t side, hsize_t chunk, bool everything = true) {
    Layout layout;
    layout.shape = {side, side};
    layout.chunks = {chunk, chunk};
    layout.write_everything = everything;
    write_file(path, layout);
    return layout;
}

// A file's bytes, to damage by hand.
class FileBytes {
public:
    explicit FileBytes(std::string path) : path_(std::move(path)) {
        std::ifstream in(path_, std::ios::binary);
        bytes_.assign(std::istreambuf_iterator<char>(in), {});
    }
    void save() const { std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes_; }
    std::size_t size() const { return bytes_.size(); }
    std::uint64_t get(std::size_t at, unsigned width) const {
        std::uint64_t value = 0;
        for (unsigned i = 0; i < width; ++i)
            value |= std::uint64_t{static_cast<unsigned char>(bytes_.at(at + i))} << (8 * i);
        return value;
    }
    void set(std::size_t at, std::uint64_t value, unsigned width) {
        for (unsigned i = 0; i < width; ++i) bytes_.at(at + i) = static_cast<char>((value >> (8 * i)) & 0xff);
    }
    std::string& bytes() { return bytes_; }

private:
    std::string path_;
    std::string bytes_;
};

// A chunk B-tree node (node type 1) where HDF5 put it, in a file with 8-byte addresses and
// sizes and no userblock; `width` offsets per key (rank + 1).
struct TreeNode {
    std::size_t at;  // file position of "TREE" (= its address)
    unsigned level;
    unsigned entries;
    std::size_t width;
    std::size_t key_size() const { return 8 + 8 * width; }
    std::size_t key(std::size_t i) const { return at + 24 + i * (key_size() + 8); }  // size, mask, offsets
    std::size_t offset(std::size_t i, std::size_t axis) const { return key(i) + 8 + 8 * axis; }
    std::size_t child(std::size_t i) const { return key(i) + key_size(); }
};

// Every chunk B-tree node in the file (found by signature; a file of one dataset).
std::vector<TreeNode> chunk_nodes(const FileBytes& file, std::string& bytes, std::size_t width) {
    std::vector<TreeNode> nodes;
    for (auto at = bytes.find("TREE"); at != std::string::npos; at = bytes.find("TREE", at + 1))
        if (bytes[at + 4] == 1)
            nodes.push_back(
                {at, static_cast<unsigned>(file.get(at + 5, 1)), static_cast<unsigned>(file.get(at + 6, 2)), width});
    return nodes;
}

// The walk's verdict on the damaged file: `outcome`, for `reason`, and nothing visited.
void require_damaged(const std::string& path, const Layout& layout, const std::string& reason,
                     ChunkTreeWalk::Outcome outcome = ChunkTreeWalk::Outcome::damaged) {
    Listing listing;
    const ChunkTreeWalk walk = walk_file(path, layout, listing);
    INFO("problem: " << walk.problem);
    CHECK(walk.outcome == outcome);
    CHECK(walk.problem.find(reason) != std::string::npos);
    CHECK(listing.empty());
}

// The index chunkarr builds (walk and cross-check) has exactly HDF5's chunks.
void require_index_matches_hdf5(const std::string& path, const Layout& layout) {
    HDF5Source source(path, "/x");
    const HDF5ChunkIndex* index = source.impl().chunk_index_or_null();
    REQUIRE(index != nullptr);
    const Listing theirs = listing_from_hdf5(path, layout);
    std::size_t stored = 0;
    std::vector<Index> chunk(layout.shape.size(), 0);
    for (std::size_t flat = 0; flat < index->size(); ++flat) {
        std::size_t rest = flat;
        std::vector<std::uint64_t> origin(chunk.size());
        for (std::size_t axis = chunk.size(); axis-- > 0;) {
            chunk[axis] = static_cast<Index>(rest % static_cast<std::size_t>(index->grid()[axis]));
            rest /= static_cast<std::size_t>(index->grid()[axis]);
            origin[axis] = static_cast<std::uint64_t>(chunk[axis]) * layout.chunks[axis];
        }
        const StoredChunk& mine = index->at(chunk);
        const auto found = theirs.find(origin);
        INFO("chunk at offset[0] = " << origin[0]);
        REQUIRE(mine.allocated == (found != theirs.end()));
        if (!mine.allocated) continue;
        ++stored;
        CHECK(mine.address == found->second.address);
        CHECK(mine.size == found->second.size);
        CHECK(mine.filter_mask == found->second.filter_mask);
    }
    CHECK(stored == theirs.size());
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
    require_index_matches_hdf5(temp.path(), layout);  // and through every check of the index
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

TEST_CASE("the B-tree walk refuses a damaged leaf and says why", "[io][hdf5][btree]") {
    test_support::TempFile temp("btree_damaged_leaf.h5");
    // 25 chunks of 512 bytes, in one leaf: entry i is the chunk at (i / 5 * 8, i % 5 * 8).
    const Layout layout = write_square(temp.path(), 40, 8);
    FileBytes file(temp.path());
    REQUIRE(walk_file(temp.path(), layout, *std::make_unique<Listing>()).listed());
    const std::vector<TreeNode> nodes = chunk_nodes(file, file.bytes(), 3);
    REQUIRE(nodes.size() == 1);
    const TreeNode leaf = nodes[0];
    REQUIRE(leaf.level == 0);
    REQUIRE(leaf.entries == 25);
    std::string reason;
    auto outcome = ChunkTreeWalk::Outcome::damaged;
    SECTION("two keys swapped") {
        const std::size_t entry = leaf.key_size() + 8;
        const std::string first = file.bytes().substr(leaf.key(1), entry);
        file.bytes().replace(leaf.key(1), entry, file.bytes().substr(leaf.key(2), entry));
        file.bytes().replace(leaf.key(2), entry, first);
        reason = "entries 1 and 2 of the B-tree node at address " + std::to_string(leaf.at) + " are out of order";
    }
    SECTION("a key whose datatype offset is not 0") {
        file.set(leaf.offset(1, 2), 8, 8);
        reason = "the chunk at (0, 8) (entry 1 of the B-tree node at address " + std::to_string(leaf.at) +
                 "): its key ends in 8, not 0 (the offset into the datatype)";
    }
    SECTION("an origin off the chunk grid") {
        file.set(leaf.offset(1, 1), 9, 8);  // (0, 8) -> (0, 9): still in key order
        reason = "the chunk at (0, 9) (entry 1 of the B-tree node at address " + std::to_string(leaf.at) +
                 ") is not on the chunk grid";
    }
    SECTION("the same origin twice") {
        file.set(leaf.offset(2, 1), 8, 8);  // (0, 16) -> (0, 8), like entry 1
        reason = "the chunk at (0, 8) is listed twice";
    }
    SECTION("an origin outside the extent") {
        file.set(leaf.offset(24, 1), 40, 8);  // (32, 32) -> (32, 40), and a final key above it
        file.set(leaf.offset(25, 0), 40, 8);
        file.set(leaf.offset(25, 1), 48, 8);
        reason = "the chunk at (32, 40) (entry 24 of the B-tree node at address " + std::to_string(leaf.at) +
                 ") starts outside the dataset's extent (40, 40)";
    }
    SECTION("a chunk past the end of the file") {
        file.set(leaf.child(24), file.size() - 100, 8);
        reason = "past the end of the file";
        outcome = ChunkTreeWalk::Outcome::past_end;  // a truncated file looks the same
    }
    SECTION("a chunk that shares bytes with another") {
        file.set(leaf.child(1), file.get(leaf.child(0), 8) + 256, 8);  // as in regressions/btree-key.h5
        reason = "overlaps the chunk at (0, 0)";
    }
    SECTION("a chunk inside the tree node") {
        file.set(leaf.child(3), leaf.at + 64, 8);
        reason = "overlaps the B-tree node at address " + std::to_string(leaf.at);
    }
    SECTION("a chunk at the undefined address") {
        file.set(leaf.child(2), ~std::uint64_t{0}, 8);
        reason = "names no place in the file";
    }
    SECTION("an unfiltered chunk of the wrong size") {
        file.set(leaf.key(1), 511, 4);
        reason = "is stored unfiltered in 511 bytes, but a chunk holds 512";
    }
    SECTION("a chunk of 0 bytes") {
        file.set(leaf.key(1), 0, 4);
        reason = "has a stored size of 0 bytes";
    }
    SECTION("more entries than a node holds") {
        file.set(leaf.at + 6, 65, 2);
        reason = "uses 65 entries, more than the 64 a node holds";
    }
    SECTION("a node of another type") {
        file.set(leaf.at + 4, 0, 1);
        reason = "has node type 0, not 1";
    }
    SECTION("a sibling where there is none") {
        file.set(leaf.at + 16, leaf.at, 8);  // the right sibling of the only node
        reason = "is the last node at level 0 but names a right sibling";
    }
    SECTION("a final key below the last entry") {
        file.set(leaf.offset(25, 0), 0, 8);
        file.set(leaf.offset(25, 1), 0, 8);
        file.set(leaf.offset(25, 2), 0, 8);
        reason = "is not above its last entry's key";
    }
    file.save();
    require_damaged(temp.path(), layout, reason, outcome);
}

TEST_CASE("the B-tree walk refuses a damaged tree of several levels and says why", "[io][hdf5][btree]") {
    test_support::TempFile temp("btree_damaged_tree.h5");
    Layout layout;
    layout.shape = {203, 61};
    layout.chunks = {3, 2};  // 2108 chunks: a root over leaves
    write_file(temp.path(), layout);
    FileBytes file(temp.path());
    const std::vector<TreeNode> nodes = chunk_nodes(file, file.bytes(), 3);
    const auto root = std::max_element(nodes.begin(), nodes.end(),
                                       [](const TreeNode& a, const TreeNode& b) { return a.level < b.level; });
    REQUIRE(root->level == 1);
    REQUIRE(root->entries > 3);
    const auto node_at = [&](std::uint64_t address) {
        const auto found = std::find_if(nodes.begin(), nodes.end(), [&](const TreeNode& n) { return n.at == address; });
        REQUIRE(found != nodes.end());
        return *found;
    };
    const TreeNode second = node_at(file.get(root->child(1), 8));
    std::string reason;
    auto outcome = ChunkTreeWalk::Outcome::damaged;
    SECTION("a child past the end of the file") {
        file.set(root->child(1), file.size() + 4096, 8);
        reason = "entry 1 of the B-tree node at address " + std::to_string(root->at) +
                 " points to a child node at address " + std::to_string(file.size() + 4096);
        outcome = ChunkTreeWalk::Outcome::past_end;
    }
    SECTION("a child at the undefined address") {
        file.set(root->child(1), ~std::uint64_t{0}, 8);
        reason = "points to a child node at the undefined address";
    }
    SECTION("a child that is no tree node") {
        file.set(root->child(1), file.get(second.child(0), 8), 8);  // a chunk's bytes
        reason = "which holds no B-tree node (no TREE signature)";
    }
    SECTION("a child that is another node") {
        file.set(root->child(1), file.get(root->child(2), 8), 8);
        reason = "starts at key";
    }
    SECTION("a leaf at the wrong level") {
        file.set(second.at + 5, 1, 1);
        reason = "is at level 1, but its parent (entry 1 of the B-tree node at address " + std::to_string(root->at);
    }
    SECTION("a parent key that disagrees with its child") {
        // The key between the first two leaves moves; the first leaf still ends at the old one.
        file.set(root->offset(1, 1), file.get(root->offset(1, 1), 8) + 1, 8);
        reason = "but the key after entry 0 of its parent at address " + std::to_string(root->at);
    }
    SECTION("siblings that do not chain") {
        file.set(second.at + 8, second.at, 8);  // its left sibling: itself
        reason = "names its left sibling at address " + std::to_string(second.at);
    }
    SECTION("an internal node with no entries") {
        file.set(root->at + 6, 0, 2);
        reason = "uses no entries";
    }
    file.save();
    require_damaged(temp.path(), layout, reason, outcome);
}

// Where HDF5 has H5Dchunk_iter (>= 1.14) the index is HDF5's own listing, not this walk.
#ifndef CHUNKARR_HAVE_H5DCHUNK_ITER
TEST_CASE("a damaged chunk index is a FormatError naming the file, the dataset and the chunk", "[io][hdf5][btree]") {
    test_support::TempFile temp("btree_damaged_source.h5");
    write_square(temp.path(), 16, 8);
    FileBytes file(temp.path());
    const std::vector<TreeNode> nodes = chunk_nodes(file, file.bytes(), 3);
    REQUIRE(nodes.size() == 1);
    file.set(nodes[0].offset(1, 2), 0x88000000000000, 8);  // the damage of regressions/btree-key.h5
    file.save();
    HDF5Source source(temp.path(), "/x");
    std::vector<double> out(256);
    for (int attempt = 0; attempt < 2; ++attempt) {  // the index is not left half-built
        try {
            source.read({{0, 16}, {0, 16}}, out.data());
            FAIL("a damaged chunk index was read");
        } catch (const FormatError& e) {
            const std::string message = e.what();
            INFO(message);
            CHECK(message.find(temp.path() + ":/x: damaged chunk index: ") == 0);
            CHECK(message.find("(0, 8)") != std::string::npos);
            CHECK(message.find("its key ends in 38280596832649216, not 0") != std::string::npos);
        }
    }
}

#endif

TEST_CASE("valid trees pass every check, and the index is HDF5's listing", "[io][hdf5][btree]") {
    test_support::TempFile temp("btree_valid.h5");
    Layout layout;
    SECTION("a userblock and gzip") {
        layout.userblock = 512;
        layout.shape = {5000};
        layout.chunks = {7};
        layout.gzip = true;
        write_file(temp.path(), layout);
    }
    SECTION("more chunks than are all checked against HDF5") {
        layout.shape = {3 * HDF5ChunkIndex::lookup_all};
        layout.chunks = {2};
        write_file(temp.path(), layout);
    }
    SECTION("a dataset grown, written chunk by chunk in random order, rewritten and shrunk") {
        // Chunks allocated out of key order, gzip chunks rewritten with other sizes (the keys in
        // the parents keep the first sizes), chunks and nodes removed by the shrinking.
        layout.shape = {97, 89};
        layout.chunks = {4, 3};
        layout.gzip = true;
        const std::vector<hsize_t> first{60, 60}, largest{120, 120}, unlimited{H5S_UNLIMITED, H5S_UNLIMITED};
        hid_t file = H5Fcreate(temp.path().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        hid_t space = H5Screate_simple(2, first.data(), unlimited.data());
        hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
        H5Pset_chunk(dcpl, 2, layout.chunks.data());
        H5Pset_deflate(dcpl, 1);
        hid_t dataset = H5Dcreate2(file, "/x", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        REQUIRE(dataset >= 0);
        REQUIRE(H5Dset_extent(dataset, largest.data()) >= 0);
        std::vector<std::size_t> order(30 * 40);
        std::iota(order.begin(), order.end(), 0);
        std::mt19937 random(7);
        std::shuffle(order.begin(), order.end(), random);
        order.resize(order.size() * 3 / 4);  // a quarter never written
        for (int pass = 0; pass < 2; ++pass) {
            for (const std::size_t c : order) {
                const std::vector<hsize_t> start{c / 40 * 4, c % 40 * 3}, count{4, 3};
                std::vector<double> values(12);
                for (double& v : values) v = pass == 0 ? 1.0 : static_cast<double>(random() % 1000);
                hid_t file_space = H5Dget_space(dataset);
                H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
                hid_t memory = H5Screate_simple(2, count.data(), nullptr);
                REQUIRE(H5Dwrite(dataset, H5T_NATIVE_DOUBLE, memory, file_space, H5P_DEFAULT, values.data()) >= 0);
                H5Sclose(memory);
                H5Sclose(file_space);
            }
            if (pass == 0) H5Fflush(file, H5F_SCOPE_GLOBAL);
        }
        REQUIRE(H5Dset_extent(dataset, layout.shape.data()) >= 0);
        H5Dclose(dataset);
        H5Pclose(dcpl);
        H5Sclose(space);
        H5Fclose(file);
    }
    require_index_matches_hdf5(temp.path(), layout);
}

#ifndef CHUNKARR_HAVE_H5DCHUNK_ITER
TEST_CASE("a chunk index that disagrees with HDF5 is an error", "[io][hdf5][btree]") {
    // The walk reads the bytes in the file; HDF5 answers from what it holds in memory. While this
    // process writes the file through HDF5 without flushing, the two differ: the chunk written
    // last is in HDF5's tree but not in the file's.
    test_support::TempFile temp("btree_disagrees.h5");
    write_square(temp.path(), 40, 8, false);
    hid_t file = H5Fopen(temp.path().c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    REQUIRE(file >= 0);
    hid_t dataset = H5Dopen2(file, "/x", H5P_DEFAULT);
    const std::vector<hsize_t> start{32, 32}, count{8, 8};
    hid_t file_space = H5Dget_space(dataset);
    H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
    hid_t memory = H5Screate_simple(2, count.data(), nullptr);
    std::vector<double> values(64, 5.0);
    REQUIRE(H5Dwrite(dataset, H5T_NATIVE_DOUBLE, memory, file_space, H5P_DEFAULT, values.data()) >= 0);
    H5Sclose(memory);
    H5Sclose(file_space);
    {
        HDF5Source source(temp.path(), "/x");
        try {
            source.impl().chunk_index_or_null();
            FAIL("the index was trusted");
        } catch (const FormatError& e) {
            const std::string message = e.what();
            INFO(message);
            CHECK(message.find(temp.path() +
                               ":/x: chunk index entry for the chunk at (32, 32) disagrees with HDF5 (") == 0);
            CHECK(message.find("(no chunk vs 512 bytes): the file is damaged, or being written") != std::string::npos);
        }
    }
    H5Dclose(dataset);
    H5Fclose(file);
}
#endif
