#pragma once
// Complex values as chunkarr computes with them: two real arrays of one float type, the real
// and the imaginary part (complex64: float32 parts, complex128: float64). Every real kernel then
// serves complex data, and no kernel is compiled for complex types. NumPy's promotion follows
// from the parts' own: complex64 with float64 or int32 gives float64 parts (complex128), with
// int16 or float32 float32 parts (complex64), as numpy.result_type gives.
#include <chunkarr/graph/array.hpp>
#include <chunkarr/graph/constructors.hpp>

#include <complex>
#include <optional>
#include <string>

namespace chunkarr {

struct ComplexArray {
    Array real;
    Array imag;  // same shape, chunks and dtype as `real`
};

// Parts of one float type (the promoted type of the two), as the struct requires.
ComplexArray make_complex(const Array& real, const Array& imag);
// NumPy's name of the complex type: "complex64" for float32 parts, else "complex128".
std::string complex_dtype_name(const ComplexArray& z);

// The parts of a complex variable (a complex64 or complex128 array of a Zarr store, or of a glob
// of stores joined as open joins them); nullopt when the variable is not complex. Reads metadata
// only. Decoded as xr.open_zarr decodes complex values: a value equal to the fill_value (the
// first store's) is missing, NaN in both parts, unless options.mask_and_scale is false; other CF
// attributes (missing_value, scale_factor, add_offset) are not applied (part by part they would
// be wrong: xarray adds add_offset to the real part alone).
std::optional<ComplexArray> open_complex(const std::string& path, const std::string& variable,
                                         const OpenOptions& options = {});

// x with a zero imaginary part, of the complex type NumPy gives x with a complex number
// (float32 data: complex64; float64, integers and bools: complex128).
ComplexArray as_complex(const Array& x);

// NumPy's results: abs is the float magnitude (hypot), angle atan2(imag, real) in radians.
Array abs(const ComplexArray& z);
Array angle(const ComplexArray& z);
ComplexArray conj(const ComplexArray& z);
ComplexArray operator-(const ComplexArray& z);

// Arithmetic with complex and real operands, as NumPy's complex loops: a real operand takes a
// zero imaginary part, numbers are weak (the array's parts keep their type; a complex64 array's
// number is made complex64 first). Division is Smith's, as NumPy's, which avoids overflow where
// c*c + d*d would overflow.
#define CHUNKARR_COMPLEX_OPERATOR(symbol)                                        \
    ComplexArray operator symbol(const ComplexArray& a, const ComplexArray& b);  \
    ComplexArray operator symbol(const ComplexArray& a, const Array& b);         \
    ComplexArray operator symbol(const Array& a, const ComplexArray& b);         \
    ComplexArray operator symbol(const ComplexArray& a, double b);               \
    ComplexArray operator symbol(double a, const ComplexArray& b);               \
    ComplexArray operator symbol(const ComplexArray& a, std::complex<double> b); \
    ComplexArray operator symbol(std::complex<double> a, const ComplexArray& b);
CHUNKARR_COMPLEX_OPERATOR(+)
CHUNKARR_COMPLEX_OPERATOR(-)
CHUNKARR_COMPLEX_OPERATOR(*)
CHUNKARR_COMPLEX_OPERATOR(/)
#undef CHUNKARR_COMPLEX_OPERATOR

// NumPy's sum and mean of complex values: the sum is each part's (the same pairwise tree as real
// sums, so results do not depend on the thread count); the mean is the sum divided by the count
// as NumPy divides it, by its complex loop (so inf + 1i and 1 average to inf + NaN i).
ComplexArray sum(const ComplexArray& z, const Axes& axes = {}, bool keepdims = false);
ComplexArray mean(const ComplexArray& z, const Axes& axes = {}, bool keepdims = false);

}  // namespace chunkarr
