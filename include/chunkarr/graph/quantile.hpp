#pragma once
// Exact quantiles, percentiles and medians with NumPy's semantics (method='linear'), computed
// out of core: a few passes over the data select the needed order statistics by histogram
// refinement (see kernels/quantile.hpp), never sorting or holding the data.
//
// Axes: empty means all (NumPy's axis=None). q in [0, 1] (percentile: p in [0, 100]), else
// ValueError. A list of q puts a leading axis of len(q) on the result. NaN in a lane makes its
// result NaN, unless skipna (NumPy's nan-variants), where NaN is skipped and an all-NaN lane
// gives NaN. Result dtype: float64 (median: float32 input stays float32).
#include <chunkarr/core/quantile_mode.hpp>
#include <chunkarr/graph/array.hpp>

#include <vector>

namespace chunkarr {

Array quantile(const Array& x, double q, const Axes& axes = {}, bool keepdims = false, bool skipna = false);
Array quantile(const Array& x, const std::vector<double>& q, const Axes& axes = {}, bool keepdims = false,
               bool skipna = false);
Array percentile(const Array& x, double p, const Axes& axes = {}, bool keepdims = false, bool skipna = false);
Array percentile(const Array& x, const std::vector<double>& p, const Axes& axes = {}, bool keepdims = false,
                 bool skipna = false);
Array median(const Array& x, const Axes& axes = {}, bool keepdims = false, bool skipna = false);

// The general form (what the Python binding uses): q of any shape (flattened in C order), and
// the mode; QuantileMode::Exact is NumPy's integer q (0 or 1): the order statistic itself, in
// x's dtype.
Array quantile(const Array& x, std::vector<double> q, Shape q_shape, const Axes& axes, bool keepdims, bool skipna,
               QuantileMode mode);

}  // namespace chunkarr
