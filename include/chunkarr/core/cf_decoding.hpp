#pragma once
// How CF attributes turn stored values into physical ones (netCDF4-python's mask-and-scale):
// which stored values are missing, and how the others are unpacked.
#include <chunkarr/core/dtype.hpp>

#include <optional>
#include <vector>

namespace chunkarr {

struct CFDecoding {
    std::vector<long double> missing_values;  // _FillValue and missing_value entries (exact)
    std::optional<long double> valid_min, valid_max;
    double scale_factor = 1.0;
    double add_offset = 0.0;
    DType result = DType::Float64;
    bool operator==(const CFDecoding&) const = default;
};

}  // namespace chunkarr
