#include <chunkarr/core/error.hpp>
#include <chunkarr/io/concat_source.hpp>

#include <algorithm>

namespace chunkarr {

ConcatSource::ConcatSource(std::vector<SourcePtr> parts, std::vector<std::string> names, std::size_t axis)
    : parts_(std::move(parts)), names_(std::move(names)), axis_(axis) {
    if (parts_.empty()) throw ValueError("nothing to concatenate");
    const SourcePtr& first = parts_.front();
    if (axis_ >= first->shape().size()) throw ValueError("cannot concatenate 0-d variables");
    const auto dimension_label = [&](std::size_t a) {
        const auto dims = first->dimension_names();
        return a < dims.size() ? "dimension " + dims[a] : "axis " + std::to_string(a);
    };
    offsets_.push_back(0);
    std::vector<std::vector<Index>> chunks = first->task_grid().chunks();
    chunks[axis_].clear();
    for (std::size_t i = 0; i < parts_.size(); ++i) {
        const SourcePtr& part = parts_[i];
        if (part->dtype() != first->dtype())
            throw FormatError(names_[i] + " has dtype " + std::string(dtype_name(part->dtype())) + " but " + names_[0] +
                              " has " + std::string(dtype_name(first->dtype())));
        if (part->shape().size() != first->shape().size())
            throw FormatError(names_[i] + " has " + std::to_string(part->shape().size()) + " dimensions but " +
                              names_[0] + " has " + std::to_string(first->shape().size()));
        for (std::size_t a = 0; a < first->shape().size(); ++a)
            if (a != axis_ && part->shape()[a] != first->shape()[a])
                throw FormatError(names_[i] + ": " + dimension_label(a) + " has length " +
                                  std::to_string(part->shape()[a]) + " but " + std::to_string(first->shape()[a]) +
                                  " in " + names_[0]);
        const auto part_chunks = part->task_grid().chunks(axis_);
        for (Index c : part_chunks)
            if (c > 0) chunks[axis_].push_back(c);
        offsets_.push_back(offsets_.back() + part->shape()[axis_]);
    }
    if (chunks[axis_].empty()) chunks[axis_].push_back(0);
    shape_ = first->shape();
    shape_[axis_] = offsets_.back();
    grid_ = ChunkGrid(std::move(chunks));
}

void ConcatSource::read(const Region& region, void* out) const {
    const Shape out_shape = region_shape(region);
    if (element_count(out_shape) == 0) return;
    const std::size_t item = itemsize(dtype());
    // Elements per step along the axis within `out` (the region is C-ordered).
    Index inner = 1;
    for (std::size_t a = axis_ + 1; a < out_shape.size(); ++a) inner *= out_shape[a];
    Index outer = 1;
    for (std::size_t a = 0; a < axis_; ++a) outer *= out_shape[a];
    auto* target = static_cast<std::byte*>(out);
    for (std::size_t i = 0; i < parts_.size(); ++i) {
        const Index lo = std::max(region[axis_].start, offsets_[i]);
        const Index hi = std::min(region[axis_].stop, offsets_[i + 1]);
        if (lo >= hi) continue;
        Region part_region = region;
        part_region[axis_] = {lo - offsets_[i], hi - offsets_[i]};
        const Index span = hi - lo;
        if (outer == 1) {
            // The part's piece is contiguous in `out`.
            parts_[i]->read(part_region, target + (lo - region[axis_].start) * inner * static_cast<Index>(item));
            continue;
        }
        std::vector<std::byte> piece(static_cast<std::size_t>(outer * span * inner) * item);
        parts_[i]->read(part_region, piece.data());
        for (Index o = 0; o < outer; ++o)
            std::copy_n(
                piece.data() + o * span * inner * static_cast<Index>(item), span * inner * static_cast<Index>(item),
                target + (o * out_shape[axis_] + (lo - region[axis_].start)) * inner * static_cast<Index>(item));
    }
}

std::string ConcatSource::describe() const {
    return names_.front() + " ... " + names_.back() + " (" + std::to_string(parts_.size()) + " files)";
}

std::string ConcatSource::identity() const {
    std::string id = "concat" + std::to_string(axis_);
    for (const auto& part : parts_) {
        const std::string part_id = part->identity();
        if (part_id.empty()) return {};
        id += "|" + part_id;
    }
    return id;
}

std::string ConcatSource::file_sizes() const {
    std::string sizes;
    for (const auto& part : parts_) sizes += (sizes.empty() ? "" : ",") + part->file_sizes();
    return sizes;
}

}  // namespace chunkarr
