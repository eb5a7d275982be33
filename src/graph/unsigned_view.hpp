#pragma once
// Under `_Unsigned = "true"` a signed integer variable's bits are read as the unsigned type of
// their width, and its fill values with them (netCDF4-python views the attribute values so,
// xarray casts _FillValue so): a negative value gains 2^bits, -1 of int16 is 65535.
#include <chunkarr/core/dtype.hpp>

#include <cmath>

namespace chunkarr {

// `value`, an attribute value of the signed type `stored`, as the unsigned view reads it.
inline long double unsigned_view(long double value, DType stored) {
    if (value >= 0) return value;
    return value + std::ldexp(1.0L, static_cast<int>(8 * itemsize(stored)));
}

}  // namespace chunkarr
