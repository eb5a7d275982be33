#pragma once
// Sources that compute their values instead of reading them: full(value), random and arange.
#include <chunkarr/io/source.hpp>

#include <cstdint>

namespace chunkarr {

// What the generators share: a shape, a dtype and a chunk grid, no attributes; the
// description is the identity (the same generator reads the same values).
class GeneratedSource : public Source {
public:
    GeneratedSource(Shape shape, DType dtype, ChunkGrid grid)
        : shape_(std::move(shape)), dtype_(dtype), grid_(std::move(grid)) {}
    const Shape& shape() const override { return shape_; }
    DType dtype() const override { return dtype_; }
    ChunkGrid task_grid() const override { return grid_; }
    const Attributes& attributes() const override { return attributes_; }
    std::string identity() const override { return describe(); }
    bool cheap_rereads() const override { return true; }

protected:
    Shape shape_;
    DType dtype_;
    ChunkGrid grid_;
    Attributes attributes_;
};

class FullSource final : public GeneratedSource {
public:
    FullSource(Shape shape, DType dtype, double value, ChunkGrid grid);
    void read(const Region& region, void* out) const override;
    std::string describe() const override;
    double value() const { return value_; }

private:
    double value_;
};

// Uniform random numbers in [0, 1) (float64). Each value depends only on the seed and its
// position, so results do not change with the chunking or the thread count.
class RandomSource final : public GeneratedSource {
public:
    RandomSource(Shape shape, std::uint64_t seed, ChunkGrid grid);
    void read(const Region& region, void* out) const override;
    std::string describe() const override;
    std::uint64_t seed() const { return seed_; }

private:
    std::uint64_t seed_;
};

// 1-d: start, start + step, ... (length elements).
class ArangeSource final : public GeneratedSource {
public:
    ArangeSource(double start, double step, Index length, DType dtype, ChunkGrid grid);
    void read(const Region& region, void* out) const override;
    std::string describe() const override;
    double start() const { return start_; }
    double step() const { return step_; }

private:
    double start_, step_;
};

}  // namespace chunkarr
