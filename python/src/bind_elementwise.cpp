// UnaryOp and BinaryOp (NumPy's ufunc names), and the elementwise functions. A Python number
// adapts to the array it meets (a weak scalar).
#include <chunkarr/core/dtype.hpp>
#include <chunkarr/core/ops.hpp>
#include <chunkarr/graph/array.hpp>
#include <chunkarr/graph/complex_array.hpp>

#include "bindings.hpp"
#include "graph/node.hpp"

#include <complex>
#include <pybind11/complex.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace py = pybind11;

namespace chunkarr::python {

namespace {

// a op b by the engine's complex operators (graph/complex_array.hpp), NumPy's loops and
// promotion; a real array meeting a number takes the complex type NumPy gives it.
template <class A, class B> ComplexArray complex_arithmetic(char op, const A& a, const B& b) {
    if constexpr (std::is_same_v<A, Array> && !std::is_same_v<B, ComplexArray>)
        return complex_arithmetic(op, as_complex(a), b);
    else if constexpr (std::is_same_v<B, Array> && !std::is_same_v<A, ComplexArray>)
        return complex_arithmetic(op, a, as_complex(b));
    else if constexpr (std::is_same_v<A, std::complex<double>> && std::is_same_v<B, std::complex<double>>)
        throw py::type_error("complex arithmetic needs an array operand");
    else {
        switch (op) {
            case '+': return a + b;
            case '-': return a - b;
            case '*': return a * b;
            case '/': return a / b;
            default: throw py::value_error(std::string("unknown complex operator ") + op);
        }
    }
}

// An operand of complex arithmetic from Python: the (real, imaginary) parts of a ComplexArray, a
// real array, or a number (any real or complex one, as Python's complex()).
std::variant<ComplexArray, Array, std::complex<double>> complex_operand(const py::handle& value) {
    if (py::isinstance<py::tuple>(value)) {
        const auto parts = value.cast<py::tuple>();
        return make_complex(parts[0].cast<const Array&>(), parts[1].cast<const Array&>());
    }
    if (py::isinstance<Array>(value)) return value.cast<const Array&>();
    return value.cast<std::complex<double>>();
}

// A Python operand: an Array, or a number that adapts to the array it meets (weak scalar).
NodePtr operand(const py::handle& value) {
    if (py::isinstance<Array>(value)) return value.cast<const Array&>().node();
    py::object v = py::reinterpret_borrow<py::object>(value);
    if (py::hasattr(v, "dtype") && py::hasattr(v, "item") && !py::isinstance<py::array>(v)) {  // NumPy scalar
        const auto dtype = parse_dtype(std::string(py::str(v.attr("dtype").attr("name"))));
        if (!dtype) throw py::type_error("unsupported scalar dtype " + std::string(py::str(v.attr("dtype"))));
        return make_scalar_node(v.attr("item")().cast<double>(), *dtype, true);
    }
    if (py::isinstance<py::bool_>(v)) return make_scalar_node(v.cast<bool>() ? 1.0 : 0.0, DType::Bool, true);
    if (py::isinstance<py::int_>(v))
        return make_scalar_node(static_cast<double>(v.cast<long long>()), DType::Int64, true);
    if (py::isinstance<py::float_>(v)) return make_scalar_node(v.cast<double>(), DType::Float64, true);
    throw py::type_error("unsupported operand type " + std::string(py::str(py::type::of(value))));
}

}  // namespace

void bind_elementwise(py::module_& m) {
    py::enum_<UnaryOp>(m, "UnaryOp", "Elementwise functions of one array, by NumPy's ufunc names")
        .value("negative", UnaryOp::Negative)
        .value("abs", UnaryOp::Abs)
        .value("sqrt", UnaryOp::Sqrt)
        .value("exp", UnaryOp::Exp)
        .value("log", UnaryOp::Log)
        .value("log10", UnaryOp::Log10)
        .value("sin", UnaryOp::Sin)
        .value("cos", UnaryOp::Cos)
        .value("tan", UnaryOp::Tan)
        .value("floor", UnaryOp::Floor)
        .value("ceil", UnaryOp::Ceil)
        .value("isnan", UnaryOp::IsNan)
        .value("isfinite", UnaryOp::IsFinite)
        .value("logical_not", UnaryOp::LogicalNot)
        .value("log1p", UnaryOp::Log1p)
        .value("expm1", UnaryOp::Expm1)
        .value("log2", UnaryOp::Log2)
        .value("exp2", UnaryOp::Exp2)
        .value("arcsin", UnaryOp::Arcsin)
        .value("arccos", UnaryOp::Arccos)
        .value("arctan", UnaryOp::Arctan)
        .value("sinh", UnaryOp::Sinh)
        .value("cosh", UnaryOp::Cosh)
        .value("tanh", UnaryOp::Tanh)
        .value("arcsinh", UnaryOp::Arcsinh)
        .value("arccosh", UnaryOp::Arccosh)
        .value("arctanh", UnaryOp::Arctanh)
        .value("trunc", UnaryOp::Trunc)
        .value("rint", UnaryOp::Rint)
        .value("cbrt", UnaryOp::Cbrt)
        .value("fabs", UnaryOp::Fabs)
        .value("deg2rad", UnaryOp::Deg2rad)
        .value("rad2deg", UnaryOp::Rad2deg)
        .value("spacing", UnaryOp::Spacing)
        .value("frexp_mantissa", UnaryOp::FrexpMantissa)
        .value("frexp_exponent", UnaryOp::FrexpExponent)
        .value("modf_fraction", UnaryOp::ModfFraction)
        .value("modf_integral", UnaryOp::ModfIntegral)
        .value("sign", UnaryOp::Sign)
        .value("square", UnaryOp::Square)
        .value("reciprocal", UnaryOp::Reciprocal)
        .value("positive", UnaryOp::Positive)
        .value("conjugate", UnaryOp::Conjugate)
        .value("invert", UnaryOp::Invert)
        .value("isinf", UnaryOp::IsInf)
        .value("signbit", UnaryOp::Signbit);
    py::enum_<BinaryOp>(m, "BinaryOp", "Elementwise functions of two arrays, by NumPy's ufunc names")
        .value("add", BinaryOp::Add)
        .value("subtract", BinaryOp::Subtract)
        .value("multiply", BinaryOp::Multiply)
        .value("divide", BinaryOp::Divide)
        .value("power", BinaryOp::Power)
        .value("maximum", BinaryOp::Maximum)
        .value("minimum", BinaryOp::Minimum)
        .value("equal", BinaryOp::Equal)
        .value("not_equal", BinaryOp::NotEqual)
        .value("less", BinaryOp::Less)
        .value("less_equal", BinaryOp::LessEqual)
        .value("greater", BinaryOp::Greater)
        .value("greater_equal", BinaryOp::GreaterEqual)
        .value("logical_and", BinaryOp::LogicalAnd)
        .value("logical_or", BinaryOp::LogicalOr)
        .value("logical_xor", BinaryOp::LogicalXor)
        .value("arctan2", BinaryOp::Arctan2)
        .value("hypot", BinaryOp::Hypot)
        .value("copysign", BinaryOp::Copysign)
        .value("nextafter", BinaryOp::Nextafter)
        .value("logaddexp", BinaryOp::Logaddexp)
        .value("logaddexp2", BinaryOp::Logaddexp2)
        .value("heaviside", BinaryOp::Heaviside)
        .value("float_power", BinaryOp::FloatPower)
        .value("ldexp", BinaryOp::Ldexp)
        .value("floor_divide", BinaryOp::FloorDivide)
        .value("remainder", BinaryOp::Remainder)
        .value("fmod", BinaryOp::Fmod)
        .value("fmax", BinaryOp::Fmax)
        .value("fmin", BinaryOp::Fmin)
        .value("gcd", BinaryOp::Gcd)
        .value("lcm", BinaryOp::Lcm)
        .value("bitwise_and", BinaryOp::BitwiseAnd)
        .value("bitwise_or", BinaryOp::BitwiseOr)
        .value("bitwise_xor", BinaryOp::BitwiseXor)
        .value("left_shift", BinaryOp::LeftShift)
        .value("right_shift", BinaryOp::RightShift);

    m.def(
        "unary", [](UnaryOp op, const Array& x) { return Array(make_unary_node(op, x.node())); }, py::arg("op"),
        py::arg("x"));
    m.def(
        "binary",
        [](BinaryOp op, const py::object& a, const py::object& b) {
            return Array(make_binary_node(op, operand(a), operand(b)));
        },
        py::arg("op"), py::arg("a"), py::arg("b"));
    m.def(
        "where",
        [](const py::object& condition, const py::object& a, const py::object& b) {
            return Array(make_where_node(make_cast_node(operand(condition), DType::Bool), operand(a), operand(b)));
        },
        py::arg("condition"), py::arg("a"), py::arg("b"));
    // (real, imaginary) of a op b, each operand as complex_operand takes it: complex arithmetic
    // written once, in C++ (Python's ComplexArray arithmetic calls this).
    m.def(
        "complex_arithmetic",
        [](char op, const py::object& a, const py::object& b) {
            const ComplexArray z =
                std::visit([&](const auto& x, const auto& y) { return complex_arithmetic(op, x, y); },
                           complex_operand(a), complex_operand(b));
            return std::pair{z.real, z.imag};
        },
        py::arg("op"), py::arg("a"), py::arg("b"));
}

}  // namespace chunkarr::python
