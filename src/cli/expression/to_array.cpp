#include "to_array.hpp"

#include <chunkarr/core/error.hpp>
#include <chunkarr/graph/quantile.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <type_traits>
#include <variant>

namespace chunkarr::cli::expression {

const std::vector<FunctionHelp>& function_reference() {
    static const std::vector<FunctionHelp> reference = {
        {"mean", "x, dim...", "mean over the named dimensions (none: all), missing values skipped"},
        {"std", "x, dim...", "standard deviation (ddof 0), missing values skipped"},
        {"var", "x, dim...", "variance (ddof 0), missing values skipped"},
        {"min", "x, dim...", "minimum, missing values skipped"},
        {"max", "x, dim...", "maximum, missing values skipped"},
        {"sum", "x, dim...", "sum, missing values skipped (all missing: 0)"},
        {"median", "x, dim...", "median, missing values skipped"},
        {"quantile", "x, q, dim...", "quantile q in [0, 1] (linear, as NumPy), missing values skipped"},
        {"count", "x, dim...", "number of values that are not missing"},
        {"sqrt", "x", "square root"},
        {"exp", "x", "e to the power x"},
        {"log", "x", "natural logarithm"},
        {"log10", "x", "base-10 logarithm"},
        {"abs", "x", "absolute value (of a complex z: its magnitude)"},
        {"real", "z", "real part of complex values (of real x: x)"},
        {"imag", "z", "imaginary part of complex values (of real x: 0)"},
        {"angle", "z", "angle of complex values in radians, atan2(imag, real)"},
        {"conj", "z", "complex conjugate"},
        {"isnan", "x", "1 where x is missing (NaN), else 0"},
        {"where", "c, a, b", "a where c is true (non-zero), else b"},
        {"clip", "x, low, high", "x limited to [low, high]"},
        {"minimum", "a, b", "the smaller of a and b, elementwise (NaN if either is)"},
        {"maximum", "a, b", "the larger of a and b, elementwise (NaN if either is)"},
    };
    return reference;
}

namespace {

// What a subexpression evaluates to: a number, a quoted string (only as a dimension argument),
// an array with named dimensions or complex values with named dimensions.
using Value = std::variant<double, std::string, LabeledArray, LabeledComplex>;

// Why complex values cannot go where they were given (`what`: "mean", "operator <").
std::string complex_refusal(const LabeledComplex& z, const std::string& what) {
    return what + " is not defined for complex values (" + complex_dtype_name(z.value) +
           "): take real(z), imag(z) or abs(z) first";
}

std::string listing(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& n : names) text += (text.empty() ? "" : ", ") + n;
    return text;
}

std::string dimension_listing(const LabeledArray& value) {
    if (value.dimensions.empty()) return "it has no dimensions";
    std::vector<std::string> names;
    for (const auto& d : value.dimensions) names.push_back(d.name);
    return "its dimensions: " + listing(names);
}

std::optional<std::size_t> axis_of(const LabeledArray& value, const std::string& name) {
    for (std::size_t axis = 0; axis < value.dimensions.size(); ++axis)
        if (value.dimensions[axis].name == name) return axis;
    return std::nullopt;
}

LabeledArray from_number(double number) { return {scalar(number), {}}; }

// A number next to an array, in the array's float type (float32 data stays float32, as NumPy's
// weak scalars keep it), float64 beside integers.
Array number_like(double number, const Array& like) {
    return scalar(number, is_float(like.dtype()) ? like.dtype() : DType::Float64);
}

// The dimensions of several operands joined, xarray's way: the first operand's in its order,
// then each new name in the order met. Same names must have the same length.
std::vector<Dimension> joined_dimensions(const std::vector<const LabeledArray*>& operands, std::size_t column) {
    std::vector<Dimension> joined;
    for (const LabeledArray* operand : operands) {
        for (const Dimension& d : operand->dimensions) {
            auto it = std::find_if(joined.begin(), joined.end(), [&](const Dimension& j) { return j.name == d.name; });
            if (it == joined.end()) joined.push_back(d);
            else if (it->size != d.size)
                throw ExpressionError("shape mismatch: dimension " + d.name + " has length " +
                                          std::to_string(it->size) + " on one side and " + std::to_string(d.size) +
                                          " on the other",
                                      column);
            else if (!it->coordinate) it->coordinate = d.coordinate;
        }
    }
    return joined;
}

// `value`'s array with its axes in the order of `dimensions` and a length-1 axis for each
// dimension it lacks, so that NumPy broadcasting lines up the names.
Array conform(const LabeledArray& value, const std::vector<Dimension>& dimensions) {
    std::vector<int> order;
    std::vector<int> missing;
    for (std::size_t i = 0; i < dimensions.size(); ++i) {
        if (const auto axis = axis_of(value, dimensions[i].name)) order.push_back(static_cast<int>(*axis));
        else missing.push_back(static_cast<int>(i));
    }
    Array array = value.array;
    bool reordered = false;
    for (std::size_t i = 0; i < order.size(); ++i) reordered = reordered || order[i] != static_cast<int>(i);
    if (reordered) array = transpose(array, order);
    if (!missing.empty()) array = expand_dims(array, missing);
    return array;
}

double python_remainder(double a, double b) {
    const double r = std::fmod(a, b);
    return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

// A number beside an array, as an array (an array stays itself).
template <typename Other> const Array& as_array(const Array& x, const Other&) { return x; }
Array as_array(double x, const Array& like) { return number_like(x, like); }

// One operand of a complex operation, lined up with the operation's dimensions.
using ComplexOperand = std::variant<double, Array, ComplexArray>;

// a op b (op one of + - * /) where a or b is complex: NumPy's complex arithmetic.
ComplexArray apply_complex_operator(char op, const ComplexOperand& a, const ComplexOperand& b) {
    return std::visit(
        [op](const auto& x, const auto& y) -> ComplexArray {
            using X = std::decay_t<decltype(x)>;
            using Y = std::decay_t<decltype(y)>;
            if constexpr (!std::is_same_v<X, ComplexArray> && !std::is_same_v<Y, ComplexArray>) {
                throw std::logic_error("a complex operation without a complex operand");
            } else {
                if (op == '+') return x + y;
                if (op == '-') return x - y;
                if (op == '*') return x * y;
                return x / y;
            }
        },
        a, b);
}

// a op b for numbers (comparisons and logic give 1 or 0), arrays, or an array and a number. The
// graph's overloads for numbers treat them as NumPy's weak scalars (int16 + 1 stays int16).
template <typename A, typename B> auto apply_operator(const std::string& op, const A& a, const B& b) {
    constexpr bool numbers = std::is_same_v<A, double> && std::is_same_v<B, double>;
    using Result = std::conditional_t<numbers, double, Array>;
    if (op == "+") return Result(a + b);
    if (op == "-") return Result(a - b);
    if (op == "*") return Result(a * b);
    if (op == "/") return Result(a / b);
    if (op == "==") return Result(a == b);
    if (op == "!=") return Result(a != b);
    if (op == "<") return Result(a < b);
    if (op == "<=") return Result(a <= b);
    if (op == ">") return Result(a > b);
    if (op == ">=") return Result(a >= b);
    if constexpr (numbers) {
        if (op == "&") return Result(a != 0 && b != 0);
        if (op == "|") return Result(a != 0 || b != 0);
        if (op == "**") return std::pow(a, b);
        return python_remainder(a, b);  // "%"
    } else {
        if (op == "&") return Result(a && b);
        if (op == "|") return Result(a || b);
        if (op == "**") return power(as_array(a, b), as_array(b, a));
        return binary(BinaryOp::Remainder, as_array(a, b), as_array(b, a));  // "%"
    }
}

class Evaluator {
public:
    explicit Evaluator(const Variables& variables) : variables_(variables) {}

    Value evaluate(const Node& node) {
        switch (node.kind) {
            case NodeKind::Number: return node.number;
            case NodeKind::String: return node.text;
            case NodeKind::Variable: return variable(node);
            case NodeKind::Unary: return unary_operator(node);
            case NodeKind::Binary: return binary_operator(node);
            case NodeKind::Call: return call(node);
            case NodeKind::Select: return select(node);
        }
        throw ExpressionError("unknown expression", node.column);
    }

    // A value that must be a number or a real array (not a string, not complex), as an array.
    LabeledArray array_operand(const Node& node, const std::string& context) {
        Value value = operand(node, context);
        if (auto* z = std::get_if<LabeledComplex>(&value)) {
            if (context.empty())
                throw ExpressionError("the result is " + complex_dtype_name(z->value) +
                                          ": eval computes real values; take real(z), imag(z), abs(z) or angle(z)",
                                      node.column);
            // context: " for mean", " for where": the function's name.
            const std::string prefix = " for ";
            const std::string what = context.rfind(prefix, 0) == 0 ? context.substr(prefix.size()) : context;
            throw ExpressionError(complex_refusal(*z, what), node.column);
        }
        return std::get<LabeledArray>(std::move(value));
    }

    // A value that must be a number or an array, real or complex (not a string); a number as an array.
    Value operand(const Node& node, const std::string& context) {
        Value value = evaluate(node);
        if (auto* text = std::get_if<std::string>(&value))
            throw ExpressionError("string \"" + *text + "\" is not a value" + context, node.column);
        if (auto* number = std::get_if<double>(&value)) return from_number(*number);
        return value;
    }

private:
    Value variable(const Node& node) {
        if (auto it = opened_.find(node.text); it != opened_.end()) return it->second;
        const auto& names = variables_.names;
        if (std::find(names.begin(), names.end(), node.text) == names.end()) {
            const bool is_function = std::any_of(function_reference().begin(), function_reference().end(),
                                                 [&](const FunctionHelp& f) { return node.text == f.name; });
            throw ExpressionError("unknown variable '" + node.text + "'" +
                                      (is_function ? " (" + node.text + " is a function: call it with ( ))" : "") +
                                      " (variables: " + listing(names) + ")",
                                  node.column);
        }
        const Value opened = std::visit([](auto value) -> Value { return value; }, variables_.open(node.text));
        opened_.emplace(node.text, opened);
        return opened;
    }

    Value unary_operator(const Node& node) {
        Value operand = evaluate(*node.operands[0]);
        if (std::holds_alternative<std::string>(operand))
            throw ExpressionError("operator " + node.text + " cannot take a string", node.column);
        if (auto* number = std::get_if<double>(&operand)) {
            if (node.text == "-") return -*number;
            if (node.text == "~") return static_cast<double>(*number == 0);
            return *number;
        }
        if (auto* z = std::get_if<LabeledComplex>(&operand)) {
            if (node.text == "~") throw ExpressionError(complex_refusal(*z, "operator ~"), node.column);
            if (node.text == "-") z->value = -z->value;
            return operand;
        }
        LabeledArray value = std::get<LabeledArray>(std::move(operand));
        if (node.text == "-") value.array = -value.array;
        else if (node.text == "~") value.array = !value.array;
        return value;
    }

    Value binary_operator(const Node& node) {
        Value left = evaluate(*node.operands[0]);
        Value right = evaluate(*node.operands[1]);
        for (const Value* side : {&left, &right})
            if (std::holds_alternative<std::string>(*side))
                throw ExpressionError("operator " + node.text + " cannot take a string (quoted names are for " +
                                          "function arguments like mean(x, \"time\"))",
                                      node.column);
        if (std::holds_alternative<LabeledComplex>(left) || std::holds_alternative<LabeledComplex>(right))
            return complex_operator(node, left, right);
        const auto* a = std::get_if<LabeledArray>(&left);
        const auto* b = std::get_if<LabeledArray>(&right);
        if (!a && !b) return apply_operator(node.text, std::get<double>(left), std::get<double>(right));
        if (!b) return LabeledArray{apply_operator(node.text, a->array, std::get<double>(right)), a->dimensions};
        if (!a) return LabeledArray{apply_operator(node.text, std::get<double>(left), b->array), b->dimensions};
        const auto dimensions = joined_dimensions({a, b}, node.column);
        return LabeledArray{apply_operator(node.text, conform(*a, dimensions), conform(*b, dimensions)), dimensions};
    }

    // + - * / with a complex operand; the other operators are not defined for complex values.
    Value complex_operator(const Node& node, const Value& left, const Value& right) {
        const auto& z = std::holds_alternative<LabeledComplex>(left) ? std::get<LabeledComplex>(left)
                                                                     : std::get<LabeledComplex>(right);
        if (node.text.size() != 1 || std::string("+-*/").find(node.text) == std::string::npos)
            throw ExpressionError(complex_refusal(z, "operator " + node.text), node.column);
        // Both sides' parts lined up by dimension name, as real operands are.
        std::vector<LabeledArray> parts;
        for (const Value* side : {&left, &right}) {
            if (const auto* x = std::get_if<LabeledArray>(side)) parts.push_back(*x);
            if (const auto* c = std::get_if<LabeledComplex>(side)) {
                parts.push_back({c->value.real, c->dimensions});
                parts.push_back({c->value.imag, c->dimensions});
            }
        }
        std::vector<const LabeledArray*> labeled;
        for (const auto& p : parts) labeled.push_back(&p);
        const auto dimensions = joined_dimensions(labeled, node.column);
        std::size_t next = 0;
        const auto side = [&](const Value& value) -> ComplexOperand {
            if (const auto* number = std::get_if<double>(&value)) return *number;
            if (std::holds_alternative<LabeledArray>(value)) return conform(parts[next++], dimensions);
            const Array real = conform(parts[next++], dimensions);
            return ComplexArray{real, conform(parts[next++], dimensions)};
        };
        const ComplexOperand a = side(left);
        const ComplexOperand b = side(right);
        return LabeledComplex{apply_complex_operator(node.text[0], a, b), dimensions};
    }

    Value select(const Node& node) {
        Value value = operand(*node.operands[0], " to select from");
        if (auto* z = std::get_if<LabeledComplex>(&value)) {
            const LabeledArray real = select_from({z->value.real, z->dimensions}, node);
            return LabeledComplex{{real.array, select_from({z->value.imag, z->dimensions}, node).array},
                                  real.dimensions};
        }
        return select_from(std::get<LabeledArray>(value), node);
    }

    LabeledArray select_from(const LabeledArray& value, const Node& node) {
        std::vector<Indexer> index(value.dimensions.size(), Indexer{all()});
        std::vector<bool> chosen(value.dimensions.size(), false);
        std::vector<bool> dropped(value.dimensions.size(), false);
        for (const Selection& s : node.selections) {
            const auto axis = axis_of(value, s.dimension);
            if (!axis)
                throw ExpressionError("unknown dimension '" + s.dimension + "' (" + dimension_listing(value) + ")",
                                      s.column);
            if (chosen[*axis]) throw ExpressionError("dimension " + s.dimension + " is selected twice", s.column);
            chosen[*axis] = true;
            const Index length = value.dimensions[*axis].size;
            if (s.index) {
                const long long i = *s.index < 0 ? *s.index + length : *s.index;
                if (i < 0 || i >= length)
                    throw ExpressionError("index " + std::to_string(*s.index) + " is out of range for dimension " +
                                              s.dimension + " of length " + std::to_string(length),
                                          s.column);
                index[*axis] = Index{i};
                dropped[*axis] = true;
            } else {
                index[*axis] = Slice{s.start, s.stop, s.step};
            }
        }
        const Array selected = value.array[index];
        std::vector<Dimension> kept;
        for (std::size_t axis = 0; axis < value.dimensions.size(); ++axis) {
            if (dropped[axis]) continue;
            Dimension d = value.dimensions[axis];
            d.size = selected.shape()[kept.size()];
            if (d.coordinate) d.coordinate = (*d.coordinate)[{index[axis]}];
            kept.push_back(std::move(d));
        }
        return LabeledArray{selected, kept};
    }

    // The dimension arguments of a reduction (operands from `first` on): quoted names of
    // `value`'s dimensions, as axes.
    Axes reduction_axes(const Node& call, std::size_t first, const LabeledArray& value) {
        Axes axes;
        for (std::size_t i = first; i < call.operands.size(); ++i) {
            const Node& argument = *call.operands[i];
            if (argument.kind != NodeKind::String)
                throw ExpressionError(
                    call.text + ": dimensions are given as quoted names, like " + call.text + "(x, \"time\")",
                    argument.column);
            const auto axis = axis_of(value, argument.text);
            if (!axis)
                throw ExpressionError("unknown dimension '" + argument.text + "' (" + dimension_listing(value) + ")",
                                      argument.column);
            if (std::find(axes.begin(), axes.end(), static_cast<int>(*axis)) != axes.end())
                throw ExpressionError("dimension " + argument.text + " is given twice", argument.column);
            axes.push_back(static_cast<int>(*axis));
        }
        return axes;
    }

    static std::vector<Dimension> without_axes(const std::vector<Dimension>& dimensions, const Axes& axes) {
        if (axes.empty()) return {};
        std::vector<Dimension> kept;
        for (std::size_t axis = 0; axis < dimensions.size(); ++axis)
            if (std::find(axes.begin(), axes.end(), static_cast<int>(axis)) == axes.end())
                kept.push_back(dimensions[axis]);
        return kept;
    }

    void check_argument_count(const Node& call, std::size_t least, std::optional<std::size_t> most,
                              const char* arguments) {
        const std::size_t n = call.operands.size();
        if (n >= least && (!most || n <= *most)) return;
        throw ExpressionError(call.text + "(" + arguments + ") takes " +
                                  (most == least ? std::to_string(least)
                                   : most        ? std::to_string(least) + " to " + std::to_string(*most)
                                                 : "at least " + std::to_string(least)) +
                                  " argument" +
                                  (most == std::optional<std::size_t>(1) || (!most && least == 1) ? "" : "s") +
                                  ", got " + std::to_string(n),
                              call.column);
    }

    double number_argument(const Node& call, std::size_t i, const std::string& what) {
        const Value value = evaluate(*call.operands[i]);
        if (const auto* number = std::get_if<double>(&value)) return *number;
        throw ExpressionError(call.text + ": " + what + " must be a number", call.operands[i]->column);
    }

    Value call(const Node& node) {
        const auto& reference = function_reference();
        const auto help = std::find_if(reference.begin(), reference.end(),
                                       [&](const FunctionHelp& f) { return node.text == f.name; });
        if (help == reference.end()) {
            std::vector<std::string> names;
            for (const auto& f : reference) names.push_back(f.name);
            throw ExpressionError("unknown function '" + node.text + "' (functions: " + listing(names) + ")",
                                  node.column);
        }
        const std::string& name = node.text;
        if (name == "real" || name == "imag" || name == "angle" || name == "conj" || name == "abs") {
            check_argument_count(node, 1, 1, help->arguments);
            return complex_function(name, operand(*node.operands[0], " for " + name));
        }
        // abs is above: it takes complex operands too.
        static const std::map<std::string, UnaryOp> elementwise = {{"sqrt", UnaryOp::Sqrt},
                                                                   {"exp", UnaryOp::Exp},
                                                                   {"log", UnaryOp::Log},
                                                                   {"log10", UnaryOp::Log10},
                                                                   {"isnan", UnaryOp::IsNan}};
        if (const auto it = elementwise.find(name); it != elementwise.end()) {
            check_argument_count(node, 1, 1, help->arguments);
            LabeledArray x = array_operand(*node.operands[0], " for " + name);
            return LabeledArray{unary(it->second, x.array), x.dimensions};
        }
        if (name == "minimum" || name == "maximum") {
            check_argument_count(node, 2, 2, help->arguments);
            const LabeledArray a = array_operand(*node.operands[0], " for " + name);
            const LabeledArray b = array_operand(*node.operands[1], " for " + name);
            const auto dimensions = joined_dimensions({&a, &b}, node.column);
            const Array x = conform(a, dimensions), y = conform(b, dimensions);
            return LabeledArray{name == "minimum" ? minimum(x, y) : maximum(x, y), dimensions};
        }
        if (name == "where") {
            check_argument_count(node, 3, 3, help->arguments);
            const LabeledArray c = array_operand(*node.operands[0], " for where");
            const LabeledArray a = array_operand(*node.operands[1], " for where");
            const LabeledArray b = array_operand(*node.operands[2], " for where");
            const auto dimensions = joined_dimensions({&c, &a, &b}, node.column);
            return LabeledArray{where(conform(c, dimensions), conform(a, dimensions), conform(b, dimensions)),
                                dimensions};
        }
        if (name == "clip") {
            check_argument_count(node, 3, 3, help->arguments);
            const LabeledArray x = array_operand(*node.operands[0], " for clip");
            const double low = number_argument(node, 1, "low");
            const double high = number_argument(node, 2, "high");
            if (low > high) throw ExpressionError("clip: low is above high", node.operands[1]->column);
            return LabeledArray{clip(x.array, low, high), x.dimensions};
        }
        // The reductions: x, then (quantile) q, then dimension names.
        check_argument_count(node, name == "quantile" ? 2 : 1, std::nullopt, help->arguments);
        const LabeledArray x = array_operand(*node.operands[0], " for " + name);
        std::optional<double> q;
        if (name == "quantile") {
            q = number_argument(node, 1, "q");
            if (!(*q >= 0 && *q <= 1))
                throw ExpressionError("quantile: q must be in [0, 1], got " + std::to_string(*q),
                                      node.operands[1]->column);
        }
        const Axes axes = reduction_axes(node, name == "quantile" ? 2 : 1, x);
        const Array& a = x.array;
        Array reduced = name == "mean"     ? a.nanmean(axes)
                        : name == "std"    ? a.nanstd(axes)
                        : name == "var"    ? a.nanvar(axes)
                        : name == "min"    ? a.nanmin(axes)
                        : name == "max"    ? a.nanmax(axes)
                        : name == "sum"    ? a.nansum(axes)
                        : name == "count"  ? a.count(axes)
                        : name == "median" ? median(a, axes, false, true)
                                           : quantile(a, *q, axes, false, true);
        return LabeledArray{reduced, without_axes(x.dimensions, axes)};
    }

    // real, imag, abs, angle or conj of complex or real values (NumPy's: the imaginary part of
    // real values is zero, their angle 0 or pi).
    static Value complex_function(const std::string& name, const Value& x) {
        if (const auto* z = std::get_if<LabeledComplex>(&x)) {
            if (name == "conj") return LabeledComplex{conj(z->value), z->dimensions};
            const Array part = name == "real"   ? z->value.real
                               : name == "imag" ? z->value.imag
                               : name == "abs"  ? abs(z->value)
                                                : angle(z->value);
            return LabeledArray{part, z->dimensions};
        }
        const LabeledArray& r = std::get<LabeledArray>(x);
        if (name == "real" || name == "conj") return r;
        if (name == "abs") return LabeledArray{abs(r.array), r.dimensions};
        const Array zero = broadcast_to(scalar(0.0, r.array.dtype()), r.array.shape());
        return LabeledArray{name == "imag" ? zero : binary(BinaryOp::Arctan2, zero, r.array), r.dimensions};
    }

    const Variables& variables_;
    std::map<std::string, Value> opened_;  // each variable opened once, shared by its uses
};

}  // namespace

LabeledArray to_array(const Node& tree, const Variables& variables) {
    Evaluator evaluator(variables);
    return evaluator.array_operand(tree, "");
}

}  // namespace chunkarr::cli::expression
