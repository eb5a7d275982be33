#pragma once
// Arrays from xtensor containers (copied once into an in-memory source).
#include <chunkarr/core/ndarray_xtensor.hpp>
#include <chunkarr/graph/constructors.hpp>

#include <algorithm>

namespace chunkarr {

template <class E>
Array from_xtensor(const E& expression, const Shape& chunk_shape = {}) {
    using T = typename E::value_type;
    const auto& evaluated = xt::eval(expression);
    Shape shape(evaluated.shape().begin(), evaluated.shape().end());
    NDArray array(dtype_of_v<T>, shape);
    std::copy(evaluated.begin(), evaluated.end(), array.data_as<T>());
    return from_ndarray(std::move(array), chunk_shape);
}

}  // namespace chunkarr
