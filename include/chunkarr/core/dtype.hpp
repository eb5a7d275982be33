#pragma once
// Element types and NumPy's promotion rules.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace chunkarr {

enum class DType : std::uint8_t { Bool, Int8, Int16, Int32, Int64, UInt8, UInt16, UInt32, UInt64, Float32, Float64 };

std::size_t itemsize(DType t);
std::string_view dtype_name(DType t);  // NumPy's name: "float64", "bool", ...
std::optional<DType> parse_dtype(std::string_view name);

inline bool is_bool(DType t) { return t == DType::Bool; }
inline bool is_float(DType t) { return t == DType::Float32 || t == DType::Float64; }
inline bool is_unsigned(DType t) { return t >= DType::UInt8 && t <= DType::UInt64; }
inline bool is_signed_int(DType t) { return t >= DType::Int8 && t <= DType::Int64; }
inline bool is_integer(DType t) { return is_unsigned(t) || is_signed_int(t); }

// numpy.result_type(a, b) for two arrays.
DType promote(DType a, DType b);
// The float type a math function like sqrt gives (NumPy, with float16 replaced by float32).
DType float_result(DType t);
// The type NumPy's sum gives: bool and signed ints -> int64, unsigned -> uint64, floats keep.
DType sum_result(DType t);

template <class T> struct dtype_of;
template <> struct dtype_of<bool> { static constexpr DType value = DType::Bool; };
template <> struct dtype_of<std::int8_t> { static constexpr DType value = DType::Int8; };
template <> struct dtype_of<std::int16_t> { static constexpr DType value = DType::Int16; };
template <> struct dtype_of<std::int32_t> { static constexpr DType value = DType::Int32; };
template <> struct dtype_of<std::int64_t> { static constexpr DType value = DType::Int64; };
template <> struct dtype_of<std::uint8_t> { static constexpr DType value = DType::UInt8; };
template <> struct dtype_of<std::uint16_t> { static constexpr DType value = DType::UInt16; };
template <> struct dtype_of<std::uint32_t> { static constexpr DType value = DType::UInt32; };
template <> struct dtype_of<std::uint64_t> { static constexpr DType value = DType::UInt64; };
template <> struct dtype_of<float> { static constexpr DType value = DType::Float32; };
template <> struct dtype_of<double> { static constexpr DType value = DType::Float64; };
template <class T> inline constexpr DType dtype_of_v = dtype_of<T>::value;

// Calls f(T{}) with the C++ type of `t`. Keep calls to this in few translation units:
// each one instantiates f eleven times.
template <class F> decltype(auto) visit_dtype(DType t, F&& f) {
    switch (t) {
        case DType::Bool: return f(bool{});
        case DType::Int8: return f(std::int8_t{});
        case DType::Int16: return f(std::int16_t{});
        case DType::Int32: return f(std::int32_t{});
        case DType::Int64: return f(std::int64_t{});
        case DType::UInt8: return f(std::uint8_t{});
        case DType::UInt16: return f(std::uint16_t{});
        case DType::UInt32: return f(std::uint32_t{});
        case DType::UInt64: return f(std::uint64_t{});
        case DType::Float32: return f(float{});
        case DType::Float64: break;
    }
    return f(double{});
}

}  // namespace chunkarr
