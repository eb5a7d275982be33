#include <chunkarr/core/error.hpp>
#include <chunkarr/graph/constructors.hpp>
#include <chunkarr/io/generator_source.hpp>
#include <chunkarr/io/hdf5/source.hpp>
#include <chunkarr/io/memory_source.hpp>
#include <chunkarr/io/netcdf/metadata.hpp>
#include <chunkarr/io/variables.hpp>

#include "graph/node.hpp"
#include "graph/unsigned_view.hpp"
#include "graph/xarray_decoding.hpp"

#include <cmath>
#include <variant>

namespace chunkarr {

namespace {
ChunkGrid grid_for(const Shape& shape, const Shape& chunk_shape) {
    if (chunk_shape.empty()) {
        Shape whole = shape;
        for (auto& d : whole) d = std::max<Index>(d, 1);
        return ChunkGrid::regular(shape, whole);
    }
    return ChunkGrid::regular(shape, chunk_shape);
}
}  // namespace

namespace {

// _Unsigned = "true" on a signed integer variable (netCDF4-python also takes "True"; xarray,
// whose rules Zarr stores follow, only "true").
bool reads_unsigned(const Source& source) {
    if (!is_signed_int(source.dtype())) return false;
    const auto& all = source.attributes().all();
    const auto it = all.find("_Unsigned");
    if (it == all.end()) return false;
    const auto* text = std::get_if<std::string>(&it->second);
    return text && (*text == "true" || (*text == "True" && source.cf_rules() == CFRules::netcdf4_python));
}

DType unsigned_of_width(DType signed_type) {
    switch (itemsize(signed_type)) {
        case 1: return DType::UInt8;
        case 2: return DType::UInt16;
        case 4: return DType::UInt32;
        default: return DType::UInt64;
    }
}

}  // namespace

namespace {

// NumPy's kinds in the order its value-based casting ranks them (bool < integers < floats).
int kind_rank(DType dtype) { return dtype == DType::Bool ? 0 : is_float(dtype) ? 2 : 1; }

// The dtype of `array * scalar` under NumPy 1.x (the NumPy netCDF4-python runs on here): a
// scalar of a higher kind promotes the array; one of the same or a lower kind does not.
DType times_scalar(DType array, DType scalar) {
    return kind_rank(scalar) > kind_rank(array) ? promote(array, scalar) : array;
}

}  // namespace

DType unpacked_dtype(DType stored, std::optional<DType> scale_type, std::optional<DType> offset_type,
                     double scale_factor, double add_offset) {
    // netCDF4-python's _toma: `data * scale_factor + add_offset` with the attributes as NumPy
    // scalars of their stored type; both present but neutral: `data.astype(scale_factor.dtype)`;
    // one alone unpacks only when it is not neutral. An attribute of unknown type is float64.
    const DType scale = scale_type.value_or(DType::Float64), offset = offset_type.value_or(DType::Float64);
    DType result = stored;
    if (scale_type && offset_type) {
        result = (scale_factor != 1.0 || add_offset != 0.0) ? times_scalar(times_scalar(stored, scale), offset) : scale;
    } else if (scale_type && scale_factor != 1.0) {
        result = times_scalar(stored, scale);
    } else if (offset_type && add_offset != 0.0) {
        result = times_scalar(stored, offset);
    }
    // Masked values are NaN, so a result netCDF4-python keeps integer (integer scale_factor,
    // no unpacking) is float64 here.
    return is_float(result) ? result : DType::Float64;
}

DType storage_dtype(const Source& source) {
    return reads_unsigned(source) ? unsigned_of_width(source.dtype()) : source.dtype();
}

std::optional<CFDecoding> cf_decoding_for(const Source& source) {
    if (source.cf_rules() == CFRules::xarray) return xarray_cf_decoding(source);
    const Attributes& attrs = source.attributes();
    const DType stored_type = storage_dtype(source);
    const bool as_unsigned = stored_type != source.dtype();
    // Under _Unsigned, netCDF4-python views the attribute values (of the signed type) as the
    // unsigned type too: -1 of a byte is 255.
    const auto numbers = [&](const char* name) {
        auto values = attrs.exact_numbers(name);
        if (values && as_unsigned)
            for (auto& value : *values) value = unsigned_view(value, stored_type);
        return values;
    };
    CFDecoding cf;
    bool any = false;
    for (const char* name : {"_FillValue", "missing_value"}) {
        if (auto values = numbers(name)) {
            cf.missing_values.insert(cf.missing_values.end(), values->begin(), values->end());
            any = true;
        }
    }
    // netCDF4-python: without _FillValue, the type's default fill is missing too — even for a
    // variable written in no-fill mode — except for bytes in no-fill mode (`if no_fill != 1 or
    // dtype not in (u1, i1)`: mask the default fill). Under _Unsigned it compares the unsigned
    // view with the signed type's (negative) default fill, which no value equals.
    const bool bytes = stored_type == DType::Int8 || stored_type == DType::UInt8;
    if (!attrs.has("_FillValue") && source.netcdf_conventions() && stored_type != DType::Bool &&
        !(bytes && source.netcdf_no_fill()) && !as_unsigned) {
        cf.missing_values.push_back(netcdf_default_fill(stored_type));
        any = true;
    }
    if (auto range = numbers("valid_range"); range && range->size() >= 2) {
        cf.valid_min = (*range)[0];
        cf.valid_max = (*range)[1];
        any = true;
    }
    if (auto v = numbers("valid_min"); v && !v->empty()) cf.valid_min = v->front(), any = true;
    if (auto v = numbers("valid_max"); v && !v->empty()) cf.valid_max = v->front(), any = true;
    const auto scale = attrs.number("scale_factor");
    const auto offset = attrs.number("add_offset");
    if (scale) cf.scale_factor = *scale;
    if (offset) cf.add_offset = *offset;
    if (!any && !scale && !offset) return std::nullopt;
    cf.result = unpacked_dtype(stored_type, scale ? attrs.number_type("scale_factor") : std::nullopt,
                               offset ? attrs.number_type("add_offset") : std::nullopt, cf.scale_factor, cf.add_offset);
    return cf;
}

Array open(const std::string& path, const std::string& variable, const OpenOptions& options) {
    return open(open_source(path, variable, {options.concat_dimension}), options);
}

Array open(const SourcePtr& source, const OpenOptions& options) {
    Array raw(make_source_node(source));
    if (!options.mask_and_scale) return raw;
    // The same bits, read as the unsigned type (a cast between integers of one width keeps them).
    if (const DType stored = storage_dtype(*source); stored != source->dtype()) raw = raw.astype(stored);
    if (auto decoding = cf_decoding_for(*source)) return Array(make_decode_cf_node(raw.node(), std::move(*decoding)));
    return raw;
}

Array from_ndarray(NDArray array, const Shape& chunk_shape) {
    ChunkGrid grid = grid_for(array.shape(), chunk_shape);
    return Array(make_source_node(std::make_shared<MemorySource>(std::move(array), std::move(grid))));
}

Array full(const Shape& shape, double value, DType dtype, const Shape& chunk_shape) {
    for (Index d : shape)
        if (d < 0) throw ValueError("negative dimension in shape " + shape_to_string(shape));
    return Array(make_source_node(std::make_shared<FullSource>(shape, dtype, value, grid_for(shape, chunk_shape))));
}
Array zeros(const Shape& shape, DType dtype, const Shape& chunk_shape) { return full(shape, 0, dtype, chunk_shape); }
Array ones(const Shape& shape, DType dtype, const Shape& chunk_shape) { return full(shape, 1, dtype, chunk_shape); }

Array random_uniform(const Shape& shape, std::uint64_t seed, const Shape& chunk_shape) {
    for (Index d : shape)
        if (d < 0) throw ValueError("negative dimension in shape " + shape_to_string(shape));
    return Array(make_source_node(std::make_shared<RandomSource>(shape, seed, grid_for(shape, chunk_shape))));
}

Array arange(double start, double stop, double step, DType dtype, Index chunk) {
    if (step == 0) throw ValueError("arange step must not be zero");
    const Index length = std::max<Index>(0, static_cast<Index>(std::ceil((stop - start) / step)));
    const Shape shape{length};
    return Array(make_source_node(std::make_shared<ArangeSource>(start, step, length, dtype,
                                                                 grid_for(shape, chunk > 0 ? Shape{chunk} : Shape{}))));
}

}  // namespace chunkarr
