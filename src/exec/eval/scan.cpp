// Scan: a running sum or product along one axis, chunk by chunk, each chunk starting from the
// total of the chunks before it (the offsets input, when there is one).
#include "exec/eval/operations.hpp"

#include <type_traits>

namespace chunkarr {

// The input from the start of the first chunk the region touches; for the offsets, the entries
// of the chunks it touches.
Region input_region(const ops::Scan& op, const Node& node, std::size_t k, const Region& region) {
    const auto axis = static_cast<std::size_t>(op.axis);
    const ChunkGrid& grid = node.inputs[0]->chunks;
    const auto& sizes = grid.chunks(axis);
    Index first = 0;
    while (first + 1 < static_cast<Index>(sizes.size()) && grid.offset(axis, first + 1) <= region[axis].start) ++first;
    Index last = first;
    while (last + 1 < static_cast<Index>(sizes.size()) && grid.offset(axis, last + 1) < region[axis].stop) ++last;
    Region result = region;
    if (k == 0) result[axis] = {grid.offset(axis, first), region[axis].stop};
    else result[axis] = {first, last + 1};
    return result;
}

Block evaluate(const ops::Scan& op, const Node& node, const Region& region, Evaluator& evaluator) {
    const auto axis = static_cast<std::size_t>(op.axis);
    const Shape shape = region_shape(region);
    const ChunkGrid& grid = node.inputs[0]->chunks;
    Block out = evaluator.allocate(node.dtype, shape);
    if (out.size() == 0) return out;
    Index chunk = input_region(op, node, 1, region)[axis].start;
    // One piece per chunk of the input along the axis that the region overlaps.
    for (Index lo = region[axis].start; lo < region[axis].stop; ++chunk) {
        const Index chunk_start = grid.offset(axis, chunk);
        const Index hi = std::min(region[axis].stop, grid.offset(axis, chunk + 1));
        Region in_region = region;
        in_region[axis] = {chunk_start, hi};
        const Block in = evaluator.as_dtype(evaluator.evaluate(node.inputs[0], in_region), node.dtype);
        Block offset;
        if (node.inputs.size() > 1) {
            Region offset_region = region;
            offset_region[axis] = {chunk, chunk + 1};
            offset = evaluator.evaluate(node.inputs[1], offset_region);
        }
        Index outer = 1, inner = 1;
        for (std::size_t a = 0; a < axis; ++a) outer *= shape[a];
        for (std::size_t a = axis + 1; a < shape.size(); ++a) inner *= shape[a];
        const Index in_length = hi - chunk_start, out_length = shape[axis];
        const Index skip = lo - chunk_start, out_first = lo - region[axis].start;
        visit_dtype(node.dtype, [&](auto tag) {
            using T = decltype(tag);
            if constexpr (!std::is_same_v<T, bool>) {
                const T* x = reinterpret_cast<const T*>(in.data());
                const T* base = offset.storage ? reinterpret_cast<const T*>(offset.data()) : nullptr;
                T* y = reinterpret_cast<T*>(out.data());
                for (Index o = 0; o < outer; ++o)
                    for (Index i = 0; i < inner; ++i) {
                        T acc = base ? base[o * inner + i] : T(op.product ? 1 : 0);
                        for (Index t = 0; t < in_length; ++t) {
                            const T v = x[(o * in_length + t) * inner + i];
                            acc = op.product ? static_cast<T>(acc * v) : static_cast<T>(acc + v);
                            if (t >= skip) y[(o * out_length + out_first + t - skip) * inner + i] = acc;
                        }
                    }
            }
        });
        lo = hi;
    }
    return out;
}

// The input is converted to the result dtype (its running sums' type) before the scan.
std::size_t footprint(const ops::Scan&, const Node& node, const Region& region, FootprintWalk& walk) {
    return elementwise_footprint(node, region, walk, [&](std::size_t) { return node.dtype; });
}

}  // namespace chunkarr
