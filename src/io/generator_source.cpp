#include <chunkarr/io/generator_source.hpp>

#include "core/cast.hpp"

#include <iomanip>
#include <limits>
#include <sstream>
#include <vector>

namespace chunkarr {

FullSource::FullSource(Shape shape, DType dtype, double value, ChunkGrid grid)
    : GeneratedSource(std::move(shape), dtype, std::move(grid)), value_(value) {}

void FullSource::read(const Region& region, void* out) const {
    const Index n = element_count(region_shape(region));
    std::vector<double> values(static_cast<std::size_t>(n), value_);
    cast_elements(reinterpret_cast<const std::byte*>(values.data()), DType::Float64, static_cast<std::byte*>(out),
                  dtype_, n);
}

std::string FullSource::describe() const {
    // Every digit of the value: the description is the source's identity (equal descriptions
    // are one graph node), so 1009315000001.0 must not print as 1.00932e+12 like its neighbours.
    std::ostringstream out;
    out << std::setprecision(std::numeric_limits<double>::max_digits10);
    out << "full(" << shape_to_string(shape_) << ", " << value_ << ", " << dtype_name(dtype_)
        << ", chunks=" << grid_.to_string() << ")";
    return out.str();
}

RandomSource::RandomSource(Shape shape, std::uint64_t seed, ChunkGrid grid)
    : GeneratedSource(std::move(shape), DType::Float64, std::move(grid)), seed_(seed) {}

void RandomSource::read(const Region& region, void* out) const {
    const Shape out_shape = region_shape(region);
    const Index n = element_count(out_shape);
    auto* values = static_cast<double*>(out);
    std::vector<Index> index(region.size(), 0);
    for (Index i = 0; i < n; ++i) {
        Index flat = 0;
        for (std::size_t axis = 0; axis < region.size(); ++axis)
            flat = flat * shape_[axis] + region[axis].start + index[axis];
        // splitmix64 of (seed, position): a counter-based generator.
        std::uint64_t z = seed_ * 0x9e3779b97f4a7c15ULL + static_cast<std::uint64_t>(flat) + 0x632be59bd9b4e019ULL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        z ^= z >> 31;
        values[i] = static_cast<double>(z >> 11) * 0x1.0p-53;
        for (std::size_t axis = region.size(); axis-- > 0;) {
            if (++index[axis] < out_shape[axis]) break;
            index[axis] = 0;
        }
    }
}

std::string RandomSource::describe() const {
    std::ostringstream out;
    out << "random(" << shape_to_string(shape_) << ", seed=" << seed_ << ", chunks=" << grid_.to_string() << ")";
    return out.str();
}

ArangeSource::ArangeSource(double start, double step, Index length, DType dtype, ChunkGrid grid)
    : GeneratedSource(Shape{length}, dtype, std::move(grid)), start_(start), step_(step) {}

void ArangeSource::read(const Region& region, void* out) const {
    const Index n = region[0].size();
    std::vector<double> values(static_cast<std::size_t>(n));
    for (Index i = 0; i < n; ++i) values[i] = start_ + static_cast<double>(region[0].start + i) * step_;
    cast_elements(reinterpret_cast<const std::byte*>(values.data()), DType::Float64, static_cast<std::byte*>(out),
                  dtype_, n);
}

std::string ArangeSource::describe() const {
    std::ostringstream out;
    out << std::setprecision(std::numeric_limits<double>::max_digits10);  // the identity: exact (see full)
    out << "arange(start=" << start_ << ", step=" << step_ << ", n=" << shape_[0] << ", " << dtype_name(dtype_)
        << ", chunks=" << grid_.to_string() << ")";
    return out.str();
}

}  // namespace chunkarr
