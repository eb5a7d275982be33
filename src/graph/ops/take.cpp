#include "graph/ops/take.hpp"

#include <chunkarr/core/error.hpp>

#include "graph/inference.hpp"
#include "graph/node.hpp"

#include <algorithm>

namespace chunkarr {

// A task computes one output chunk and reads the box of input positions its indices span
// (exec/eval/take.cpp). Cutting the output wherever the indices move to another input chunk
// keeps every task's input within one input chunk, however far apart the indices lie:
// x[[0, 10**9]] is two small tasks, not one that reads the axis, and each stored chunk of a
// reversal (x[::-1]) or a sorted pick is read by one task only. Repeats (x.repeat(n)) are cut
// at the input's largest chunk length as well, so output chunks stay no larger than input ones.
std::vector<Index> take_chunks(const std::vector<Index>& indices, const std::vector<Index>& input_chunks) {
    std::vector<Index> ends;  // exclusive end of each input chunk
    Index end = 0;
    for (const Index c : input_chunks) ends.push_back(end += c);
    const Index largest =
        std::max<Index>(1, input_chunks.empty() ? 1 : *std::max_element(input_chunks.begin(), input_chunks.end()));
    auto chunk_of = [&](Index i) { return std::upper_bound(ends.begin(), ends.end(), i) - ends.begin(); };
    std::vector<Index> chunks;
    Index count = 0;
    std::ptrdiff_t current = -1;
    for (const Index i : indices) {
        const std::ptrdiff_t chunk = chunk_of(i);
        if (count > 0 && chunk == current && count < largest) {
            ++count;
            continue;
        }
        if (count > 0) chunks.push_back(count);
        count = 1;
        current = chunk;
    }
    if (count > 0 || chunks.empty()) chunks.push_back(count);
    return chunks;
}

NodePtr make_take_node(NodePtr input, int axis, std::vector<Index> indices) {
    const std::size_t ndim = input->shape.size();
    const auto at = static_cast<std::size_t>(normalize_axes({axis}, ndim).front());
    const Index length = input->shape[at];
    for (Index& i : indices) {
        if (i < -length || i >= length)
            throw ValueError("index " + std::to_string(i) + " is out of bounds for axis " + std::to_string(at) +
                             " with size " + std::to_string(length));
        if (i < 0) i += length;
    }
    Node n;
    n.dtype = input->dtype;
    n.shape = input->shape;
    n.shape[at] = static_cast<Index>(indices.size());
    std::vector<std::vector<Index>> chunks = input->chunks.chunks();
    chunks[at] = take_chunks(indices, chunks[at]);
    n.chunks = ChunkGrid(std::move(chunks));
    n.op = ops::Take{static_cast<int>(at), std::move(indices)};
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

NodePtr rebuild(const ops::Take& op, const Node&, std::vector<NodePtr> inputs) {
    return make_take_node(std::move(inputs[0]), op.axis, op.indices);
}

std::string describe(const ops::Take& op, const Node&, const std::vector<std::string>& inputs) {
    std::string text = "take(" + inputs[0] + ", [";
    const std::size_t shown = std::min<std::size_t>(op.indices.size(), 4);
    for (std::size_t i = 0; i < shown; ++i) text += (i ? ", " : "") + std::to_string(op.indices[i]);
    if (shown < op.indices.size()) text += ", ... " + std::to_string(op.indices.size()) + " indices";
    return text + "], axis=" + std::to_string(op.axis) + ")";
}

}  // namespace chunkarr
