#pragma once
// Array: the user's handle on a lazy expression. Cheap to copy; nothing is read until
// compute() (or the free compute()/statistics()/store() functions of engine/) runs it.
#include <chunkarr/core/dtype.hpp>
#include <chunkarr/core/ndarray.hpp>
#include <chunkarr/core/ops.hpp>
#include <chunkarr/core/shape.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace chunkarr {

struct ComputeOptions;
struct Node;  // the expression node (src/graph/node.hpp)
using NodePtr = std::shared_ptr<const Node>;

// One entry of a basic index: start:stop:step (None = open end, negatives count from the end).
struct Slice {
    std::optional<Index> start;
    std::optional<Index> stop;
    Index step = 1;
};
using Indexer = std::variant<Index, Slice>;
inline Slice all() { return {}; }

using Axes = std::vector<int>;  // empty: every axis

class Array {
public:
    explicit Array(NodePtr node) : node_(std::move(node)) {}

    const NodePtr& node() const { return node_; }
    const Shape& shape() const;
    DType dtype() const;
    std::size_t ndim() const { return shape().size(); }
    Index size() const { return element_count(shape()); }
    std::size_t nbytes() const { return static_cast<std::size_t>(size()) * itemsize(dtype()); }
    const ChunkGrid& chunks() const;

    // Basic indexing: x[{2, Slice{0, 10, 2}}]; missing trailing axes are taken whole.
    Array operator[](const std::vector<Indexer>& index) const;
    Array astype(DType dtype) const;
    // The same values computed over other chunks (Dask's tuple-of-tuples model). Lazy; when the
    // input's stored chunks would each be decoded by many target chunks, compute()/store() run
    // it in stages through temporary files within the memory limit (exec/rechunk.hpp).
    Array rechunk(const ChunkGrid& chunks) const;

    Array sum(const Axes& axes = {}, bool keepdims = false) const;
    Array mean(const Axes& axes = {}, bool keepdims = false) const;
    Array min(const Axes& axes = {}, bool keepdims = false) const;
    Array max(const Axes& axes = {}, bool keepdims = false) const;
    Array var(const Axes& axes = {}, bool keepdims = false, int ddof = 0) const;
    Array std(const Axes& axes = {}, bool keepdims = false, int ddof = 0) const;
    Array prod(const Axes& axes = {}, bool keepdims = false) const;
    // Number of elements that are not NaN (xarray's count).
    Array count(const Axes& axes = {}, bool keepdims = false) const;
    Array any(const Axes& axes = {}, bool keepdims = false) const;
    Array all(const Axes& axes = {}, bool keepdims = false) const;
    Array nansum(const Axes& axes = {}, bool keepdims = false) const;
    Array nanmean(const Axes& axes = {}, bool keepdims = false) const;
    Array nanmin(const Axes& axes = {}, bool keepdims = false) const;
    Array nanmax(const Axes& axes = {}, bool keepdims = false) const;
    Array nanvar(const Axes& axes = {}, bool keepdims = false, int ddof = 0) const;
    Array nanstd(const Axes& axes = {}, bool keepdims = false, int ddof = 0) const;
    Array nanprod(const Axes& axes = {}, bool keepdims = false) const;

    // Runs the expression (engine/compute.hpp; defined there, the layer that can run it).
    NDArray compute(const ComputeOptions& options) const;
    NDArray compute() const;

private:
    Array reduce(ReduceOp op, const Axes& axes, bool keepdims, bool skipna, int ddof) const;
    Array extremum(ReduceOp op, const Axes& axes, bool keepdims, bool skipna) const;
    NodePtr node_;
};

// Arithmetic and comparisons, NumPy broadcasting and promotion. Numbers on either side are
// "weak": x_float32 * 2.0 stays float32, x_int16 + 1 stays int16.
Array operator-(const Array& a);
#define CHUNKARR_BINARY_OPERATOR(symbol)                                                               \
    Array operator symbol(const Array& a, const Array& b);                                             \
    Array operator symbol(const Array& a, double b);                                                   \
    Array operator symbol(double a, const Array& b);                                                   \
    Array operator symbol(const Array& a, long long b);                                                \
    Array operator symbol(long long a, const Array& b);                                                \
    inline Array operator symbol(const Array& a, int b) { return a symbol static_cast<long long>(b); } \
    inline Array operator symbol(int a, const Array& b) { return static_cast<long long>(a) symbol b; }
CHUNKARR_BINARY_OPERATOR(+)
CHUNKARR_BINARY_OPERATOR(-)
CHUNKARR_BINARY_OPERATOR(*)
CHUNKARR_BINARY_OPERATOR(/)
CHUNKARR_BINARY_OPERATOR(==)
CHUNKARR_BINARY_OPERATOR(!=)
CHUNKARR_BINARY_OPERATOR(<)
CHUNKARR_BINARY_OPERATOR(<=)
CHUNKARR_BINARY_OPERATOR(>)
CHUNKARR_BINARY_OPERATOR(>=)
CHUNKARR_BINARY_OPERATOR(&&)
CHUNKARR_BINARY_OPERATOR(||)
#undef CHUNKARR_BINARY_OPERATOR
Array operator!(const Array& a);

// Any elementwise function by its enum (what the bindings call; core/ops.hpp lists them).
Array unary(UnaryOp op, const Array& x);
Array binary(BinaryOp op, const Array& a, const Array& b);

Array abs(const Array& x);
Array sqrt(const Array& x);
Array exp(const Array& x);
Array log(const Array& x);
Array log10(const Array& x);
Array sin(const Array& x);
Array cos(const Array& x);
Array tan(const Array& x);
Array floor(const Array& x);
Array ceil(const Array& x);
Array isnan(const Array& x);
Array isfinite(const Array& x);
Array power(const Array& a, const Array& b);
Array power(const Array& a, double b);
Array maximum(const Array& a, const Array& b);
Array minimum(const Array& a, const Array& b);
Array where(const Array& condition, const Array& a, const Array& b);
Array where(const Array& condition, const Array& a, double b);

// Shape functions, NumPy's names and semantics.
Array expand_dims(const Array& x, const std::vector<int>& axes);
Array squeeze(const Array& x, const std::vector<int>& axes = {});  // empty: every length-1 axis
Array moveaxis(const Array& x, int source, int destination);
Array stack(const std::vector<Array>& arrays, int axis = 0);
Array broadcast_to(const Array& x, const Shape& shape);
Array clip(const Array& x, double low, double high);
// Elements at `indices` along `axis` (NumPy's take; negatives count from the end). Lazy.
Array take(const Array& x, const std::vector<Index>& indices, int axis = 0);
// Running sum / product along `axis` (NumPy's cumsum/cumprod; int results are int64/uint64).
// Two stages: each chunk's total along the axis, then every chunk scans locally from the totals
// of the chunks before it.
Array cumsum(const Array& x, int axis);
Array cumprod(const Array& x, int axis);
// Over the flattened array (NumPy's axis=None): the running sum of ravel(x).
Array cumsum(const Array& x);
Array cumprod(const Array& x);
// Counts of x's values in `bins` equal bins over [low, high] (the last bin closed, as NumPy),
// and the bin edges (bins + 1). Without a range it is the data's NaN-ignoring min and max, found
// in a first pass. NaN is counted in no bin. Counts are int64; all lazy, one pass per stage.
std::pair<Array, Array> histogram(const Array& x, int bins,
                                  std::optional<std::pair<double, double>> range = std::nullopt);
// Counts of x's values between explicit bin edges (NumPy: [e_i, e_i+1), the last bin closed,
// values outside the edges and NaN counted nowhere); edges must not decrease (else ValueError).
// Counts are int64, lazy, one pass.
Array histogram(const Array& x, const std::vector<double>& edges);
// Index of the first minimum / maximum (NaN counts as the extreme, as in NumPy) along `axis`,
// or in the flattened array when `axis` is empty; int64. Two passes: the extreme, then where.
Array argmin(const Array& x, std::optional<int> axis = std::nullopt);
Array argmax(const Array& x, std::optional<int> axis = std::nullopt);
// Axes reordered (NumPy's transpose; empty: reversed).
Array transpose(const Array& x, std::vector<int> order = {});
// Arrays joined along an existing axis (NumPy's concatenate; dtypes promoted).
Array concatenate(const std::vector<Array>& arrays, int axis = 0);
// The same elements in C order with another shape (NumPy's reshape; one entry may be -1).
// Output chunks follow the input's where its blocks are runs of whole output rows (Dask's
// reshape_rechunk), else runs of about an input block; a task reads exactly its elements.
Array reshape(const Array& x, const std::vector<Index>& shape);
// reshape(x, {-1}).
Array ravel(const Array& x);

// A number as a 0-d array.
Array scalar(double value, DType dtype = DType::Float64);

}  // namespace chunkarr
