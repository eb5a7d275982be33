#pragma once
// The netCDF type chunkarr writes a DType as (bool as a byte, as xarray stores it).
#include <chunkarr/core/dtype.hpp>

#include <netcdf.h>

namespace chunkarr::netcdf {

inline nc_type netcdf_type(DType dtype) {
    switch (dtype) {
        case DType::Bool: return NC_BYTE;
        case DType::Int8: return NC_BYTE;
        case DType::Int16: return NC_SHORT;
        case DType::Int32: return NC_INT;
        case DType::Int64: return NC_INT64;
        case DType::UInt8: return NC_UBYTE;
        case DType::UInt16: return NC_USHORT;
        case DType::UInt32: return NC_UINT;
        case DType::UInt64: return NC_UINT64;
        case DType::Float32: return NC_FLOAT;
        case DType::Float64: return NC_DOUBLE;
    }
    return NC_DOUBLE;
}

}  // namespace chunkarr::netcdf
