// Formats from the HDF5 File Format Specification (version 3): the Data Layout message (IV.A.2.i,
// version 3, found by io/hdf5/object_header) and v1 B-tree nodes of type 1 (III.A.1).
// Everything read is bounds-checked. An object header this walk cannot read makes it
// give up (the caller asks HDF5, which opened the dataset); a tree that does not fit the format
// or the dataset is damaged, and the walk says where.
#include "io/hdf5/chunk_btree.hpp"

#include <chunkarr/core/error.hpp>

#include <algorithm>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

namespace chunkarr {

namespace {

constexpr unsigned max_tree_depth = 64;

struct Damaged {  // thrown while reading the tree: the file is damaged
    std::string problem;
    bool past_end = false;  // a node or chunk lies past the end of the file
};

struct Layout {
    std::uint64_t btree = 0;  // relative address of the root node
    unsigned dimensionality = 0;
    std::vector<std::uint64_t> dims;  // chunk size per axis, then the element size in bytes
};

// A version-3 chunked Data Layout message: version, class, dimensionality, B-tree address,
// dimensions (4 bytes each); nullopt for anything else.
std::optional<Layout> parse_layout(const HeaderMessage& data, const HDF5Addressing& addressing) {
    if (data.size() < 3 || data[0] != 3 || data[1] != 2) return std::nullopt;
    Layout layout;
    layout.dimensionality = data[2];
    if (data.size() < 3 + addressing.sizeof_addr + 4 * std::size_t{layout.dimensionality}) return std::nullopt;
    layout.btree = load_le(data.data() + 3, addressing.sizeof_addr);
    for (unsigned axis = 0; axis < layout.dimensionality; ++axis)
        layout.dims.push_back(load_le(data.data() + 3 + addressing.sizeof_addr + 4 * axis, 4));
    return layout;
}

// "(0, 8)"
std::string tuple_text(const std::uint64_t* values, std::size_t count) {
    std::string text = "(";
    for (std::size_t i = 0; i < count; ++i) {
        if (i) text += ", ";
        text += std::to_string(values[i]);
    }
    return text + ")";
}

// Keys compare as HDF5 compares them: lexicographically, all offsets (the datatype's last).
int compare_keys(const std::uint64_t* a, const std::uint64_t* b, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i)
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
}

// The checks of walk_chunk_btree (see there), over a tree that is read node by node, depth first.
// Addresses are kept relative to the base (as the file stores them, and as HDF5's tools print
// them) until the chunks are visited.
class TreeWalker {
public:
    TreeWalker(const RawFile& file, const HDF5Addressing& addressing, const Layout& layout,
               const ChunkGeometry& geometry, std::size_t max_chunks)
        : file_(file),
          addressing_(addressing),
          geometry_(geometry),
          max_chunks_(max_chunks),
          rank_(geometry.shape.size()),
          width_(layout.dimensionality),
          key_size_(8 + 8 * std::size_t{layout.dimensionality}),
          capacity_(2 * std::size_t{addressing.chunk_node_k}),
          node_size_(8 + 2 * std::size_t{addressing.sizeof_addr} + capacity_ * addressing.sizeof_addr +
                     (capacity_ + 1) * key_size_),
          undefined_(addressing.undefined_address()) {
        chunk_bytes_ = 1;
        for (const std::uint64_t dim : layout.dims) chunk_bytes_ *= dim;
        const std::uint64_t size = file.size();
        end_ = size > addressing.base ? size - addressing.base : 0;
    }

    void walk(std::uint64_t root) {
        if (!inside_file(root, node_size_))
            outside("the layout message puts the root B-tree node at " + address_text(root), root, node_size_);
        walk_node(root, Parent{});
        for (std::size_t level = 0; level < last_at_level_.size(); ++level) {
            const auto& [address, right] = last_at_level_[level];
            if (right != undefined_)
                throw Damaged{node_text(address) + " is the last node at level " + std::to_string(level) +
                              " but names a right sibling at " + address_text(right)};
        }
        check_overlaps();
    }

    void visit(const ChunkVisitor& visit) const {
        for (std::size_t i = 0; i < chunks_.size(); ++i)
            visit(origins_.data() + i * rank_, chunks_[i].mask, addressing_.base + chunks_[i].address, chunks_[i].size);
    }

private:
    struct Chunk {
        std::uint64_t address;  // relative
        std::uint32_t size;
        std::uint32_t mask;
    };
    // Where a node hangs: entry `entry` of the node at `address` (level `level`), between the
    // keys `lower` and `upper`; the root has no parent.
    struct Parent {
        bool root = true;
        std::uint64_t address = 0;
        unsigned level = 0;
        std::size_t entry = 0;
        const std::uint64_t* lower = nullptr;
        const std::uint64_t* upper = nullptr;
    };

    std::string address_text(std::uint64_t address) const {
        return address == undefined_ ? std::string("the undefined address") : "address " + std::to_string(address);
    }
    std::string node_text(std::uint64_t address) const {
        return "the B-tree node at address " + std::to_string(address);
    }
    std::string entry_text(std::uint64_t node, std::size_t entry) const {
        return "entry " + std::to_string(entry) + " of " + node_text(node);
    }
    std::string chunk_text(const std::uint64_t* key, std::uint64_t node, std::size_t entry) const {
        return "the chunk at " + tuple_text(key, rank_) + " (" + entry_text(node, entry) + ")";
    }
    // Throws why [address, address + size), where `what` is, is not inside the file.
    [[noreturn]] void outside(const std::string& what, std::uint64_t address, std::uint64_t size) const {
        if (address == undefined_) throw Damaged{what + ", which names no place in the file"};
        if (address == 0) throw Damaged{what + ", where the superblock is"};
        throw Damaged{what + ", but " + std::to_string(size) + " bytes there end past the end of the file (address " +
                          std::to_string(end_) + ")",
                      true};
    }
    // Whether [address, address + size) lies inside the file, after the userblock and the
    // superblock's first byte.
    bool inside_file(std::uint64_t address, std::uint64_t size) const {
        return address != undefined_ && address > 0 && address <= end_ && size <= end_ - address;
    }

    void walk_node(std::uint64_t address, const Parent& parent) {
        std::vector<std::uint8_t> bytes(node_size_);
        try {
            file_.read_at(addressing_.base + address, bytes.size(), reinterpret_cast<std::byte*>(bytes.data()));
        } catch (const Error& e) {
            throw Damaged{"cannot read " + node_text(address) + ": " + e.what(), true};
        }
        const auto from = [&] {
            return parent.root ? std::string("the layout message") : entry_text(parent.address, parent.entry);
        };
        if (std::memcmp(bytes.data(), "TREE", 4) != 0)
            throw Damaged{from() + " points to address " + std::to_string(address) +
                          ", which holds no B-tree node (no TREE signature)"};
        if (bytes[4] != 1)
            throw Damaged{node_text(address) + " has node type " + std::to_string(bytes[4]) +
                          ", not 1 (raw data chunks)"};
        const unsigned level = bytes[5];
        if (parent.root && level > max_tree_depth)
            throw Damaged{node_text(address) + ", the root, claims level " + std::to_string(level) + " (at most " +
                          std::to_string(max_tree_depth) + ")"};
        if (!parent.root && level + 1 != parent.level)
            throw Damaged{node_text(address) + " is at level " + std::to_string(level) + ", but its parent (" + from() +
                          ") is at level " + std::to_string(parent.level)};
        const std::size_t entries = load_le(bytes.data() + 6, 2);
        if (entries > capacity_)
            throw Damaged{node_text(address) + " uses " + std::to_string(entries) + " entries, more than the " +
                          std::to_string(capacity_) + " a node holds"};
        if (entries == 0 && (level > 0 || !parent.root))
            throw Damaged{node_text(address) + " uses no entries (only an empty root leaf may)"};
        nodes_.push_back(address);

        // Keys and children alternate: key 0, child 0, key 1, ..., child n-1, key n.
        const std::uint8_t* cursor = bytes.data() + 8 + 2 * std::size_t{addressing_.sizeof_addr};
        std::vector<std::uint64_t> keys((entries + 1) * width_);
        std::vector<std::uint32_t> sizes(entries + 1), masks(entries + 1);
        std::vector<std::uint64_t> children(entries);
        for (std::size_t i = 0; i <= entries; ++i) {
            sizes[i] = static_cast<std::uint32_t>(load_le(cursor, 4));
            masks[i] = static_cast<std::uint32_t>(load_le(cursor + 4, 4));
            for (std::size_t axis = 0; axis < width_; ++axis)
                keys[i * width_ + axis] = load_le(cursor + 8 + 8 * axis, 8);
            cursor += key_size_;
            if (i < entries) {
                children[i] = load_le(cursor, addressing_.sizeof_addr);
                cursor += addressing_.sizeof_addr;
            }
        }
        const auto key = [&](std::size_t i) { return keys.data() + i * width_; };
        check_keys(address, level, entries, key, parent);
        check_siblings(address, level, load_le(bytes.data() + 8, addressing_.sizeof_addr),
                       load_le(bytes.data() + 8 + addressing_.sizeof_addr, addressing_.sizeof_addr));

        if (level > 0) {
            for (std::size_t i = 0; i < entries; ++i) {
                if (!inside_file(children[i], node_size_))
                    outside(entry_text(address, i) + " points to a child node at " + address_text(children[i]),
                            children[i], node_size_);
                walk_node(children[i], Parent{false, address, level, i, key(i), key(i + 1)});
            }
            return;
        }
        for (std::size_t i = 0; i < entries; ++i) check_chunk(address, i, key(i), sizes[i], masks[i], children[i]);
    }

    // Each level's nodes, met left to right, must name each other as siblings.
    void check_siblings(std::uint64_t address, unsigned level, std::uint64_t left, std::uint64_t right) {
        if (last_at_level_.size() <= level) last_at_level_.resize(level + 1, {undefined_, undefined_});
        auto& [previous, previous_right] = last_at_level_[level];
        if (left != previous)
            throw Damaged{node_text(address) + " names its left sibling at " + address_text(left) +
                          ", but the node before it at level " + std::to_string(level) + " is at " +
                          address_text(previous)};
        if (previous != undefined_ && previous_right != address)
            throw Damaged{node_text(previous) + " names its right sibling at " + address_text(previous_right) +
                          ", but the next node at level " + std::to_string(level) + " is at " + address_text(address)};
        previous = address;
        previous_right = right;
    }

    template <class Key>
    void check_keys(std::uint64_t address, unsigned level, std::size_t entries, const Key& key,
                    const Parent& parent) const {
        for (std::size_t i = 0; i < entries; ++i) {
            if (key(i)[rank_] != 0)
                throw Damaged{(level == 0 ? chunk_text(key(i), address, i)
                                          : entry_text(address, i) + " (key " + tuple_text(key(i), width_) + ")") +
                              ": its key ends in " + std::to_string(key(i)[rank_]) +
                              ", not 0 (the offset into the datatype)"};
            if (i == 0) continue;
            const int order = compare_keys(key(i - 1), key(i), width_);
            if (order == 0)
                throw Damaged{"entries " + std::to_string(i - 1) + " and " + std::to_string(i) + " of " +
                              node_text(address) + " have the same key" +
                              (level == 0 ? ": the chunk at " + tuple_text(key(i), rank_) + " is listed twice"
                                          : " " + tuple_text(key(i), width_))};
            if (order > 0)
                throw Damaged{"entries " + std::to_string(i - 1) + " and " + std::to_string(i) + " of " +
                              node_text(address) + " are out of order: key " + tuple_text(key(i - 1), width_) +
                              " before " + tuple_text(key(i), width_)};
        }
        if (parent.root) {
            if (entries > 0 && compare_keys(key(entries - 1), key(entries), width_) >= 0)
                throw Damaged{"the final key " + tuple_text(key(entries), width_) + " of " + node_text(address) +
                              " is not above its last entry's key " + tuple_text(key(entries - 1), width_)};
            return;
        }
        // A child spans exactly the keys around it in its parent.
        const auto in_parent = [&] {
            return "entry " + std::to_string(parent.entry) + " of its parent at address " +
                   std::to_string(parent.address);
        };
        if (compare_keys(key(0), parent.lower, width_) != 0)
            throw Damaged{node_text(address) + " starts at key " + tuple_text(key(0), width_) + ", but " + in_parent() +
                          " says " + tuple_text(parent.lower, width_)};
        if (compare_keys(key(entries), parent.upper, width_) != 0)
            throw Damaged{node_text(address) + " ends with key " + tuple_text(key(entries), width_) +
                          ", but the key after " + in_parent() + " is " + tuple_text(parent.upper, width_)};
    }

    void check_chunk(std::uint64_t node, std::size_t entry, const std::uint64_t* origin, std::uint32_t size,
                     std::uint32_t mask, std::uint64_t address) {
        for (std::size_t axis = 0; axis < rank_; ++axis) {
            if (origin[axis] % geometry_.chunk_shape[axis] != 0)
                throw Damaged{chunk_text(origin, node, entry) + " is not on the chunk grid (chunks of " +
                              tuple_text(geometry_.chunk_shape.data(), rank_) + ")"};
            if (origin[axis] >= geometry_.shape[axis])
                throw Damaged{chunk_text(origin, node, entry) + " starts outside the dataset's extent " +
                              tuple_text(geometry_.shape.data(), rank_)};
        }
        if (size == 0) throw Damaged{chunk_text(origin, node, entry) + " has a stored size of 0 bytes"};
        const std::uint32_t all_filters = geometry_.filters >= 32 ? ~0u : (1u << geometry_.filters) - 1;
        if ((mask & all_filters) == all_filters && size != chunk_bytes_)
            throw Damaged{chunk_text(origin, node, entry) + " is stored unfiltered in " + std::to_string(size) +
                          " bytes, but a chunk holds " + std::to_string(chunk_bytes_)};
        if (!inside_file(address, size))
            outside(chunk_text(origin, node, entry) + " is at " + address_text(address), address, size);
        if (chunks_.size() == max_chunks_)
            throw Damaged{"the tree lists more than " + std::to_string(max_chunks_) +
                          " chunks, all that the dataset can hold"};
        chunks_.push_back({address, size, mask});
        origins_.insert(origins_.end(), origin, origin + rank_);
    }

    // No byte belongs to two chunks, or to a chunk and a tree node.
    void check_overlaps() const {
        struct Range {
            std::uint64_t start, end;
            std::size_t chunk;  // index into chunks_, or `node`
        };
        constexpr std::size_t node = static_cast<std::size_t>(-1);
        const auto by_start = [](const Range& a, const Range& b) { return a.start < b.start; };
        // In key order, chunk addresses mostly rise in long runs (HDF5 allocates chunks as it
        // writes them out): the runs are merged rather than everything sorted again.
        std::vector<Range> chunks(chunks_.size()), nodes(nodes_.size());
        std::vector<std::size_t> runs{0};  // where each run starts
        for (std::size_t i = 0; i < chunks_.size(); ++i) {
            chunks[i] = {chunks_[i].address, chunks_[i].address + chunks_[i].size, i};
            if (i > 0 && chunks[i].start < chunks[i - 1].start) runs.push_back(i);
        }
        runs.push_back(chunks.size());
        while (runs.size() > 2) {  // merge neighbouring runs pairwise
            std::vector<std::size_t> merged{0};
            for (std::size_t r = 2; r < runs.size(); r += 2) {
                std::inplace_merge(chunks.begin() + static_cast<std::ptrdiff_t>(runs[r - 2]),
                                   chunks.begin() + static_cast<std::ptrdiff_t>(runs[r - 1]),
                                   chunks.begin() + static_cast<std::ptrdiff_t>(runs[r]), by_start);
                merged.push_back(runs[r]);
            }
            if (merged.back() != chunks.size()) merged.push_back(chunks.size());
            runs = std::move(merged);
        }
        for (std::size_t i = 0; i < nodes_.size(); ++i) nodes[i] = {nodes_[i], nodes_[i] + node_size_, node};
        std::sort(nodes.begin(), nodes.end(), by_start);
        const auto text = [&](const Range& range) {
            const std::string bytes =
                " (addresses [" + std::to_string(range.start) + ", " + std::to_string(range.end) + "))";
            if (range.chunk == node) return node_text(range.start) + bytes;
            return "the chunk at " + tuple_text(origins_.data() + range.chunk * rank_, rank_) + bytes;
        };
        // Both in address order, merged: each range must end before the next starts.
        const Range* previous = nullptr;
        for (std::size_t c = 0, n = 0; c < chunks.size() || n < nodes.size();) {
            const bool chunk_next = n == nodes.size() || (c < chunks.size() && chunks[c].start < nodes[n].start);
            const Range& next = chunk_next ? chunks[c++] : nodes[n++];
            if (previous && next.start < previous->end) throw Damaged{text(next) + " overlaps " + text(*previous)};
            previous = &next;
        }
    }

    const RawFile& file_;
    const HDF5Addressing& addressing_;
    const ChunkGeometry& geometry_;
    std::size_t max_chunks_;
    std::size_t rank_;
    std::size_t width_;  // offsets per key: rank + 1
    std::size_t key_size_;
    std::size_t capacity_;   // children per node
    std::size_t node_size_;  // bytes per node, whatever its entries
    std::uint64_t undefined_;
    std::uint64_t chunk_bytes_ = 0;
    std::uint64_t end_ = 0;                                               // the file's end, as an address
    std::vector<std::pair<std::uint64_t, std::uint64_t>> last_at_level_;  // address, right sibling
    std::vector<std::uint64_t> nodes_;
    std::vector<Chunk> chunks_;
    std::vector<std::uint64_t> origins_;  // rank per chunk
};

}  // namespace

ChunkTreeWalk walk_chunk_btree(const RawFile& file, const HDF5Addressing& addressing, std::uint64_t object_header,
                               const ChunkGeometry& geometry, std::size_t max_chunks, const ChunkVisitor& visit) {
    using Outcome = ChunkTreeWalk::Outcome;
    if (addressing.sizeof_addr < 2 || addressing.sizeof_addr > 8 || addressing.sizeof_size < 2 ||
        addressing.sizeof_size > 8 || addressing.chunk_node_k == 0 ||
        geometry.chunk_shape.size() != geometry.shape.size())
        return {};
    const std::size_t rank = geometry.shape.size();
    const auto messages = read_header_messages(file, addressing, object_header, header_message_type::layout, 1);
    const std::optional<Layout> layout =
        messages && !messages->empty() ? parse_layout(messages->front(), addressing) : std::nullopt;
    // What HDF5 read from the same message must be what this walk read.
    if (!layout || layout->dimensionality != rank + 1 || layout->dims.back() == 0) return {};
    for (std::size_t axis = 0; axis < rank; ++axis)
        if (layout->dims[axis] != geometry.chunk_shape[axis] || layout->dims[axis] == 0) return {};
    try {
        TreeWalker walker(file, addressing, *layout, geometry, max_chunks);
        if (layout->btree != addressing.undefined_address()) walker.walk(layout->btree);
        walker.visit(visit);
    } catch (const Damaged& damaged) {
        return {damaged.past_end ? Outcome::past_end : Outcome::damaged, damaged.problem};
    }
    return {Outcome::listed, {}};
}

}  // namespace chunkarr
