#include <chunkarr/core/error.hpp>
#include <chunkarr/graph/array.hpp>
#include <chunkarr/graph/constructors.hpp>

#include "graph/inference.hpp"
#include "graph/node.hpp"

#include <algorithm>
#include <cmath>

namespace chunkarr {

namespace {

SliceAxis normalize_index(const Indexer& index, Index length, std::size_t axis) {
    if (const Index* position = std::get_if<Index>(&index)) {
        const Index i = *position < 0 ? *position + length : *position;
        if (i < 0 || i >= length)
            throw ValueError("index " + std::to_string(*position) + " is out of bounds for axis " +
                             std::to_string(axis) + " with size " + std::to_string(length));
        return {i, i + 1, 1, true};
    }
    const Slice& s = std::get<Slice>(index);
    if (s.step <= 0) throw ValueError("slice step must be positive (negative steps are not supported yet)");
    auto clamp = [&](std::optional<Index> bound, Index fallback) {
        if (!bound) return fallback;
        const Index b = *bound < 0 ? *bound + length : *bound;
        return std::clamp<Index>(b, 0, length);
    };
    const Index start = clamp(s.start, 0);
    const Index stop = std::max(start, clamp(s.stop, length));
    return {start, stop, s.step, false};
}

Array weak(double value) { return Array(make_scalar_node(value, DType::Float64, true)); }
Array weak(long long value) { return Array(make_scalar_node(static_cast<double>(value), DType::Int64, true)); }

}  // namespace

Array binary(BinaryOp op, const Array& a, const Array& b) { return Array(make_binary_node(op, a.node(), b.node())); }
Array unary(UnaryOp op, const Array& x) { return Array(make_unary_node(op, x.node())); }

const Shape& Array::shape() const { return node_->shape; }
DType Array::dtype() const { return node_->dtype; }
const ChunkGrid& Array::chunks() const { return node_->chunks; }

Array Array::operator[](const std::vector<Indexer>& index) const {
    if (index.size() > ndim())
        throw ValueError("too many indices: " + std::to_string(index.size()) + " for an array of " +
                         std::to_string(ndim()) + " dimensions");
    std::vector<SliceAxis> axes;
    for (std::size_t axis = 0; axis < ndim(); ++axis)
        axes.push_back(normalize_index(axis < index.size() ? index[axis] : Indexer{Slice{}}, shape()[axis], axis));
    return Array(make_slice_node(node_, std::move(axes)));
}

Array Array::astype(DType dtype) const { return Array(make_cast_node(node_, dtype)); }
Array Array::rechunk(const ChunkGrid& chunks) const { return Array(make_rechunk_node(node_, chunks)); }

Array Array::reduce(ReduceOp op, const Axes& axes, bool keepdims, bool skipna, int ddof) const {
    return Array(make_reduce_node(op, node_, axes, keepdims, skipna, ddof));
}

Array Array::extremum(ReduceOp op, const Axes& axes, bool keepdims, bool skipna) const {
    // As NumPy: min/max over an empty axis has no identity.
    for (int axis : normalize_axes(axes, ndim()))
        if (shape()[static_cast<std::size_t>(axis)] == 0)
            throw ValueError("zero-size array to reduction operation " + std::string(op_name(op)) +
                             " which has no identity");
    return reduce(op, axes, keepdims, skipna, 0);
}

Array Array::sum(const Axes& a, bool k) const { return reduce(ReduceOp::Sum, a, k, false, 0); }
Array Array::mean(const Axes& a, bool k) const { return reduce(ReduceOp::Mean, a, k, false, 0); }
Array Array::min(const Axes& a, bool k) const { return extremum(ReduceOp::Min, a, k, false); }
Array Array::max(const Axes& a, bool k) const { return extremum(ReduceOp::Max, a, k, false); }
Array Array::var(const Axes& a, bool k, int ddof) const { return reduce(ReduceOp::Var, a, k, false, ddof); }
Array Array::std(const Axes& a, bool k, int ddof) const { return reduce(ReduceOp::Std, a, k, false, ddof); }
Array Array::prod(const Axes& a, bool k) const { return reduce(ReduceOp::Prod, a, k, false, 0); }
Array Array::count(const Axes& a, bool k) const { return reduce(ReduceOp::Count, a, k, true, 0); }
Array Array::any(const Axes& a, bool k) const { return astype(DType::Bool).reduce(ReduceOp::Max, a, k, false, 0); }
Array Array::all(const Axes& a, bool k) const {
    // all() of nothing is true: min over an empty axis would have no identity.
    return !((!astype(DType::Bool)).any(a, k));
}
Array Array::nansum(const Axes& a, bool k) const { return reduce(ReduceOp::Sum, a, k, true, 0); }
Array Array::nanmean(const Axes& a, bool k) const { return reduce(ReduceOp::Mean, a, k, true, 0); }
Array Array::nanmin(const Axes& a, bool k) const { return extremum(ReduceOp::Min, a, k, true); }
Array Array::nanmax(const Axes& a, bool k) const { return extremum(ReduceOp::Max, a, k, true); }
Array Array::nanvar(const Axes& a, bool k, int ddof) const { return reduce(ReduceOp::Var, a, k, true, ddof); }
Array Array::nanstd(const Axes& a, bool k, int ddof) const { return reduce(ReduceOp::Std, a, k, true, ddof); }
Array Array::nanprod(const Axes& a, bool k) const { return reduce(ReduceOp::Prod, a, k, true, 0); }

Array operator-(const Array& a) { return unary(UnaryOp::Negative, a); }
Array operator!(const Array& a) { return unary(UnaryOp::LogicalNot, a); }

#define CHUNKARR_DEFINE_BINARY(symbol, op)                                                \
    Array operator symbol(const Array& a, const Array& b) { return binary(op, a, b); }    \
    Array operator symbol(const Array& a, double b) { return binary(op, a, weak(b)); }    \
    Array operator symbol(double a, const Array& b) { return binary(op, weak(a), b); }    \
    Array operator symbol(const Array& a, long long b) { return binary(op, a, weak(b)); } \
    Array operator symbol(long long a, const Array& b) { return binary(op, weak(a), b); }
CHUNKARR_DEFINE_BINARY(+, BinaryOp::Add)
CHUNKARR_DEFINE_BINARY(-, BinaryOp::Subtract)
CHUNKARR_DEFINE_BINARY(*, BinaryOp::Multiply)
CHUNKARR_DEFINE_BINARY(/, BinaryOp::Divide)
CHUNKARR_DEFINE_BINARY(==, BinaryOp::Equal)
CHUNKARR_DEFINE_BINARY(!=, BinaryOp::NotEqual)
CHUNKARR_DEFINE_BINARY(<, BinaryOp::Less)
CHUNKARR_DEFINE_BINARY(<=, BinaryOp::LessEqual)
CHUNKARR_DEFINE_BINARY(>, BinaryOp::Greater)
CHUNKARR_DEFINE_BINARY(>=, BinaryOp::GreaterEqual)
CHUNKARR_DEFINE_BINARY(&&, BinaryOp::LogicalAnd)
CHUNKARR_DEFINE_BINARY(||, BinaryOp::LogicalOr)
#undef CHUNKARR_DEFINE_BINARY

Array abs(const Array& x) { return unary(UnaryOp::Abs, x); }
Array sqrt(const Array& x) { return unary(UnaryOp::Sqrt, x); }
Array exp(const Array& x) { return unary(UnaryOp::Exp, x); }
Array log(const Array& x) { return unary(UnaryOp::Log, x); }
Array log10(const Array& x) { return unary(UnaryOp::Log10, x); }
Array sin(const Array& x) { return unary(UnaryOp::Sin, x); }
Array cos(const Array& x) { return unary(UnaryOp::Cos, x); }
Array tan(const Array& x) { return unary(UnaryOp::Tan, x); }
Array floor(const Array& x) { return unary(UnaryOp::Floor, x); }
Array ceil(const Array& x) { return unary(UnaryOp::Ceil, x); }
Array isnan(const Array& x) { return unary(UnaryOp::IsNan, x); }
Array isfinite(const Array& x) { return unary(UnaryOp::IsFinite, x); }
Array power(const Array& a, const Array& b) { return binary(BinaryOp::Power, a, b); }
Array power(const Array& a, double b) { return binary(BinaryOp::Power, a, weak(b)); }
Array maximum(const Array& a, const Array& b) { return binary(BinaryOp::Maximum, a, b); }
Array minimum(const Array& a, const Array& b) { return binary(BinaryOp::Minimum, a, b); }
Array where(const Array& c, const Array& a, const Array& b) {
    return Array(make_where_node(make_cast_node(c.node(), DType::Bool), a.node(), b.node()));
}
Array where(const Array& c, const Array& a, double b) { return where(c, a, weak(b)); }

Array scalar(double value, DType dtype) { return Array(make_scalar_node(value, dtype, false)); }

Array expand_dims(const Array& x, const std::vector<int>& axes) { return Array(make_expand_dims_node(x.node(), axes)); }

Array take(const Array& x, const std::vector<Index>& indices, int axis) {
    return Array(make_take_node(x.node(), axis, indices));
}

Array squeeze(const Array& x, const std::vector<int>& axes) {
    std::vector<int> chosen = axes;
    if (chosen.empty()) {
        for (std::size_t axis = 0; axis < x.ndim(); ++axis)
            if (x.shape()[axis] == 1) chosen.push_back(static_cast<int>(axis));
    }
    chosen = normalize_axes(chosen.empty() ? std::vector<int>{} : chosen, x.ndim());
    if (axes.empty() && std::none_of(x.shape().begin(), x.shape().end(), [](Index d) { return d == 1; })) return x;
    std::vector<Indexer> index;
    for (std::size_t axis = 0; axis < x.ndim(); ++axis) {
        if (std::binary_search(chosen.begin(), chosen.end(), static_cast<int>(axis))) {
            if (x.shape()[axis] != 1)
                throw ValueError("cannot select an axis to squeeze out which has size not equal to one");
            index.emplace_back(Index{0});
        } else {
            index.emplace_back(Slice{});
        }
    }
    return x[index];
}

Array moveaxis(const Array& x, int source, int destination) {
    const int n = static_cast<int>(x.ndim());
    const int from = normalize_axes({source}, x.ndim()).front();
    const int to = normalize_axes({destination}, x.ndim()).front();
    std::vector<int> order;
    for (int axis = 0; axis < n; ++axis)
        if (axis != from) order.push_back(axis);
    order.insert(order.begin() + to, from);
    return transpose(x, order);
}

Array stack(const std::vector<Array>& arrays, int axis) {
    if (arrays.empty()) throw ValueError("need at least one array to stack");
    std::vector<Array> expanded;
    for (const auto& a : arrays) expanded.push_back(expand_dims(a, {axis}));
    return concatenate(expanded, axis);
}

Array broadcast_to(const Array& x, const Shape& shape) {
    if (broadcast_shapes(x.shape(), shape) != shape)
        throw ValueError("cannot broadcast " + shape_to_string(x.shape()) + " to " + shape_to_string(shape));
    // x + 0 over the target shape: the broadcasting kernel repeats x (bool: x or false). Floats
    // add -0.0, which keeps every value including -0.0 (-0.0 + 0.0 is +0.0). The zeros' chunks
    // follow x's where x has the axis, and make tasks of ~512K elements elsewhere.
    const std::size_t offset = shape.size() - x.ndim();
    Shape chunk(shape.size(), 1);
    Index inner = 1;
    for (std::size_t axis = shape.size(); axis-- > 0;) {
        const bool from_x = axis >= offset && x.shape()[axis - offset] == shape[axis];
        if (from_x) {
            const auto& c = x.chunks().chunks(axis - offset);
            chunk[axis] = std::max<Index>(1, *std::max_element(c.begin(), c.end()));
        } else {
            chunk[axis] =
                std::clamp<Index>((Index{1} << 19) / std::max<Index>(inner, 1), 1, std::max<Index>(shape[axis], 1));
        }
        inner *= chunk[axis];
    }
    const double identity = is_float(x.dtype()) ? -0.0 : 0.0;
    return Array(make_binary_node(BinaryOp::Add, x.node(), full(shape, identity, x.dtype(), chunk).node()));
}

Array clip(const Array& x, double low, double high) { return minimum(maximum(x, weak(low)), weak(high)); }

namespace {

// Positions along `axis` (or C-order flat positions over all axes), shaped to broadcast
// against x and chunked like it.
Array positions(const Array& x, std::optional<int> axis) {
    std::vector<std::size_t> axes;
    if (axis) axes.push_back(static_cast<std::size_t>(normalize_axes({*axis}, x.ndim()).front()));
    else
        for (std::size_t a = 0; a < x.ndim(); ++a) axes.push_back(a);
    Array total = scalar(0, DType::Int64);
    Index stride = 1;
    for (std::size_t k = axes.size(); k-- > 0;) {
        const std::size_t a = axes[k];
        const auto& c = x.chunks().chunks(a);
        const Index chunk = std::max<Index>(1, *std::max_element(c.begin(), c.end()));
        Array along = arange(0, static_cast<double>(x.shape()[a]), 1, DType::Int64, chunk);
        std::vector<int> others;
        for (std::size_t b = 0; b < x.ndim(); ++b)
            if (b != a) others.push_back(static_cast<int>(b));
        if (!others.empty()) along = expand_dims(along, others);
        total = total + along * static_cast<long long>(stride);
        stride *= x.shape()[a];
    }
    return total;
}

Array arg_extremum(const Array& x, std::optional<int> axis, bool maximum_wanted) {
    const Axes axes = axis ? Axes{*axis} : Axes{};
    if (x.size() == 0)
        throw ValueError(std::string("attempt to get ") + (maximum_wanted ? "argmax" : "argmin") +
                         " of an empty sequence");
    const Array extreme = maximum_wanted ? x.max(axes, true) : x.min(axes, true);
    Array hit = x == extreme;
    if (is_float(x.dtype())) hit = hit || (isnan(x) && isnan(extreme));  // NaN wins, like NumPy
    const Index none = x.size();                                         // larger than any position
    return where(hit, positions(x, axis), scalar(static_cast<double>(none), DType::Int64)).min(axes);
}

}  // namespace

namespace {
Array scan(const Array& x, int axis_in, bool product) {
    const auto axis = static_cast<std::size_t>(normalize_axes({axis_in}, x.ndim()).front());
    const DType result = sum_result(x.dtype());
    const auto& chunks = x.chunks().chunks(axis);
    if (chunks.size() <= 1 || x.size() == 0)
        return Array(make_scan_node(x.node(), nullptr, static_cast<int>(axis), product));
    // Each chunk's total along the axis (one small reduction per chunk, each reading its slab).
    std::vector<Array> totals;
    Index start = 0;
    for (Index c : chunks) {
        std::vector<Indexer> index(x.ndim(), Slice{});
        index[axis] = Slice{start, start + c};
        const Array slab = x[index].astype(result);
        if (product) {
            // A product of the slab: exp(sum(log)) would lose exactness; multiply by scanning.
            const Array local = Array(make_scan_node(slab.node(), nullptr, static_cast<int>(axis), true));
            std::vector<Indexer> tail(x.ndim(), Slice{});
            tail[axis] = Index{c - 1};
            totals.push_back(expand_dims(local[tail], {static_cast<int>(axis)}));
        } else {
            totals.push_back(slab.sum({static_cast<int>(axis)}, true).astype(result));
        }
        start += c;
    }
    Array joined = concatenate(totals, static_cast<int>(axis));
    std::vector<std::vector<Index>> single = joined.chunks().chunks();
    single[axis] = {static_cast<Index>(chunks.size())};
    joined = joined.rechunk(ChunkGrid(std::move(single)));
    const Array inclusive(make_scan_node(joined.node(), nullptr, static_cast<int>(axis), product));
    // Exclusive: the identity, then every inclusive total but the last.
    Shape first_shape = joined.shape();
    first_shape[axis] = 1;
    std::vector<Indexer> head(x.ndim(), Slice{});
    head[axis] = Slice{0, static_cast<Index>(chunks.size()) - 1};
    Shape first_chunk = first_shape;
    for (std::size_t a = 0; a < first_chunk.size(); ++a) {
        const auto& c = joined.chunks().chunks(a);
        if (a != axis) first_chunk[a] = std::max<Index>(1, *std::max_element(c.begin(), c.end()));
    }
    const Array identity = full(first_shape, product ? 1 : 0, result, first_chunk);
    const Array exclusive = concatenate({identity, inclusive[head]}, static_cast<int>(axis));
    std::vector<std::vector<Index>> grid = exclusive.chunks().chunks();
    grid[axis] = {static_cast<Index>(chunks.size())};
    return Array(make_scan_node(x.node(), exclusive.rechunk(ChunkGrid(std::move(grid))).node(), static_cast<int>(axis),
                                product));
}
}  // namespace

std::pair<Array, Array> histogram(const Array& x, int bins, std::optional<std::pair<double, double>> range) {
    if (bins < 1) throw ValueError("histogram needs at least one bin, got " + std::to_string(bins));
    if (range && !(range->first <= range->second)) throw ValueError("histogram range must be low <= high");
    const Array values = x.astype(DType::Float64);
    Array low = range ? scalar(range->first) : values.nanmin();
    Array high = range ? scalar(range->second) : values.nanmax();
    // NumPy widens an empty range by 0.5 on each side.
    const Array same = low == high;
    low = where(same, low - 0.5, low);
    high = where(same, high + 0.5, high);
    const Array step = (high - low) / static_cast<double>(bins);
    const Array edges = arange(0, bins + 1, 1, DType::Float64) * step + low;
    std::vector<Array> counts;
    for (int b = 0; b < bins; ++b) {
        const Array lower = edges[{Index{b}}];
        const Array inside = b + 1 < bins ? (values >= lower) && (values < edges[{Index{b + 1}}])
                                          : (values >= lower) && (values <= high);
        counts.push_back(expand_dims(inside.astype(DType::Int64).sum(), {0}));
    }
    // The last edge is exactly the top of the range, as numpy.linspace makes it.
    const Array exact_edges = concatenate({edges[{Slice{0, bins}}], expand_dims(high, {0})}, 0);
    return {concatenate(counts, 0), exact_edges};
}

Array histogram(const Array& x, const std::vector<double>& edges) {
    if (edges.size() < 2)
        throw ValueError("histogram needs at least two bin edges, got " + std::to_string(edges.size()));
    for (std::size_t i = 0; i < edges.size(); ++i) {
        if (std::isnan(edges[i])) throw ValueError("histogram bin edges must not be NaN");
        if (i > 0 && edges[i] < edges[i - 1]) throw ValueError("`bins` must increase monotonically, when an array");
    }
    const Array values = x.astype(DType::Float64);
    std::vector<Array> counts;
    const std::size_t bins = edges.size() - 1;
    for (std::size_t b = 0; b < bins; ++b) {
        const Array inside = b + 1 < bins ? (values >= edges[b]) && (values < edges[b + 1])
                                          : (values >= edges[b]) && (values <= edges[b + 1]);
        counts.push_back(expand_dims(inside.astype(DType::Int64).sum(), {0}));
    }
    return concatenate(counts, 0);
}

Array cumsum(const Array& x, int axis) { return scan(x, axis, false); }
Array cumprod(const Array& x, int axis) { return scan(x, axis, true); }
Array cumsum(const Array& x) { return scan(ravel(x), 0, false); }
Array cumprod(const Array& x) { return scan(ravel(x), 0, true); }

Array reshape(const Array& x, const std::vector<Index>& shape) {
    return Array(make_reshape_node(x.node(), resolve_reshape(x.shape(), shape)));
}

Array ravel(const Array& x) { return reshape(x, {-1}); }

Array argmin(const Array& x, std::optional<int> axis) { return arg_extremum(x, axis, false); }
Array argmax(const Array& x, std::optional<int> axis) { return arg_extremum(x, axis, true); }

Array transpose(const Array& x, std::vector<int> order) {
    return Array(make_transpose_node(x.node(), std::move(order)));
}

Array concatenate(const std::vector<Array>& arrays, int axis) {
    std::vector<NodePtr> nodes;
    for (const auto& a : arrays) nodes.push_back(a.node());
    return Array(make_concatenate_node(std::move(nodes), axis));
}

}  // namespace chunkarr
