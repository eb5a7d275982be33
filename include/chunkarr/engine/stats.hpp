#pragma once
// Summary statistics of an array in one pass: count, missing, min, max, mean, std, sum, with
// missing values (NaN, and CF-masked values of a decoded file variable) skipped and counted.
#include <chunkarr/core/ndarray.hpp>
#include <chunkarr/core/options.hpp>
#include <chunkarr/graph/array.hpp>

#include <optional>
#include <vector>

namespace chunkarr {

// Over the given axes (empty: all). Arrays have the input's shape without those axes:
// count, missing: int64; min, max, mean, std: float64 (NaN where count is 0);
// sum: int64/uint64 for integer and bool input, float64 otherwise.
struct Statistics {
    NDArray count, missing, min, max, mean, std, sum;
    // min and max in the input's own dtype (exact for int64), meaningful where count > 0.
    NDArray min_exact, max_exact;
};

Statistics statistics(const Array& x, const Axes& axes = {}, int ddof = 0, const ComputeOptions& options = {});
// The reductions statistics() computes: count, min, max, mean, std, sum for each array (for
// explain()).
std::vector<Array> statistics_reductions(const std::vector<Array>& arrays, const Axes& axes, int ddof);
// Several arrays in one run (each read once).
std::vector<Statistics> statistics(const std::vector<Array>& arrays, const Axes& axes, int ddof,
                                   const ComputeOptions& options);

}  // namespace chunkarr
