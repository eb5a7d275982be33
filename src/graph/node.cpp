#include <chunkarr/core/error.hpp>
#include <chunkarr/graph/node.hpp>
#include <chunkarr/graph/reshape.hpp>

#include <algorithm>
#include <cstring>
#include <functional>
#include <mutex>
#include <set>
#include <unordered_map>

namespace chunkarr {

Index SliceAxis::length() const {
    if (drop) return 1;
    if (stop <= start) return 0;
    return (stop - start + step - 1) / step;
}

namespace {

// ---- hash-consing ---------------------------------------------------------------------------

void hash_mix(std::size_t& seed, std::size_t value) {
    seed ^= value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
}

std::size_t bits_of(double value) {
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return static_cast<std::size_t>(bits);
}

std::size_t structural_hash(const Node& n) {
    std::size_t h = static_cast<std::size_t>(n.kind);
    for (const auto& input : n.inputs) hash_mix(h, input->hash);
    hash_mix(h, static_cast<std::size_t>(n.dtype));
    switch (n.kind) {
        case NodeKind::Source: {
            const std::string id = n.source->identity();
            hash_mix(h, id.empty() ? std::hash<const void*>{}(n.source.get()) : std::hash<std::string>{}(id));
            break;
        }
        case NodeKind::Scalar: hash_mix(h, bits_of(n.scalar)); hash_mix(h, n.weak_scalar); break;
        case NodeKind::Unary: hash_mix(h, static_cast<std::size_t>(n.unary)); break;
        case NodeKind::Binary: hash_mix(h, static_cast<std::size_t>(n.binary)); break;
        case NodeKind::Slice:
            for (const auto& s : n.slice) {
                hash_mix(h, static_cast<std::size_t>(s.start));
                hash_mix(h, static_cast<std::size_t>(s.stop));
                hash_mix(h, static_cast<std::size_t>(s.step * 2 + s.drop));
            }
            break;
        case NodeKind::Reduce:
            hash_mix(h, static_cast<std::size_t>(n.reduce));
            for (int axis : n.axes) hash_mix(h, static_cast<std::size_t>(axis));
            hash_mix(h, static_cast<std::size_t>(n.keepdims * 4 + n.skipna * 2));
            hash_mix(h, static_cast<std::size_t>(n.ddof));
            hash_mix(h, n.mask.has_value());
            break;
        case NodeKind::Rechunk:
            for (const auto& axis : n.chunks.chunks()) hash_mix(h, axis.size());
            break;
        case NodeKind::Quantile:
            for (double q : n.quantiles) hash_mix(h, bits_of(q));
            for (int axis : n.axes) hash_mix(h, static_cast<std::size_t>(axis));
            hash_mix(h, static_cast<std::size_t>(n.keepdims * 4 + n.skipna * 2));
            hash_mix(h, static_cast<std::size_t>(n.quantile_mode));
            break;
        case NodeKind::Concatenate: hash_mix(h, static_cast<std::size_t>(n.axes.front())); break;
        case NodeKind::Transpose:
        case NodeKind::ExpandDims:
        case NodeKind::Scan:
            for (int axis : n.axes) hash_mix(h, static_cast<std::size_t>(axis));
            hash_mix(h, n.scan_product);
            break;
        case NodeKind::Reshape:
            for (Index d : n.shape) hash_mix(h, static_cast<std::size_t>(d));
            for (const auto& axis : n.chunks.chunks()) hash_mix(h, axis.size());
            break;
        case NodeKind::MapBlocks:
            hash_mix(h, std::hash<const void*>{}(n.function.get()));
            for (Index d : n.shape) hash_mix(h, static_cast<std::size_t>(d));
            if (n.overlap)
                for (Index d : n.overlap->depth) hash_mix(h, static_cast<std::size_t>(d));
            break;
        case NodeKind::Contract:
            hash_mix(h, static_cast<std::size_t>(n.contract.batch));
            for (int axis : n.contract.a_axes) hash_mix(h, static_cast<std::size_t>(axis));
            for (int axis : n.contract.b_axes) hash_mix(h, static_cast<std::size_t>(axis) + 64);
            for (const auto& axis : n.contract.k_chunks) hash_mix(h, axis.size());
            for (const auto& axis : n.chunks.chunks()) hash_mix(h, axis.size());
            break;
        case NodeKind::DecodeCF:
            for (long double v : n.cf.missing_values) hash_mix(h, bits_of(static_cast<double>(v)));
            hash_mix(h, bits_of(n.cf.scale_factor));
            hash_mix(h, bits_of(n.cf.add_offset));
            break;
        default: break;
    }
    return h;
}

bool same_source(const SourcePtr& a, const SourcePtr& b) {
    if (a == b) return true;
    const std::string id = a->identity();
    return !id.empty() && id == b->identity();
}

bool structurally_equal(const Node& a, const Node& b) {
    if (a.kind != b.kind || a.dtype != b.dtype || a.inputs != b.inputs) return false;
    switch (a.kind) {
        case NodeKind::Source: return same_source(a.source, b.source);
        case NodeKind::Scalar: return bits_of(a.scalar) == bits_of(b.scalar) && a.weak_scalar == b.weak_scalar;
        case NodeKind::Unary: return a.unary == b.unary;
        case NodeKind::Binary: return a.binary == b.binary;
        case NodeKind::Slice: return a.slice == b.slice;
        case NodeKind::Reduce:
            return a.reduce == b.reduce && a.axes == b.axes && a.keepdims == b.keepdims && a.skipna == b.skipna &&
                   a.ddof == b.ddof && a.mask == b.mask;
        case NodeKind::DecodeCF: return a.cf == b.cf;
        case NodeKind::Rechunk: return a.chunks == b.chunks;
        case NodeKind::Concatenate:
        case NodeKind::Transpose:
        case NodeKind::ExpandDims: return a.axes == b.axes;
        case NodeKind::Scan: return a.axes == b.axes && a.scan_product == b.scan_product;
        case NodeKind::Quantile:
            return a.quantiles == b.quantiles && a.quantile_shape == b.quantile_shape && a.axes == b.axes &&
                   a.keepdims == b.keepdims && a.skipna == b.skipna && a.quantile_mode == b.quantile_mode;
        case NodeKind::Reshape: return a.shape == b.shape && a.chunks == b.chunks;
        case NodeKind::MapBlocks:
            return a.function == b.function && a.chunks == b.chunks && a.overlap == b.overlap;
        case NodeKind::Contract: return a.contract == b.contract && a.chunks == b.chunks;
        default: return true;
    }
}

// Returns a live node equal to `node`, or registers `node` as the canonical one.
NodePtr intern(Node node) {
    static std::mutex mutex;
    static std::unordered_multimap<std::size_t, std::weak_ptr<const Node>> table;
    static std::size_t prune_at = 1024;
    node.hash = structural_hash(node);
    std::lock_guard lock(mutex);
    auto [first, last] = table.equal_range(node.hash);
    for (auto it = first; it != last; ++it)
        if (auto existing = it->second.lock(); existing && structurally_equal(*existing, node)) return existing;
    auto created = std::make_shared<const Node>(std::move(node));
    table.emplace(created->hash, created);
    if (table.size() > prune_at) {
        for (auto it = table.begin(); it != table.end();) it = it->second.expired() ? table.erase(it) : std::next(it);
        prune_at = std::max<std::size_t>(1024, 2 * table.size());
    }
    return created;
}

// ---- chunk inference ------------------------------------------------------------------------

std::vector<Index> refine_axis(const std::vector<Index>& a, const std::vector<Index>& b) {
    std::set<Index> bounds;
    Index position = 0;
    for (Index c : a) bounds.insert(position += c);
    position = 0;
    for (Index c : b) bounds.insert(position += c);
    std::vector<Index> chunks;
    Index previous = 0;
    for (Index bound : bounds) {
        if (bound > previous) chunks.push_back(bound - previous);
        previous = bound;
    }
    if (chunks.empty()) chunks.push_back(0);
    return chunks;
}

// Chunks of an elementwise result: on each axis, the common refinement of the inputs that are
// not broadcast along it.
ChunkGrid broadcast_chunks(const Shape& out, const std::vector<NodePtr>& inputs) {
    std::vector<std::vector<Index>> chunks(out.size());
    for (std::size_t axis = 0; axis < out.size(); ++axis) {
        bool found = false;
        for (const auto& input : inputs) {
            const std::size_t offset = out.size() - input->shape.size();
            if (axis < offset || input->shape[axis - offset] != out[axis]) continue;
            const auto& input_chunks = input->chunks.chunks(axis - offset);
            chunks[axis] = found ? refine_axis(chunks[axis], input_chunks) : input_chunks;
            found = true;
        }
        if (!found) chunks[axis] = {out[axis]};
    }
    return ChunkGrid(std::move(chunks));
}

// Adapts a weak (Python/NumPy number) scalar's dtype to the array it meets, as NumPy 1.x does:
// a scalar of a higher kind (bool < integer < float) brings its own type (int8 array + 1.5 ->
// float64, + np.float32(1.5) -> float32); otherwise the array's type wins (float32 array * 2.0
// stays float32, int16 array + 1 stays int16).
DType weak_dtype(const Node& scalar, DType other) {
    auto kind = [](DType t) { return is_bool(t) ? 0 : is_float(t) ? 2 : 1; };
    return kind(scalar.dtype) > kind(other) ? scalar.dtype : other;
}

std::pair<DType, DType> effective_dtypes(const Node& a, const Node& b) {
    DType da = a.dtype, db = b.dtype;
    const bool weak_a = a.kind == NodeKind::Scalar && a.weak_scalar;
    const bool weak_b = b.kind == NodeKind::Scalar && b.weak_scalar;
    if (weak_a && !weak_b) da = weak_dtype(a, db);
    if (weak_b && !weak_a) db = weak_dtype(b, da);
    return {da, db};
}

}  // namespace

Shape broadcast_shapes(const Shape& a, const Shape& b) {
    const std::size_t rank = std::max(a.size(), b.size());
    Shape out(rank);
    for (std::size_t i = 0; i < rank; ++i) {
        const Index da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
        const Index db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
        if (da != db && da != 1 && db != 1)
            throw ValueError("shapes " + shape_to_string(a) + " and " + shape_to_string(b) + " do not broadcast");
        out[i] = da == 1 ? db : da;
    }
    return out;
}

std::vector<int> normalize_axes(const std::vector<int>& axes, std::size_t ndim) {
    std::vector<int> result;
    if (axes.empty()) {
        for (std::size_t i = 0; i < ndim; ++i) result.push_back(static_cast<int>(i));
        return result;
    }
    for (int axis : axes) {
        const int n = static_cast<int>(ndim);
        if (axis < -n || axis >= n)
            throw ValueError("axis " + std::to_string(axis) + " is out of range for an array of " + std::to_string(ndim) +
                             " dimension" + (ndim == 1 ? "" : "s"));
        const int normalized = axis < 0 ? axis + n : axis;
        if (std::find(result.begin(), result.end(), normalized) != result.end())
            throw ValueError("axis " + std::to_string(axis) + " is repeated");
        result.push_back(normalized);
    }
    std::sort(result.begin(), result.end());
    return result;
}

NodePtr make_source_node(SourcePtr source) {
    Node n;
    n.kind = NodeKind::Source;
    n.shape = source->shape();
    n.dtype = source->dtype();
    n.chunks = source->task_grid();
    n.source = std::move(source);
    return intern(std::move(n));
}

NodePtr make_scalar_node(double value, DType dtype, bool weak) {
    Node n;
    n.kind = NodeKind::Scalar;
    n.dtype = dtype;
    n.chunks = ChunkGrid(std::vector<std::vector<Index>>{});
    n.scalar = value;
    n.weak_scalar = weak;
    return intern(std::move(n));
}

NodePtr make_unary_node(UnaryOp op, NodePtr input) {
    Node n;
    n.kind = NodeKind::Unary;
    n.unary = op;
    n.types = unary_types(op, input->dtype);
    n.dtype = n.types.result;
    n.shape = input->shape;
    n.chunks = input->chunks;
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

NodePtr make_binary_node(BinaryOp op, NodePtr a, NodePtr b) {
    Node n;
    n.kind = NodeKind::Binary;
    n.binary = op;
    const auto [da, db] = effective_dtypes(*a, *b);
    n.types = binary_types(op, da, db);
    n.dtype = n.types.result;
    n.shape = broadcast_shapes(a->shape, b->shape);
    n.inputs = {std::move(a), std::move(b)};
    n.chunks = broadcast_chunks(n.shape, n.inputs);
    return intern(std::move(n));
}

NodePtr make_where_node(NodePtr condition, NodePtr a, NodePtr b) {
    Node n;
    n.kind = NodeKind::Where;
    const auto [da, db] = effective_dtypes(*a, *b);
    n.dtype = promote(da, db);
    n.types = {n.dtype, n.dtype};
    n.shape = broadcast_shapes(condition->shape, broadcast_shapes(a->shape, b->shape));
    n.inputs = {std::move(condition), std::move(a), std::move(b)};
    n.chunks = broadcast_chunks(n.shape, n.inputs);
    return intern(std::move(n));
}

NodePtr make_cast_node(NodePtr input, DType dtype) {
    if (input->dtype == dtype) return input;
    Node n;
    n.kind = NodeKind::Cast;
    n.dtype = dtype;
    n.shape = input->shape;
    n.chunks = input->chunks;
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

NodePtr make_slice_node(NodePtr input, std::vector<SliceAxis> axes) {
    if (axes.size() != input->shape.size()) throw ValueError("slice rank does not match the array");
    Node n;
    n.kind = NodeKind::Slice;
    std::vector<std::vector<Index>> chunks;
    for (std::size_t axis = 0; axis < axes.size(); ++axis) {
        const SliceAxis& s = axes[axis];
        if (s.step <= 0) throw ValueError("slice step must be positive, got " + std::to_string(s.step));
        if (s.drop) continue;
        const Index length = s.length();
        n.shape.push_back(length);
        std::vector<Index> axis_chunks;
        const auto& in = input->chunks;
        for (std::size_t k = 0; k < in.chunks(axis).size(); ++k) {
            const Index lo = in.offset(axis, static_cast<Index>(k)), hi = in.offset(axis, static_cast<Index>(k) + 1);
            auto first_at_or_after = [&](Index position) {
                if (position <= s.start) return Index{0};
                return std::min(length, (position - s.start + s.step - 1) / s.step);
            };
            const Index i_lo = first_at_or_after(lo), i_hi = first_at_or_after(hi);
            if (i_hi > i_lo) axis_chunks.push_back(i_hi - i_lo);
        }
        if (axis_chunks.empty()) axis_chunks.push_back(0);
        chunks.push_back(std::move(axis_chunks));
    }
    n.dtype = input->dtype;
    n.chunks = ChunkGrid(std::move(chunks));
    n.slice = std::move(axes);
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

NodePtr make_reduce_node(ReduceOp op, NodePtr input, std::vector<int> axes, bool keepdims, bool skipna, int ddof,
                         std::optional<DType> result, std::optional<CFDecoding> mask) {
    Node n;
    n.kind = NodeKind::Reduce;
    n.reduce = op;
    n.axes = normalize_axes(axes, input->shape.size());
    n.keepdims = keepdims;
    n.skipna = skipna || mask.has_value();
    n.mask = std::move(mask);
    n.ddof = ddof;
    n.dtype = result.value_or(reduce_result(op, input->dtype));
    std::vector<std::vector<Index>> chunks;
    for (std::size_t axis = 0; axis < input->shape.size(); ++axis) {
        const bool reduced = std::binary_search(n.axes.begin(), n.axes.end(), static_cast<int>(axis));
        if (reduced && !keepdims) continue;
        n.shape.push_back(reduced ? 1 : input->shape[axis]);
        chunks.push_back(reduced ? std::vector<Index>{1} : input->chunks.chunks(axis));
    }
    n.chunks = ChunkGrid(std::move(chunks));
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

NodePtr make_quantile_node(NodePtr input, std::vector<double> quantiles, Shape q_shape, std::vector<int> axes,
                           bool keepdims, bool skipna, QuantileMode mode) {
    if (static_cast<Index>(quantiles.size()) != element_count(q_shape))
        throw ValueError("internal: quantile values do not fill their shape");
    for (double q : quantiles)
        if (!(q >= 0.0 && q <= 1.0)) throw ValueError("Quantiles must be in the range [0, 1]");
    if (mode == QuantileMode::Linear && is_bool(input->dtype))
        throw ValueError("quantile of a bool array is not supported (NumPy cannot subtract booleans)");
    if (mode == QuantileMode::Exact)
        for (double q : quantiles)
            if (q != 0.0 && q != 1.0) throw ValueError("internal: an exact quantile takes q = 0 or 1");
    Node n;
    n.kind = NodeKind::Quantile;
    n.axes = normalize_axes(axes, input->shape.size());
    n.keepdims = keepdims;
    n.skipna = skipna;
    n.quantile_mode = mode;
    switch (mode) {
        case QuantileMode::Linear: n.dtype = DType::Float64; break;
        case QuantileMode::Exact: n.dtype = input->dtype; break;
        case QuantileMode::Median: n.dtype = input->dtype == DType::Float32 ? DType::Float32 : DType::Float64; break;
    }
    Index lanes = 1, lane_length = 1;
    std::vector<std::vector<Index>> chunks;
    for (Index q : q_shape) {
        n.shape.push_back(q);
        chunks.push_back({q});
    }
    for (std::size_t axis = 0; axis < input->shape.size(); ++axis) {
        const bool reduced = std::binary_search(n.axes.begin(), n.axes.end(), static_cast<int>(axis));
        (reduced ? lane_length : lanes) *= input->shape[axis];
        if (reduced && !keepdims) continue;
        n.shape.push_back(reduced ? 1 : input->shape[axis]);
        chunks.push_back(reduced ? std::vector<Index>{1} : input->chunks.chunks(axis));
    }
    // As NumPy: the (non-nan) quantile of an empty lane has no value to take.
    if (lane_length == 0 && lanes > 0 && !quantiles.empty() && !skipna && mode != QuantileMode::Median)
        throw ValueError("cannot take a quantile over an empty axis (zero-size lanes)");
    n.chunks = ChunkGrid(std::move(chunks));
    n.quantiles = std::move(quantiles);
    n.quantile_shape = std::move(q_shape);
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

NodePtr with_inputs(const Node& node, std::vector<NodePtr> inputs) {
    switch (node.kind) {
        case NodeKind::Source: return make_source_node(node.source);
        case NodeKind::Scalar: return make_scalar_node(node.scalar, node.dtype, node.weak_scalar);
        case NodeKind::Unary: return make_unary_node(node.unary, std::move(inputs[0]));
        case NodeKind::Binary: return make_binary_node(node.binary, std::move(inputs[0]), std::move(inputs[1]));
        case NodeKind::Where: return make_where_node(std::move(inputs[0]), std::move(inputs[1]), std::move(inputs[2]));
        case NodeKind::Cast: return make_cast_node(std::move(inputs[0]), node.dtype);
        case NodeKind::Slice: return make_slice_node(std::move(inputs[0]), node.slice);
        case NodeKind::Reduce:
            return make_reduce_node(node.reduce, std::move(inputs[0]), node.axes, node.keepdims, node.skipna, node.ddof,
                                    node.dtype, node.mask);
        case NodeKind::DecodeCF: return make_decode_cf_node(std::move(inputs[0]), node.cf);
        case NodeKind::Rechunk: return make_rechunk_node(std::move(inputs[0]), node.chunks);
        case NodeKind::Concatenate: return make_concatenate_node(std::move(inputs), node.axes.front());
        case NodeKind::Transpose: return make_transpose_node(std::move(inputs[0]), node.axes);
        case NodeKind::ExpandDims: return make_expand_dims_node(std::move(inputs[0]), node.axes);
        case NodeKind::Scan:
            return make_scan_node(std::move(inputs[0]), inputs.size() > 1 ? std::move(inputs[1]) : nullptr,
                                  node.axes.front(), node.scan_product);
        case NodeKind::Quantile:
            return make_quantile_node(std::move(inputs[0]), node.quantiles, node.quantile_shape, node.axes, node.keepdims,
                                      node.skipna, node.quantile_mode);
        case NodeKind::Reshape: return make_reshape_node(std::move(inputs[0]), node.shape, node.chunks);
        case NodeKind::MapBlocks:
            return make_map_blocks_node(std::move(inputs), node.function, node.dtype, node.chunks, node.overlap);
        case NodeKind::Contract:
            return make_contract_node(std::move(inputs[0]), std::move(inputs[1]), node.contract.batch, node.contract.a_axes,
                                      node.contract.b_axes, node.contract.k_chunks, node.chunks);
    }
    throw Error("internal: unknown node kind");
}

NodePtr make_scan_node(NodePtr input, NodePtr offsets, int axis, bool product) {
    const auto a = static_cast<std::size_t>(normalize_axes({axis}, input->shape.size()).front());
    Node n;
    n.kind = NodeKind::Scan;
    n.dtype = sum_result(input->dtype);
    n.shape = input->shape;
    n.chunks = input->chunks;
    n.axes = {static_cast<int>(a)};
    n.scan_product = product;
    if (offsets) {
        Shape expected = input->shape;
        expected[a] = static_cast<Index>(input->chunks.chunks(a).size());
        if (offsets->shape != expected || offsets->dtype != n.dtype) throw ValueError("internal: scan offsets do not fit");
    }
    n.inputs = {std::move(input)};
    if (offsets) n.inputs.push_back(std::move(offsets));
    return intern(std::move(n));
}

NodePtr make_expand_dims_node(NodePtr input, std::vector<int> axes) {
    const std::size_t ndim = input->shape.size() + axes.size();
    const std::vector<int> normalized = normalize_axes(axes, ndim);
    if (normalized.empty()) return input;
    Node n;
    n.kind = NodeKind::ExpandDims;
    n.dtype = input->dtype;
    std::vector<std::vector<Index>> chunks;
    std::size_t from = 0;
    for (std::size_t axis = 0; axis < ndim; ++axis) {
        if (std::binary_search(normalized.begin(), normalized.end(), static_cast<int>(axis))) {
            n.shape.push_back(1);
            chunks.push_back({1});
        } else {
            n.shape.push_back(input->shape[from]);
            chunks.push_back(input->chunks.chunks(from));
            ++from;
        }
    }
    n.chunks = ChunkGrid(std::move(chunks));
    n.axes = normalized;
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

NodePtr make_transpose_node(NodePtr input, std::vector<int> order) {
    const std::size_t ndim = input->shape.size();
    if (order.empty())
        for (std::size_t i = ndim; i-- > 0;) order.push_back(static_cast<int>(i));
    if (order.size() != ndim) throw ValueError("axes don't match array");
    std::vector<int> normalized;
    for (int axis : order) normalized.push_back(normalize_axes({axis}, ndim).front());
    std::vector<int> sorted = normalized;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < ndim; ++i)
        if (sorted[i] != static_cast<int>(i)) throw ValueError("repeated axis in transpose");
    bool identity = true;
    for (std::size_t i = 0; i < ndim; ++i) identity = identity && normalized[i] == static_cast<int>(i);
    if (identity) return input;
    Node n;
    n.kind = NodeKind::Transpose;
    n.dtype = input->dtype;
    std::vector<std::vector<Index>> chunks;
    for (int axis : normalized) {
        n.shape.push_back(input->shape[static_cast<std::size_t>(axis)]);
        chunks.push_back(input->chunks.chunks(static_cast<std::size_t>(axis)));
    }
    n.chunks = ChunkGrid(std::move(chunks));
    n.axes = std::move(normalized);
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

NodePtr make_concatenate_node(std::vector<NodePtr> inputs, int axis) {
    if (inputs.empty()) throw ValueError("need at least one array to concatenate");
    const Shape& first = inputs.front()->shape;
    if (first.empty()) throw ValueError("zero-dimensional arrays cannot be concatenated");
    const auto a = static_cast<std::size_t>(normalize_axes({axis}, first.size()).front());
    Node n;
    n.kind = NodeKind::Concatenate;
    n.axes = {static_cast<int>(a)};
    n.shape = first;
    n.shape[a] = 0;
    n.dtype = inputs.front()->dtype;
    std::vector<std::vector<Index>> chunks = inputs.front()->chunks.chunks();
    chunks[a].clear();
    for (const auto& input : inputs) {
        if (input->shape.size() != first.size())
            throw ValueError("all arrays to concatenate need " + std::to_string(first.size()) + " dimensions");
        for (std::size_t d = 0; d < first.size(); ++d)
            if (d != a && input->shape[d] != first[d])
                throw ValueError("shapes " + shape_to_string(first) + " and " + shape_to_string(input->shape) +
                                 " do not match outside axis " + std::to_string(a));
        n.shape[a] += input->shape[a];
        n.dtype = promote(n.dtype, input->dtype);
        for (Index c : input->chunks.chunks(a))
            if (c > 0) chunks[a].push_back(c);
        for (std::size_t d = 0; d < first.size(); ++d)
            if (d != a) chunks[d] = refine_axis(chunks[d], input->chunks.chunks(d));
    }
    if (chunks[a].empty()) chunks[a].push_back(0);
    n.chunks = ChunkGrid(std::move(chunks));
    n.inputs = std::move(inputs);
    return intern(std::move(n));
}

NodePtr make_rechunk_node(NodePtr input, ChunkGrid grid) {
    if (grid.shape() != input->shape)
        throw ValueError("chunks " + grid.to_string() + " do not cover shape " + shape_to_string(input->shape));
    if (grid == input->chunks) return input;
    Node n;
    n.kind = NodeKind::Rechunk;
    n.dtype = input->dtype;
    n.shape = input->shape;
    n.chunks = std::move(grid);
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

NodePtr make_reshape_node(NodePtr input, Shape shape, std::optional<ChunkGrid> chunks) {
    if (element_count(shape) != element_count(input->shape))
        throw ValueError("cannot reshape array of size " + std::to_string(element_count(input->shape)) + " into shape " +
                         shape_to_string(shape));
    if (shape == input->shape && (!chunks || *chunks == input->chunks)) return input;
    Node n;
    n.kind = NodeKind::Reshape;
    n.dtype = input->dtype;
    n.chunks = chunks ? std::move(*chunks) : reshape_chunks(input->shape, input->chunks, shape);
    if (n.chunks.shape() != shape)
        throw ValueError("chunks " + n.chunks.to_string() + " do not cover shape " + shape_to_string(shape));
    n.shape = std::move(shape);
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

NodePtr make_map_blocks_node(std::vector<NodePtr> inputs, BlockFunctionPtr function, DType dtype,
                             std::optional<ChunkGrid> chunks, std::optional<Overlap> overlap) {
    if (inputs.empty()) throw ValueError("map_blocks needs at least one array");
    if (!function || !function->call) throw ValueError("map_blocks needs a function");
    const Shape& shape = inputs.front()->shape;
    ChunkGrid grid = inputs.front()->chunks;
    for (const auto& input : inputs) {
        if (input->shape != shape)
            throw ValueError("map_blocks arrays need one shape, got " + shape_to_string(shape) + " and " +
                             shape_to_string(input->shape));
        if (input->chunks != grid) grid = common_refinement(grid, input->chunks);
    }
    for (auto& input : inputs) input = make_rechunk_node(input, grid);
    Node n;
    n.kind = NodeKind::MapBlocks;
    n.dtype = dtype;
    if (overlap) {
        if (inputs.size() != 1) throw ValueError("map_overlap takes one array");
        if (overlap->depth.size() != shape.size())
            throw ValueError("map_overlap depth needs one entry per axis (" + std::to_string(shape.size()) + "), got " +
                             std::to_string(overlap->depth.size()));
        for (Index d : overlap->depth)
            if (d < 0) throw ValueError("map_overlap depth must not be negative, got " + std::to_string(d));
        if (overlap->boundaries.size() != shape.size() || overlap->values.size() != shape.size())
            throw ValueError("map_overlap boundary needs one entry per axis (" + std::to_string(shape.size()) + "), got " +
                             std::to_string(overlap->boundaries.size()));
        ChunkGrid expected = grid;
        if (!overlap->trim) {
            // Untrimmed: every output block is its input block with the extension on each side.
            std::vector<std::vector<Index>> extended = grid.chunks();
            for (std::size_t axis = 0; axis < shape.size(); ++axis) {
                const Index d = overlap->depth[axis];
                for (std::size_t b = 0; b < extended[axis].size(); ++b) {
                    if (extended[axis][b] == 0) continue;
                    const Index start = grid.offset(axis, static_cast<Index>(b)), stop = start + extended[axis][b];
                    extended[axis][b] = overlap->boundaries[axis] == Boundary::None
                                            ? std::min(shape[axis], stop + d) - std::max<Index>(0, start - d)
                                            : extended[axis][b] + 2 * d;
                }
            }
            expected = ChunkGrid(std::move(extended));
        }
        if (chunks && *chunks != expected) throw ValueError("map_overlap makes its own chunks");
        chunks = std::move(expected);
    }
    if (chunks) {
        if (chunks->numblocks() != grid.numblocks())
            throw ValueError("map_blocks chunks " + chunks->to_string() + " need as many blocks per axis as the input's " +
                             grid.to_string());
        n.chunks = std::move(*chunks);
    } else {
        n.chunks = grid;
    }
    n.shape = n.chunks.shape();
    n.function = std::move(function);
    n.overlap = std::move(overlap);
    n.inputs = std::move(inputs);
    return intern(std::move(n));
}

namespace {

std::string shape_text(const Node& node) { return shape_to_string(node.shape); }

bool is_contracted(const std::vector<int>& axes, std::size_t axis) {
    return std::find(axes.begin(), axes.end(), static_cast<int>(axis)) != axes.end();
}

}  // namespace

int contract_output_axis(const Node& node, std::size_t k, std::size_t axis) {
    const ContractSpec& spec = node.contract;
    const auto batch = static_cast<std::size_t>(spec.batch);
    if (axis < batch) return static_cast<int>(axis);
    const std::vector<int>& own = k == 0 ? spec.a_axes : spec.b_axes;
    if (is_contracted(own, axis)) return -1;
    std::size_t position = batch;
    if (k == 1) position += node.inputs[0]->shape.size() - batch - spec.a_axes.size();
    for (std::size_t i = batch; i < axis; ++i)
        if (!is_contracted(own, i)) ++position;
    return static_cast<int>(position);
}

NodePtr make_contract_node(NodePtr a, NodePtr b, int batch, std::vector<int> a_axes, std::vector<int> b_axes,
                           std::vector<std::vector<Index>> k_chunks, std::optional<ChunkGrid> grid) {
    const std::size_t ra = a->shape.size(), rb = b->shape.size();
    if (batch < 0 || static_cast<std::size_t>(batch) > ra || static_cast<std::size_t>(batch) > rb)
        throw ValueError("internal: contraction has more batch axes than its operands");
    if (a_axes.size() != b_axes.size()) throw ValueError("tensordot: the two lists of axes have different lengths");
    auto normalize = [&](std::vector<int>& axes, std::size_t rank, const char* which) {
        std::vector<int> seen;
        for (int& axis : axes) {
            const int n = static_cast<int>(rank);
            if (axis < -n || axis >= n)
                throw ValueError(std::string("tensordot: axis ") + std::to_string(axis) + " is out of range for the " + which +
                                 " operand of " + std::to_string(rank) + " dimension" + (rank == 1 ? "" : "s"));
            if (axis < 0) axis += n;
            if (axis < batch) throw ValueError("internal: a batch axis is also summed over");
            if (std::find(seen.begin(), seen.end(), axis) != seen.end())
                throw ValueError(std::string("tensordot: repeated axis ") + std::to_string(axis) + " of the " + which + " operand");
            seen.push_back(axis);
        }
    };
    normalize(a_axes, ra, "first");
    normalize(b_axes, rb, "second");
    for (std::size_t i = 0; i < a_axes.size(); ++i) {
        const Index la = a->shape[static_cast<std::size_t>(a_axes[i])], lb = b->shape[static_cast<std::size_t>(b_axes[i])];
        if (la != lb)
            throw ValueError("shape-mismatch for sum: axis " + std::to_string(a_axes[i]) + " of shape " + shape_text(*a) +
                             " has length " + std::to_string(la) + ", axis " + std::to_string(b_axes[i]) + " of shape " +
                             shape_text(*b) + " has length " + std::to_string(lb));
    }
    Node n;
    n.kind = NodeKind::Contract;
    n.dtype = promote(a->dtype, b->dtype);
    std::vector<std::vector<Index>> chunks;
    for (std::size_t i = 0; i < static_cast<std::size_t>(batch); ++i) {
        const Index da = a->shape[i], db = b->shape[i];
        if (da != db && da != 1 && db != 1)
            throw ValueError("operands could not be broadcast together: batch shapes of " + shape_text(*a) + " and " +
                             shape_text(*b) + " differ in axis " + std::to_string(i) + " (" + std::to_string(da) + " vs " +
                             std::to_string(db) + ")");
        const Index length = da == 1 ? db : da;
        n.shape.push_back(length);
        std::vector<Index> axis_chunks;
        if (da == length) axis_chunks = a->chunks.chunks(i);
        if (db == length) axis_chunks = axis_chunks.empty() ? b->chunks.chunks(i) : refine_axis(axis_chunks, b->chunks.chunks(i));
        chunks.push_back(std::move(axis_chunks));
    }
    for (std::size_t axis = static_cast<std::size_t>(batch); axis < ra; ++axis)
        if (!is_contracted(a_axes, axis)) {
            n.shape.push_back(a->shape[axis]);
            chunks.push_back(a->chunks.chunks(axis));
        }
    for (std::size_t axis = static_cast<std::size_t>(batch); axis < rb; ++axis)
        if (!is_contracted(b_axes, axis)) {
            n.shape.push_back(b->shape[axis]);
            chunks.push_back(b->chunks.chunks(axis));
        }
    if (k_chunks.empty()) {
        // The sum is split as the operand with more (so smaller) chunks on each summed axis is:
        // a task's panel of that operand is within one of its chunks, and the other's is no
        // longer along the axis than that chunk (it may straddle two of its own chunks).
        for (std::size_t i = 0; i < a_axes.size(); ++i) {
            const auto& ca = a->chunks.chunks(static_cast<std::size_t>(a_axes[i]));
            const auto& cb = b->chunks.chunks(static_cast<std::size_t>(b_axes[i]));
            k_chunks.push_back(cb.size() > ca.size() ? cb : ca);
        }
    }
    if (k_chunks.size() != a_axes.size()) throw ValueError("internal: contraction pieces do not match its axes");
    for (std::size_t i = 0; i < a_axes.size(); ++i) {
        Index total = 0;
        for (Index c : k_chunks[i]) total += c;
        if (total != a->shape[static_cast<std::size_t>(a_axes[i])]) throw ValueError("internal: contraction pieces do not cover the axis");
    }
    // Result blocks come from the operands' chunks along kept axes; an outer product of long
    // chunks (tall-skinny @ short-wide) would make huge blocks: halve the longest axis's chunks
    // until a block is at most `largest_contract_block` bytes.
    constexpr std::size_t largest_contract_block = 32 << 20;
    auto block_bytes = [&] {
        std::size_t elements = 1;
        for (const auto& axis : chunks) elements *= static_cast<std::size_t>(*std::max_element(axis.begin(), axis.end()));
        return elements * itemsize(n.dtype);
    };
    while (!grid && !chunks.empty() && block_bytes() > largest_contract_block) {
        auto longest = std::max_element(chunks.begin(), chunks.end(), [](const auto& x, const auto& y) {
            return *std::max_element(x.begin(), x.end()) < *std::max_element(y.begin(), y.end());
        });
        if (*std::max_element(longest->begin(), longest->end()) <= 1) break;
        std::vector<Index> halves;
        for (Index c : *longest) {
            if (c > 1) halves.push_back((c + 1) / 2);
            halves.push_back(c > 1 ? c / 2 : c);
        }
        *longest = std::move(halves);
    }
    n.chunks = ChunkGrid(std::move(chunks));
    if (grid) {
        if (grid->shape() != n.shape) throw ValueError("internal: contraction chunks do not cover its result");
        n.chunks = std::move(*grid);
    }
    n.contract = {batch, std::move(a_axes), std::move(b_axes), std::move(k_chunks)};
    n.inputs = {std::move(a), std::move(b)};
    return intern(std::move(n));
}

NodePtr make_decode_cf_node(NodePtr input, CFDecoding decoding) {
    Node n;
    n.kind = NodeKind::DecodeCF;
    n.dtype = decoding.result;
    n.shape = input->shape;
    n.chunks = input->chunks;
    n.cf = std::move(decoding);
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

}  // namespace chunkarr
