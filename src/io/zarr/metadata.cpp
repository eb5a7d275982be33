#include <chunkarr/core/error.hpp>
#include <chunkarr/io/zarr/metadata.hpp>

#include "io/chunk_count.hpp"
#include "io/zarr/metadata_json.hpp"
#include "kernels/half_float.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace chunkarr {

namespace {

using Json = nlohmann::json;

Json parse_json(const std::string& text, const std::string& where, const char* what) {
    try {
        return Json::parse(text);
    } catch (const Json::parse_error& e) {
        throw FormatError(where + ": " + what + " is not JSON (syntax error at byte " + std::to_string(e.byte) + ")");
    }
}

const Json& required(const Json& object, const char* key, const std::string& where) {
    const auto it = object.find(key);
    if (it == object.end()) throw FormatError(where + ": .zarray has no \"" + key + "\"");
    return *it;
}

Shape parse_shape(const Json& value, const char* key, const std::string& where, bool positive) {
    if (!value.is_array()) throw FormatError(where + ": .zarray \"" + key + "\" is not a list of integers");
    Shape shape;
    for (const auto& n : value) {
        if (!n.is_number_integer() || n.get<long long>() < (positive ? 1 : 0))
            throw FormatError(where + ": .zarray \"" + key + "\" is not a list of " +
                              (positive ? "positive" : "non-negative") + " integers");
        shape.push_back(n.get<Index>());
    }
    return shape;
}

// Zarr spells non-finite floats as strings.
std::optional<long double> parse_fill_value(const Json& value, const std::string& where) {
    if (value.is_array()) throw FormatError(where + ": .zarray \"fill_value\" " + value.dump() + " is not a number");
    if (value.is_null()) return std::nullopt;
    if (value.is_boolean()) return value.get<bool>() ? 1.0L : 0.0L;
    if (value.is_number_unsigned()) return static_cast<long double>(value.get<std::uint64_t>());
    if (value.is_number_integer()) return static_cast<long double>(value.get<std::int64_t>());
    if (value.is_number_float()) return static_cast<long double>(value.get<double>());
    if (value.is_string()) {
        const auto text = value.get<std::string>();
        if (text == "NaN") return std::numeric_limits<long double>::quiet_NaN();
        if (text == "Infinity") return std::numeric_limits<long double>::infinity();
        if (text == "-Infinity") return -std::numeric_limits<long double>::infinity();
    }
    throw FormatError(where + ": .zarray \"fill_value\" " + value.dump() + " is not a number");
}

// zarr-python writes a complex fill_value as [real, imaginary] (each a number or "NaN",
// "Infinity", "-Infinity"); a plain number is a real one.
void parse_complex_fill_value(const Json& value, ZarrArrayMetadata& meta, const std::string& where) {
    if (!value.is_array()) {
        meta.fill_value = parse_fill_value(value, where);
        return;
    }
    if (value.size() != 2)
        throw FormatError(where + ": .zarray \"fill_value\" " + value.dump() + " is not a [real, imaginary] pair");
    meta.fill_value = parse_fill_value(value[0], where);
    const auto imag = parse_fill_value(value[1], where);
    if (!meta.fill_value || !imag)
        throw FormatError(where + ": .zarray \"fill_value\" " + value.dump() + " is not a [real, imaginary] pair");
    meta.fill_value_imag = *imag;
}

constexpr const char* blosc_compressors[] = {"lz4", "lz4hc", "zstd", "zlib", "blosclz"};

ZarrCompressor parse_compressor(const Json& value, const std::string& where) {
    ZarrCompressor compressor;
    if (value.is_null()) return compressor;
    if (!value.is_object() || !value.contains("id") || !value["id"].is_string())
        throw FormatError(where + ": .zarray \"compressor\" has no codec id");
    compressor.id = value["id"].get<std::string>();
    const auto integer = [&](const char* key, int fallback) {
        const auto it = value.find(key);
        if (it == value.end()) return fallback;
        if (!it->is_number_integer()) throw FormatError(where + ": compressor " + key + " is not an integer");
        return it->get<int>();
    };
    if (compressor.id == "blosc") {
        if (value.contains("cname")) compressor.cname = value["cname"].get<std::string>();
        compressor.level = integer("clevel", 5);
        compressor.shuffle = integer("shuffle", 1);
        compressor.blocksize = static_cast<std::size_t>(std::max(0, integer("blocksize", 0)));
        if (!is_blosc_compressor(compressor.cname))
            throw FormatError(where + ": blosc compressor '" + compressor.cname + "' is not supported (" +
                              blosc_compressor_list() + ")");
    } else if (compressor.id == "zlib" || compressor.id == "gzip") {
        compressor.level = integer("level", 1);
    } else {
        throw FormatError(where + ": codec '" + compressor.id +
                          "' is not supported (chunkarr decodes blosc, zlib, gzip and uncompressed chunks)");
    }
    return compressor;
}

// Attribute values chunkarr uses: numbers, lists of numbers, strings. Others are left out.
void add_attribute(Attributes& attributes, const std::string& name, const Json& value) {
    if (value.is_string()) {
        attributes.set(name, value.get<std::string>());
        return;
    }
    std::vector<long double> numbers;
    bool floats = false;
    const auto add = [&](const Json& n) {
        if (n.is_number_unsigned()) numbers.push_back(static_cast<long double>(n.get<std::uint64_t>()));
        else if (n.is_number_integer()) numbers.push_back(static_cast<long double>(n.get<std::int64_t>()));
        else if (n.is_number_float()) numbers.push_back(n.get<double>()), floats = true;
        else return false;
        return true;
    };
    if (value.is_array()) {
        for (const auto& n : value)
            if (!add(n)) return;
    } else if (!add(value)) {
        return;
    }
    // JSON numbers are Python floats and ints when xarray reads them: float64 and int64.
    attributes.set(name, std::move(numbers), floats ? DType::Float64 : DType::Int64);
}

constexpr std::uint64_t max_chunk_bytes = std::uint64_t{16} << 30;

// Damaged or hostile metadata must be an error before anything is allocated for it.
void check_sizes(const ZarrArrayMetadata& meta, const std::string& where) {
    std::uint64_t chunk_bytes = itemsize(meta.dtype);
    for (Index extent : meta.chunks)
        if (__builtin_mul_overflow(chunk_bytes, static_cast<std::uint64_t>(extent), &chunk_bytes) ||
            chunk_bytes > max_chunk_bytes)
            throw FormatError(where + ": chunks " + shape_to_string(meta.chunks) + " of " +
                              std::string(dtype_name(meta.dtype)) + " are larger than 16 GiB");
    if (too_many_chunks(meta.shape, meta.chunks))
        throw FormatError(where + " has shape " + shape_to_string(meta.shape) + " in chunks of " +
                          shape_to_string(meta.chunks) + ": more than 2^32 of them, too many to index");
}

// The steps of parse_zarr_array, from texts or from parsed JSON: .zarray, .zattrs, _FillValue.
// First what the .zarray object alone says (no attributes yet).
ZarrArrayMetadata metadata_of_zarray(const Json& json, const std::string& where) {
    if (!json.is_object()) throw FormatError(where + ": .zarray is not a JSON object");
    ZarrArrayMetadata meta;
    const Json& format = required(json, "zarr_format", where);
    if (!format.is_number_integer() || format.get<int>() != 2)
        throw FormatError(where + ": zarr_format " + format.dump() + " is not supported (chunkarr reads Zarr v2)");
    meta.shape = parse_shape(required(json, "shape", where), "shape", where, false);
    meta.chunks = parse_shape(required(json, "chunks", where), "chunks", where, true);
    if (meta.chunks.size() != meta.shape.size())
        throw FormatError(where + ": .zarray \"chunks\" has " + std::to_string(meta.chunks.size()) +
                          " entries for a shape of " + std::to_string(meta.shape.size()));
    const Json& dtype = required(json, "dtype", where);
    meta.dtype_text = dtype.is_string() ? dtype.get<std::string>() : dtype.dump();
    const auto parsed = dtype.is_string() ? parse_zarr_dtype(meta.dtype_text, meta.big_endian) : std::nullopt;
    if (!parsed)
        throw FormatError(where + ": dtype " + meta.dtype_text +
                          " is not supported (chunkarr reads bool, integers, float16 as float32, float32, float64, "
                          "complex64 and complex128)");
    meta.dtype = *parsed;
    meta.half_float = zarr_half_float(meta.dtype_text);
    meta.complex = zarr_complex(meta.dtype_text);
    check_sizes(meta, where);
    const Json& order = required(json, "order", where);
    if (order != "C" && order != "F")
        throw FormatError(where + ": .zarray \"order\" " + order.dump() + " is not C or F");
    meta.fortran_order = order == "F";
    if (meta.complex) parse_complex_fill_value(required(json, "fill_value", where), meta, where);
    else meta.fill_value = parse_fill_value(required(json, "fill_value", where), where);
    if (meta.fill_value && is_integer(meta.dtype)) {
        // Read into the dtype later: it must be one of its values.
        const long double v = *meta.fill_value;
        const bool fits = visit_dtype(meta.dtype, [&](auto zero) {
            using T = decltype(zero);
            return std::isfinite(v) && v == std::floor(v) &&
                   v >= static_cast<long double>(std::numeric_limits<T>::min()) &&
                   v <= static_cast<long double>(std::numeric_limits<T>::max());
        });
        if (!fits)
            throw FormatError(where + ": fill_value " + required(json, "fill_value", where).dump() + " is not a " +
                              std::string(dtype_name(meta.dtype)) + " value");
    }
    meta.compressor = parse_compressor(required(json, "compressor", where), where);
    if (const auto it = json.find("filters"); it != json.end() && !it->is_null()) {
        if (!it->is_array()) throw FormatError(where + ": .zarray \"filters\" is not a list");
        if (!it->empty()) {
            const Json& first = it->front();
            const std::string id = first.is_object() && first.contains("id") ? first["id"].dump() : first.dump();
            throw FormatError(where + ": filter " + id + " is not supported (chunkarr reads arrays without filters)");
        }
    }
    if (const auto it = json.find("dimension_separator"); it != json.end()) {
        if (*it != "." && *it != "/")
            throw FormatError(where + ": .zarray \"dimension_separator\" " + it->dump() + " is not \".\" or \"/\"");
        meta.dimension_separator = it->get<std::string>()[0];
        meta.dimension_separator_given = true;
    }
    return meta;
}

void read_zattrs(ZarrArrayMetadata& meta, const Json& attrs, const std::string& where) {
    if (!attrs.is_object()) throw FormatError(where + ": .zattrs is not a JSON object");
    for (const auto& [name, value] : attrs.items()) {
        if (name == "_ARRAY_DIMENSIONS") {
            if (!value.is_array()) throw FormatError(where + ": _ARRAY_DIMENSIONS is not a list of names");
            for (const auto& n : value) {
                if (!n.is_string()) throw FormatError(where + ": _ARRAY_DIMENSIONS is not a list of names");
                meta.dimension_names.push_back(n.get<std::string>());
            }
            continue;
        }
        add_attribute(meta.attributes, name, value);
    }
    if (!meta.dimension_names.empty() && meta.dimension_names.size() != meta.shape.size())
        throw FormatError(where + ": _ARRAY_DIMENSIONS names " + std::to_string(meta.dimension_names.size()) +
                          " dimensions for a shape of " + std::to_string(meta.shape.size()));
}

// NumPy's cast of a double to float32: beyond float32's largest value by half a step or more it
// rounds to infinity.
double as_float32(double value) {
    const double largest = std::numeric_limits<float>::max();
    const double overflows = largest + std::ldexp(1.0, std::numeric_limits<float>::max_exponent - 25);
    return std::fabs(value) >= overflows ? std::copysign(std::numeric_limits<double>::infinity(), value)
                                         : static_cast<double>(static_cast<float>(value));
}

// zarr-python reads fill_value in the array's dtype: a float16 one is the nearest float16, and
// one beyond float32's (float16's) range is infinite, as NumPy casts it. That value is what
// unwritten chunks hold and what xarray masks.
ZarrArrayMetadata with_fill_as_stored(ZarrArrayMetadata meta) {
    if (meta.complex && meta.dtype == DType::Float32)
        meta.fill_value_imag = as_float32(static_cast<double>(meta.fill_value_imag));
    if (!meta.fill_value || !std::isfinite(*meta.fill_value)) return meta;
    const auto value = static_cast<double>(*meta.fill_value);
    if (meta.half_float) meta.fill_value = kernels::round_to_half(value);
    else if (meta.dtype == DType::Float32) meta.fill_value = as_float32(value);
    return meta;
}

// xarray reads fill_value as the variable's _FillValue: it replaces a _FillValue in .zattrs,
// which counts only when fill_value is null. A complex one is not masked: each part is
// decoded alone, and a part equal to the fill's part is no sign that the value is missing.
ZarrArrayMetadata with_fill_attribute(ZarrArrayMetadata meta) {
    if (meta.fill_value && !is_bool(meta.dtype) && !meta.complex)
        meta.attributes.set("_FillValue", {*meta.fill_value}, meta.dtype);
    return meta;
}

// xarray compares float fill values with float16 values in float16 (NumPy 1.x casts a float
// scalar in float16's range to float16): those are the nearest float16 to what .zattrs says.
// Integer ones NumPy compares exactly (in a wider type): they stay.
ZarrArrayMetadata with_half_fill_values(ZarrArrayMetadata meta) {
    if (!meta.half_float) return meta;
    for (const char* name : {"_FillValue", "missing_value"}) {
        auto values = meta.attributes.exact_numbers(name);
        if (!values || !is_float(meta.attributes.number_type(name).value_or(DType::Float64))) continue;
        // Beyond float16's range NumPy compares in float32 or float64: those stay.
        for (auto& value : *values)
            if (std::isfinite(kernels::round_to_half(static_cast<double>(value))))
                value = kernels::round_to_half(static_cast<double>(value));
        meta.attributes.set(name, std::move(*values), meta.attributes.number_type(name).value_or(DType::Float64));
    }
    return meta;
}

// The metadata as xarray decodes it: fill_value in the stored dtype, then as _FillValue.
ZarrArrayMetadata with_decoding_attributes(ZarrArrayMetadata meta) {
    return with_half_fill_values(with_fill_attribute(with_fill_as_stored(std::move(meta))));
}

}  // namespace

bool is_blosc_compressor(const std::string& cname) {
    return std::find(std::begin(blosc_compressors), std::end(blosc_compressors), cname) != std::end(blosc_compressors);
}

std::string blosc_compressor_list() {
    std::string list;
    for (const char* name : blosc_compressors) list += (list.empty() ? "" : ", ") + std::string(name);
    return list;
}

std::optional<DType> parse_zarr_dtype(const std::string& text, bool& big_endian) {
    if (text.size() < 3) return std::nullopt;
    const char order = text[0];
    if (order != '<' && order != '>' && order != '|') return std::nullopt;
    big_endian = order == '>';
    const std::string kind = text.substr(1);
    static const std::pair<const char*, DType> known[] = {
        {"b1", DType::Bool},     {"i1", DType::Int8},    {"i2", DType::Int16},   {"i4", DType::Int32},
        {"i8", DType::Int64},    {"u1", DType::UInt8},   {"u2", DType::UInt16},  {"u4", DType::UInt32},
        {"u8", DType::UInt64},   {"f4", DType::Float32}, {"f8", DType::Float64}, {"c8", DType::Float32},
        {"c16", DType::Float64},  // the dtype of each part
    };
    if (kind == "f2") return order == '|' ? std::nullopt : std::optional(DType::Float32);  // widened on reading
    for (const auto& [name, dtype] : known)
        if (kind == name) {
            // '|' is for one-byte types only; '<' and '>' mean the same for them.
            if (order == '|' && itemsize(dtype) != 1) return std::nullopt;
            return dtype;
        }
    return std::nullopt;
}

bool zarr_half_float(const std::string& text) { return text == "<f2" || text == ">f2"; }

bool zarr_complex(const std::string& text) {
    return text == "<c8" || text == ">c8" || text == "<c16" || text == ">c16";
}

std::size_t zarr_stored_itemsize(const ZarrArrayMetadata& meta) {
    if (meta.half_float) return 2;
    return (meta.complex ? 2 : 1) * itemsize(meta.dtype);
}

std::string zarr_stored_type_name(const ZarrArrayMetadata& meta) {
    if (meta.half_float) return "float16";
    if (meta.complex) return meta.dtype == DType::Float32 ? "complex64" : "complex128";
    return std::string(dtype_name(meta.dtype));
}

std::string zarr_dtype_text(DType dtype) {
    const std::size_t size = itemsize(dtype);
    const char kind = is_bool(dtype) ? 'b' : is_float(dtype) ? 'f' : is_unsigned(dtype) ? 'u' : 'i';
    return std::string(1, size == 1 ? '|' : '<') + kind + std::to_string(size);
}

ZarrArrayMetadata parse_zarr_array(const std::string& zarray, const std::string& zattrs, const std::string& where) {
    const Json array = parse_json(zarray, where, ".zarray");
    // .zattrs is parsed once .zarray has passed: a damaged .zarray is the error reported first.
    ZarrArrayMetadata meta = metadata_of_zarray(array, where);
    if (!zattrs.empty()) read_zattrs(meta, parse_json(zattrs, where, ".zattrs"), where);
    return with_decoding_attributes(std::move(meta));
}

ZarrArrayMetadata parse_zarr_array(const Json& zarray, const Json* zattrs, const std::string& where) {
    ZarrArrayMetadata meta = metadata_of_zarray(zarray, where);
    if (zattrs) read_zattrs(meta, *zattrs, where);
    return with_decoding_attributes(std::move(meta));
}

}  // namespace chunkarr
