#include "graph/ops/contract.hpp"

#include <chunkarr/core/error.hpp>

#include "graph/inference.hpp"
#include "graph/node.hpp"

#include <algorithm>

namespace chunkarr {

namespace {

std::string shape_text(const Node& node) { return shape_to_string(node.shape); }

bool is_contracted(const std::vector<int>& axes, std::size_t axis) {
    return std::find(axes.begin(), axes.end(), static_cast<int>(axis)) != axes.end();
}

}  // namespace

int contract_output_axis(const Node& node, std::size_t k, std::size_t axis) {
    const ops::Contract& spec = std::get<ops::Contract>(node.op);
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
                throw ValueError(std::string("tensordot: axis ") + std::to_string(axis) + " is out of range for the " +
                                 which + " operand of " + std::to_string(rank) + " dimension" + (rank == 1 ? "" : "s"));
            if (axis < 0) axis += n;
            if (axis < batch) throw ValueError("internal: a batch axis is also summed over");
            if (std::find(seen.begin(), seen.end(), axis) != seen.end())
                throw ValueError(std::string("tensordot: repeated axis ") + std::to_string(axis) + " of the " + which +
                                 " operand");
            seen.push_back(axis);
        }
    };
    normalize(a_axes, ra, "first");
    normalize(b_axes, rb, "second");
    for (std::size_t i = 0; i < a_axes.size(); ++i) {
        const Index la = a->shape[static_cast<std::size_t>(a_axes[i])],
                    lb = b->shape[static_cast<std::size_t>(b_axes[i])];
        if (la != lb)
            throw ValueError("shape-mismatch for sum: axis " + std::to_string(a_axes[i]) + " of shape " +
                             shape_text(*a) + " has length " + std::to_string(la) + ", axis " +
                             std::to_string(b_axes[i]) + " of shape " + shape_text(*b) + " has length " +
                             std::to_string(lb));
    }
    Node n;
    n.dtype = promote(a->dtype, b->dtype);
    std::vector<std::vector<Index>> chunks;
    for (std::size_t i = 0; i < static_cast<std::size_t>(batch); ++i) {
        const Index da = a->shape[i], db = b->shape[i];
        if (da != db && da != 1 && db != 1)
            throw ValueError("operands could not be broadcast together: batch shapes of " + shape_text(*a) + " and " +
                             shape_text(*b) + " differ in axis " + std::to_string(i) + " (" + std::to_string(da) +
                             " vs " + std::to_string(db) + ")");
        const Index length = da == 1 ? db : da;
        n.shape.push_back(length);
        std::vector<Index> axis_chunks;
        if (da == length) axis_chunks = a->chunks.chunks(i);
        if (db == length)
            axis_chunks = axis_chunks.empty() ? b->chunks.chunks(i) : refine_axis(axis_chunks, b->chunks.chunks(i));
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
        if (total != a->shape[static_cast<std::size_t>(a_axes[i])])
            throw ValueError("internal: contraction pieces do not cover the axis");
    }
    // Result blocks come from the operands' chunks along kept axes; an outer product of long
    // chunks (tall-skinny @ short-wide) would make huge blocks: halve the longest axis's chunks
    // until a block is at most `largest_contract_block` bytes.
    constexpr std::size_t largest_contract_block = 32 << 20;
    auto block_bytes = [&] {
        std::size_t elements = 1;
        for (const auto& axis : chunks)
            elements *= static_cast<std::size_t>(*std::max_element(axis.begin(), axis.end()));
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
    n.op = ops::Contract{batch, std::move(a_axes), std::move(b_axes), std::move(k_chunks)};
    n.inputs = {std::move(a), std::move(b)};
    return intern(std::move(n));
}

NodePtr rebuild(const ops::Contract& op, const Node& node, std::vector<NodePtr> inputs) {
    return make_contract_node(std::move(inputs[0]), std::move(inputs[1]), op.batch, op.a_axes, op.b_axes, op.k_chunks,
                              node.chunks);
}

std::string describe(const ops::Contract& op, const Node&, const std::vector<std::string>& inputs) {
    auto list = [](const std::vector<int>& axes) {
        std::string text = "(";
        for (std::size_t i = 0; i < axes.size(); ++i) text += (i ? ", " : "") + std::to_string(axes[i]);
        return text + (axes.size() == 1 ? ",)" : ")");
    };
    std::string text =
        "tensordot(" + inputs[0] + ", " + inputs[1] + ", axes=(" + list(op.a_axes) + ", " + list(op.b_axes) + ")";
    if (op.batch > 0) text += ", batch=" + std::to_string(op.batch);
    Index pieces = 1;
    for (const auto& sizes : op.k_chunks) pieces *= static_cast<Index>(sizes.size());
    return text + ", " + std::to_string(pieces) + " piece" + (pieces == 1 ? "" : "s") + ")";
}

}  // namespace chunkarr
