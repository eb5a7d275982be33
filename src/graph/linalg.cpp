#include <chunkarr/core/error.hpp>
#include <chunkarr/graph/linalg.hpp>

#include "graph/node.hpp"

#include <numeric>
#include <string>

namespace chunkarr {

namespace {

// Adds `count` leading axes of length 1.
Array with_leading_axes(const Array& x, std::size_t count) {
    if (count == 0) return x;
    std::vector<int> axes(count);
    std::iota(axes.begin(), axes.end(), 0);
    return Array(make_expand_dims_node(x.node(), axes));
}

Array contract(const Array& a, const Array& b, int batch, std::vector<int> a_axes, std::vector<int> b_axes) {
    return Array(make_contract_node(a.node(), b.node(), batch, std::move(a_axes), std::move(b_axes)));
}

}  // namespace

Array tensordot(const Array& a, const Array& b, int axes) {
    if (axes < 0) throw ValueError("tensordot: axes must be a non-negative integer, got " + std::to_string(axes));
    const auto n = static_cast<std::size_t>(axes);
    if (n > a.ndim() || n > b.ndim())
        throw ValueError("tensordot: axes=" + std::to_string(axes) + " exceeds the dimensions of operands of shapes " +
                         shape_to_string(a.shape()) + " and " + shape_to_string(b.shape()));
    std::vector<int> a_axes, b_axes;
    for (std::size_t i = 0; i < n; ++i) {
        a_axes.push_back(static_cast<int>(a.ndim() - n + i));
        b_axes.push_back(static_cast<int>(i));
    }
    return contract(a, b, 0, std::move(a_axes), std::move(b_axes));
}

Array tensordot(const Array& a, const Array& b, const std::vector<int>& a_axes, const std::vector<int>& b_axes) {
    return contract(a, b, 0, a_axes, b_axes);
}

Array matmul(const Array& a, const Array& b) {
    const std::string signature = ", with gufunc signature (n?,k),(k,m?)->(n?,m?)";
    if (a.ndim() == 0 || b.ndim() == 0)
        throw ValueError(std::string("matmul: Input operand ") + (a.ndim() == 0 ? "0" : "1") +
                         " does not have enough dimensions (has 0" + signature + " requires 1)");
    const Index ka = a.shape().back();
    const Index kb = b.ndim() == 1 ? b.shape()[0] : b.shape()[b.ndim() - 2];
    if (ka != kb)
        throw ValueError("matmul: Input operand 1 has a mismatch in its core dimension 0" + signature + " (size " +
                         std::to_string(kb) + " is different from " + std::to_string(ka) + "); shapes " +
                         shape_to_string(a.shape()) + " and " + shape_to_string(b.shape()));
    if (a.ndim() == 1 && b.ndim() == 1) return contract(a, b, 0, {0}, {0});
    if (a.ndim() == 1) {  // (k) @ (..., k, m) -> (..., m)
        const std::size_t batch = b.ndim() - 2;
        return contract(with_leading_axes(a, batch), b, static_cast<int>(batch), {static_cast<int>(batch)},
                        {static_cast<int>(batch)});
    }
    if (b.ndim() == 1) {  // (..., n, k) @ (k) -> (..., n)
        const std::size_t batch = a.ndim() - 2;
        return contract(a, with_leading_axes(b, batch), static_cast<int>(batch), {static_cast<int>(a.ndim() - 1)},
                        {static_cast<int>(batch)});
    }
    const std::size_t rank = std::max(a.ndim(), b.ndim());
    const Array pa = with_leading_axes(a, rank - a.ndim()), pb = with_leading_axes(b, rank - b.ndim());
    return contract(pa, pb, static_cast<int>(rank - 2), {static_cast<int>(rank - 1)}, {static_cast<int>(rank - 2)});
}

Array dot(const Array& a, const Array& b) {
    if (a.ndim() == 0 || b.ndim() == 0) return a * b;
    const std::size_t b_axis = b.ndim() == 1 ? 0 : b.ndim() - 2;
    const Index ka = a.shape().back(), kb = b.shape()[b_axis];
    if (ka != kb)
        throw ValueError("shapes " + shape_to_string(a.shape()) + " and " + shape_to_string(b.shape()) +
                         " not aligned: " + std::to_string(ka) + " (dim " + std::to_string(a.ndim() - 1) +
                         ") != " + std::to_string(kb) + " (dim " + std::to_string(b_axis) + ")");
    return contract(a, b, 0, {static_cast<int>(a.ndim() - 1)}, {static_cast<int>(b_axis)});
}

}  // namespace chunkarr
