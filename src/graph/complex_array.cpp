#include <chunkarr/core/error.hpp>
#include <chunkarr/graph/complex_array.hpp>
#include <chunkarr/io/variables.hpp>

#include <cmath>
#include <limits>
#include <utility>

namespace chunkarr {

namespace {

// The float type both parts take: the parts' promoted type (a float, as parts always are).
DType part_type(DType a, DType b) {
    const DType t = promote(a, b);
    return is_float(t) ? t : DType::Float64;
}

Array as_type(const Array& x, DType t) { return x.dtype() == t ? x : x.astype(t); }

// Both operands in the result's complex type, as NumPy converts them before its complex loops
// (int16 or float64 data, complex64 parts); a real operand's imaginary part is zero (a 0-d
// array, broadcast on use).
std::pair<ComplexArray, ComplexArray> promoted(const ComplexArray& x, const Array& y) {
    const DType t = part_type(x.real.dtype(), y.dtype());
    return {{as_type(x.real, t), as_type(x.imag, t)}, {as_type(y, t), scalar(0.0, t)}};
}

std::pair<ComplexArray, ComplexArray> promoted(const ComplexArray& x, const ComplexArray& y) {
    const DType t = part_type(x.real.dtype(), y.real.dtype());
    return {{as_type(x.real, t), as_type(x.imag, t)}, {as_type(y.real, t), as_type(y.imag, t)}};
}

// NumPy's complex loops, on parts that are arrays or numbers (a number stays NumPy's weak
// scalar: the parts keep their type). Real operands take part with a zero imaginary part, as
// NumPy gives them one: the zero's sign and Inf * 0 = NaN come out as NumPy's.
template <class A, class B, class C, class D> ComplexArray multiply(const A& a, const B& b, const C& c, const D& d) {
    return make_complex(a * c - b * d, a * d + b * c);
}

// Smith's division, NumPy's loop: (a + bi) / (c + di); c == d == 0 gives inf or NaN.
template <class A, class B> ComplexArray divide(const A& a, const B& b, const Array& c, const Array& d) {
    const Array c_abs = abs(c), d_abs = abs(d);
    const Array real_larger = c_abs >= d_abs;
    const Array zero = (c_abs == 0.0) && (d_abs == 0.0);
    const Array ratio = where(real_larger, d / c, c / d);
    const Array scale = 1.0 / where(real_larger, c + d * ratio, d + c * ratio);
    const Array real = where(real_larger, (a + b * ratio) * scale, (a * ratio + b) * scale);
    const Array imag = where(real_larger, (b - a * ratio) * scale, (b * ratio - a) * scale);
    return make_complex(where(zero, a / c_abs, real), where(zero, b / c_abs, imag));
}

// The same with a number c + di for divisor: its branch known here. NumPy first casts the
// divisor to the result's complex type, so complex64 values take a ratio and a scale computed
// in float (the same bits as NumPy's, where double would round differently).
template <class T> ComplexArray divide_in(const Array& a, const Array& b, T c, T d) {
    if (c == 0 && d == 0)
        return make_complex(a / static_cast<double>(std::fabs(c)), b / static_cast<double>(std::fabs(c)));
    // r and s are exact as doubles (a float is one); the engine takes them in the parts' type.
    if (std::fabs(c) >= std::fabs(d)) {
        const T ratio = d / c;
        const double r = ratio, s = T(1) / (c + d * ratio);
        return make_complex((a + b * r) * s, (b - a * r) * s);
    }
    const T ratio = c / d;
    const double r = ratio, s = T(1) / (d + c * ratio);
    return make_complex((a * r + b) * s, (b * r - a) * s);
}

ComplexArray divide(const Array& a, const Array& b, double c, double d) {
    if (a.dtype() == DType::Float32) return divide_in<float>(a, b, static_cast<float>(c), static_cast<float>(d));
    return divide_in<double>(a, b, c, d);
}

template <class A, class B, class C, class D>
ComplexArray apply(char op, const A& a, const B& b, const C& c, const D& d) {
    switch (op) {
        case '+': return make_complex(a + c, b + d);
        case '-': return make_complex(a - c, b - d);
        case '*': return multiply(a, b, c, d);
        default: {
            return divide(a, b, c, d);
        }
    }
}

}  // namespace

ComplexArray make_complex(const Array& real, const Array& imag) {
    const DType t = part_type(real.dtype(), imag.dtype());
    Array re = as_type(real, t), im = as_type(imag, t);
    // One shape for both: a part that is a broadcast operand (a 0-d zero) takes the other's.
    if (re.shape() != im.shape()) {
        const Array both = re + im;  // the broadcast shape, or NumPy's shape-mismatch error
        if (re.shape() != both.shape()) re = broadcast_to(re, both.shape());
        if (im.shape() != both.shape()) im = broadcast_to(im, both.shape());
    }
    return {re, im};
}

std::string complex_dtype_name(const ComplexArray& z) {
    return z.real.dtype() == DType::Float32 ? "complex64" : "complex128";
}

std::optional<ComplexArray> open_complex(const std::string& path, const std::string& variable,
                                         const OpenOptions& options) {
    const auto parts = open_complex_sources(path, variable, {options.concat_dimension});
    if (!parts) return std::nullopt;
    // Each part as stored: CF masking and unpacking apply to whole values (an add_offset to the
    // real part alone), which part by part they would not.
    OpenOptions as_stored = options;
    as_stored.mask_and_scale = false;
    ComplexArray z = make_complex(open(parts->real, as_stored), open(parts->imag, as_stored));
    if (!options.mask_and_scale || !parts->fill_value) return z;
    // As xr.open_zarr decodes: a value equal to the fill_value (both parts; a NaN part equals
    // nothing) is missing, NaN in both parts.
    const auto [fill_real, fill_imag] = *parts->fill_value;
    if (std::isnan(fill_real) || std::isnan(fill_imag)) return z;
    const Array kept = (z.real != fill_real) || (z.imag != fill_imag);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    // xarray's dtype: complex128 even for complex64 (its np.where(mask, nan+nanj, data) promotes
    // to complex128 under NumPy 1.x's rules); the values are the stored ones, exactly.
    return ComplexArray{where(kept, as_type(z.real, DType::Float64), nan),
                        where(kept, as_type(z.imag, DType::Float64), nan)};
}

ComplexArray as_complex(const Array& x) {
    // A number is weak against floats only: float32 data stays complex64, integers and bools
    // take the number's complex128, as NumPy gives int16 data + 1j.
    const DType t = is_float(x.dtype()) ? x.dtype() : DType::Float64;
    return make_complex(as_type(x, t), scalar(0.0, t));
}

Array abs(const ComplexArray& z) { return binary(BinaryOp::Hypot, z.real, z.imag); }
Array angle(const ComplexArray& z) { return binary(BinaryOp::Arctan2, z.imag, z.real); }
ComplexArray conj(const ComplexArray& z) { return {z.real, -z.imag}; }
ComplexArray operator-(const ComplexArray& z) { return {-z.real, -z.imag}; }

#define CHUNKARR_COMPLEX_OPERATOR(symbol)                                         \
    ComplexArray operator symbol(const ComplexArray& a, const ComplexArray& b) {  \
        const auto [x, y] = promoted(a, b);                                       \
        return apply(#symbol[0], x.real, x.imag, y.real, y.imag);                 \
    }                                                                             \
    ComplexArray operator symbol(const ComplexArray& a, const Array& b) {         \
        const auto [x, y] = promoted(a, b);                                       \
        return apply(#symbol[0], x.real, x.imag, y.real, y.imag);                 \
    }                                                                             \
    ComplexArray operator symbol(const Array& a, const ComplexArray& b) {         \
        const auto [y, x] = promoted(b, a);                                       \
        return apply(#symbol[0], x.real, x.imag, y.real, y.imag);                 \
    }                                                                             \
    ComplexArray operator symbol(const ComplexArray& a, double b) {               \
        return apply(#symbol[0], a.real, a.imag, b, 0.0);                         \
    }                                                                             \
    ComplexArray operator symbol(double a, const ComplexArray& b) {               \
        return apply(#symbol[0], a, 0.0, b.real, b.imag);                         \
    }                                                                             \
    ComplexArray operator symbol(const ComplexArray& a, std::complex<double> b) { \
        return apply(#symbol[0], a.real, a.imag, b.real(), b.imag());             \
    }                                                                             \
    ComplexArray operator symbol(std::complex<double> a, const ComplexArray& b) { \
        return apply(#symbol[0], a.real(), a.imag(), b.real, b.imag);             \
    }
CHUNKARR_COMPLEX_OPERATOR(+)
CHUNKARR_COMPLEX_OPERATOR(-)
CHUNKARR_COMPLEX_OPERATOR(*)
CHUNKARR_COMPLEX_OPERATOR(/)
#undef CHUNKARR_COMPLEX_OPERATOR

ComplexArray sum(const ComplexArray& z, const Axes& axes, bool keepdims) {
    return {z.real.sum(axes, keepdims), z.imag.sum(axes, keepdims)};
}

// NumPy's mean divides the complex sum by the count as by a complex number (n + 0i), with its
// complex loop: the parts' own means would differ where a part is infinite (inf + 1i over 2 is
// inf + NaN i in NumPy) and in the last bit (the loop multiplies by 1 / n).
ComplexArray mean(const ComplexArray& z, const Axes& axes, bool keepdims) {
    Index count = 1;
    for (int axis : normalize_axes(axes, z.real.shape().size()))
        count *= z.real.shape()[static_cast<std::size_t>(axis)];
    return sum(z, axes, keepdims) / static_cast<double>(count);
}

}  // namespace chunkarr
