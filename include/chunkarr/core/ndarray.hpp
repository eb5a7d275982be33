#pragma once
// A computed, in-memory n-d array of any dtype: what compute() returns. It converts to an
// xtensor array (include <chunkarr/core/ndarray_xtensor.hpp>, or the umbrella header).
#include <chunkarr/core/dtype.hpp>
#include <chunkarr/core/shape.hpp>

#include <cstddef>
#include <memory>
#include <xtensor/xtensor_forward.hpp>

namespace chunkarr {

class NDArray {
public:
    NDArray() = default;
    NDArray(DType dtype, Shape shape);  // zero-initialised
    // Shares existing C-ordered bytes (no copy); `data` is kept alive by the array.
    NDArray(DType dtype, Shape shape, std::shared_ptr<std::byte[]> data)
        : dtype_(dtype), shape_(std::move(shape)), data_(std::move(data)) {}

    DType dtype() const { return dtype_; }
    const Shape& shape() const { return shape_; }
    std::size_t ndim() const { return shape_.size(); }
    Index size() const { return element_count(shape_); }
    std::size_t nbytes() const { return static_cast<std::size_t>(size()) * itemsize(dtype_); }
    std::byte* data() { return data_.get(); }
    const std::byte* data() const { return data_.get(); }
    const std::shared_ptr<std::byte[]>& storage() const { return data_; }
    template <class T> T* data_as() { return reinterpret_cast<T*>(data_.get()); }
    template <class T> const T* data_as() const { return reinterpret_cast<const T*>(data_.get()); }

    // Element `flat` (C order) converted to double / int64 / uint64.
    double value_as_double(Index flat) const;
    std::int64_t value_as_int64(Index flat) const;
    std::uint64_t value_as_uint64(Index flat) const;

    // Copy with elements converted to `dtype` (NumPy astype semantics).
    NDArray astype(DType dtype) const;

    // The values as an xtensor array of T (converted like astype).
    template <class T> xt::xarray<T> as() const;
    template <class T> operator xt::xarray<T>() const { return as<T>(); }

private:
    DType dtype_ = DType::Float64;
    Shape shape_;
    std::shared_ptr<std::byte[]> data_;
};

}  // namespace chunkarr
