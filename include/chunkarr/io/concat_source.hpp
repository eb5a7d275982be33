#pragma once
// Several sources as one array, joined along one axis (many files, one per month, as one
// array). Only metadata is read when it is made; a region read is split across the parts.
#include <chunkarr/io/source.hpp>

#include <vector>

namespace chunkarr {

class ConcatSource final : public Source {
public:
    // `names` label the parts in errors (file paths). Throws ValueError naming the first part
    // whose shape (on the other axes) or dtype differs from the first part's.
    ConcatSource(std::vector<SourcePtr> parts, std::vector<std::string> names, std::size_t axis);

    const Shape& shape() const override { return shape_; }
    DType dtype() const override { return parts_.front()->dtype(); }
    ChunkGrid task_grid() const override { return grid_; }
    bool cheap_rereads() const override {
        for (const auto& part : parts_)
            if (!part->cheap_rereads()) return false;
        return true;
    }
    const Attributes& attributes() const override { return parts_.front()->attributes(); }
    void read(const Region& region, void* out) const override;
    std::string describe() const override;
    std::string identity() const override;
    std::string file_sizes() const override;
    bool netcdf_conventions() const override { return parts_.front()->netcdf_conventions(); }
    bool netcdf_no_fill() const override { return parts_.front()->netcdf_no_fill(); }
    CFRules cf_rules() const override { return parts_.front()->cf_rules(); }
    std::vector<std::string> dimension_names() const override { return parts_.front()->dimension_names(); }
    std::vector<bool> unlimited_dimensions() const override { return parts_.front()->unlimited_dimensions(); }
    void check_unchanged() const override {
        for (const auto& part : parts_) part->check_unchanged();
    }
    const std::vector<SourcePtr>& parts() const { return parts_; }
    const std::vector<std::string>& names() const { return names_; }
    std::size_t axis() const { return axis_; }

private:
    std::vector<SourcePtr> parts_;
    std::vector<std::string> names_;
    std::size_t axis_;
    std::vector<Index> offsets_;  // start of each part along the axis, plus the total
    Shape shape_;
    ChunkGrid grid_;
};

}  // namespace chunkarr
