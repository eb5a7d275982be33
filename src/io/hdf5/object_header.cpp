#include "io/hdf5/object_header.hpp"

#include <chunkarr/core/error.hpp>

#include <bit>
#include <cstring>

namespace chunkarr {

namespace {

constexpr std::size_t max_header_blocks = 4096;  // continuation blocks followed before giving up

struct Malformed {};  // the header does not parse: read_header_messages gives up

// A little-endian cursor over [start, end) of a byte buffer.
class Cursor {
public:
    Cursor(const std::vector<std::uint8_t>& bytes, std::size_t start, std::size_t end)
        : bytes_(bytes), position_(start), end_(end) {
        if (end > bytes.size() || start > end) throw Malformed{};
    }
    std::uint64_t uint(unsigned width) {
        need(width);
        const std::uint64_t value = load_le(bytes_.data() + position_, width);
        position_ += width;
        return value;
    }
    const std::uint8_t* take(std::size_t count) {
        need(count);
        const std::uint8_t* at = bytes_.data() + position_;
        position_ += count;
        return at;
    }
    bool signature(const char* text) { return std::memcmp(take(4), text, 4) == 0; }
    std::size_t remaining() const { return end_ - position_; }

private:
    void need(std::size_t count) const {
        if (count > end_ - position_) throw Malformed{};
    }
    const std::vector<std::uint8_t>& bytes_;
    std::size_t position_, end_;
};

std::vector<std::uint8_t> bytes_or_throw(const RawFile& file, std::uint64_t offset, std::uint64_t size) {
    auto bytes = file_bytes(file, offset, size);
    if (!bytes) throw Malformed{};
    return std::move(*bytes);
}

// A block of header messages still to scan: where (relative address) and how long.
struct Block {
    std::uint64_t address;
    std::uint64_t length;
};

// One scan of an object header's blocks, collecting the messages of one type.
class MessageScan {
public:
    MessageScan(const HDF5Addressing& addressing, std::uint16_t type, std::size_t at_most)
        : addressing_(addressing), type_(type), at_most_(at_most) {}

    bool done() const { return found.size() >= at_most_; }

    // One block of v1 messages: 8-byte message headers (type 2, size 2, flags 1, reserved 3).
    void scan_v1(const std::vector<std::uint8_t>& block, std::size_t start, std::size_t end) {
        Cursor cursor(block, start, end);
        while (cursor.remaining() >= 8 && !done()) {
            const auto type = static_cast<std::uint16_t>(cursor.uint(2));
            const auto size = static_cast<std::size_t>(cursor.uint(2));
            cursor.take(4);
            take(type, cursor.take(size), size);
        }
    }

    // One block of v2 messages: type 1, size 2, flags 1 (+ creation index 2); what is left
    // after the last message is a gap.
    void scan_v2(const std::vector<std::uint8_t>& block, std::size_t start, std::size_t end, bool creation_order) {
        Cursor cursor(block, start, end);
        const std::size_t header = creation_order ? 6 : 4;
        while (cursor.remaining() >= header && !done()) {
            const auto type = static_cast<std::uint16_t>(cursor.uint(1));
            const auto size = static_cast<std::size_t>(cursor.uint(2));
            cursor.take(header - 3);
            take(type, cursor.take(size), size);
        }
    }

    std::vector<HeaderMessage> found;
    std::vector<Block> more;

private:
    void take(std::uint16_t type, const std::uint8_t* data, std::size_t size) {
        if (type == type_) found.emplace_back(data, data + size);
        if (type == header_message_type::continuation) {
            const std::vector<std::uint8_t> body(data, data + size);
            Cursor message(body, 0, body.size());
            const std::uint64_t address = message.uint(addressing_.sizeof_addr);
            more.push_back({address, message.uint(addressing_.sizeof_size)});
        }
    }

    const HDF5Addressing& addressing_;
    std::uint16_t type_;
    std::size_t at_most_;
};

}  // namespace

std::uint64_t load_le(const std::uint8_t* bytes, unsigned width) {
    if (width == 8 && std::endian::native == std::endian::little) {
        std::uint64_t value;
        std::memcpy(&value, bytes, 8);
        return value;
    }
    std::uint64_t value = 0;
    for (unsigned i = 0; i < width; ++i) value |= std::uint64_t{bytes[i]} << (8 * i);
    return value;
}

std::optional<std::vector<std::uint8_t>> file_bytes(const RawFile& file, std::uint64_t offset, std::uint64_t size) {
    const std::uint64_t end = file.size();
    if (offset > end || size > end - offset) return std::nullopt;
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
    try {
        file.read_at(offset, bytes.size(), reinterpret_cast<std::byte*>(bytes.data()));
    } catch (const Error&) {
        return std::nullopt;
    }
    return bytes;
}

std::optional<std::vector<HeaderMessage>> read_header_messages(const RawFile& file, const HDF5Addressing& addressing,
                                                               std::uint64_t object_header, std::uint16_t type,
                                                               std::size_t at_most) {
    if (addressing.sizeof_addr < 2 || addressing.sizeof_addr > 8 || addressing.sizeof_size < 2 ||
        addressing.sizeof_size > 8)
        return std::nullopt;
    MessageScan scan(addressing, type, at_most);
    try {
        const std::uint64_t absolute = addressing.base + object_header;
        const std::vector<std::uint8_t> prefix = bytes_or_throw(file, absolute, 16);
        Cursor cursor(prefix, 0, prefix.size());
        bool version2 = false, creation_order = false;
        if (prefix[0] == 1) {  // version 1: a 16-byte prefix (the last 4 of it padding), then the first block
            cursor.take(8);
            const std::uint64_t size = cursor.uint(4);
            const std::vector<std::uint8_t> block = bytes_or_throw(file, absolute + 16, size);
            scan.scan_v1(block, 0, block.size());
        } else if (cursor.signature("OHDR") && cursor.uint(1) == 2) {
            version2 = true;
            const auto flags = static_cast<unsigned>(cursor.uint(1));
            creation_order = (flags & 0x04) != 0;
            std::size_t prefix_size = 6 + ((flags & 0x20) ? 16 : 0) + ((flags & 0x10) ? 4 : 0);
            const unsigned size_width = 1u << (flags & 0x03);
            const std::vector<std::uint8_t> header = bytes_or_throw(file, absolute, prefix_size + size_width);
            Cursor size_cursor(header, prefix_size, header.size());
            const std::uint64_t chunk0 = size_cursor.uint(size_width);
            prefix_size += size_width;
            const std::vector<std::uint8_t> block = bytes_or_throw(file, absolute + prefix_size, chunk0);
            scan.scan_v2(block, 0, block.size(), creation_order);
        } else {
            return std::nullopt;
        }
        for (std::size_t next = 0; next < scan.more.size() && !scan.done(); ++next) {
            if (next >= max_header_blocks) throw Malformed{};
            const Block where = scan.more[next];
            const std::vector<std::uint8_t> block = bytes_or_throw(file, addressing.base + where.address, where.length);
            if (version2) {  // "OCHK", messages, checksum
                Cursor check(block, 0, block.size());
                if (block.size() < 8 || !check.signature("OCHK")) throw Malformed{};
                scan.scan_v2(block, 4, block.size() - 4, creation_order);
            } else {
                scan.scan_v1(block, 0, block.size());
            }
        }
    } catch (const Malformed&) {
        return std::nullopt;
    }
    return std::move(scan.found);
}

}  // namespace chunkarr
