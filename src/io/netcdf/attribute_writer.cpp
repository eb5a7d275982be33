#include "io/netcdf/attribute_writer.hpp"

#include "io/netcdf/types.hpp"

#include <cstdint>
#include <vector>

namespace chunkarr::netcdf {

namespace {

// nc_put_att takes the values in the attribute's own type: convert the exact numbers to it.
template <typename T>
Tried put_as(int ncid, int varid, const std::string& name, nc_type type, const std::vector<long double>& numbers) {
    const std::vector<T> values(numbers.begin(), numbers.end());
    return CHUNKARR_NC_TRY(nc_put_att, ncid, varid, name.c_str(), type, values.size(), values.data());
}

Tried put_numbers(int ncid, int varid, const std::string& name, const std::vector<long double>& numbers,
                  DType stored_as) {
    const nc_type type = netcdf_type(stored_as);
    switch (stored_as) {
        case DType::Bool:
        case DType::Int8: return put_as<std::int8_t>(ncid, varid, name, type, numbers);
        case DType::Int16: return put_as<std::int16_t>(ncid, varid, name, type, numbers);
        case DType::Int32: return put_as<std::int32_t>(ncid, varid, name, type, numbers);
        case DType::Int64: return put_as<long long>(ncid, varid, name, type, numbers);
        case DType::UInt8: return put_as<std::uint8_t>(ncid, varid, name, type, numbers);
        case DType::UInt16: return put_as<std::uint16_t>(ncid, varid, name, type, numbers);
        case DType::UInt32: return put_as<std::uint32_t>(ncid, varid, name, type, numbers);
        case DType::UInt64: return put_as<unsigned long long>(ncid, varid, name, type, numbers);
        case DType::Float32: return put_as<float>(ncid, varid, name, type, numbers);
        case DType::Float64: return put_as<double>(ncid, varid, name, type, numbers);
    }
    return put_as<double>(ncid, varid, name, type, numbers);
}

}  // namespace

void put_attributes(const Where& at, int ncid, int varid, const Attributes& attributes) {
    for (const auto& [name, value] : attributes.all()) {
        const auto* text = std::get_if<std::string>(&value);
        const Tried put = text ? CHUNKARR_NC_TRY(nc_put_att_text, ncid, varid, name.c_str(), text->size(), text->data())
                               : put_numbers(ncid, varid, name, std::get<std::vector<long double>>(value),
                                             attributes.number_type(name).value_or(DType::Float64));
        // A name netCDF cannot hold (an HDF5 input's "a/b") is left out rather than failing the
        // whole output; any other failure is an error.
        if (put.status == NC_EBADNAME) continue;
        if (!put.ok()) throw_failure(Where{at.file, at.object, name}, put.call, put.status);
    }
}

}  // namespace chunkarr::netcdf
