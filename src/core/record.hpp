#pragma once
// Bytes that record values for making them again in another process (pickling): numbers in the
// machine's byte order (chunkarr's platforms are all little-endian), texts and lists with their
// lengths first. A reader that runs past the end is a ValueError, never a crash.
#include <chunkarr/core/error.hpp>
#include <chunkarr/core/shape.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace chunkarr {

class RecordWriter {
public:
    template <class T> void number(T value) {
        static_assert(std::is_arithmetic_v<T> || std::is_enum_v<T>);
        bytes(&value, sizeof value);
    }
    void bytes(const void* data, std::size_t size) { out_.append(static_cast<const char*>(data), size); }
    void text(const std::string& value) {
        number<std::uint64_t>(value.size());
        bytes(value.data(), value.size());
    }
    template <class T> void numbers(const std::vector<T>& values) {
        number<std::uint64_t>(values.size());
        for (const T& value : values) number(value);
    }
    void grid(const ChunkGrid& grid) {
        number<std::uint64_t>(grid.ndim());
        for (const auto& axis : grid.chunks()) numbers(axis);
    }
    const std::string& data() const { return out_; }

private:
    std::string out_;
};

class RecordReader {
public:
    explicit RecordReader(const std::string& data) : data_(data) {}
    template <class T> T number() {
        T value;
        bytes(&value, sizeof value);
        return value;
    }
    void bytes(void* out, std::size_t size) {
        if (size > data_.size() - at_)
            throw ValueError("chunkarr record is truncated or damaged (not from this version?)");
        std::memcpy(out, data_.data() + at_, size);
        at_ += size;
    }
    // A length, checked against what is left (each element takes at least one byte).
    std::size_t length() {
        const auto n = number<std::uint64_t>();
        if (n > data_.size() - at_)
            throw ValueError("chunkarr record is truncated or damaged (not from this version?)");
        return static_cast<std::size_t>(n);
    }
    std::string text() {
        std::string value(length(), '\0');
        bytes(value.data(), value.size());
        return value;
    }
    template <class T> std::vector<T> numbers() {
        std::vector<T> values(length());
        for (T& value : values) value = number<T>();
        return values;
    }
    ChunkGrid grid() {
        std::vector<std::vector<Index>> chunks(length());
        for (auto& axis : chunks) axis = numbers<Index>();
        return ChunkGrid(std::move(chunks));
    }
    bool done() const { return at_ == data_.size(); }

private:
    const std::string& data_;
    std::size_t at_ = 0;
};

}  // namespace chunkarr
