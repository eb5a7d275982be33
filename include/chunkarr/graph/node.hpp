#pragma once
// A node of the lazy expression graph: immutable, with shape, dtype and chunk grid inferred when
// it is made, so a bad expression fails where the user writes it. Nodes are hash-consed: making
// a node equal to a live one returns the live one, so equal subexpressions share one node.
#include <chunkarr/core/dtype.hpp>
#include <chunkarr/core/ndarray.hpp>
#include <chunkarr/core/shape.hpp>
#include <chunkarr/graph/block_function.hpp>
#include <chunkarr/graph/ops.hpp>
#include <chunkarr/io/source.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace chunkarr {

enum class NodeKind { Source, Scalar, Unary, Binary, Where, Cast, Slice, Reduce, DecodeCF, Rechunk, Concatenate, Transpose, ExpandDims, Scan,
                      Quantile, Reshape, MapBlocks, Contract };

// How a Quantile node turns the order statistics it selects into its result (NumPy's rules).
enum class QuantileMode : std::uint8_t {
    Linear,   // quantile/percentile, method='linear': float64, NumPy's _lerp of the two neighbours
    Exact,    // quantile with integer q (0 or 1): the order statistic itself, in the input dtype
    Median,   // median: the mean of the one or two middle values (floats keep their dtype)
};

// One axis of a basic slice, already normalised against the input length.
struct SliceAxis {
    Index start = 0;
    Index stop = 0;
    Index step = 1;
    bool drop = false;      // an integer index: the axis disappears
    Index length() const;   // number of selected elements
    bool operator==(const SliceAxis&) const = default;
};

// How CF attributes turn stored values into physical ones (netCDF4-python's mask-and-scale).
struct CFDecoding {
    std::vector<long double> missing_values;  // _FillValue and missing_value entries (exact)
    std::optional<long double> valid_min, valid_max;
    double scale_factor = 1.0;
    double add_offset = 0.0;
    DType result = DType::Float64;
    bool operator==(const CFDecoding&) const = default;
};

// Contract: a sum of products over paired axes of two operands (tensordot / matmul / dot).
// Both operands share `batch` leading axes (equal length, or 1 = broadcast); a_axes[i] of the
// first is summed against b_axes[i] of the second. The result's axes are the batch axes, then
// the first operand's remaining axes, then the second's, in order. `k_chunks` fixes, per pair,
// the pieces the sum is split into: each task adds their products in this order, so results
// do not depend on threads or on how the operands are chunked later.
struct ContractSpec {
    int batch = 0;
    std::vector<int> a_axes, b_axes;
    std::vector<std::vector<Index>> k_chunks;
    bool operator==(const ContractSpec&) const = default;
};

struct Node;
using NodePtr = std::shared_ptr<const Node>;

struct Node {
    NodeKind kind = NodeKind::Scalar;
    std::vector<NodePtr> inputs;
    Shape shape;
    DType dtype = DType::Float64;
    ChunkGrid chunks;

    SourcePtr source;                  // Source
    double scalar = 0;                 // Scalar
    bool weak_scalar = false;          // Scalar from a C++/Python number: adapts to the array
    UnaryOp unary = UnaryOp::Negative;
    BinaryOp binary = BinaryOp::Add;
    OpTypes types{DType::Float64, DType::Float64};   // Unary/Binary: compute and result types
    std::vector<SliceAxis> slice;      // Slice, one per input axis
    ReduceOp reduce = ReduceOp::Sum;   // Reduce
    std::optional<CFDecoding> mask;    // Reduce: values this decoding marks missing are skipped
    std::vector<int> axes;             // Reduce: sorted, unique; Concatenate: {axis}; Transpose: order;
                                       // ExpandDims: the new unit axes of the result, sorted;
                                       // Scan: {axis}
    bool scan_product = false;         // Scan: cumprod (else cumsum)
    bool keepdims = false;
    bool skipna = false;               // nan-variants: NaN is skipped instead of propagated
    int ddof = 0;
    CFDecoding cf;                     // DecodeCF
    std::vector<double> quantiles;     // Quantile: q values in [0, 1], flattened
    Shape quantile_shape;              // Quantile: q's shape, the leading axes of the result
    QuantileMode quantile_mode = QuantileMode::Linear;
    BlockFunctionPtr function;         // MapBlocks
    std::optional<Overlap> overlap;    // MapBlocks: blocks passed extended (map_overlap)
    ContractSpec contract;             // Contract

    std::size_t hash = 0;
};

// Node factories: validate, infer shape/dtype/chunks, and intern.
NodePtr make_source_node(SourcePtr source);
NodePtr make_scalar_node(double value, DType dtype, bool weak);
NodePtr make_unary_node(UnaryOp op, NodePtr input);
NodePtr make_binary_node(BinaryOp op, NodePtr a, NodePtr b);
NodePtr make_where_node(NodePtr condition, NodePtr a, NodePtr b);
NodePtr make_cast_node(NodePtr input, DType dtype);
NodePtr make_slice_node(NodePtr input, std::vector<SliceAxis> axes);
// `result` overrides NumPy's result dtype (stats reports float32 data's mean in float64).
NodePtr make_reduce_node(ReduceOp op, NodePtr input, std::vector<int> axes, bool keepdims,
                         bool skipna, int ddof, std::optional<DType> result = std::nullopt,
                         std::optional<CFDecoding> mask = std::nullopt);
// Exact quantiles of `input` over `axes` (empty: all), computed out of core by the executor's
// selection passes (see kernels/quantile.hpp). Result shape: q_shape + the reduced shape.
NodePtr make_quantile_node(NodePtr input, std::vector<double> quantiles, Shape q_shape, std::vector<int> axes,
                           bool keepdims, bool skipna, QuantileMode mode);
NodePtr make_decode_cf_node(NodePtr input, CFDecoding decoding);
// Running sum (or product) along `axis`. `offsets` (may be null) holds, for every chunk of
// `input` along the axis, what the chunks before it add up to (shape: the input's with that axis
// as long as its chunk count); within a chunk the scan is local. See cumsum() in array.cpp.
NodePtr make_scan_node(NodePtr input, NodePtr offsets, int axis, bool product);
// New axes of length 1 at the given positions of the result (NumPy's expand_dims).
NodePtr make_expand_dims_node(NodePtr input, std::vector<int> axes);
// Axes reordered: result axis i is input axis order[i] (NumPy's transpose).
NodePtr make_transpose_node(NodePtr input, std::vector<int> order);
// Arrays joined along `axis` (same shape on the other axes; dtypes promoted).
NodePtr make_concatenate_node(std::vector<NodePtr> inputs, int axis);
// The same elements in C order with another shape (NumPy's reshape; `shape` fully resolved).
// Chunks: reshape_chunks() unless given (rewrites keep the node's chunks).
NodePtr make_reshape_node(NodePtr input, Shape shape, std::optional<ChunkGrid> chunks = std::nullopt);
// `function` applied to every block of `inputs` (same shape; chunks refined to a common grid),
// returning `dtype` blocks; output chunks are the inputs' unless `chunks` (same number of blocks
// per axis) is given. With `overlap` (one input), blocks are passed extended by the depth and
// the results trimmed back.
NodePtr make_map_blocks_node(std::vector<NodePtr> inputs, BlockFunctionPtr function, DType dtype,
                             std::optional<ChunkGrid> chunks = std::nullopt,
                             std::optional<Overlap> overlap = std::nullopt);
// The same values with other chunks (tasks over `grid`); the grid must cover the same shape.
NodePtr make_rechunk_node(NodePtr input, ChunkGrid grid);

// Sum of products of `a` and `b` over paired axes (see ContractSpec). `k_chunks` and `grid`
// (the result's chunks) are derived from the operands' chunks when empty; with_inputs keeps them.
NodePtr make_contract_node(NodePtr a, NodePtr b, int batch, std::vector<int> a_axes, std::vector<int> b_axes,
                           std::vector<std::vector<Index>> k_chunks = {}, std::optional<ChunkGrid> grid = std::nullopt);
// Where axis `axis` of contract node `node`'s operand `k` (0 or 1) lands in the result, or -1
// when it is summed over.
int contract_output_axis(const Node& node, std::size_t k, std::size_t axis);

// The same operation as `node` on other inputs (re-validated and interned): what rewrites use.
NodePtr with_inputs(const Node& node, std::vector<NodePtr> inputs);

// Normalises user axes (negative allowed) against `ndim`; empty means all axes.
std::vector<int> normalize_axes(const std::vector<int>& axes, std::size_t ndim);

// NumPy broadcasting of two shapes; throws ValueError naming both when they do not broadcast.
Shape broadcast_shapes(const Shape& a, const Shape& b);

}  // namespace chunkarr
