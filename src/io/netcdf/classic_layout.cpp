#include "io/netcdf/classic_layout.hpp"

#include <chunkarr/core/error.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <netcdf.h>
#include <optional>

namespace chunkarr::netcdf {

namespace {

// The format's tags (the netCDF "File Format Specification").
constexpr std::uint32_t tag_dimension = 0x0A;
constexpr std::uint32_t tag_variable = 0x0B;
constexpr std::uint32_t tag_attribute = 0x0C;

// Sizes as the header states them; nullopt: more than 64 bits can count.
using Size = std::optional<std::uint64_t>;

Size add(Size a, Size b) {
    std::uint64_t sum = 0;
    if (!a || !b || __builtin_add_overflow(*a, *b, &sum)) return std::nullopt;
    return sum;
}
Size multiply(Size a, Size b) {
    std::uint64_t product = 0;
    if (!a || !b || __builtin_mul_overflow(*a, *b, &product)) return std::nullopt;
    return product;
}
// Rounded up to a multiple of 4, as the format pads names, values and variables.
Size padded(Size n) {
    const Size up = add(n, 3);
    if (!up) return std::nullopt;
    return *up / 4 * 4;
}

// "bytes 80-4079"; the end is exclusive.
std::string byte_range(std::uint64_t first, Size end) {
    return "bytes " + std::to_string(first) + "-" + (end ? std::to_string(*end - 1) : std::string("beyond 2^64"));
}

// Bytes of one value of a netCDF external type; 0 for a number that is no type.
std::uint64_t type_size(std::uint32_t type) {
    switch (type) {
        case NC_BYTE:
        case NC_CHAR:
        case NC_UBYTE: return 1;
        case NC_SHORT:
        case NC_USHORT: return 2;
        case NC_INT:
        case NC_FLOAT:
        case NC_UINT: return 4;
        case NC_DOUBLE:
        case NC_INT64:
        case NC_UINT64: return 8;
        default: return 0;
    }
}

// The header's big-endian fields, read through a window onto the file. Every read checks the
// file's size first, so a count with a flipped bit ends in an error, never in a huge allocation.
class HeaderReader {
public:
    HeaderReader(const std::string& path, std::uint64_t size) : path_(path), size_(size), in_(path, std::ios::binary) {
        if (!in_) throw IOError("cannot open " + path + ": " + std::strerror(errno));
    }

    std::uint64_t position() const { return position_; }
    void set_version(int version) { version_ = version; }

    std::uint32_t u32() { return static_cast<std::uint32_t>(big_endian(4)); }
    std::uint64_t u64() { return big_endian(8); }
    // NON_NEG, counts and lengths: 64-bit in CDF-5.
    std::uint64_t count() { return version_ == 5 ? u64() : u32(); }
    // OFFSET: 32-bit in CDF-1.
    std::uint64_t offset() { return version_ == 1 ? u32() : u64(); }
    // A name: its length, then its bytes padded to 4.
    std::string name() {
        const std::uint64_t length = count();
        const Size span = padded(length);
        need(span);
        std::string text(static_cast<std::size_t>(length), '\0');
        read(text.data(), text.size());
        position_ += *span - length;
        return text;
    }
    void skip(Size bytes) {
        need(bytes);
        position_ += *bytes;
    }
    // The header goes on for `bytes` more bytes: FormatError when the file ends first.
    void need(Size bytes) const {
        const Size end = add(position_, bytes);
        if (!end || *end > size_)
            throw FormatError(path_ + ": the NetCDF header needs " + byte_range(position_, end) +
                              " but the file ends at " + std::to_string(size_));
    }
    [[noreturn]] void malformed(const std::string& what) const {
        throw FormatError(path_ + ": not a classic NetCDF header: " + what + " (at byte " + std::to_string(position_) +
                          ")");
    }

private:
    std::uint64_t big_endian(std::size_t bytes) {
        need(bytes);
        unsigned char raw[8] = {};
        read(raw, bytes);
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < bytes; ++i) value = value << 8 | raw[i];
        return value;
    }
    // Copies `bytes` from the current position (checked against the size) and moves past them.
    void read(void* out, std::size_t bytes) {
        auto* to = static_cast<char*>(out);
        while (bytes > 0) {
            if (position_ < window_start_ || position_ >= window_start_ + window_.size()) fill();
            const auto at = static_cast<std::size_t>(position_ - window_start_);
            const std::size_t n = std::min(bytes, window_.size() - at);
            std::memcpy(to, window_.data() + at, n);
            to += n;
            bytes -= n;
            position_ += n;
        }
    }
    void fill() {
        constexpr std::uint64_t window_bytes = 64 << 10;
        window_.resize(static_cast<std::size_t>(std::min(window_bytes, size_ - position_)));
        in_.clear();
        in_.seekg(static_cast<std::streamoff>(position_));
        if (!in_.read(window_.data(), static_cast<std::streamsize>(window_.size())))
            throw IOError("cannot read " + path_ + " at byte " + std::to_string(position_) +
                          " (did the file shrink while it was read?)");
        window_start_ = position_;
    }

    std::string path_;
    std::uint64_t size_;
    std::ifstream in_;
    std::vector<char> window_;
    std::uint64_t window_start_ = 0;
    std::uint64_t position_ = 0;
    int version_ = 1;
};

// A list's length: 0 when it is ABSENT (a zero tag and a zero count).
std::uint64_t list_length(HeaderReader& in, std::uint32_t tag, const char* what) {
    const std::uint32_t found = in.u32();
    const std::uint64_t length = in.count();
    if (found == 0 && length == 0) return 0;
    if (found != tag) in.malformed(std::string("the ") + what + " list has tag " + std::to_string(found));
    return length;
}

void skip_attributes(HeaderReader& in) {
    const std::uint64_t attributes = list_length(in, tag_attribute, "attribute");
    for (std::uint64_t i = 0; i < attributes; ++i) {
        const std::string name = in.name();
        const std::uint32_t type = in.u32();
        const std::uint64_t size = type_size(type);
        if (size == 0) in.malformed("attribute " + name + " has type " + std::to_string(type));
        in.skip(padded(multiply(in.count(), size)));
    }
}

}  // namespace

ClassicLayout read_classic_layout(const std::string& path) {
    std::error_code error;
    const std::uint64_t size = std::filesystem::file_size(path, error);
    if (error) throw IOError("cannot read " + path + ": " + error.message());
    ClassicLayout layout;
    layout.file_bytes = size;
    HeaderReader in(path, size);
    const std::uint32_t magic = in.u32();
    layout.version = static_cast<int>(magic & 0xFF);
    if ((magic >> 8) != 0x434446 || (layout.version != 1 && layout.version != 2 && layout.version != 5))
        in.malformed("it does not start with CDF\\001, CDF\\002 or CDF\\005");
    in.set_version(layout.version);
    layout.numrecs = layout.version == 5 ? in.u64() : in.u32();

    // Dimensions: length 0 is the record dimension.
    std::vector<std::uint64_t> dimensions;
    const std::uint64_t ndims = list_length(in, tag_dimension, "dimension");
    for (std::uint64_t i = 0; i < ndims; ++i) {
        in.name();
        dimensions.push_back(in.count());
    }
    skip_attributes(in);  // global

    const std::uint64_t nvars = list_length(in, tag_variable, "variable");
    for (std::uint64_t i = 0; i < nvars; ++i) {
        ClassicVariable v;
        v.name = in.name();
        const std::uint64_t rank = in.count();
        in.need(multiply(rank, layout.version == 5 ? 8 : 4));
        Size elements = 1;
        for (std::uint64_t axis = 0; axis < rank; ++axis) {
            const std::uint64_t id = in.count();
            if (id >= dimensions.size())
                in.malformed("variable " + v.name + " has dimension id " + std::to_string(id) + " of " +
                             std::to_string(dimensions.size()));
            const bool record = dimensions[id] == 0;
            if (record && axis > 0) in.malformed("variable " + v.name + " has the record dimension after its first");
            if (record) v.record = true;
            else elements = multiply(elements, dimensions[id]);
        }
        skip_attributes(in);
        const std::uint32_t type = in.u32();
        if (type_size(type) == 0) in.malformed("variable " + v.name + " has type " + std::to_string(type));
        in.count();  // vsize: libnetcdf computes it from the shape (it is clipped for huge variables)
        v.begin = in.offset();
        const Size bytes = multiply(elements, type_size(type));
        if (!bytes) in.malformed("variable " + v.name + " has more than 2^64 bytes");
        v.bytes = *bytes;
        layout.variables.push_back(std::move(v));
    }
    layout.header_bytes = in.position();

    // One record holds each record variable's record, padded to 4 bytes -- unless there is just
    // one record variable: then records are not padded (libnetcdf's NC_computeshapes).
    Size record_bytes = 0;
    std::size_t record_variables = 0;
    std::uint64_t last_record_bytes = 0;
    for (const ClassicVariable& v : layout.variables) {
        if (!v.record) continue;
        ++record_variables;
        last_record_bytes = v.bytes;
        record_bytes = add(record_bytes, padded(v.bytes));
    }
    if (record_variables == 1) record_bytes = last_record_bytes;
    if (!record_bytes) in.malformed("a record of more than 2^64 bytes");
    layout.record_bytes = *record_bytes;
    return layout;
}

void check_classic_layout(const std::string& path, const ClassicLayout& layout) {
    for (const ClassicVariable& v : layout.variables) {
        if (v.bytes == 0 || (v.record && layout.numrecs == 0)) continue;
        // A record variable's last record starts numrecs - 1 records after its first.
        const Size end = v.record ? add(add(v.begin, multiply(layout.numrecs - 1, layout.record_bytes)), v.bytes)
                                  : add(v.begin, v.bytes);
        if (end && *end <= layout.file_bytes) continue;
        std::string message = path + ": variable /" + v.name + " needs " + byte_range(v.begin, end) +
                              " but the file ends at " + std::to_string(layout.file_bytes);
        if (v.record)
            message += " (the header says " + std::to_string(layout.numrecs) + " records of " +
                       std::to_string(layout.record_bytes) + " bytes)";
        throw FormatError(message);
    }
}

}  // namespace chunkarr::netcdf
