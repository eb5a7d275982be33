#include <chunkarr/core/error.hpp>
#include <chunkarr/core/shape.hpp>

#include <algorithm>
#include <numeric>
#include <set>
#include <sstream>

namespace chunkarr {

Index element_count(const Shape& shape) {
    Index n = 1;
    for (Index d : shape) n *= d;
    return n;
}

std::string shape_to_string(const Shape& shape) {
    std::ostringstream out;
    out << '(';
    for (std::size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
    if (shape.size() == 1) out << ',';
    out << ')';
    return out.str();
}

Shape region_shape(const Region& region) {
    Shape shape;
    shape.reserve(region.size());
    for (const Range& r : region) shape.push_back(r.size());
    return shape;
}

Region full_region(const Shape& shape) {
    Region region;
    region.reserve(shape.size());
    for (Index d : shape) region.push_back({0, d});
    return region;
}

ChunkGrid::ChunkGrid(std::vector<std::vector<Index>> chunks) : chunks_(std::move(chunks)) {
    offsets_.resize(chunks_.size());
    for (std::size_t axis = 0; axis < chunks_.size(); ++axis) {
        if (chunks_[axis].empty()) throw ValueError("chunk grid axis " + std::to_string(axis) + " has no chunks");
        offsets_[axis].resize(chunks_[axis].size() + 1, 0);
        for (std::size_t i = 0; i < chunks_[axis].size(); ++i) {
            if (chunks_[axis][i] < 0) throw ValueError("negative chunk length");
            offsets_[axis][i + 1] = offsets_[axis][i] + chunks_[axis][i];
        }
    }
}

ChunkGrid ChunkGrid::regular(const Shape& shape, const Shape& chunk_shape) {
    if (chunk_shape.size() != shape.size())
        throw ValueError("chunk shape " + shape_to_string(chunk_shape) + " does not match array shape " +
                         shape_to_string(shape));
    std::vector<std::vector<Index>> chunks(shape.size());
    for (std::size_t axis = 0; axis < shape.size(); ++axis) {
        const Index length = shape[axis];
        const Index step = chunk_shape[axis];
        if (step <= 0 && length > 0) throw ValueError("chunk length must be positive, got " + std::to_string(step));
        if (length == 0) {
            chunks[axis] = {0};
            continue;
        }
        for (Index start = 0; start < length; start += step) chunks[axis].push_back(std::min(step, length - start));
    }
    return ChunkGrid(std::move(chunks));
}

Shape ChunkGrid::shape() const {
    Shape shape;
    for (const auto& axis : offsets_) shape.push_back(axis.back());
    return shape;
}

Shape ChunkGrid::numblocks() const {
    Shape n;
    for (const auto& axis : chunks_) n.push_back(static_cast<Index>(axis.size()));
    return n;
}

Index ChunkGrid::block_count() const { return element_count(numblocks()); }

Region ChunkGrid::block_region(const std::vector<Index>& block) const {
    Region region(block.size());
    for (std::size_t axis = 0; axis < block.size(); ++axis)
        region[axis] = {offsets_[axis][block[axis]], offsets_[axis][block[axis] + 1]};
    return region;
}

std::vector<Index> ChunkGrid::unravel(Index flat) const {
    std::vector<Index> block(chunks_.size());
    for (std::size_t axis = chunks_.size(); axis-- > 0;) {
        const Index n = static_cast<Index>(chunks_[axis].size());
        block[axis] = flat % n;
        flat /= n;
    }
    return block;
}

Index ChunkGrid::max_block_elements() const {
    Index n = 1;
    for (const auto& axis : chunks_) n *= *std::max_element(axis.begin(), axis.end());
    return n;
}

std::string ChunkGrid::to_string() const {
    std::ostringstream out;
    out << '(';
    for (std::size_t axis = 0; axis < chunks_.size(); ++axis) {
        out << (axis ? ", " : "") << shape_to_string(chunks_[axis]);
    }
    if (chunks_.size() == 1) out << ',';
    out << ')';
    return out.str();
}

ChunkGrid common_refinement(const ChunkGrid& a, const ChunkGrid& b) {
    std::vector<std::vector<Index>> chunks(a.ndim());
    for (std::size_t axis = 0; axis < a.ndim(); ++axis) {
        std::set<Index> bounds;
        for (std::size_t i = 0; i <= a.chunks(axis).size(); ++i) bounds.insert(a.offset(axis, static_cast<Index>(i)));
        for (std::size_t i = 0; i <= b.chunks(axis).size(); ++i) bounds.insert(b.offset(axis, static_cast<Index>(i)));
        Index previous = 0;
        for (Index bound : bounds) {
            if (bound > previous) chunks[axis].push_back(bound - previous);
            previous = bound;
        }
        if (chunks[axis].empty()) chunks[axis].push_back(0);
    }
    return ChunkGrid(std::move(chunks));
}

ChunkGrid task_chunks(const Shape& shape, const Shape& storage_chunk, std::size_t itemsize, std::size_t target_bytes) {
    Shape task = storage_chunk;
    // Grow along the leading axes (keeping whole storage chunks) while below the target.
    for (std::size_t axis = 0; axis < shape.size(); ++axis) {
        const std::size_t bytes = static_cast<std::size_t>(element_count(task)) * itemsize;
        if (bytes == 0 || bytes >= target_bytes) break;
        const Index factor = static_cast<Index>(target_bytes / bytes);
        const Index max_factor = (shape[axis] + storage_chunk[axis] - 1) / std::max<Index>(storage_chunk[axis], 1);
        task[axis] = storage_chunk[axis] * std::max<Index>(1, std::min(factor, max_factor));
        if (factor < max_factor) break;
    }
    return ChunkGrid::regular(shape, task);
}

std::vector<int> normalize_axes(const std::vector<int>& axes, std::size_t ndim) {
    std::vector<int> result;
    if (axes.empty()) {
        for (std::size_t i = 0; i < ndim; ++i) result.push_back(static_cast<int>(i));
        return result;
    }
    for (int axis : axes) {
        const int n = static_cast<int>(ndim);
        if (axis < -n || axis >= n)
            throw ValueError("axis " + std::to_string(axis) + " is out of range for an array of " +
                             std::to_string(ndim) + " dimension" + (ndim == 1 ? "" : "s"));
        const int normalized = axis < 0 ? axis + n : axis;
        if (std::find(result.begin(), result.end(), normalized) != result.end())
            throw ValueError("axis " + std::to_string(axis) + " is repeated");
        result.push_back(normalized);
    }
    std::sort(result.begin(), result.end());
    return result;
}

Shape broadcast_shapes(const Shape& a, const Shape& b) {
    const std::size_t rank = std::max(a.size(), b.size());
    Shape out(rank);
    for (std::size_t i = 0; i < rank; ++i) {
        const Index da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
        const Index db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
        if (da != db && da != 1 && db != 1)
            throw ValueError("shapes " + shape_to_string(a) + " and " + shape_to_string(b) + " do not broadcast");
        out[i] = da == 1 ? db : da;
    }
    return out;
}

}  // namespace chunkarr
