// Transpose: the input's region read, its elements copied in the new axis order.
#include "exec/eval/operations.hpp"

#include <cstring>

namespace chunkarr {

Region input_region(const ops::Transpose& op, const Node& node, std::size_t, const Region& region) {
    Region result(node.inputs[0]->shape.size());
    for (std::size_t i = 0; i < op.order.size(); ++i) result[static_cast<std::size_t>(op.order[i])] = region[i];
    return result;
}

Block evaluate(const ops::Transpose& op, const Node& node, const Region& region, Evaluator& evaluator) {
    const Shape shape = region_shape(region);
    const Block in = evaluator.evaluate(node.inputs[0], input_region(op, node, 0, region));
    Block out = evaluator.allocate(node.dtype, shape);
    const std::size_t ndim = shape.size();
    const std::size_t item = itemsize(node.dtype);
    std::vector<Index> in_stride(ndim, 1);
    for (std::size_t axis = ndim; axis-- > 1;) in_stride[axis - 1] = in_stride[axis] * in.shape[axis];
    std::vector<Index> step(ndim);  // input stride of each output axis
    for (std::size_t i = 0; i < ndim; ++i) step[i] = in_stride[static_cast<std::size_t>(op.order[i])];
    std::vector<Index> index(ndim, 0);
    for (Index o = 0; o < out.size(); ++o) {
        Index offset = 0;
        for (std::size_t i = 0; i < ndim; ++i) offset += index[i] * step[i];
        std::memcpy(out.data() + o * static_cast<Index>(item), in.data() + offset * static_cast<Index>(item), item);
        for (std::size_t i = ndim; i-- > 0;) {
            if (++index[i] < shape[i]) break;
            index[i] = 0;
        }
    }
    return out;
}

std::size_t footprint(const ops::Transpose&, const Node& node, const Region& region, FootprintWalk& walk) {
    return elementwise_footprint(node, region, walk, [&](std::size_t) { return node.inputs[0]->dtype; });
}

}  // namespace chunkarr
