#include "graph/xarray_decoding.hpp"

#include <chunkarr/graph/constructors.hpp>

#include "graph/unsigned_view.hpp"

#include <cmath>
#include <limits>
#include <string>

namespace chunkarr {

DType xarray_decoded_dtype(DType stored, bool masked, bool scaled, bool has_offset) {
    DType dtype = stored;
    if (masked && is_integer(dtype)) dtype = itemsize(dtype) <= 2 ? DType::Float32 : DType::Float64;
    if (scaled) {
        // float32 represents every integer of up to 24 bits; an offset may be large, so integers
        // with one go to float64 ("better unoptimised than wrong", says xarray).
        const bool float32_holds =
            (is_float(dtype) && itemsize(dtype) <= 4) || (is_integer(dtype) && itemsize(dtype) <= 2 && !has_offset);
        dtype = float32_holds ? DType::Float32 : DType::Float64;
    }
    return dtype;
}

namespace {

// Whether NumPy 1.x's `float32_values == value` can be true: an integer scalar is compared
// exactly, a float one cast to float32 when in its range (beyond it, compared in float64).
bool float32_can_equal(long double value, bool integer) {
    if (std::isinf(value)) return true;
    if (integer) return static_cast<long double>(static_cast<float>(value)) == value;
    return std::fabs(value) <= std::numeric_limits<float>::max();
}

}  // namespace

std::optional<CFDecoding> xarray_cf_decoding(const Source& source) {
    const Attributes& attrs = source.attributes();
    const DType stored = storage_dtype(source);
    const bool as_unsigned = stored != source.dtype();
    CFDecoding cf;
    // CFMaskCoder: the _FillValue and missing_value entries but NaN (NaN needs no mask). Under
    // _Unsigned, xarray casts _FillValue to the unsigned type: -1 of int16 is 65535.
    // Float32 values are left out of the list where NumPy's compare never holds; the variable
    // is still masked (its dtype is xarray's).
    bool masked = false;
    if (stored != DType::Bool) {
        for (const std::string name : {"_FillValue", "missing_value"}) {
            const auto values = attrs.exact_numbers(name);
            if (!values) continue;
            const bool integers = !is_float(attrs.number_type(name).value_or(DType::Float64));
            for (long double value : *values) {
                if (std::isnan(value)) continue;
                masked = true;
                if (as_unsigned && name == "_FillValue") value = unsigned_view(value, stored);
                if (stored == DType::Float32 && !float32_can_equal(value, integers)) continue;
                cf.missing_values.push_back(value);
            }
        }
    }
    const auto scale = attrs.number("scale_factor");
    const auto offset = attrs.number("add_offset");
    const bool scaled = scale || offset;
    if (!masked && !scaled) return std::nullopt;
    // The decode kernel computes `value * scale + offset` in the result type with a rounding
    // after each step, as xarray's `data *= scale_factor; data += add_offset` does; an absent
    // attribute is the neutral 1 or 0.
    cf.scale_factor = scale.value_or(1.0);
    cf.add_offset = offset.value_or(0.0);
    cf.result = xarray_decoded_dtype(stored, masked, scaled, offset.has_value());
    return cf;
}

}  // namespace chunkarr
