#include <chunkarr/chunkarr.hpp>
#include <chunkarr/graph/complex_array.hpp>

#include "support/catch.hpp"

#include <cmath>
#include <complex>
#include <vector>

using namespace chunkarr;

namespace {

NDArray values(DType dtype, const std::vector<double>& data) {
    NDArray a(DType::Float64, {static_cast<Index>(data.size())});
    for (std::size_t i = 0; i < data.size(); ++i) a.data_as<double>()[i] = data[i];
    return a.astype(dtype);
}

Array array(const std::vector<double>& data, DType dtype = DType::Float64) {
    return from_ndarray(values(dtype, data), {2});  // chunks of 2: several chunks, an edge one
}

std::vector<std::complex<double>> computed(const ComplexArray& z) {
    const auto parts = compute({z.real.astype(DType::Float64), z.imag.astype(DType::Float64)});
    const NDArray &re = parts[0], &im = parts[1];
    std::vector<std::complex<double>> out;
    for (Index i = 0; i < re.size(); ++i) out.emplace_back(re.data_as<double>()[i], im.data_as<double>()[i]);
    return out;
}

std::vector<double> computed(const Array& x) {
    const NDArray a = x.compute().astype(DType::Float64);
    return {a.data_as<double>(), a.data_as<double>() + a.size()};
}

const std::vector<double> re_a = {1, -3, 0, 5, 1e300}, im_a = {2, 4, -1, 0, 1e300};
const std::vector<double> re_b = {0.5, 2, 0, -1, 1e300}, im_b = {-1, 0, 3, 1e-3, -1e300};

}  // namespace

TEST_CASE("complex parts take NumPy's promotion from their float types", "[graph][complex]") {
    const ComplexArray c64 = make_complex(array({1, 2}, DType::Float32), array({3, 4}, DType::Float32));
    CHECK(complex_dtype_name(c64) == "complex64");
    // numpy.result_type(complex64, x): complex128 for float64 and int32, complex64 for int16, bool.
    CHECK(complex_dtype_name(c64 + array({1, 1})) == "complex128");
    CHECK(complex_dtype_name(c64 * array({1, 1}, DType::Int32)) == "complex128");
    CHECK(complex_dtype_name(c64 - array({1, 1}, DType::Int16)) == "complex64");
    CHECK(complex_dtype_name(c64 / array({1, 1}, DType::Bool)) == "complex64");
    CHECK(complex_dtype_name(c64 * 2.5) == "complex64");  // a number is weak
    CHECK(complex_dtype_name(make_complex(array({1, 2}, DType::Float32), array({3, 4}))) == "complex128");
    const ComplexArray mixed = make_complex(array({1, 2}, DType::Float32), array({3, 4}));
    CHECK(mixed.real.dtype() == mixed.imag.dtype());
}

TEST_CASE("complex arithmetic matches std::complex", "[graph][complex]") {
    const ComplexArray a = make_complex(array(re_a), array(im_a));
    const ComplexArray b = make_complex(array(re_b), array(im_b));
    const auto sum = computed(a + b), difference = computed(a - b), product = computed(a * b),
               quotient = computed(a / b);
    for (std::size_t i = 0; i + 1 < re_a.size(); ++i) {  // the last pair overflows in products
        const std::complex<double> x(re_a[i], im_a[i]), y(re_b[i], im_b[i]);
        CHECK(sum[i] == x + y);
        CHECK(difference[i] == x - y);
        CHECK(product[i] == x * y);
        CHECK(std::abs(quotient[i] - x / y) <= 1e-15 * std::abs(x / y));
    }
    // Smith's division does not overflow where c*c + d*d would: (1e300 + 1e300i) / (1e300 - 1e300i) = i.
    CHECK(std::abs(quotient[4] - std::complex<double>(0, 1)) < 1e-15);
    // A real divisor of zero gives infinities and NaN, as NumPy's division.
    const auto by_zero = computed(a / array({0, 0, 0, 0, 0}));
    CHECK(std::isinf(by_zero[0].real()));
    CHECK(std::isnan(by_zero[2].real()));  // 0 / 0
}

TEST_CASE("abs, angle, conj, sum and mean of complex values", "[graph][complex]") {
    const ComplexArray a = make_complex(array(re_a), array(im_a));
    const auto magnitude = computed(abs(a)), angle_ = computed(angle(a));
    for (std::size_t i = 0; i < re_a.size(); ++i) {
        CHECK(magnitude[i] == std::hypot(re_a[i], im_a[i]));
        CHECK(angle_[i] == std::atan2(im_a[i], re_a[i]));
    }
    CHECK(computed(conj(a))[1] == std::complex<double>(-3, -4));
    CHECK(computed(-a)[1] == std::complex<double>(3, -4));
    const ComplexArray small = make_complex(array({1, 2, 3}), array({-1, 0.5, 4}));
    CHECK(computed(sum(small)) == std::vector<std::complex<double>>{{6, 3.5}});
    // NumPy's mean: the sum by its complex division loop, which multiplies by 1 / n.
    CHECK(computed(mean(small)) == std::vector<std::complex<double>>{{6 * (1.0 / 3), 3.5 * (1.0 / 3)}});
}

TEST_CASE("the mean of complex values with infinities is NumPy's: the sum divided as a complex number",
          "[graph][complex]") {
    // np.array([inf+1j, 1]).mean() is inf+nanj: (inf + 2i) / (2 + 0i) makes 2 * 0 * inf a NaN.
    const double inf = INFINITY;
    const auto mean_ = computed(mean(make_complex(array({inf, 1}), array({1, 1}))));
    REQUIRE(mean_.size() == 1);
    CHECK(std::isinf(mean_[0].real()));
    CHECK(std::isnan(mean_[0].imag()));
    // Along an axis, of a 2-d array: each row's mean ([[inf+1i, 1], [1+2i, 3]] by rows).
    const Array re = reshape(from_ndarray(values(DType::Float64, {inf, 1, 1, 3}), {1}), {2, 2});
    const Array im = reshape(from_ndarray(values(DType::Float64, {1, 0, 2, 0}), {1}), {2, 2});
    const auto rows = computed(mean(make_complex(re, im), {1}));
    REQUIRE(rows.size() == 2);
    CHECK(std::isinf(rows[0].real()));
    CHECK(std::isnan(rows[0].imag()));
    CHECK(rows[1] == std::complex<double>(4 * 0.5, 2 * 0.5));
}

TEST_CASE("complex64 divided by a number rounds as NumPy's float loop", "[graph][complex]") {
    // NumPy casts the divisor to complex64, then (a + bi) / c is a * (1 / c) + b * (1 / c) i in
    // float: 1 / 1.1f rounds otherwise than 1 / 1.1 rounded to float.
    const std::vector<double> re = {1, -3, 0.1, 5, 7.25, 1e-3}, im = {2, 4, -1, 0.7, 3, -9};
    const ComplexArray z = make_complex(array(re, DType::Float32), array(im, DType::Float32));
    const ComplexArray quotient = z / 1.1;
    REQUIRE(quotient.real.dtype() == DType::Float32);
    const auto parts = compute({quotient.real, quotient.imag});
    const float c = 1.1f, scale = 1.0f / c;
    for (std::size_t i = 0; i < re.size(); ++i) {
        CHECK(parts[0].data_as<float>()[i] == static_cast<float>(re[i]) * scale);
        CHECK(parts[1].data_as<float>()[i] == static_cast<float>(im[i]) * scale);
    }
}

TEST_CASE("complex numbers as operands, and real arrays made complex as NumPy types them", "[graph][complex]") {
    const ComplexArray a = make_complex(array(re_a), array(im_a));
    const std::complex<double> w(0.5, -2);
    const auto product = computed(a * w), quotient = computed(w / a), sum_ = computed(w + a);
    for (std::size_t i = 0; i + 1 < re_a.size(); ++i) {
        const std::complex<double> x(re_a[i], im_a[i]);
        CHECK(product[i] == x * w);
        CHECK(sum_[i] == w + x);
        CHECK(std::abs(quotient[i] - w / x) <= 1e-15 * std::abs(w / x));
    }
    // numpy: float32 data + 1j is complex64; int16, bool or float64 data + 1j complex128.
    CHECK(complex_dtype_name(as_complex(array({1, 2}, DType::Float32)) + w) == "complex64");
    CHECK(complex_dtype_name(as_complex(array({1, 2}, DType::Int16)) + w) == "complex128");
    CHECK(complex_dtype_name(as_complex(array({1, 0}, DType::Bool)) * w) == "complex128");
    CHECK(computed(as_complex(array({3, -1}, DType::Int16)) * w) ==
          std::vector<std::complex<double>>{3.0 * w, -1.0 * w});
}
