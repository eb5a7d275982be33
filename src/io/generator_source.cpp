#include <chunkarr/io/generator_source.hpp>
#include <chunkarr/kernels/cast.hpp>

#include <sstream>
#include <vector>

namespace chunkarr {

FullSource::FullSource(Shape shape, DType dtype, double value, ChunkGrid grid)
    : shape_(std::move(shape)), dtype_(dtype), value_(value), grid_(std::move(grid)) {}

void FullSource::read(const Region& region, void* out) const {
    const Index n = element_count(region_shape(region));
    std::vector<double> values(static_cast<std::size_t>(n), value_);
    kernels::cast(reinterpret_cast<const std::byte*>(values.data()), DType::Float64, static_cast<std::byte*>(out), dtype_, n);
}

std::string FullSource::describe() const {
    std::ostringstream out;
    out << "full(" << shape_to_string(shape_) << ", " << value_ << ", " << dtype_name(dtype_) << ", chunks="
        << grid_.to_string() << ")";
    return out.str();
}

ArangeSource::ArangeSource(double start, double step, Index length, DType dtype, ChunkGrid grid)
    : start_(start), step_(step), shape_{length}, dtype_(dtype), grid_(std::move(grid)) {}

void ArangeSource::read(const Region& region, void* out) const {
    const Index n = region[0].size();
    std::vector<double> values(static_cast<std::size_t>(n));
    for (Index i = 0; i < n; ++i) values[i] = start_ + static_cast<double>(region[0].start + i) * step_;
    kernels::cast(reinterpret_cast<const std::byte*>(values.data()), DType::Float64, static_cast<std::byte*>(out), dtype_, n);
}

std::string ArangeSource::describe() const {
    std::ostringstream out;
    out << "arange(start=" << start_ << ", step=" << step_ << ", n=" << shape_[0] << ", " << dtype_name(dtype_)
        << ", chunks=" << grid_.to_string() << ")";
    return out.str();
}

}  // namespace chunkarr
