#include "graph/serialize.hpp"

#include <chunkarr/core/error.hpp>

#include "core/record.hpp"
#include "graph/node.hpp"
#include "io/source_record.hpp"

#include <unordered_map>
#include <utility>

namespace chunkarr {

namespace {

// Bumped when the layout changes; with the number of operations it tells bytes of another
// build apart (operations are written by their index in `Operation`).
constexpr std::uint32_t format_version = 1;
constexpr char magic[] = "chunkarr-graph";

struct Writer {
    RecordWriter& out;
    const Foreign& foreign;
};
struct Reader {
    RecordReader& in;
    const Foreign& foreign;
};

void write_decoding(RecordWriter& out, const CFDecoding& d) {
    out.numbers(d.missing_values);
    for (const auto& bound : {d.valid_min, d.valid_max}) {
        out.number<bool>(bound.has_value());
        out.number(bound.value_or(0.0L));
    }
    out.number(d.scale_factor);
    out.number(d.add_offset);
    out.number(d.result);
}

CFDecoding read_decoding(RecordReader& in) {
    CFDecoding d;
    d.missing_values = in.numbers<long double>();
    for (auto* bound : {&d.valid_min, &d.valid_max}) {
        const bool present = in.number<bool>();
        const auto value = in.number<long double>();
        if (present) *bound = value;
    }
    d.scale_factor = in.number<double>();
    d.add_offset = in.number<double>();
    d.result = in.number<DType>();
    return d;
}

// ---- one pair per operation: its attributes, written and read in the same order ----------------

void write_operation(Writer& w, const ops::Source& op) {
    // The engine's own sources by kind; others (a NumPy array in Python) only `foreign` keeps.
    RecordWriter record;
    const bool own = write_source_record(*op.source, record);
    w.out.number(own);
    if (own) {
        w.out.bytes(record.data().data(), record.data().size());
        return;
    }
    if (!w.foreign.save_source) throw ValueError("cannot pickle source " + op.source->describe());
    w.out.number(w.foreign.save_source(op.source));
}
void read_operation(Reader& r, ops::Source& op) {
    if (r.in.number<bool>()) {
        op.source = read_source_record(r.in);
        return;
    }
    const auto index = r.in.number<std::uint64_t>();
    if (!r.foreign.load_source) throw ValueError("chunkarr record holds a foreign source but none can be loaded");
    op.source = r.foreign.load_source(index);
}

void write_operation(Writer& w, const ops::Scalar& op) {
    w.out.number(op.value);
    w.out.number(op.weak);
}
void read_operation(Reader& r, ops::Scalar& op) {
    op.value = r.in.number<double>();
    op.weak = r.in.number<bool>();
}

// Unary and Binary: the function and the types it computes in and gives.
template <class Elementwise> void write_elementwise(Writer& w, const Elementwise& op) {
    w.out.number(op.function);
    w.out.number(op.types.compute);
    w.out.number(op.types.result);
}
template <class Elementwise> void read_elementwise(Reader& r, Elementwise& op) {
    op.function = r.in.number<decltype(op.function)>();
    op.types.compute = r.in.number<DType>();
    op.types.result = r.in.number<DType>();
}

void write_operation(Writer& w, const ops::Unary& op) { write_elementwise(w, op); }
void read_operation(Reader& r, ops::Unary& op) { read_elementwise(r, op); }

void write_operation(Writer& w, const ops::Binary& op) { write_elementwise(w, op); }
void read_operation(Reader& r, ops::Binary& op) { read_elementwise(r, op); }

void write_operation(Writer&, const ops::Where&) {}
void read_operation(Reader&, ops::Where&) {}

void write_operation(Writer&, const ops::Cast&) {}  // the target dtype is the node's
void read_operation(Reader&, ops::Cast&) {}

void write_operation(Writer& w, const ops::DecodeCF& op) { write_decoding(w.out, op.decoding); }
void read_operation(Reader& r, ops::DecodeCF& op) { op.decoding = read_decoding(r.in); }

void write_operation(Writer& w, const ops::Slice& op) {
    w.out.number<std::uint64_t>(op.axes.size());
    for (const SliceAxis& axis : op.axes) {
        w.out.number(axis.start);
        w.out.number(axis.stop);
        w.out.number(axis.step);
        w.out.number(axis.drop);
    }
}
void read_operation(Reader& r, ops::Slice& op) {
    op.axes.resize(r.in.length());
    for (SliceAxis& axis : op.axes) {
        axis.start = r.in.number<Index>();
        axis.stop = r.in.number<Index>();
        axis.step = r.in.number<Index>();
        axis.drop = r.in.number<bool>();
    }
}

void write_operation(Writer& w, const ops::Reduce& op) {
    w.out.number(op.function);
    w.out.numbers(op.axes);
    w.out.number(op.keepdims);
    w.out.number(op.skipna);
    w.out.number(op.ddof);
    w.out.number<bool>(op.mask.has_value());
    if (op.mask) write_decoding(w.out, *op.mask);
}
void read_operation(Reader& r, ops::Reduce& op) {
    op.function = r.in.number<ReduceOp>();
    op.axes = r.in.numbers<int>();
    op.keepdims = r.in.number<bool>();
    op.skipna = r.in.number<bool>();
    op.ddof = r.in.number<int>();
    if (r.in.number<bool>()) op.mask = read_decoding(r.in);
}

void write_operation(Writer& w, const ops::Quantile& op) {
    w.out.numbers(op.q);
    w.out.numbers(op.q_shape);
    w.out.numbers(op.axes);
    w.out.number(op.keepdims);
    w.out.number(op.skipna);
    w.out.number(op.mode);
}
void read_operation(Reader& r, ops::Quantile& op) {
    op.q = r.in.numbers<double>();
    op.q_shape = r.in.numbers<Index>();
    op.axes = r.in.numbers<int>();
    op.keepdims = r.in.number<bool>();
    op.skipna = r.in.number<bool>();
    op.mode = r.in.number<QuantileMode>();
}

void write_operation(Writer&, const ops::Rechunk&) {}  // the chunks are the node's
void read_operation(Reader&, ops::Rechunk&) {}

void write_operation(Writer& w, const ops::Concatenate& op) { w.out.number(op.axis); }
void read_operation(Reader& r, ops::Concatenate& op) { op.axis = r.in.number<int>(); }

void write_operation(Writer& w, const ops::Transpose& op) { w.out.numbers(op.order); }
void read_operation(Reader& r, ops::Transpose& op) { op.order = r.in.numbers<int>(); }

void write_operation(Writer& w, const ops::ExpandDims& op) { w.out.numbers(op.new_axes); }
void read_operation(Reader& r, ops::ExpandDims& op) { op.new_axes = r.in.numbers<int>(); }

void write_operation(Writer& w, const ops::Scan& op) {
    w.out.number(op.axis);
    w.out.number(op.product);
}
void read_operation(Reader& r, ops::Scan& op) {
    op.axis = r.in.number<int>();
    op.product = r.in.number<bool>();
}

void write_operation(Writer& w, const ops::Take& op) {
    w.out.number(op.axis);
    w.out.numbers(op.indices);
}
void read_operation(Reader& r, ops::Take& op) {
    op.axis = r.in.number<int>();
    op.indices = r.in.numbers<Index>();
}

void write_operation(Writer&, const ops::Reshape&) {}  // the shape and chunks are the node's
void read_operation(Reader&, ops::Reshape&) {}

void write_operation(Writer& w, const ops::MapBlocks& op) {
    // Functions are the embedding language's (or a C++ caller's): only `foreign` can keep them.
    if (!w.foreign.save_function) throw ValueError("cannot pickle map_blocks function '" + op.function->name + "'");
    w.out.number(w.foreign.save_function(op.function));
    w.out.number<bool>(op.overlap.has_value());
    if (!op.overlap) return;
    w.out.numbers(op.overlap->depth);
    w.out.numbers(op.overlap->boundaries);
    w.out.numbers(op.overlap->values);
    w.out.number(op.overlap->trim);
}
void read_operation(Reader& r, ops::MapBlocks& op) {
    const auto index = r.in.number<std::uint64_t>();
    if (!r.foreign.load_function)
        throw ValueError("chunkarr record holds a map_blocks function but none can be loaded");
    op.function = r.foreign.load_function(index);
    if (!r.in.number<bool>()) return;
    Overlap overlap;
    overlap.depth = r.in.numbers<Index>();
    overlap.boundaries = r.in.numbers<Boundary>();
    overlap.values = r.in.numbers<double>();
    overlap.trim = r.in.number<bool>();
    op.overlap = std::move(overlap);
}

void write_operation(Writer& w, const ops::Contract& op) {
    w.out.number(op.batch);
    w.out.numbers(op.a_axes);
    w.out.numbers(op.b_axes);
    w.out.number<std::uint64_t>(op.k_chunks.size());
    for (const auto& chunks : op.k_chunks) w.out.numbers(chunks);
}
void read_operation(Reader& r, ops::Contract& op) {
    op.batch = r.in.number<int>();
    op.a_axes = r.in.numbers<int>();
    op.b_axes = r.in.numbers<int>();
    op.k_chunks.resize(r.in.length());
    for (auto& chunks : op.k_chunks) chunks = r.in.numbers<Index>();
}

// ---- nodes --------------------------------------------------------------------------------------

// An operation of alternative `index`, default-made, for read_operation to fill.
template <std::size_t... I> Operation empty_operation(std::size_t index, std::index_sequence<I...>) {
    Operation op;
    const bool known = ((index == I ? (op.emplace<I>(), true) : false) || ...);
    if (!known) throw ValueError("chunkarr record names an unknown operation (from another version?)");
    return op;
}

}  // namespace

std::string serialize_graph(const NodePtr& root, const Foreign& foreign) {
    RecordWriter out;
    out.text(magic);
    out.number(format_version);
    out.number<std::uint32_t>(std::variant_size_v<Operation>);
    Writer w{out, foreign};
    // Inputs before the nodes that use them; each node once (graphs share subexpressions).
    std::unordered_map<const Node*, std::uint64_t> ids;
    std::vector<const Node*> order;
    std::vector<std::pair<const Node*, bool>> stack{{root.get(), false}};
    while (!stack.empty()) {
        auto [node, inputs_done] = stack.back();
        stack.pop_back();
        if (ids.count(node)) continue;
        if (inputs_done) {
            ids.emplace(node, order.size());
            order.push_back(node);
            continue;
        }
        stack.push_back({node, true});
        for (auto it = node->inputs.rbegin(); it != node->inputs.rend(); ++it)
            if (!ids.count(it->get())) stack.push_back({it->get(), false});
    }
    out.number<std::uint64_t>(order.size());
    for (const Node* node : order) {
        out.number<std::uint32_t>(static_cast<std::uint32_t>(node->op.index()));
        out.number(node->dtype);
        out.numbers(node->shape);
        out.grid(node->chunks);
        out.number<std::uint64_t>(node->inputs.size());
        for (const auto& input : node->inputs) out.number(ids.at(input.get()));
        std::visit([&](const auto& op) { write_operation(w, op); }, node->op);
    }
    return out.data();
}

NodePtr deserialize_graph(const std::string& bytes, const Foreign& foreign) {
    RecordReader in(bytes);
    if (in.text() != magic || in.number<std::uint32_t>() != format_version ||
        in.number<std::uint32_t>() != std::variant_size_v<Operation>)
        throw ValueError("not a chunkarr graph record of this chunkarr version");
    Reader r{in, foreign};
    std::vector<NodePtr> nodes(in.length());
    for (NodePtr& result : nodes) {
        const auto index = in.number<std::uint32_t>();
        Node node;
        node.op = empty_operation(index, std::make_index_sequence<std::variant_size_v<Operation>>{});
        node.dtype = in.number<DType>();
        node.shape = in.numbers<Index>();
        node.chunks = in.grid();
        std::vector<NodePtr> inputs(in.length());
        for (NodePtr& input : inputs) {
            const auto id = in.number<std::uint64_t>();
            if (id >= static_cast<std::uint64_t>(&result - nodes.data()))
                throw ValueError("chunkarr record is damaged (a node before its inputs)");
            input = nodes[id];
        }
        std::visit([&](auto& op) { read_operation(r, op); }, node.op);
        result = with_inputs(node, std::move(inputs));
        if (result->shape != node.shape || result->dtype != node.dtype || !(result->chunks == node.chunks))
            throw ValueError(
                "cannot unpickle: " + describe(*result, std::vector<std::string>(result->inputs.size(), "...")) +
                " is now " + shape_to_string(result->shape) + " " + std::string(dtype_name(result->dtype)) + ", was " +
                shape_to_string(node.shape) + " " + std::string(dtype_name(node.dtype)) +
                " (its file changed since the array was pickled?)");
    }
    if (nodes.empty() || !in.done()) throw ValueError("chunkarr record is truncated or damaged");
    return nodes.back();
}

}  // namespace chunkarr
