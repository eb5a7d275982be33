#include "graph/inference.hpp"

#include "graph/node.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace chunkarr {

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

void reduced_shape(const Node& input, const std::vector<int>& axes, bool keepdims, Shape& shape,
                   std::vector<std::vector<Index>>& chunks) {
    for (std::size_t axis = 0; axis < input.shape.size(); ++axis) {
        const bool reduced = std::binary_search(axes.begin(), axes.end(), static_cast<int>(axis));
        if (reduced && !keepdims) continue;
        shape.push_back(reduced ? 1 : input.shape[axis]);
        chunks.push_back(reduced ? std::vector<Index>{1} : input.chunks.chunks(axis));
    }
}

}  // namespace chunkarr
