#pragma once
// How a quantile turns the order statistics it selects into its result (NumPy's rules).
#include <cstdint>

namespace chunkarr {

enum class QuantileMode : std::uint8_t {
    Linear,  // quantile/percentile, method='linear': float64, NumPy's _lerp of the two neighbours
    Exact,   // quantile with integer q (0 or 1): the order statistic itself, in the input dtype
    Median,  // median: the mean of the one or two middle values (floats keep their dtype)
};

}  // namespace chunkarr
