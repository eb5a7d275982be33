#pragma once
// Integer arithmetic that wraps modulo 2^bits as NumPy's does, without the undefined behaviour of
// signed overflow in C++: computed in an unsigned type at least as wide as `unsigned`, so that
// small types do not promote to a signed int that overflows (uint16 * uint16). Floats and bool
// compute plainly.
#include <type_traits>

namespace chunkarr::kernels {

template <class T>
using WrappingUnsigned =
    std::common_type_t<unsigned, std::make_unsigned_t<std::conditional_t<std::is_same_v<T, bool>, unsigned char, T>>>;

template <class T> constexpr T wrapping_add(T a, T b) {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
        return static_cast<T>(static_cast<WrappingUnsigned<T>>(a) + static_cast<WrappingUnsigned<T>>(b));
    else return a + b;
}

template <class T> constexpr T wrapping_multiply(T a, T b) {
    if constexpr (std::is_same_v<T, bool>) return a && b;
    else if constexpr (std::is_integral_v<T>)
        return static_cast<T>(static_cast<WrappingUnsigned<T>>(a) * static_cast<WrappingUnsigned<T>>(b));
    else return a * b;
}

template <class T> constexpr T wrapping_negate(T a) {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
        return static_cast<T>(WrappingUnsigned<T>(0) - static_cast<WrappingUnsigned<T>>(a));
    else return -a;
}

}  // namespace chunkarr::kernels
