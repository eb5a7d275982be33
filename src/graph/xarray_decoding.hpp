#pragma once
// CF decoding as xarray does it (2023.01, the version users of Zarr stores compare with):
// CFMaskCoder, then CFScaleOffsetCoder. It differs from netCDF4-python's rule (constructors.cpp)
// in the dtype (float32 more often), in ignoring valid_min/valid_max/valid_range, and in
// decoding a variable with only a fill value to float.
#include <chunkarr/core/cf_decoding.hpp>
#include <chunkarr/io/source.hpp>

#include <optional>

namespace chunkarr {

// The dtype xarray decodes values stored as `stored` to. Masked (a fill value other than NaN):
// integers widen as xarray's dtypes.maybe_promote does, to float32 up to 16 bits, else float64.
// Scaled (a scale_factor or add_offset attribute, whatever its value): _choose_float_dtype of
// that dtype, float32 for floats of up to 4 bytes and for integers of up to 2 bytes without
// add_offset, else float64. Unmasked and unscaled: `stored`.
DType xarray_decoded_dtype(DType stored, bool masked, bool scaled, bool has_offset);

// The decoding xr.open_zarr applies to `source`'s variable; nullopt when it leaves the values as
// stored. Booleans are never masked (xarray makes masked booleans Python objects).
std::optional<CFDecoding> xarray_cf_decoding(const Source& source);

}  // namespace chunkarr
