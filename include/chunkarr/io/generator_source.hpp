#pragma once
// Sources that compute their values instead of reading them: full(value) and arange.
#include <chunkarr/io/source.hpp>

#include <cstdint>

namespace chunkarr {

class FullSource final : public Source {
public:
    FullSource(Shape shape, DType dtype, double value, ChunkGrid grid);
    const Shape& shape() const override { return shape_; }
    DType dtype() const override { return dtype_; }
    ChunkGrid task_grid() const override { return grid_; }
    const Attributes& attributes() const override { return attributes_; }
    void read(const Region& region, void* out) const override;
    std::string describe() const override;
    std::string identity() const override { return describe(); }

private:
    Shape shape_;
    DType dtype_;
    double value_;
    ChunkGrid grid_;
    Attributes attributes_;
};

// Uniform random numbers in [0, 1) (float64). Each value depends only on the seed and its
// position, so results do not change with the chunking or the thread count.
class RandomSource final : public Source {
public:
    RandomSource(Shape shape, std::uint64_t seed, ChunkGrid grid);
    const Shape& shape() const override { return shape_; }
    DType dtype() const override { return DType::Float64; }
    ChunkGrid task_grid() const override { return grid_; }
    const Attributes& attributes() const override { return attributes_; }
    void read(const Region& region, void* out) const override;
    std::string describe() const override;
    std::string identity() const override { return describe(); }

private:
    Shape shape_;
    std::uint64_t seed_;
    ChunkGrid grid_;
    Attributes attributes_;
};

// 1-d: start, start + step, ... (length elements).
class ArangeSource final : public Source {
public:
    ArangeSource(double start, double step, Index length, DType dtype, ChunkGrid grid);
    const Shape& shape() const override { return shape_; }
    DType dtype() const override { return dtype_; }
    ChunkGrid task_grid() const override { return grid_; }
    const Attributes& attributes() const override { return attributes_; }
    void read(const Region& region, void* out) const override;
    std::string describe() const override;
    std::string identity() const override { return describe(); }

private:
    double start_, step_;
    Shape shape_;
    DType dtype_;
    ChunkGrid grid_;
    Attributes attributes_;
};

}  // namespace chunkarr
