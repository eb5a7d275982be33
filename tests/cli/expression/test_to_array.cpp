#include <chunkarr/chunkarr.hpp>

#include "cli/expression/to_array.hpp"
#include "support/catch.hpp"

#include <cmath>
#include <variant>

using namespace chunkarr;
using namespace chunkarr::cli::expression;

namespace {

// x(time: 3, lat: 2) = 10*t + l with x[1, 0] missing; y(lat: 2) = {100, 200}; z(lon: 4) = 0..3;
// w(lat: 3). lat's coordinate is {-5, 5}.
NDArray values(const Shape& shape, const std::vector<double>& data) {
    NDArray a(DType::Float64, shape);
    for (std::size_t i = 0; i < data.size(); ++i) a.data_as<double>()[i] = data[i];
    return a;
}

const double nan = std::nan("");

Variables workspace() {
    return {[](const std::string& name) -> LabeledArray {
                const Array lat = from_ndarray(values({2}, {-5, 5}));
                if (name == "x")
                    return {from_ndarray(values({3, 2}, {0, 1, nan, 11, 20, 21}), {2, 1}),
                            {{"time", 3, std::nullopt}, {"lat", 2, lat}}};
                if (name == "y") return {from_ndarray(values({2}, {100, 200})), {{"lat", 2, lat}}};
                if (name == "z") return {from_ndarray(values({4}, {0, 1, 2, 3})), {{"lon", 4, std::nullopt}}};
                return {from_ndarray(values({3}, {1, 2, 3})), {{"lat", 3, std::nullopt}}};
            },
            {"x", "y", "z", "w"}};
}

LabeledArray eval(const std::string& expression) { return to_array(*parse(expression), workspace()); }

std::vector<double> computed(const LabeledArray& value) {
    const NDArray a = value.array.compute().astype(DType::Float64);
    return std::vector<double>(a.data_as<double>(), a.data_as<double>() + a.size());
}

std::vector<std::string> dimension_names(const LabeledArray& value) {
    std::vector<std::string> names;
    for (const auto& d : value.dimensions) names.push_back(d.name);
    return names;
}

std::pair<std::size_t, std::string> error_of(const std::string& expression) {
    try {
        eval(expression);
    } catch (const ExpressionError& e) {
        return {e.column(), e.what()};
    }
    FAIL("no error for " << expression);
    return {};
}

}  // namespace

TEST_CASE("reductions skip missing values over the named dimensions", "[cli][expression]") {
    const auto mean_time = eval("mean(x, \"time\")");
    CHECK(dimension_names(mean_time) == std::vector<std::string>{"lat"});
    CHECK(computed(mean_time) == std::vector<double>{10, 11});  // (0 + 20) / 2, (1 + 11 + 21) / 3
    CHECK(computed(eval("count(x)")) == std::vector<double>{5});
    CHECK(computed(eval("sum(x, \"lat\")")) == std::vector<double>{1, 11, 41});
    CHECK(computed(eval("max(x, \"time\", \"lat\")")) == std::vector<double>{21});
    CHECK(computed(eval("median(x, \"time\")")) == std::vector<double>{10, 11});
    CHECK(computed(eval("quantile(x, 0.5, \"lat\")")) == std::vector<double>{0.5, 11, 20.5});
    CHECK(eval("mean(x)").dimensions.empty());
}

TEST_CASE("operands line up by dimension name and keep coordinates", "[cli][expression]") {
    const auto sum = eval("y + x");  // y's lat first, then x's new time
    CHECK(dimension_names(sum) == std::vector<std::string>{"lat", "time"});
    const auto v = computed(sum);
    CHECK(v[0] == 100);
    CHECK(std::isnan(v[1]));
    CHECK(v[2] == 120);
    CHECK(v[3] == 201);
    CHECK(v[5] == 221);
    REQUIRE(sum.dimensions[0].coordinate);
    const auto outer = eval("x * z");
    CHECK(outer.array.shape() == Shape{3, 2, 4});
    CHECK(computed(outer)[7] == 3);  // x[0, 1] * z[3]
    const auto anomaly = eval("x - mean(x, \"time\")");
    CHECK(computed(anomaly)[4] == 10);  // 20 - 10
}

TEST_CASE("selections by dimension name slice values and coordinates", "[cli][expression]") {
    const auto row = eval("x[time=2]");
    CHECK(dimension_names(row) == std::vector<std::string>{"lat"});
    CHECK(computed(row) == std::vector<double>{20, 21});
    const auto column = eval("x[lat=-1, time=0:2]");
    CHECK(dimension_names(column) == std::vector<std::string>{"time"});
    CHECK(computed(column) == std::vector<double>{1, 11});
    const auto second = eval("y[lat=1:]");
    REQUIRE(second.dimensions[0].coordinate);
    CHECK(second.dimensions[0].size == 1);
    CHECK(second.dimensions[0].coordinate->compute().value_as_double(0) == 5);
}

TEST_CASE("elementwise functions and numbers", "[cli][expression]") {
    CHECK(computed(eval("2 ** 3 + 7 % 4")) == std::vector<double>{11});
    CHECK(computed(eval("-7 % 4")) == std::vector<double>{1});  // Python's sign of the divisor
    CHECK(computed(eval("sqrt(y * 4)")) == std::vector<double>{20, std::sqrt(800.0)});
    CHECK(computed(eval("where(isnan(x), -1, x)")) == std::vector<double>{0, 1, -1, 11, 20, 21});
    CHECK(computed(eval("clip(z, 1, 2)")) == std::vector<double>{1, 1, 2, 2});
    CHECK(computed(eval("minimum(z, 2)")) == std::vector<double>{0, 1, 2, 2});
    CHECK(computed(eval("maximum(2, z)")) == std::vector<double>{2, 2, 2, 3});
    CHECK(computed(eval("(z > 0) & (z < 3) | ~(z != 3)")) == std::vector<double>{0, 1, 1, 1});
    CHECK(computed(eval("log10(y) + abs(-z[lon=0])")) == std::vector<double>{2, std::log10(200.0)});
}

TEST_CASE("mistakes name the problem and its column", "[cli][expression]") {
    CHECK(error_of("mean(q)") ==
          std::pair<std::size_t, std::string>{5, "unknown variable 'q' (variables: x, y, z, w)"});
    CHECK(error_of("foo(x)").first == 0);
    CHECK(error_of("foo(x)").second.find("unknown function 'foo' (functions: mean,") == 0);
    CHECK(error_of("mean(x, \"lon\")") ==
          std::pair<std::size_t, std::string>{8, "unknown dimension 'lon' (its dimensions: time, lat)"});
    CHECK(error_of("x[lon=0]").first == 2);
    CHECK(error_of("x[time=3]").second == "index 3 is out of range for dimension time of length 3");
    CHECK(error_of("x + w") == std::pair<std::size_t, std::string>{
                                   2, "shape mismatch: dimension lat has length 2 on one side and 3 on the other"});
    CHECK(error_of("where(x, y)").second == "where(c, a, b) takes 3 arguments, got 2");
    CHECK(error_of("sqrt()").second == "sqrt(x) takes 1 argument, got 0");
    CHECK(error_of("quantile(x)").second == "quantile(x, q, dim...) takes at least 2 arguments, got 1");
    CHECK(error_of("mean(x, time)").first == 8);
    CHECK(error_of("quantile(x, 2)").first == 12);
    CHECK(error_of("\"time\" + 1").first == 7);
    CHECK(error_of("mean").second.find("mean is a function") != std::string::npos);
}

namespace {

// c(time: 2, lat: 2) = {1+2i, -3+4i, 0-1i, 5+0i}; x as above, but c complex.
std::variant<LabeledArray, LabeledComplex> complex_variable(const std::string& name) {
    const std::vector<Dimension> dims = {{"time", 2, std::nullopt}, {"lat", 2, std::nullopt}};
    if (name == "c")
        return LabeledComplex{
            {from_ndarray(values({2, 2}, {1, -3, 0, 5})), from_ndarray(values({2, 2}, {2, 4, -1, 0}))}, dims};
    return LabeledArray{from_ndarray(values({2}, {10, 20})), {{"lat", 2, std::nullopt}}};
}

LabeledArray eval_complex(const std::string& expression) {
    return to_array(*parse(expression), Variables{complex_variable, {"c", "y"}});
}

std::string complex_error(const std::string& expression) {
    try {
        eval_complex(expression);
    } catch (const ExpressionError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("complex variables: parts, magnitude, angle and arithmetic", "[cli][expression][complex]") {
    CHECK(computed(eval_complex("real(c)")) == std::vector<double>{1, -3, 0, 5});
    CHECK(computed(eval_complex("imag(c)")) == std::vector<double>{2, 4, -1, 0});
    CHECK(computed(eval_complex("abs(c)")) == std::vector<double>{std::hypot(1.0, 2.0), 5, 1, 5});
    CHECK(computed(eval_complex("angle(c)")) ==
          std::vector<double>{std::atan2(2.0, 1.0), std::atan2(4.0, -3.0), std::atan2(-1.0, 0.0), 0});
    CHECK(computed(eval_complex("imag(conj(c))")) == std::vector<double>{-2, -4, 1, 0});
    CHECK(computed(eval_complex("imag(-c)")) == std::vector<double>{-2, -4, 1, 0});
    // (1+2i)(1-2i) = 5; (-3+4i)(-3-4i) = 25: z * conj(z) = |z|^2, imaginary part 0.
    CHECK(computed(eval_complex("real(c * conj(c))")) == std::vector<double>{5, 25, 1, 25});
    CHECK(computed(eval_complex("imag(c * conj(c))")) == std::vector<double>{0, 0, 0, 0});
    CHECK(computed(eval_complex("real(c * 2 - 1)")) == std::vector<double>{1, -7, -1, 9});
    // y(lat) = {10, 20} lines up by name: c / y divides each part.
    CHECK(computed(eval_complex("imag(c / y)")) == std::vector<double>{0.2, 0.2, -0.1, 0});
    // 1 / (0 - 1i) = i
    CHECK(computed(eval_complex("imag(1 / c[time=1, lat=0])")) == std::vector<double>{1});
    CHECK(dimension_names(eval_complex("abs(c[lat=1])")) == std::vector<std::string>{"time"});
    // Real values: real is itself, imag zero, angle 0 or pi.
    CHECK(computed(eval_complex("imag(y)")) == std::vector<double>{0, 0});
    CHECK(computed(eval_complex("angle(-y)")) == std::vector<double>{std::atan2(0.0, -1.0), std::atan2(0.0, -1.0)});
}

TEST_CASE("complex values where real ones are needed are one clear error", "[cli][expression][complex]") {
    CHECK(complex_error("c") ==
          "the result is complex128: eval computes real values; take real(z), imag(z), abs(z) or angle(z)");
    CHECK(complex_error("mean(c)") ==
          "mean is not defined for complex values (complex128): take real(z), imag(z) or abs(z) first");
    CHECK(complex_error("c < 1").find("operator < is not defined for complex values (complex128)") == 0);
    CHECK(complex_error("sqrt(c)").find("sqrt is not defined for complex values") == 0);
    CHECK(complex_error("where(c, 1, 2)").find("where is not defined for complex values") == 0);
    CHECK(complex_error("max(abs(c))") == "no error");
}
