#pragma once
// What a Zarr v2 store says about one array: its .zarray (shape, chunks, dtype, byte order,
// order, fill value, compressor, filters, chunk-key separator) and its .zattrs, read as xarray
// reads them (_ARRAY_DIMENSIONS gives the dimension names; fill_value is the _FillValue).
#include <chunkarr/core/dtype.hpp>
#include <chunkarr/core/shape.hpp>
#include <chunkarr/io/attributes.hpp>

#include <optional>
#include <string>
#include <vector>

namespace chunkarr {

// The compressor of a Zarr array: "" (none), "blosc", "zlib" or "gzip".
struct ZarrCompressor {
    std::string id;
    std::string cname = "lz4";  // blosc: lz4, lz4hc, zstd, zlib, blosclz
    int level = 5;              // blosc clevel, zlib/gzip level
    int shuffle = 1;            // blosc: 0 none, 1 byte, 2 bit (-1: numcodecs' AUTOSHUFFLE)
    std::size_t blocksize = 0;  // blosc: 0 lets blosc choose
};

// Whether chunkarr reads and writes Blosc compressor `cname`; all of them as a list for
// messages ("lz4, lz4hc, zstd, zlib, blosclz").
bool is_blosc_compressor(const std::string& cname);
std::string blosc_compressor_list();

struct ZarrArrayMetadata {
    std::string path;  // in the store, "/" joined: "/t2m", "/group/sub/var"; "/" for a root array
    Shape shape;
    Shape chunks;
    DType dtype = DType::Float64;
    std::string dtype_text;   // as the store spells it: "<f8", "|u1"
    bool big_endian = false;  // stored byte order
    bool half_float = false;  // stored as float16 ("<f2"), read as float32 (`dtype`), which holds each value
    // Stored as complex ("<c8", ">c16"): (real, imaginary) pairs of `dtype` (float32 or float64).
    // chunkarr computes with the two parts as two real arrays (see ZarrSource's ComplexPart).
    bool complex = false;
    bool fortran_order = false;  // "order": "F"
    char dimension_separator = '.';
    bool dimension_separator_given = false;  // false: older stores, nested ones say nothing
    std::optional<long double> fill_value;   // null in the store: nullopt (missing chunks read as 0)
    long double fill_value_imag = 0;         // a complex fill_value's imaginary part
    ZarrCompressor compressor;
    Attributes attributes;                     // .zattrs, with _FillValue from fill_value as xarray adds it
    std::vector<std::string> dimension_names;  // _ARRAY_DIMENSIONS, empty when absent
};

// Parses the text of a .zarray and of its .zattrs ("" when there is none). `where` names the
// store and array for messages ("store.zarr:/t2m"). FormatError for text that is not JSON, a
// missing or wrong key, a dtype chunkarr cannot compute with, a codec or filter it cannot decode.
ZarrArrayMetadata parse_zarr_array(const std::string& zarray, const std::string& zattrs, const std::string& where);

// The dtype of a Zarr type string ("<f8", ">i2", "|b1"), and whether it is big-endian;
// nullopt for anything else. Float16 ("<f2", ">f2") is read as float32: zarr_half_float says
// which type strings are float16.
std::optional<DType> parse_zarr_dtype(const std::string& text, bool& big_endian);
bool zarr_half_float(const std::string& text);
// Complex type strings ("<c8", ">c16") give the dtype of one part (float32, float64).
bool zarr_complex(const std::string& text);
// The bytes of one stored value: those of `meta.dtype`, 2 for float16, two parts for complex.
std::size_t zarr_stored_itemsize(const ZarrArrayMetadata& meta);
// NumPy's name of the stored type: "float16", "complex64", "complex128", else dtype_name(dtype).
std::string zarr_stored_type_name(const ZarrArrayMetadata& meta);
// The Zarr type string chunkarr writes for `dtype` (little-endian): "<f8", "|u1", "|b1".
std::string zarr_dtype_text(DType dtype);

}  // namespace chunkarr
