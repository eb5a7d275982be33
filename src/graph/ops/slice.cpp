#include "graph/ops/slice.hpp"

#include <chunkarr/core/error.hpp>

#include "graph/node.hpp"

#include <algorithm>
#include <sstream>

namespace chunkarr {

Index SliceAxis::length() const {
    if (drop) return 1;
    if (stop <= start) return 0;
    return (stop - start + step - 1) / step;
}

bool ops::Slice::has_step() const {
    return std::any_of(axes.begin(), axes.end(), [](const SliceAxis& s) { return !s.drop && s.step > 1; });
}

NodePtr make_slice_node(NodePtr input, std::vector<SliceAxis> axes) {
    if (axes.size() != input->shape.size()) throw ValueError("slice rank does not match the array");
    Node n;
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
    n.op = ops::Slice{std::move(axes)};
    n.inputs = {std::move(input)};
    return intern(std::move(n));
}

NodePtr rebuild(const ops::Slice& op, const Node&, std::vector<NodePtr> inputs) {
    return make_slice_node(std::move(inputs[0]), op.axes);
}

std::string describe(const ops::Slice& op, const Node&, const std::vector<std::string>& inputs) {
    std::ostringstream out;
    out << inputs[0] << "[";
    for (std::size_t i = 0; i < op.axes.size(); ++i) {
        const SliceAxis& s = op.axes[i];
        out << (i ? ", " : "");
        if (s.drop) out << s.start;
        else out << s.start << ":" << s.stop;
        if (!s.drop && s.step != 1) out << ":" << s.step;
    }
    out << "]";
    return out.str();
}

}  // namespace chunkarr
