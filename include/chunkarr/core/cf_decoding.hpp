#pragma once
// How CF attributes turn stored values into physical ones (netCDF4-python's mask-and-scale):
// which stored values are missing, and how the others are unpacked.
#include <chunkarr/core/dtype.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

namespace chunkarr {

struct CFDecoding {
    std::vector<long double> missing_values;  // _FillValue and missing_value entries (exact)
    std::optional<long double> valid_min, valid_max;
    double scale_factor = 1.0;
    double add_offset = 0.0;
    DType result = DType::Float64;
    // The same decoding: a NaN missing value (a float variable's usual _FillValue) equals a NaN
    // one, so the reductions of one variable share one pass over its blocks.
    bool operator==(const CFDecoding& other) const {
        const auto same = [](long double a, long double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
        return std::equal(missing_values.begin(), missing_values.end(), other.missing_values.begin(),
                          other.missing_values.end(), same) &&
               valid_min == other.valid_min && valid_max == other.valid_max && scale_factor == other.scale_factor &&
               add_offset == other.add_offset && result == other.result;
    }
};

}  // namespace chunkarr
