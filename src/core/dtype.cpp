#include <chunkarr/core/dtype.hpp>

#include <algorithm>
#include <array>

namespace chunkarr {

namespace {
struct DTypeFacts {
    DType type;
    std::string_view name;
    std::size_t size;
};
constexpr std::array<DTypeFacts, 11> facts{{
    {DType::Bool, "bool", 1},
    {DType::Int8, "int8", 1},
    {DType::Int16, "int16", 2},
    {DType::Int32, "int32", 4},
    {DType::Int64, "int64", 8},
    {DType::UInt8, "uint8", 1},
    {DType::UInt16, "uint16", 2},
    {DType::UInt32, "uint32", 4},
    {DType::UInt64, "uint64", 8},
    {DType::Float32, "float32", 4},
    {DType::Float64, "float64", 8},
}};

const DTypeFacts& facts_of(DType t) { return facts[static_cast<std::size_t>(t)]; }

DType signed_int_of_size(std::size_t size) {
    switch (size) {
        case 1: return DType::Int8;
        case 2: return DType::Int16;
        case 4: return DType::Int32;
        default: return DType::Int64;
    }
}
}  // namespace

std::size_t itemsize(DType t) { return facts_of(t).size; }
std::string_view dtype_name(DType t) { return facts_of(t).name; }

std::optional<DType> parse_dtype(std::string_view name) {
    for (const auto& f : facts)
        if (f.name == name) return f.type;
    return std::nullopt;
}

DType promote(DType a, DType b) {
    if (a == b) return a;
    if (is_bool(a)) return b;
    if (is_bool(b)) return a;
    if (is_float(a) || is_float(b)) {
        if (a == DType::Float64 || b == DType::Float64) return DType::Float64;
        // float32 with an integer: float32 holds ints of up to 16 bits exactly.
        const DType other = is_float(a) ? b : a;
        if (other == DType::Float32) return DType::Float32;
        return itemsize(other) <= 2 ? DType::Float32 : DType::Float64;
    }
    if (is_unsigned(a) == is_unsigned(b)) return itemsize(a) >= itemsize(b) ? a : b;
    const DType u = is_unsigned(a) ? a : b;
    const DType s = is_unsigned(a) ? b : a;
    if (u == DType::UInt64) return DType::Float64;
    return signed_int_of_size(std::max(itemsize(s), 2 * itemsize(u)));
}

DType float_result(DType t) {
    // NumPy gives float16 for 8-bit input, which chunkarr does not have: float32 instead.
    if (t == DType::Float64) return t;
    if (t == DType::Float32 || is_bool(t) || itemsize(t) <= 2) return DType::Float32;
    return DType::Float64;
}

DType sum_result(DType t) {
    if (is_float(t)) return t;
    if (is_unsigned(t)) return DType::UInt64;
    return DType::Int64;
}

}  // namespace chunkarr
