// Slice: the dense box the slice spans, read once; with steps, every n-th element gathered.
#include "exec/eval/operations.hpp"
#include "kernels/elementwise.hpp"

namespace chunkarr {

Region input_region(const ops::Slice& op, const Node& node, std::size_t, const Region& region) {
    Region result(node.inputs[0]->shape.size());
    std::size_t out_axis = 0;
    for (std::size_t axis = 0; axis < result.size(); ++axis) {
        const SliceAxis& s = op.axes[axis];
        if (s.drop) {
            result[axis] = {s.start, s.start + 1};
            continue;
        }
        const Range r = region[out_axis++];
        if (r.size() <= 0) result[axis] = {s.start, s.start};
        else result[axis] = {s.start + r.start * s.step, s.start + (r.stop - 1) * s.step + 1};
    }
    return result;
}

Block evaluate(const ops::Slice& op, const Node& node, const Region& region, Evaluator& evaluator) {
    const Shape shape = region_shape(region);
    Block in = evaluator.evaluate(node.inputs[0], input_region(op, node, 0, region));
    if (!op.has_step()) {
        in.shape = shape;  // same elements; dropped axes were length 1
        return in;
    }
    std::vector<Index> step;
    for (const SliceAxis& s : op.axes) step.push_back(s.drop ? 1 : s.step);
    Shape strided_shape;
    std::size_t out_axis = 0;
    for (const SliceAxis& s : op.axes) strided_shape.push_back(s.drop ? 1 : shape[out_axis++]);
    Block out = evaluator.allocate(node.dtype, shape);
    kernels::gather_strided(in.data(), in.shape, step, itemsize(node.dtype), out.data(), strided_shape);
    return out;
}

std::size_t footprint(const ops::Slice& op, const Node& node, const Region& region, FootprintWalk& walk) {
    const std::size_t input = walk(*node.inputs[0], input_region(op, node, 0, region));
    return input + (op.has_step() ? region_bytes(region, node.dtype) : 0);
}

}  // namespace chunkarr
