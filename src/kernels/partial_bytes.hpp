#pragma once
// Plain values and vectors of them as bytes and back: the partial states that MPI ranks send
// each other (kernels/reduce_bytes.cpp, kernels/quantile_bytes.cpp). Bit for bit; ranks of one
// run share the machine's byte order.
#include <chunkarr/core/error.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace chunkarr::kernels {

template <class T> void append_value(std::string& out, const T& value) {
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <class T> void append_vector(std::string& out, const std::vector<T>& values) {
    append_value(out, static_cast<std::uint64_t>(values.size()));
    out.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

template <class T> T read_value(const std::string& bytes, std::size_t& at) {
    if (at + sizeof(T) > bytes.size()) throw Error("internal: a partial state from another rank is cut short");
    T value;
    std::memcpy(&value, bytes.data() + at, sizeof value);
    at += sizeof value;
    return value;
}

template <class T> std::vector<T> read_vector(const std::string& bytes, std::size_t& at) {
    const auto count = read_value<std::uint64_t>(bytes, at);
    if (count > (bytes.size() - at) / sizeof(T))
        throw Error("internal: a partial state from another rank is cut short");
    std::vector<T> values(count);
    std::memcpy(values.data(), bytes.data() + at, count * sizeof(T));
    at += count * sizeof(T);
    return values;
}

}  // namespace chunkarr::kernels
