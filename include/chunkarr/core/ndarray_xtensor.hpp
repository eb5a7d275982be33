#pragma once
// The xtensor side of NDArray, kept out of ndarray.hpp so that the engine's own translation
// units do not pay for xtensor's headers.
#include <chunkarr/core/ndarray.hpp>

#include <algorithm>
#include <vector>
#include <xtensor/xadapt.hpp>
#include <xtensor/xarray.hpp>

namespace chunkarr {

template <class T> xt::xarray<T> NDArray::as() const {
    if (dtype_ != dtype_of_v<T>) return astype(dtype_of_v<T>).template as<T>();
    std::vector<std::size_t> shape(shape_.begin(), shape_.end());
    xt::xarray<T> out(shape);
    std::copy_n(data_as<T>(), size(), out.data());
    return out;
}

}  // namespace chunkarr
