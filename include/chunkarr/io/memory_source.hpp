#pragma once
// A source over an in-memory array (a computed result, a user's buffer).
#include <chunkarr/core/ndarray.hpp>
#include <chunkarr/io/source.hpp>

namespace chunkarr {

class MemorySource final : public Source {
public:
    MemorySource(NDArray array, ChunkGrid grid, std::string name = "memory");

    const Shape& shape() const override { return array_.shape(); }
    DType dtype() const override { return array_.dtype(); }
    ChunkGrid task_grid() const override { return grid_; }
    const Attributes& attributes() const override { return attributes_; }
    void read(const Region& region, void* out) const override;
    std::string describe() const override { return name_; }
    bool cheap_rereads() const override { return true; }
    const NDArray& array() const { return array_; }

private:
    NDArray array_;
    ChunkGrid grid_;
    Attributes attributes_;
    std::string name_;
};

}  // namespace chunkarr
