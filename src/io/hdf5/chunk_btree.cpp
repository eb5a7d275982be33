// Formats from the HDF5 File Format Specification (version 3): object headers (IV.A.1.a, v1 and
// IV.A.1.b, v2), the Data Layout message (IV.A.2.i, version 3) and v1 B-tree nodes of type 1
// (III.A.1). Everything read is bounds-checked; a value that does not fit the format makes the
// walk give up (return false) rather than guess.
#include "io/hdf5/chunk_btree.hpp"

#include <chunkarr/core/error.hpp>

#include <cstring>
#include <vector>

namespace chunkarr {

namespace {

constexpr std::uint16_t layout_message = 0x0008;
constexpr std::uint16_t continuation_message = 0x0010;
constexpr int max_header_blocks = 4096;  // continuation blocks followed before giving up
constexpr int max_tree_depth = 64;

struct Malformed {};  // thrown inside the walk, turned into `false` at the top

// The file's bytes [offset, offset + size), copied (the file may be mapped or not).
std::vector<std::uint8_t> bytes_at(const RawFile& file, std::uint64_t offset, std::size_t size) {
    std::vector<std::uint8_t> bytes(size);
    try {
        file.read_at(offset, size, reinterpret_cast<std::byte*>(bytes.data()));
    } catch (const Error&) {
        throw Malformed{};
    }
    return bytes;
}

// A little-endian cursor over a byte buffer.
class Reader {
public:
    Reader(const std::vector<std::uint8_t>& bytes, std::size_t position = 0) : bytes_(bytes), position_(position) {}
    std::uint64_t uint(unsigned width) {
        need(width);
        std::uint64_t value = 0;
        for (unsigned i = 0; i < width; ++i) value |= std::uint64_t{bytes_[position_ + i]} << (8 * i);
        position_ += width;
        return value;
    }
    void skip(std::size_t count) {
        need(count);
        position_ += count;
    }
    bool signature(const char* text) {
        need(4);
        const bool same = std::memcmp(bytes_.data() + position_, text, 4) == 0;
        position_ += 4;
        return same;
    }
    std::size_t position() const { return position_; }
    std::size_t remaining() const { return bytes_.size() - position_; }

private:
    void need(std::size_t count) const {
        if (count > bytes_.size() - position_) throw Malformed{};
    }
    const std::vector<std::uint8_t>& bytes_;
    std::size_t position_;
};

struct Layout {
    std::uint64_t btree = 0;  // relative address of the root node
    unsigned dimensionality = 0;
};

std::optional<Layout> parse_layout(const std::vector<std::uint8_t>& data, const HDF5Addressing& addressing) {
    Reader reader(data);
    if (reader.uint(1) != 3 || reader.uint(1) != 2) return std::nullopt;  // version 3, chunked
    Layout layout;
    layout.dimensionality = static_cast<unsigned>(reader.uint(1));
    layout.btree = reader.uint(addressing.sizeof_addr);
    return layout;
}

// A block of header messages still to scan: where (relative address) and how long.
struct Block {
    std::uint64_t address;
    std::uint64_t length;
};

using Message = std::vector<std::uint8_t>;

// One header message: the layout (found), a continuation (another block to scan), or neither.
std::optional<Message> read_message(std::uint16_t type, const std::uint8_t* data, std::size_t size,
                                    const HDF5Addressing& addressing, std::vector<Block>& more) {
    const std::vector<std::uint8_t> bytes(data, data + size);
    if (type == layout_message) return bytes;
    if (type == continuation_message) {
        Reader message(bytes);
        const std::uint64_t address = message.uint(addressing.sizeof_addr);
        more.push_back({address, message.uint(addressing.sizeof_size)});
    }
    return std::nullopt;
}

// Scans one block of v1 messages (8-byte aligned, 8-byte message headers).
std::optional<Message> scan_v1_messages(const std::vector<std::uint8_t>& block, std::size_t start,
                                        const HDF5Addressing& addressing, std::vector<Block>& more) {
    Reader reader(block, start);
    while (reader.remaining() >= 8) {
        const auto type = static_cast<std::uint16_t>(reader.uint(2));
        const auto size = static_cast<std::size_t>(reader.uint(2));
        reader.skip(4);  // flags, reserved
        if (size > reader.remaining()) throw Malformed{};
        const std::uint8_t* data = block.data() + reader.position();
        reader.skip(size);
        if (auto layout = read_message(type, data, size, addressing, more)) return layout;
    }
    return std::nullopt;
}

// Scans one block of v2 messages, [start, end) of `block`; `creation_order`: each message header
// carries a 2-byte creation index.
std::optional<Message> scan_v2_messages(const std::vector<std::uint8_t>& block, std::size_t start, std::size_t end,
                                        bool creation_order, const HDF5Addressing& addressing,
                                        std::vector<Block>& more) {
    if (end > block.size() || start > end) throw Malformed{};
    const std::vector<std::uint8_t> region(block.begin() + static_cast<std::ptrdiff_t>(start),
                                           block.begin() + static_cast<std::ptrdiff_t>(end));
    Reader reader(region);
    const std::size_t header = creation_order ? 6 : 4;
    while (reader.remaining() >= header) {  // what is left after the last message is a gap
        const auto type = static_cast<std::uint16_t>(reader.uint(1));
        const auto size = static_cast<std::size_t>(reader.uint(2));
        reader.skip(header - 3);
        if (size > reader.remaining()) throw Malformed{};
        const std::uint8_t* data = region.data() + reader.position();
        reader.skip(size);
        if (auto layout = read_message(type, data, size, addressing, more)) return layout;
    }
    return std::nullopt;
}

std::optional<Message> find_layout(const RawFile& file, const HDF5Addressing& addressing, std::uint64_t object_header) {
    const std::uint64_t absolute = addressing.base + object_header;
    std::vector<Block> more;
    bool version2 = false;
    bool creation_order = false;
    {
        const std::vector<std::uint8_t> prefix = bytes_at(file, absolute, 16);
        Reader reader(prefix);
        if (prefix[0] == 1) {  // version 1: 16-byte prefix, then the first block
            reader.skip(8);
            const std::uint64_t size = reader.uint(4);
            const std::vector<std::uint8_t> block = bytes_at(file, absolute + 16, size);
            if (auto layout = scan_v1_messages(block, 0, addressing, more)) return layout;
        } else if (reader.signature("OHDR") && reader.uint(1) == 2) {
            version2 = true;
            const auto flags = static_cast<unsigned>(reader.uint(1));
            creation_order = (flags & 0x04) != 0;
            std::size_t prefix_size = 6 + ((flags & 0x20) ? 16 : 0) + ((flags & 0x10) ? 4 : 0);
            const unsigned size_width = 1u << (flags & 0x03);
            const std::vector<std::uint8_t> header = bytes_at(file, absolute, prefix_size + size_width);
            Reader size_reader(header, prefix_size);
            const std::uint64_t chunk0 = size_reader.uint(size_width);
            prefix_size += size_width;
            const std::vector<std::uint8_t> block = bytes_at(file, absolute + prefix_size, chunk0);
            if (auto layout = scan_v2_messages(block, 0, block.size(), creation_order, addressing, more)) return layout;
        } else {
            return std::nullopt;
        }
    }
    for (std::size_t next = 0; next < more.size(); ++next) {
        if (next >= static_cast<std::size_t>(max_header_blocks)) throw Malformed{};
        const std::vector<std::uint8_t> block = bytes_at(file, addressing.base + more[next].address, more[next].length);
        std::optional<Message> layout;
        if (version2) {
            Reader reader(block);
            if (!reader.signature("OCHK") || block.size() < 8) throw Malformed{};
            layout = scan_v2_messages(block, 4, block.size() - 4, creation_order, addressing, more);
        } else {
            layout = scan_v1_messages(block, 0, addressing, more);
        }
        if (layout) return layout;
    }
    return std::nullopt;
}

struct ChunkRecord {
    std::vector<std::uint64_t> offsets;
    std::uint32_t filter_mask;
    std::uint64_t address;
    std::uint32_t size;
};

void walk_node(const RawFile& file, const HDF5Addressing& addressing, const Layout& layout, std::uint64_t address,
               int expected_level, std::size_t max_chunks, std::vector<ChunkRecord>& records) {
    const unsigned sa = addressing.sizeof_addr;
    const std::size_t node_header = 8 + 2 * static_cast<std::size_t>(sa);
    const std::vector<std::uint8_t> header = bytes_at(file, addressing.base + address, node_header);
    Reader reader(header);
    if (!reader.signature("TREE") || reader.uint(1) != 1) throw Malformed{};
    const int level = static_cast<int>(reader.uint(1));
    if (level > max_tree_depth || (expected_level >= 0 && level != expected_level)) throw Malformed{};
    const auto entries = static_cast<std::size_t>(reader.uint(2));
    const std::size_t key_size = 8 + 8 * static_cast<std::size_t>(layout.dimensionality);
    const std::vector<std::uint8_t> body =
        bytes_at(file, addressing.base + address + node_header, entries * (key_size + sa) + key_size);
    Reader entry(body);
    for (std::size_t i = 0; i < entries; ++i) {
        ChunkRecord record;
        record.size = static_cast<std::uint32_t>(entry.uint(4));
        record.filter_mask = static_cast<std::uint32_t>(entry.uint(4));
        record.offsets.resize(layout.dimensionality - 1);
        for (auto& offset : record.offsets) offset = entry.uint(8);
        entry.skip(8);  // the element-size "axis", always 0
        const std::uint64_t child = entry.uint(sa);
        if (level > 0) {
            walk_node(file, addressing, layout, child, level - 1, max_chunks, records);
        } else {
            // A damaged tree could list the same children again and again: stop at the count
            // the dataset can hold.
            if (records.size() == max_chunks) throw Malformed{};
            record.address = addressing.base + child;
            records.push_back(std::move(record));
        }
    }
}

}  // namespace

bool walk_chunk_btree(const RawFile& file, const HDF5Addressing& addressing, std::uint64_t object_header, unsigned rank,
                      std::size_t max_chunks, const ChunkVisitor& visit) {
    if (addressing.sizeof_addr < 2 || addressing.sizeof_addr > 8 || addressing.sizeof_size < 2 ||
        addressing.sizeof_size > 8)
        return false;
    std::vector<ChunkRecord> records;
    try {
        const std::optional<Message> message = find_layout(file, addressing, object_header);
        const std::optional<Layout> layout = message ? parse_layout(*message, addressing) : std::nullopt;
        if (!layout || layout->dimensionality != rank + 1) return false;
        const std::uint64_t undefined =
            addressing.sizeof_addr == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * addressing.sizeof_addr)) - 1;
        if (layout->btree != undefined) walk_node(file, addressing, *layout, layout->btree, -1, max_chunks, records);
    } catch (const Malformed&) {
        return false;
    }
    for (const ChunkRecord& record : records)
        visit(record.offsets.data(), record.filter_mask, record.address, record.size);
    return true;
}

std::optional<std::vector<std::uint8_t>> read_layout_message(const RawFile& file, const HDF5Addressing& addressing,
                                                             std::uint64_t object_header) {
    try {
        return find_layout(file, addressing, object_header);
    } catch (const Malformed&) {
        return std::nullopt;
    }
}

}  // namespace chunkarr
