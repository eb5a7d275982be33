#include "numpy_source.hpp"

#include <cstring>
#include <sstream>

namespace py = pybind11;

namespace chunkarr::python {

NumpySource::NumpySource(py::array array, DType dtype, ChunkGrid grid)
    : array_(std::move(array)), dtype_(dtype), grid_(std::move(grid)) {
    data_ = static_cast<const std::byte*>(array_.data());
    for (py::ssize_t axis = 0; axis < array_.ndim(); ++axis) {
        shape_.push_back(static_cast<Index>(array_.shape(axis)));
        strides_.push_back(static_cast<Index>(array_.strides(axis)));
    }
}

NumpySource::~NumpySource() {
    // The last reference may go away on a thread without the GIL.
    py::gil_scoped_acquire gil;
    array_ = py::array();
}

void NumpySource::read(const Region& region, void* out) const {
    const Shape out_shape = region_shape(region);
    const Index n = element_count(out_shape);
    if (n == 0) return;
    const std::size_t item = itemsize(dtype_);
    auto* target = static_cast<std::byte*>(out);
    const std::size_t ndim = region.size();
    if (ndim == 0) {
        std::memcpy(target, data_, item);
        return;
    }
    // Rows along the last axis: one memcpy each when the array is contiguous there.
    const Index row = out_shape[ndim - 1];
    const bool contiguous_rows = strides_[ndim - 1] == static_cast<Index>(item);
    std::vector<Index> index(ndim, 0);
    for (Index done = 0; done < n; done += row) {
        Index offset = 0;
        for (std::size_t axis = 0; axis < ndim; ++axis)
            offset += (region[axis].start + (axis + 1 < ndim ? index[axis] : 0)) * strides_[axis];
        if (contiguous_rows) {
            std::memcpy(target, data_ + offset, static_cast<std::size_t>(row) * item);
        } else {
            for (Index j = 0; j < row; ++j)
                std::memcpy(target + j * static_cast<Index>(item), data_ + offset + j * strides_[ndim - 1], item);
        }
        target += static_cast<std::size_t>(row) * item;
        for (std::size_t axis = ndim - 1; axis-- > 0;) {
            if (++index[axis] < out_shape[axis]) break;
            index[axis] = 0;
        }
    }
}

std::string NumpySource::describe() const {
    std::ostringstream out;
    out << "numpy array " << shape_to_string(shape_) << " " << dtype_name(dtype_);
    return out.str();
}

}  // namespace chunkarr::python
