#include <chunkarr/core/ndarray.hpp>

#include "core/cast.hpp"

#include <cstring>

namespace chunkarr {

NDArray::NDArray(DType dtype, Shape shape) : dtype_(dtype), shape_(std::move(shape)) {
    const std::size_t bytes = nbytes();
    data_ = std::shared_ptr<std::byte[]>(new std::byte[bytes > 0 ? bytes : 1]());
}

double NDArray::value_as_double(Index flat) const {
    double value = 0;
    cast_elements(data() + flat * itemsize(dtype_), dtype_, reinterpret_cast<std::byte*>(&value), DType::Float64, 1);
    return value;
}

std::int64_t NDArray::value_as_int64(Index flat) const {
    std::int64_t value = 0;
    cast_elements(data() + flat * itemsize(dtype_), dtype_, reinterpret_cast<std::byte*>(&value), DType::Int64, 1);
    return value;
}

std::uint64_t NDArray::value_as_uint64(Index flat) const {
    std::uint64_t value = 0;
    cast_elements(data() + flat * itemsize(dtype_), dtype_, reinterpret_cast<std::byte*>(&value), DType::UInt64, 1);
    return value;
}

NDArray NDArray::astype(DType dtype) const {
    NDArray out(dtype, shape_);
    cast_elements(data(), dtype_, out.data(), dtype, size());
    return out;
}

}  // namespace chunkarr
