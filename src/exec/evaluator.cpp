#include <chunkarr/core/error.hpp>
#include <chunkarr/exec/evaluator.hpp>
#include <chunkarr/graph/reshape.hpp>
#include <chunkarr/kernels/cast.hpp>
#include <chunkarr/kernels/elementwise.hpp>
#include <chunkarr/kernels/linalg.hpp>
#include <chunkarr/kernels/region_copy.hpp>

#include <algorithm>
#include <cstring>
#include <functional>
#include <tuple>

namespace chunkarr {

namespace {

std::size_t region_bytes(const Region& region, DType dtype) {
    return static_cast<std::size_t>(element_count(region_shape(region))) * itemsize(dtype);
}

// Pads `shape` with leading 1s to `rank` (NumPy broadcasting aligns trailing axes).
Shape pad_to_rank(const Shape& shape, std::size_t rank) {
    Shape padded(rank - shape.size(), 1);
    padded.insert(padded.end(), shape.begin(), shape.end());
    return padded;
}

bool has_step(const Node& node) {
    return std::any_of(node.slice.begin(), node.slice.end(), [](const SliceAxis& s) { return !s.drop && s.step > 1; });
}

// The type an elementwise input must be cast to before the kernel runs.
DType operand_type(const Node& node, std::size_t k) {
    if (node.kind == NodeKind::Concatenate) return node.dtype;
    if (node.kind == NodeKind::Where) return k == 0 ? DType::Bool : node.dtype;
    return node.types.compute;
}

// Block index range [first, last] of `grid` along `axis` that [r.start, r.stop) touches.
std::pair<Index, Index> touched_blocks(const ChunkGrid& grid, std::size_t axis, const Range& r) {
    const auto count = static_cast<Index>(grid.chunks(axis).size());
    Index first = 0;
    while (first + 1 < count && grid.offset(axis, first + 1) <= r.start) ++first;
    Index last = first;
    while (last + 1 < count && grid.offset(axis, last + 1) < r.stop) ++last;
    return {first, last};
}

std::string block_to_string(const std::vector<Index>& block) {
    std::string text = "(";
    for (std::size_t i = 0; i < block.size(); ++i) text += (i ? ", " : "") + std::to_string(block[i]);
    return text + (block.size() == 1 ? ",)" : ")");
}

bool is_empty(const Region& region) {
    return std::any_of(region.begin(), region.end(), [](const Range& r) { return r.size() <= 0; });
}

// The pieces of a contraction's summed axes: piece `flat` (row-major over k_chunks).
std::vector<Range> contract_piece(const ContractSpec& spec, Index flat) {
    std::vector<Range> piece(spec.k_chunks.size());
    for (std::size_t p = spec.k_chunks.size(); p-- > 0;) {
        const auto& sizes = spec.k_chunks[p];
        const auto count = static_cast<Index>(sizes.size());
        const Index index = flat % count;
        flat /= count;
        Index start = 0;
        for (Index i = 0; i < index; ++i) start += sizes[static_cast<std::size_t>(i)];
        piece[p] = {start, start + sizes[static_cast<std::size_t>(index)]};
    }
    return piece;
}

Index contract_piece_count(const ContractSpec& spec) {
    Index count = 1;
    for (const auto& sizes : spec.k_chunks) count *= static_cast<Index>(sizes.size());
    return count;
}

// Operand k's axes in packed order: batch, then (first operand) kept axes and summed axes in
// pair order, or (second operand) summed axes in pair order and kept axes.
std::vector<int> contract_pack_order(const Node& node, std::size_t k) {
    const ContractSpec& spec = node.contract;
    const auto& summed = k == 0 ? spec.a_axes : spec.b_axes;
    std::vector<int> batch, kept;
    for (std::size_t axis = 0; axis < node.inputs[k]->shape.size(); ++axis) {
        if (static_cast<int>(axis) < spec.batch) batch.push_back(static_cast<int>(axis));
        else if (contract_output_axis(node, k, axis) >= 0) kept.push_back(static_cast<int>(axis));
    }
    std::vector<int> order = batch;
    if (k == 0) {
        order.insert(order.end(), kept.begin(), kept.end());
        order.insert(order.end(), summed.begin(), summed.end());
    } else {
        order.insert(order.end(), summed.begin(), summed.end());
        order.insert(order.end(), kept.begin(), kept.end());
    }
    return order;
}

bool is_identity(const std::vector<int>& order) {
    for (std::size_t i = 0; i < order.size(); ++i)
        if (order[i] != static_cast<int>(i)) return false;
    return true;
}

std::vector<Range> whole_summed_axes(const Node& node) {
    std::vector<Range> piece;
    for (const auto& sizes : node.contract.k_chunks) {
        Index total = 0;
        for (Index c : sizes) total += c;
        piece.push_back({0, total});
    }
    return piece;
}

}  // namespace

std::vector<Region> input_regions(const Node& node, std::size_t k, const Region& region) {
    if (node.kind != NodeKind::Reshape) return {input_region(node, k, region)};
    if (is_empty(region) || element_count(node.shape) == 0) return {};
    std::vector<Region> result;
    for (auto& piece : reshape_layout(node.inputs[0]->shape, node.shape, region).pieces) result.push_back(std::move(piece.input));
    return result;
}

Region contract_operand_region(const Node& node, std::size_t k, const Region& region, const std::vector<Range>& piece) {
    const Node& input = *node.inputs[k];
    const auto& summed = k == 0 ? node.contract.a_axes : node.contract.b_axes;
    Region result(input.shape.size());
    for (std::size_t axis = 0; axis < input.shape.size(); ++axis) {
        const int out = contract_output_axis(node, k, axis);
        if (out < 0) {
            const auto p = static_cast<std::size_t>(std::find(summed.begin(), summed.end(), static_cast<int>(axis)) - summed.begin());
            result[axis] = piece[p];
        } else if (static_cast<int>(axis) < node.contract.batch && input.shape[axis] == 1) {
            result[axis] = {0, 1};   // broadcast batch axis
        } else {
            result[axis] = region[static_cast<std::size_t>(out)];
        }
    }
    return result;
}

Region input_region(const Node& node, std::size_t k, const Region& region) {
    const Node& input = *node.inputs[k];
    switch (node.kind) {
        case NodeKind::Binary:
        case NodeKind::Where: {
            const std::size_t offset = node.shape.size() - input.shape.size();
            Region result(input.shape.size());
            for (std::size_t axis = 0; axis < input.shape.size(); ++axis) {
                const bool broadcast = input.shape[axis] == 1 && node.shape[axis + offset] != 1;
                result[axis] = broadcast ? Range{0, 1} : region[axis + offset];
            }
            return result;
        }
        case NodeKind::Slice: {
            Region result(input.shape.size());
            std::size_t out_axis = 0;
            for (std::size_t axis = 0; axis < input.shape.size(); ++axis) {
                const SliceAxis& s = node.slice[axis];
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
        case NodeKind::Scan: {
            // The input from the start of the first chunk the region touches; for the offsets,
            // the entries of the chunks it touches.
            const auto axis = static_cast<std::size_t>(node.axes.front());
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
        case NodeKind::ExpandDims: {
            Region result;
            for (std::size_t axis = 0; axis < region.size(); ++axis)
                if (!std::binary_search(node.axes.begin(), node.axes.end(), static_cast<int>(axis))) result.push_back(region[axis]);
            return result;
        }
        case NodeKind::Transpose: {
            Region result(input.shape.size());
            for (std::size_t i = 0; i < node.axes.size(); ++i) result[static_cast<std::size_t>(node.axes[i])] = region[i];
            return result;
        }
        case NodeKind::Concatenate: {
            // The part of the region inside input k, in k's coordinates (possibly empty).
            const auto axis = static_cast<std::size_t>(node.axes.front());
            Index offset = 0;
            for (std::size_t i = 0; i < k; ++i) offset += node.inputs[i]->shape[axis];
            Region result = region;
            const Index lo = std::max(region[axis].start, offset);
            const Index hi = std::min(region[axis].stop, offset + input.shape[axis]);
            result[axis] = hi > lo ? Range{lo - offset, hi - offset} : Range{0, 0};
            return result;
        }
        case NodeKind::Contract: return contract_operand_region(node, k, region, whole_summed_axes(node));
        case NodeKind::Reduce: {
            // The input region behind an output region: reduced axes taken whole.
            Region result(input.shape.size());
            std::size_t out_axis = 0;
            for (std::size_t axis = 0; axis < input.shape.size(); ++axis) {
                const bool reduced = std::binary_search(node.axes.begin(), node.axes.end(), static_cast<int>(axis));
                if (reduced) {
                    result[axis] = {0, input.shape[axis]};
                    if (node.keepdims) ++out_axis;
                } else {
                    result[axis] = region[out_axis++];
                }
            }
            return result;
        }
        case NodeKind::Reshape: {
            const std::vector<Region> pieces = input_regions(node, k, region);
            if (pieces.empty()) return Region(input.shape.size(), Range{0, 0});
            Region box = pieces.front();
            for (const Region& piece : pieces)
                for (std::size_t axis = 0; axis < box.size(); ++axis) {
                    box[axis].start = std::min(box[axis].start, piece[axis].start);
                    box[axis].stop = std::max(box[axis].stop, piece[axis].stop);
                }
            return box;
        }
        case NodeKind::MapBlocks: {
            // The input blocks behind the output blocks the region touches, with the overlap.
            if (is_empty(region)) return Region(input.shape.size(), Range{0, 0});
            Region result(region.size());
            for (std::size_t axis = 0; axis < region.size(); ++axis) {
                const auto [first, last] = touched_blocks(node.chunks, axis, region[axis]);
                const Index depth = node.overlap ? node.overlap->depth[axis] : 0;
                result[axis] = {std::max<Index>(0, input.chunks.offset(axis, first) - depth),
                                std::min(input.shape[axis], input.chunks.offset(axis, last + 1) + depth)};
            }
            return result;
        }
        default: return region;
    }
}

Block Evaluator::evaluate(const NodePtr& node, const Region& region) {
    // A transient result has one consumer, which may overwrite it: never keep it for reuse.
    if (context_.transient.count(node.get())) return compute(*node, region);
    for (const auto& [key, block] : memo_)
        if (key.first == node.get() && key.second == region) return block;
    Block block = compute(*node, region);
    memo_.push_back({{node.get(), region}, block});
    return block;
}

Block Evaluator::output_for(const Node& node, const Shape& shape, const Block& first_operand, const Node& first_input) {
    // use_count 1: only our local handle holds the buffer (not the memo, not a slice view).
    if (context_.transient.count(&first_input) && first_operand.dtype == node.dtype && first_operand.shape == shape &&
        first_operand.storage.use_count() == 1)
        return first_operand;
    return Block::allocate(node.dtype, shape, tracker_);
}

Block Evaluator::as_dtype(const Block& block, DType dtype) {
    if (block.dtype == dtype) return block;
    Block out = Block::allocate(dtype, block.shape, tracker_);
    kernels::cast(block.data(), block.dtype, out.data(), dtype, block.size());
    return out;
}

Block Evaluator::compute(const Node& node, const Region& region) {
    const Shape shape = region_shape(region);
    switch (node.kind) {
        case NodeKind::Source: {
            Block out = Block::allocate(node.dtype, shape, tracker_);
            node.source->read(region, out.data());
            bytes_read_ += out.nbytes();
            return out;
        }
        case NodeKind::Scalar: {
            if (auto it = context_.constants.find(&node); it != context_.constants.end()) return it->second;
            Block out = Block::allocate(node.dtype, {}, tracker_);
            kernels::cast(reinterpret_cast<const std::byte*>(&node.scalar), DType::Float64, out.data(), node.dtype, 1);
            return out;
        }
        case NodeKind::Reduce:
        case NodeKind::Quantile: {
            auto it = done_.find(&node);
            if (it == done_.end()) throw Error("internal: reduction evaluated before it was computed");
            Block out = Block::allocate(node.dtype, shape, tracker_);
            kernels::copy_region(it->second.data(), it->second.shape(), itemsize(node.dtype), region, out.data());
            return out;
        }
        case NodeKind::Cast: {
            const Block in = evaluate(node.inputs[0], region);
            return as_dtype(in, node.dtype);
        }
        case NodeKind::Rechunk: return evaluate(node.inputs[0], region);   // only the task grid differs
        case NodeKind::Reshape: {
            if (element_count(shape) == 0) return Block::allocate(node.dtype, shape, tracker_);
            const ReshapeLayout layout = reshape_layout(node.inputs[0]->shape, node.shape, region);
            if (layout.pieces.size() == 1) {   // one input box: the same elements in the same order
                Block in = evaluate(node.inputs[0], layout.pieces.front().input);
                in.shape = shape;
                return in;
            }
            Block out = Block::allocate(node.dtype, shape, tracker_);
            for (const ReshapePiece& piece : layout.pieces) {
                const Block in = evaluate(node.inputs[0], piece.input);
                kernels::copy_box(in.data(), piece.count, std::vector<Index>(piece.count.size(), 0), out.data(),
                                  layout.region_flat, piece.at, piece.count, itemsize(node.dtype));
            }
            return out;
        }
        case NodeKind::MapBlocks: {
            if (is_empty(region)) return Block::allocate(node.dtype, shape, tracker_);
            const ChunkGrid& grid = node.chunks;
            const std::size_t ndim = shape.size();
            std::vector<Index> first(ndim), last(ndim);
            for (std::size_t axis = 0; axis < ndim; ++axis)
                std::tie(first[axis], last[axis]) = touched_blocks(grid, axis, region[axis]);
            if (first == last && grid.block_region(first) == region) return map_block(node, first);
            // A region across blocks (a consumer with other chunks): each block, then its part.
            Block out = Block::allocate(node.dtype, shape, tracker_);
            std::vector<Index> block = first;
            while (true) {
                const Region block_region = grid.block_region(block);
                const Block values = map_block(node, block);
                std::vector<Index> from(ndim), to(ndim);
                Shape count(ndim);
                for (std::size_t axis = 0; axis < ndim; ++axis) {
                    const Index lo = std::max(region[axis].start, block_region[axis].start);
                    const Index hi = std::min(region[axis].stop, block_region[axis].stop);
                    from[axis] = lo - block_region[axis].start;
                    to[axis] = lo - region[axis].start;
                    count[axis] = hi - lo;
                }
                kernels::copy_box(values.data(), values.shape, from, out.data(), shape, to, count, itemsize(node.dtype));
                std::size_t axis = ndim;
                while (axis > 0) {
                    --axis;
                    if (++block[axis] <= last[axis]) break;
                    block[axis] = first[axis];
                    if (axis == 0) return out;
                }
                if (ndim == 0) return out;
            }
        }
        case NodeKind::Contract: return contract(node, region);
        case NodeKind::Scan: {
            const auto axis = static_cast<std::size_t>(node.axes.front());
            const ChunkGrid& grid = node.inputs[0]->chunks;
            Block out = Block::allocate(node.dtype, shape, tracker_);
            if (out.size() == 0) return out;
            Index chunk = input_region(node, 1, region)[axis].start;
            // One piece per chunk of the input along the axis that the region overlaps.
            for (Index lo = region[axis].start; lo < region[axis].stop; ++chunk) {
                const Index chunk_start = grid.offset(axis, chunk);
                const Index hi = std::min(region[axis].stop, grid.offset(axis, chunk + 1));
                Region in_region = region;
                in_region[axis] = {chunk_start, hi};
                const Block in = as_dtype(evaluate(node.inputs[0], in_region), node.dtype);
                Block offset;
                if (node.inputs.size() > 1) {
                    Region offset_region = region;
                    offset_region[axis] = {chunk, chunk + 1};
                    offset = evaluate(node.inputs[1], offset_region);
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
                                T acc = base ? base[o * inner + i] : T(node.scan_product ? 1 : 0);
                                for (Index t = 0; t < in_length; ++t) {
                                    const T v = x[(o * in_length + t) * inner + i];
                                    acc = node.scan_product ? static_cast<T>(acc * v) : static_cast<T>(acc + v);
                                    if (t >= skip) y[(o * out_length + out_first + t - skip) * inner + i] = acc;
                                }
                            }
                    }
                });
                lo = hi;
            }
            return out;
        }
        case NodeKind::ExpandDims: {
            Block in = evaluate(node.inputs[0], input_region(node, 0, region));
            in.shape = shape;   // the same elements, with unit axes added
            return in;
        }
        case NodeKind::Transpose: {
            const Block in = evaluate(node.inputs[0], input_region(node, 0, region));
            Block out = Block::allocate(node.dtype, shape, tracker_);
            const std::size_t ndim = shape.size();
            const std::size_t item = itemsize(node.dtype);
            std::vector<Index> in_stride(ndim, 1);
            for (std::size_t axis = ndim; axis-- > 1;) in_stride[axis - 1] = in_stride[axis] * in.shape[axis];
            std::vector<Index> step(ndim);   // input stride of each output axis
            for (std::size_t i = 0; i < ndim; ++i) step[i] = in_stride[static_cast<std::size_t>(node.axes[i])];
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
        case NodeKind::Concatenate: {
            const auto axis = static_cast<std::size_t>(node.axes.front());
            Block out = Block::allocate(node.dtype, shape, tracker_);
            Index offset = 0;
            for (std::size_t k = 0; k < node.inputs.size(); ++k) {
                const Region part = input_region(node, k, region);
                if (element_count(region_shape(part)) > 0) {
                    const Block in = as_dtype(evaluate(node.inputs[k], part), node.dtype);
                    std::vector<Index> at(shape.size(), 0);
                    at[axis] = offset + part[axis].start - region[axis].start;   // where the part lands
                    kernels::copy_box(in.data(), in.shape, std::vector<Index>(shape.size(), 0), out.data(), shape, at, in.shape,
                                      itemsize(node.dtype));
                }
                offset += node.inputs[k]->shape[axis];
            }
            return out;
        }
        case NodeKind::DecodeCF: {
            const Block in = evaluate(node.inputs[0], region);
            Block out = Block::allocate(node.dtype, shape, tracker_);
            kernels::decode_cf(node.cf, in.dtype, in.data(), out.data(), in.size());
            return out;
        }
        case NodeKind::Unary: {
            Block in = as_dtype(evaluate(node.inputs[0], region), node.types.compute);
            const kernels::Operand operand{in.data(), in.shape};
            Block out = output_for(node, shape, std::move(in), *node.inputs[0]);
            kernels::unary(node.unary, node.types, operand, out.data(), shape);
            return out;
        }
        case NodeKind::Binary:
        case NodeKind::Where: {
            std::vector<Block> in;
            for (std::size_t k = 0; k < node.inputs.size(); ++k)
                in.push_back(as_dtype(evaluate(node.inputs[k], input_region(node, k, region)), operand_type(node, k)));
            std::vector<kernels::Operand> operands;
            for (const Block& b : in) operands.push_back({b.data(), pad_to_rank(b.shape, shape.size())});
            // Kernels read each position before writing it, so the first value operand may be
            // overwritten in place (the fused chain).
            const std::size_t first = node.kind == NodeKind::Where ? 1 : 0;
            Block out = output_for(node, shape, std::move(in[first]), *node.inputs[first]);
            if (node.kind == NodeKind::Binary)
                kernels::binary(node.binary, node.types, operands[0], operands[1], out.data(), shape);
            else
                kernels::where(operands[0], node.dtype, operands[1], operands[2], out.data(), shape);
            return out;
        }
        case NodeKind::Slice: {
            const Region dense = input_region(node, 0, region);
            Block in = evaluate(node.inputs[0], dense);
            if (!has_step(node)) {
                in.shape = shape;   // same elements; dropped axes were length 1
                return in;
            }
            std::vector<Index> step;
            for (const SliceAxis& s : node.slice) step.push_back(s.drop ? 1 : s.step);
            Shape strided_shape;
            std::size_t out_axis = 0;
            for (const SliceAxis& s : node.slice) strided_shape.push_back(s.drop ? 1 : shape[out_axis++]);
            Block out = Block::allocate(node.dtype, shape, tracker_);
            kernels::gather_strided(in.data(), in.shape, step, itemsize(node.dtype), out.data(), strided_shape);
            return out;
        }
    }
    throw Error("internal: unknown node kind");
}

Block Evaluator::extended_block(const Node& node, const Region& extended) {
    const Node& input = *node.inputs[0];
    const std::size_t ndim = extended.size();
    bool inside = true;
    for (std::size_t axis = 0; axis < ndim; ++axis)
        inside = inside && extended[axis].start >= 0 && extended[axis].stop <= input.shape[axis];
    if (inside) return evaluate(node.inputs[0], extended);
    // Per axis: the element each position shows, and the runs of elements to read.
    const Overlap& overlap = *node.overlap;
    std::vector<std::vector<Index>> source(ndim);
    std::vector<std::vector<Range>> runs(ndim);
    std::vector<std::vector<Index>> run_offset(ndim);
    Shape compact_shape(ndim, 0);
    for (std::size_t axis = 0; axis < ndim; ++axis) {
        const Index n = input.shape[axis];
        std::vector<Index> wanted;
        for (Index p = extended[axis].start; p < extended[axis].stop; ++p) {
            source[axis].push_back(n > 0 ? boundary_source(overlap.boundaries[axis], p, n) : -1);
            if (source[axis].back() >= 0) wanted.push_back(source[axis].back());
        }
        std::sort(wanted.begin(), wanted.end());
        wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
        for (Index w : wanted) {
            if (runs[axis].empty() || runs[axis].back().stop != w) {
                run_offset[axis].push_back(compact_shape[axis]);
                runs[axis].push_back({w, w + 1});
            } else {
                ++runs[axis].back().stop;
            }
            ++compact_shape[axis];
        }
    }
    // The elements read, packed run after run, then gathered position by position.
    Block compact = Block::allocate(input.dtype, compact_shape, tracker_);
    if (compact.size() > 0) {
        std::vector<std::size_t> pick(ndim, 0);
        while (true) {
            Region piece(ndim);
            std::vector<Index> at(ndim);
            for (std::size_t axis = 0; axis < ndim; ++axis) {
                piece[axis] = runs[axis][pick[axis]];
                at[axis] = run_offset[axis][pick[axis]];
            }
            const Block part = evaluate(node.inputs[0], piece);
            kernels::copy_box(part.data(), part.shape, std::vector<Index>(ndim, 0), compact.data(), compact_shape, at, part.shape,
                              itemsize(input.dtype));
            std::size_t axis = ndim;
            bool advanced = false;
            while (axis > 0) {
                --axis;
                if (++pick[axis] < runs[axis].size()) {
                    advanced = true;
                    break;
                }
                pick[axis] = 0;
            }
            if (!advanced) break;
        }
    }
    std::vector<std::vector<Index>> index(ndim);
    for (std::size_t axis = 0; axis < ndim; ++axis)
        for (Index s : source[axis]) {
            if (s < 0) {
                index[axis].push_back(-1);
                continue;
            }
            std::size_t r = 0;
            while (!(runs[axis][r].start <= s && s < runs[axis][r].stop)) ++r;
            index[axis].push_back(run_offset[axis][r] + s - runs[axis][r].start);
        }
    const std::size_t item = itemsize(input.dtype);
    std::vector<std::byte> fill(item);
    Block out = Block::allocate(input.dtype, region_shape(extended), tracker_);
    kernels::gather_indexed(compact.data(), compact_shape, index, out.data(), item, fill.data());
    // Positions past a Constant edge take that axis's value; where several axes' constants
    // meet (corners), the last axis wins, as in Dask, which pads one axis after the other.
    const Shape out_shape = out.shape;
    for (std::size_t axis = 0; axis < ndim; ++axis) {
        if (overlap.boundaries[axis] != Boundary::Constant) continue;
        kernels::cast(reinterpret_cast<const std::byte*>(&overlap.values[axis]), DType::Float64, fill.data(), input.dtype, 1);
        Index outer = 1, inner = 1;
        for (std::size_t a = 0; a < axis; ++a) outer *= out_shape[a];
        for (std::size_t a = axis + 1; a < ndim; ++a) inner *= out_shape[a];
        for (std::size_t i = 0; i < index[axis].size(); ++i) {
            if (index[axis][i] >= 0) continue;
            for (Index o = 0; o < outer; ++o) {
                std::byte* slab = out.data() + ((o * out_shape[axis] + static_cast<Index>(i)) * inner) * static_cast<Index>(item);
                for (Index k = 0; k < inner; ++k) std::memcpy(slab + k * static_cast<Index>(item), fill.data(), item);
            }
        }
    }
    return out;
}

Block Evaluator::map_block(const Node& node, const std::vector<Index>& block) {
    const BlockFunction& function = *node.function;
    const Region in_region = node.inputs[0]->chunks.block_region(block);
    const std::size_t ndim = in_region.size();
    BlockInfo info;
    info.block = block;
    info.region = node.chunks.block_region(block);
    info.dtype = node.dtype;
    info.shape = region_shape(info.region);
    std::vector<NDArray> blocks;
    std::vector<Index> trim(ndim, 0);
    if (node.overlap) {
        Region extended(ndim);
        for (std::size_t axis = 0; axis < ndim; ++axis) {
            const Index depth = node.overlap->depth[axis], n = node.inputs[0]->shape[axis];
            Range r{in_region[axis].start - depth, in_region[axis].stop + depth};
            if (node.overlap->boundaries[axis] == Boundary::None || n == 0) r = {std::max<Index>(0, r.start), std::min(n, r.stop)};
            if (in_region[axis].size() == 0) r = in_region[axis];
            extended[axis] = r;
            trim[axis] = in_region[axis].start - r.start;
        }
        const Block values = extended_block(node, extended);
        blocks.emplace_back(values.dtype, values.shape, values.storage);
        info.input_regions.push_back(extended);
        info.shape = region_shape(extended);
    } else {
        for (const auto& input : node.inputs) {
            const Block values = evaluate(input, in_region);
            blocks.emplace_back(values.dtype, values.shape, values.storage);
            info.input_regions.push_back(in_region);
        }
    }
    NDArray result = function.call(blocks, info);
    blocks.clear();
    auto fail = [&](const std::string& what, const std::string& got, const std::string& wanted) {
        throw ValueError(function.name + " returned " + what + " " + got + " for block " + block_to_string(block) +
                         ", expected " + wanted);
    };
    if (!result.storage() && result.size() > 0) fail("no array", "", "an array");
    if (result.dtype() != node.dtype)
        fail("dtype", std::string(dtype_name(result.dtype())), std::string(dtype_name(node.dtype)));
    if (result.shape() != info.shape) fail("shape", shape_to_string(result.shape()), shape_to_string(info.shape));
    Block values;
    values.dtype = node.dtype;
    values.shape = result.shape();
    values.storage = result.storage();
    const Shape shape = region_shape(info.region);
    if (values.shape == shape) return values;
    Block out = Block::allocate(node.dtype, shape, tracker_);
    kernels::copy_box(values.data(), values.shape, trim, out.data(), shape, std::vector<Index>(ndim, 0), shape,
                      itemsize(node.dtype));
    return out;
}

Block Evaluator::contract(const Node& node, const Region& region) {
    const ContractSpec& spec = node.contract;
    const Shape shape = region_shape(region);
    const DType type = kernels::contract_compute_type(node.dtype);
    const std::size_t item = itemsize(type);
    const auto batch = static_cast<std::size_t>(spec.batch);
    const std::size_t a_kept = node.inputs[0]->shape.size() - batch - spec.a_axes.size();
    Index batches = 1, rows = 1, cols = 1;
    for (std::size_t axis = 0; axis < shape.size(); ++axis)
        (axis < batch ? batches : axis < batch + a_kept ? rows : cols) *= shape[axis];
    Block sum = Block::allocate(type, shape, tracker_);
    std::memset(sum.data(), 0, sum.nbytes());
    const std::vector<int> orders[2] = {contract_pack_order(node, 0), contract_pack_order(node, 1)};
    const Index pieces = contract_piece_count(spec);
    for (Index flat = 0; batches * rows * cols > 0 && flat < pieces; ++flat) {
        const std::vector<Range> piece = contract_piece(spec, flat);
        Index depth = 1;
        for (const Range& r : piece) depth *= r.size();
        if (depth == 0) continue;
        Evaluator panels(context_);   // its memo ends with the piece
        Block packed[2];
        Shape batch_shape[2];
        for (std::size_t k = 0; k < 2; ++k) {
            const Block values = panels.evaluate(node.inputs[k], contract_operand_region(node, k, region, piece));
            batch_shape[k] = Shape(values.shape.begin(), values.shape.begin() + static_cast<std::ptrdiff_t>(batch));
            if (values.dtype == type && is_identity(orders[k])) {
                packed[k] = values;
            } else {
                packed[k] = Block::allocate(type, values.shape, tracker_);
                kernels::pack(values.data(), values.dtype, values.shape, orders[k], packed[k].data(), type);
            }
        }
        bytes_read_ += panels.bytes_read();
        // Batch index of the result -> batch index of each operand (0 along broadcast axes).
        std::vector<Index> index(batch, 0);
        for (Index b = 0; b < batches; ++b) {
            Index at[2] = {0, 0};
            for (std::size_t k = 0; k < 2; ++k)
                for (std::size_t axis = 0; axis < batch; ++axis)
                    at[k] = at[k] * batch_shape[k][axis] + (batch_shape[k][axis] == 1 ? 0 : index[axis]);
            kernels::gemm_accumulate(type, packed[0].data() + at[0] * rows * depth * static_cast<Index>(item),
                                     packed[1].data() + at[1] * depth * cols * static_cast<Index>(item),
                                     sum.data() + b * rows * cols * static_cast<Index>(item), rows, cols, depth);
            for (std::size_t axis = batch; axis-- > 0;) {
                if (++index[axis] < shape[axis]) break;
                index[axis] = 0;
            }
        }
    }
    if (type == node.dtype) return sum;
    Block out = Block::allocate(node.dtype, shape, tracker_);
    kernels::cast(sum.data(), type, out.data(), node.dtype, sum.size());
    return out;
}

std::size_t Evaluator::footprint(const std::vector<NodePtr>& nodes, const Region& region, const Materialized& done) {
    std::vector<std::pair<const Node*, Region>> seen;
    std::function<std::size_t(const Node&, const Region&)> walk = [&](const Node& node, const Region& r) -> std::size_t {
        for (const auto& [n, reg] : seen)
            if (n == &node && reg == r) return 0;
        seen.emplace_back(&node, r);
        const std::size_t own = region_bytes(r, node.dtype);
        switch (node.kind) {
            case NodeKind::Source:
            case NodeKind::Reduce:
            case NodeKind::Quantile: return own;
            case NodeKind::Scalar: return itemsize(node.dtype);
            case NodeKind::Slice: {
                const std::size_t input = walk(*node.inputs[0], input_region(node, 0, r));
                return input + (has_step(node) ? own : 0);
            }
            case NodeKind::Rechunk: return walk(*node.inputs[0], r);
            case NodeKind::Contract: {
                // The result and its sum, and one piece's panels (the first piece is the largest).
                const DType type = kernels::contract_compute_type(node.dtype);
                std::size_t total = own + (type != node.dtype ? region_bytes(r, type) : 0);
                const std::vector<Range> piece = contract_piece(node.contract, 0);
                for (std::size_t k = 0; k < 2; ++k) {
                    const Region ir = contract_operand_region(node, k, r, piece);
                    total += footprint({node.inputs[k]}, ir, done) + region_bytes(ir, type);
                }
                return total;
            }
            case NodeKind::ExpandDims: return walk(*node.inputs[0], input_region(node, 0, r));
            case NodeKind::Reshape: {
                const std::vector<Region> pieces = input_regions(node, 0, r);
                std::size_t total = pieces.size() > 1 ? own : 0;
                for (const Region& piece : pieces) total += walk(*node.inputs[0], piece);
                return total;
            }
            case NodeKind::MapBlocks: {
                // The result (and its trimmed copy), the inputs, and an extended copy with overlap.
                std::size_t total = 2 * own;
                for (std::size_t k = 0; k < node.inputs.size(); ++k) {
                    const Region ir = input_region(node, k, r);
                    total += walk(*node.inputs[k], ir) * (node.overlap ? 2 : 1);
                }
                return total;
            }
            default: {
                std::size_t total = own;
                for (std::size_t k = 0; k < node.inputs.size(); ++k) {
                    const Region ir = input_region(node, k, r);
                    total += walk(*node.inputs[k], ir);
                    const Node& input = *node.inputs[k];
                    const DType wanted = node.kind == NodeKind::Cast || node.kind == NodeKind::DecodeCF
                                             ? input.dtype : operand_type(node, k);
                    if (input.dtype != wanted) total += region_bytes(input.kind == NodeKind::Scalar ? Region{} : ir, wanted);
                }
                return total;
            }
        }
    };
    (void)done;
    std::size_t total = 0;
    for (const auto& node : nodes) total += walk(*node, region);
    return total;
}

}  // namespace chunkarr
