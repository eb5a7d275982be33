#pragma once
// A parsed `chunkarr eval` expression turned into one lazy chunkarr::Array whose axes carry
// dimension names, as xarray's DataArray: operands line up by dimension name (broadcast as
// xarray does), reductions and selections name dimensions, and coordinate variables follow the
// dimensions they label (sliced with them, dropped with them).
#include <chunkarr/graph/array.hpp>
#include <chunkarr/graph/complex_array.hpp>

#include "parser.hpp"

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace chunkarr::cli::expression {

struct Dimension {
    std::string name;
    Index size;
    std::optional<Array> coordinate;  // its 1-d coordinate variable, when the file has one
};

// An array with one named dimension per axis.
struct LabeledArray {
    Array array;
    std::vector<Dimension> dimensions;
};

// A complex variable (complex64 or complex128 Zarr arrays): its real and imaginary parts, which
// share the dimensions. Operators + - * /, real, imag, abs, angle and conj take it; anything
// else is an error that says to take real(z), imag(z) or abs(z) first.
struct LabeledComplex {
    ComplexArray value;
    std::vector<Dimension> dimensions;
};

// Where the expression's variable names come from: `open` gives the named variable (CF-decoded,
// with its dimensions); `names` are the variables that exist (for the unknown-variable error).
struct Variables {
    std::function<std::variant<LabeledArray, LabeledComplex>(const std::string& name)> open;
    std::vector<std::string> names;
};

// The expression's value as one array (a number: a 0-d float64 array). ExpressionError naming
// the problem and its column: an unknown variable, function or dimension, a wrong argument
// count or type, dimensions of the same name with different lengths, an index out of range.
LabeledArray to_array(const Node& tree, const Variables& variables);

// The functions the language knows, with their arguments and what they do: the reference that
// `chunkarr eval --help` prints.
struct FunctionHelp {
    const char* name;
    const char* arguments;
    const char* summary;
};
const std::vector<FunctionHelp>& function_reference();

}  // namespace chunkarr::cli::expression
