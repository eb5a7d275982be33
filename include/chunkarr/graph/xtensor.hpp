#pragma once
// Arrays from xtensor containers (copied once into an in-memory source), and map_blocks with
// a function on xtensor arrays.
#include <chunkarr/core/ndarray_xtensor.hpp>
#include <chunkarr/graph/constructors.hpp>
#include <chunkarr/graph/map_blocks.hpp>

#include <algorithm>

namespace chunkarr {

template <class E> Array from_xtensor(const E& expression, const Shape& chunk_shape = {}) {
    using T = typename E::value_type;
    const auto& evaluated = xt::eval(expression);
    Shape shape(evaluated.shape().begin(), evaluated.shape().end());
    NDArray array(dtype_of_v<T>, shape);
    std::copy(evaluated.begin(), evaluated.end(), array.data_as<T>());
    return from_ndarray(std::move(array), chunk_shape);
}

// map_blocks<T, R>(f, x): f(const xt::xarray<T>& block) returns an xtensor expression of R's
// (default T) for every block of x; blocks are converted to T (a copy) and results to R. The
// result keeps x's chunks unless `chunks` is given.
template <class T, class R = T, class F>
Array map_blocks(F f, const Array& x, std::optional<ChunkGrid> chunks = std::nullopt, std::string name = "map_blocks") {
    BlockCallable call = [f](const std::vector<NDArray>& blocks, const BlockInfo&) {
        const xt::xarray<T> block = blocks.front().as<T>();
        const xt::xarray<R> result = f(block);
        NDArray out(dtype_of_v<R>, Shape(result.shape().begin(), result.shape().end()));
        std::copy(result.begin(), result.end(), out.data_as<R>());
        return out;
    };
    return map_blocks(std::move(call), {x}, dtype_of_v<R>, std::move(chunks), std::move(name));
}

}  // namespace chunkarr
