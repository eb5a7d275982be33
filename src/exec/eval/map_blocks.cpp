// MapBlocks: the user function on whole blocks (with map_overlap, blocks extended by their
// neighbours and the boundary rule), its result checked; a region across blocks is pasted
// together from the blocks it touches.
#include <chunkarr/core/error.hpp>

#include "core/cast.hpp"
#include "exec/eval/operations.hpp"
#include "kernels/region_copy.hpp"

#include <algorithm>
#include <cstring>
#include <tuple>

namespace chunkarr {

namespace {

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

// The input of a map_overlap block: the block extended by the depth, past the array's edges
// filled by the boundary rule.
Block extended_block(const ops::MapBlocks& op, const Node& node, const Region& extended, Evaluator& evaluator) {
    const Node& input = *node.inputs[0];
    const std::size_t ndim = extended.size();
    bool inside = true;
    for (std::size_t axis = 0; axis < ndim; ++axis)
        inside = inside && extended[axis].start >= 0 && extended[axis].stop <= input.shape[axis];
    if (inside) return evaluator.evaluate(node.inputs[0], extended);
    // Per axis: the element each position shows, and the runs of elements to read.
    const Overlap& overlap = *op.overlap;
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
    Block compact = evaluator.allocate(input.dtype, compact_shape);
    if (compact.size() > 0) {
        std::vector<std::size_t> pick(ndim, 0);
        while (true) {
            Region piece(ndim);
            std::vector<Index> at(ndim);
            for (std::size_t axis = 0; axis < ndim; ++axis) {
                piece[axis] = runs[axis][pick[axis]];
                at[axis] = run_offset[axis][pick[axis]];
            }
            const Block part = evaluator.evaluate(node.inputs[0], piece);
            kernels::copy_box(part.data(), part.shape, std::vector<Index>(ndim, 0), compact.data(), compact_shape, at,
                              part.shape, itemsize(input.dtype));
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
    Block out = evaluator.allocate(input.dtype, region_shape(extended));
    kernels::gather_indexed(compact.data(), compact_shape, index, out.data(), item, fill.data());
    // Positions past a Constant edge take that axis's value; where several axes' constants
    // meet (corners), the last axis wins, as in Dask, which pads one axis after the other.
    const Shape out_shape = out.shape;
    for (std::size_t axis = 0; axis < ndim; ++axis) {
        if (overlap.boundaries[axis] != Boundary::Constant) continue;
        cast_elements(reinterpret_cast<const std::byte*>(&overlap.values[axis]), DType::Float64, fill.data(),
                      input.dtype, 1);
        Index outer = 1, inner = 1;
        for (std::size_t a = 0; a < axis; ++a) outer *= out_shape[a];
        for (std::size_t a = axis + 1; a < ndim; ++a) inner *= out_shape[a];
        for (std::size_t i = 0; i < index[axis].size(); ++i) {
            if (index[axis][i] >= 0) continue;
            for (Index o = 0; o < outer; ++o) {
                std::byte* slab =
                    out.data() + ((o * out_shape[axis] + static_cast<Index>(i)) * inner) * static_cast<Index>(item);
                for (Index k = 0; k < inner; ++k) std::memcpy(slab + k * static_cast<Index>(item), fill.data(), item);
            }
        }
    }
    return out;
}

// One whole block of a MapBlocks node: the function called and its result checked (and
// trimmed, with overlap).
Block map_block(const ops::MapBlocks& op, const Node& node, const std::vector<Index>& block, Evaluator& evaluator) {
    const BlockFunction& function = *op.function;
    const Region in_region = node.inputs[0]->chunks.block_region(block);
    const std::size_t ndim = in_region.size();
    BlockInfo info;
    info.block = block;
    info.region = node.chunks.block_region(block);
    info.dtype = node.dtype;
    info.shape = region_shape(info.region);
    std::vector<NDArray> blocks;
    std::vector<Index> trim(ndim, 0);
    if (op.overlap) {
        Region extended(ndim);
        for (std::size_t axis = 0; axis < ndim; ++axis) {
            const Index depth = op.overlap->depth[axis], n = node.inputs[0]->shape[axis];
            Range r{in_region[axis].start - depth, in_region[axis].stop + depth};
            if (op.overlap->boundaries[axis] == Boundary::None || n == 0)
                r = {std::max<Index>(0, r.start), std::min(n, r.stop)};
            if (in_region[axis].size() == 0) r = in_region[axis];
            extended[axis] = r;
            trim[axis] = in_region[axis].start - r.start;
        }
        const Block values = extended_block(op, node, extended, evaluator);
        blocks.emplace_back(values.dtype, values.shape, values.storage);
        info.input_regions.push_back(extended);
        info.shape = region_shape(extended);
    } else {
        for (const auto& input : node.inputs) {
            const Block values = evaluator.evaluate(input, in_region);
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
    Block out = evaluator.allocate(node.dtype, shape);
    kernels::copy_box(values.data(), values.shape, trim, out.data(), shape, std::vector<Index>(ndim, 0), shape,
                      itemsize(node.dtype));
    return out;
}

}  // namespace

// The input blocks behind the output blocks the region touches, with the overlap.
Region input_region(const ops::MapBlocks& op, const Node& node, std::size_t k, const Region& region) {
    const Node& input = *node.inputs[k];
    if (is_empty(region)) return Region(input.shape.size(), Range{0, 0});
    Region result(region.size());
    for (std::size_t axis = 0; axis < region.size(); ++axis) {
        const auto [first, last] = touched_blocks(node.chunks, axis, region[axis]);
        const Index depth = op.overlap ? op.overlap->depth[axis] : 0;
        result[axis] = {std::max<Index>(0, input.chunks.offset(axis, first) - depth),
                        std::min(input.shape[axis], input.chunks.offset(axis, last + 1) + depth)};
    }
    return result;
}

Block evaluate(const ops::MapBlocks& op, const Node& node, const Region& region, Evaluator& evaluator) {
    const Shape shape = region_shape(region);
    if (is_empty(region)) return evaluator.allocate(node.dtype, shape);
    const ChunkGrid& grid = node.chunks;
    const std::size_t ndim = shape.size();
    std::vector<Index> first(ndim), last(ndim);
    for (std::size_t axis = 0; axis < ndim; ++axis)
        std::tie(first[axis], last[axis]) = touched_blocks(grid, axis, region[axis]);
    if (first == last && grid.block_region(first) == region) return map_block(op, node, first, evaluator);
    // A region across blocks (a consumer with other chunks): each block, then its part.
    Block out = evaluator.allocate(node.dtype, shape);
    std::vector<Index> block = first;
    while (true) {
        const Region block_region = grid.block_region(block);
        const Block values = map_block(op, node, block, evaluator);
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

// The result (and its trimmed copy), the inputs, and an extended copy with overlap.
std::size_t footprint(const ops::MapBlocks& op, const Node& node, const Region& region, FootprintWalk& walk) {
    std::size_t total = 2 * region_bytes(region, node.dtype);
    for (std::size_t k = 0; k < node.inputs.size(); ++k)
        total += walk(*node.inputs[k], input_region(op, node, k, region)) * (op.overlap ? 2 : 1);
    return total;
}

}  // namespace chunkarr
