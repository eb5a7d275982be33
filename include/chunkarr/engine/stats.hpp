#pragma once
// Summary statistics of an array in one pass: count, missing, min, max, mean, std, sum and exact
// quantiles, with missing values (NaN, and CF-masked values of a decoded file variable) skipped
// and counted. Only the reductions a StatisticsSelection asks for are built.
#include <chunkarr/core/ndarray.hpp>
#include <chunkarr/core/options.hpp>
#include <chunkarr/graph/array.hpp>

#include <optional>
#include <vector>

namespace chunkarr {

// Which statistics to compute (count, and missing from it, always are: they are cheap and
// say where the others are defined). The default is the classic set without quantiles.
struct StatisticsSelection {
    bool min = true, max = true, mean = true, std = true, sum = true;
    std::vector<double> quantiles;  // q in [0, 1], NumPy's nanquantile (method 'linear')
};

// Over the given axes (empty: all). Arrays have the input's shape without those axes:
// count, missing: int64; min, max, mean, std: float64 (NaN where count is 0);
// sum: int64/uint64 for integer and bool input, float64 otherwise. What the selection did not
// ask for is an empty NDArray.
struct Statistics {
    NDArray count, missing, min, max, mean, std, sum;
    // min and max in the input's own dtype (exact for int64), meaningful where count > 0.
    NDArray min_exact, max_exact;
    // float64, a leading axis of len(selection.quantiles) before the result's shape.
    NDArray quantiles;
};

Statistics statistics(const Array& x, const Axes& axes = {}, int ddof = 0, const ComputeOptions& options = {},
                      const StatisticsSelection& selection = {});
// The reductions statistics() computes for each array (for explain()); axes[i] for arrays[i].
std::vector<Array> statistics_reductions(const std::vector<Array>& arrays, const std::vector<Axes>& axes, int ddof,
                                         const StatisticsSelection& selection = {});
// Several arrays in one run (each read once), arrays[i] over axes[i].
std::vector<Statistics> statistics(const std::vector<Array>& arrays, const std::vector<Axes>& axes, int ddof,
                                   const ComputeOptions& options, const StatisticsSelection& selection = {});
// The same axes for every array.
std::vector<Statistics> statistics(const std::vector<Array>& arrays, const Axes& axes, int ddof,
                                   const ComputeOptions& options, const StatisticsSelection& selection = {});

}  // namespace chunkarr
