#include <chunkarr/core/error.hpp>
#include <chunkarr/graph/quantile.hpp>

#include "graph/node.hpp"

namespace chunkarr {

namespace {

std::vector<double> percent_to_fraction(std::vector<double> p) {
    for (double& v : p) {
        if (!(v >= 0.0 && v <= 100.0)) throw ValueError("Percentiles must be in the range [0, 100]");
        v /= 100.0;
    }
    return p;
}

}  // namespace

Array quantile(const Array& x, std::vector<double> q, Shape q_shape, const Axes& axes, bool keepdims, bool skipna,
               QuantileMode mode) {
    return Array(make_quantile_node(x.node(), std::move(q), std::move(q_shape), axes, keepdims, skipna, mode));
}

Array quantile(const Array& x, double q, const Axes& axes, bool keepdims, bool skipna) {
    return quantile(x, std::vector<double>{q}, Shape{}, axes, keepdims, skipna, QuantileMode::Linear);
}

Array quantile(const Array& x, const std::vector<double>& q, const Axes& axes, bool keepdims, bool skipna) {
    return quantile(x, q, Shape{static_cast<Index>(q.size())}, axes, keepdims, skipna, QuantileMode::Linear);
}

Array percentile(const Array& x, double p, const Axes& axes, bool keepdims, bool skipna) {
    return quantile(x, percent_to_fraction({p}), Shape{}, axes, keepdims, skipna, QuantileMode::Linear);
}

Array percentile(const Array& x, const std::vector<double>& p, const Axes& axes, bool keepdims, bool skipna) {
    return quantile(x, percent_to_fraction(p), Shape{static_cast<Index>(p.size())}, axes, keepdims, skipna,
                    QuantileMode::Linear);
}

Array median(const Array& x, const Axes& axes, bool keepdims, bool skipna) {
    return quantile(x, std::vector<double>{0.5}, Shape{}, axes, keepdims, skipna, QuantileMode::Median);
}

}  // namespace chunkarr
