#pragma once
// Hashes of operation attributes for hash-consing: hash_of(a, b, ...) combines the fields an
// operation struct lists. Equal values give equal hashes; doubles hash by their bits.
#include <chunkarr/core/cf_decoding.hpp>
#include <chunkarr/core/ops.hpp>
#include <chunkarr/core/shape.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <type_traits>
#include <vector>

namespace chunkarr {

inline void hash_mix(std::size_t& seed, std::size_t value) {
    seed ^= value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
}

inline std::size_t hash_value(double value) {
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return static_cast<std::size_t>(bits);
}
inline std::size_t hash_value(long double value) { return hash_value(static_cast<double>(value)); }

template <class T>
requires std::is_integral_v<T> || std::is_enum_v<T> std::size_t hash_value(T value) {
    return static_cast<std::size_t>(value);
}

template <class T> std::size_t hash_value(const std::vector<T>& values);
template <class T> std::size_t hash_value(const std::optional<T>& value);
std::size_t hash_value(const OpTypes& types);
std::size_t hash_value(const CFDecoding& decoding);

template <class... T> std::size_t hash_of(const T&... fields) {
    std::size_t seed = 0;
    (hash_mix(seed, hash_value(fields)), ...);
    return seed;
}

template <class T> std::size_t hash_value(const std::vector<T>& values) {
    std::size_t seed = values.size();
    for (const T& value : values) hash_mix(seed, hash_value(value));
    return seed;
}

template <class T> std::size_t hash_value(const std::optional<T>& value) { return value ? hash_of(true, *value) : 0; }

inline std::size_t hash_value(const OpTypes& types) { return hash_of(types.compute, types.result); }

// CFDecoding compares its numbers with == and takes any NaN for any NaN: those hash alike (a
// scalar's -0.0 and 0.0 stay apart, their nodes differ).
inline std::size_t hash_as_compared(long double value) {
    if (std::isnan(value)) return hash_value(std::numeric_limits<double>::quiet_NaN());
    return hash_value(value == 0 ? 0.0 : static_cast<double>(value));
}

inline std::size_t hash_value(const CFDecoding& d) {
    std::size_t seed = d.missing_values.size();
    for (long double value : d.missing_values) hash_mix(seed, hash_as_compared(value));
    const auto optional = [](const std::optional<long double>& v) { return v ? hash_as_compared(*v) : 1; };
    return hash_of(seed, optional(d.valid_min), optional(d.valid_max), hash_as_compared(d.scale_factor),
                   hash_as_compared(d.add_offset), d.result);
}

}  // namespace chunkarr
