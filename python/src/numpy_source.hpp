#pragma once
// A NumPy array as a chunkarr source, without copying it: regions are gathered from the array's
// memory (any strides) when a task reads them. The array is kept alive by this source.
#include <chunkarr/io/source.hpp>

#include <pybind11/numpy.h>

namespace chunkarr::python {

class NumpySource final : public Source {
public:
    NumpySource(pybind11::array array, DType dtype, ChunkGrid grid);
    ~NumpySource() override;

    const Shape& shape() const override { return shape_; }
    DType dtype() const override { return dtype_; }
    ChunkGrid task_grid() const override { return grid_; }
    const Attributes& attributes() const override { return attributes_; }
    void read(const Region& region, void* out) const override;  // no Python, no GIL
    std::string describe() const override;
    bool cheap_rereads() const override { return true; }
    const pybind11::array& array() const { return array_; }

private:
    pybind11::array array_;
    const std::byte* data_;
    std::vector<Index> strides_;  // in bytes
    Shape shape_;
    DType dtype_;
    ChunkGrid grid_;
    Attributes attributes_;
};

}  // namespace chunkarr::python
