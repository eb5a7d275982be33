// UnaryOp and BinaryOp (NumPy's ufunc names), and the elementwise functions. A Python number
// adapts to the array it meets (a weak scalar).
#include <chunkarr/core/dtype.hpp>
#include <chunkarr/core/ops.hpp>
#include <chunkarr/graph/array.hpp>

#include "bindings.hpp"
#include "graph/node.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <string>

namespace py = pybind11;

namespace chunkarr::python {

namespace {

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
    m.def(
        "clip", [](const Array& x, double low, double high) { return clip(x, low, high); }, py::arg("x"),
        py::arg("low"), py::arg("high"));
}

}  // namespace chunkarr::python
