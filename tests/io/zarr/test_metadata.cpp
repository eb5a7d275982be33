#include <chunkarr/core/error.hpp>
#include <chunkarr/io/zarr/metadata.hpp>

#include "support/catch.hpp"

#include <cmath>
#include <tuple>

using namespace chunkarr;

namespace {

std::string zarray(const std::string& dtype, const std::string& fill = "0", const std::string& extra = "") {
    return R"({"zarr_format": 2, "shape": [10, 7], "chunks": [4, 3], "dtype": ")" + dtype +
           R"(", "order": "C", "fill_value": )" + fill + R"(, "compressor": null, "filters": null)" + extra + "}";
}

}  // namespace

TEST_CASE("zarr dtype strings give the type and byte order", "[io][zarr]") {
    bool big = false;
    CHECK(parse_zarr_dtype(">f8", big) == DType::Float64);
    CHECK(big);
    CHECK(parse_zarr_dtype("<i2", big) == DType::Int16);
    CHECK_FALSE(big);
    CHECK(parse_zarr_dtype("|u1", big) == DType::UInt8);
    CHECK(parse_zarr_dtype("|b1", big) == DType::Bool);
    CHECK(parse_zarr_dtype("<u8", big) == DType::UInt64);
    CHECK(parse_zarr_dtype(">f2", big) == DType::Float32);  // float16: read widened to float32
    CHECK(big);
    CHECK(zarr_half_float(">f2"));
    CHECK_FALSE(zarr_half_float("<f4"));
    CHECK_FALSE(parse_zarr_dtype("|f2", big).has_value());
    CHECK_FALSE(parse_zarr_dtype("|f8", big).has_value());  // '|' only for one byte
    CHECK_FALSE(parse_zarr_dtype("<M8[s]", big).has_value());
    for (DType t : {DType::Bool, DType::Int8, DType::UInt16, DType::Int32, DType::Float32, DType::Float64})
        CHECK(parse_zarr_dtype(zarr_dtype_text(t), big) == t);
}

TEST_CASE("a .zarray and its .zattrs are read as xarray reads them", "[io][zarr]") {
    const auto meta = parse_zarr_array(
        zarray(">i2", "-99", R"(, "dimension_separator": "/")"),
        R"({"_ARRAY_DIMENSIONS": ["time", "x"], "scale_factor": 0.5, "add_offset": 10, "units": "K", "flags": [1, 2]})",
        "s.zarr:/v");
    CHECK(meta.shape == Shape{10, 7});
    CHECK(meta.chunks == Shape{4, 3});
    CHECK(meta.dtype == DType::Int16);
    CHECK(meta.big_endian);
    CHECK(meta.dimension_separator == '/');
    CHECK(meta.dimension_names == std::vector<std::string>{"time", "x"});
    CHECK(meta.attributes.number("_FillValue") == -99.0);  // fill_value as xarray's _FillValue
    CHECK_FALSE(meta.half_float);
    CHECK(zarr_stored_itemsize(meta) == 2);
    CHECK(meta.attributes.number("scale_factor") == 0.5);
    CHECK(meta.attributes.number_type("scale_factor") == DType::Float64);
    CHECK(meta.attributes.numbers("flags")->size() == 2);
    CHECK_FALSE(meta.attributes.has("_ARRAY_DIMENSIONS"));
}

TEST_CASE("a float16 array is read as float32, stored 2 bytes a value", "[io][zarr]") {
    const auto meta = parse_zarr_array(zarray("<f2", "-0.5"), "", "s.zarr:/h");
    CHECK(meta.dtype == DType::Float32);
    CHECK(meta.half_float);
    CHECK(meta.dtype_text == "<f2");
    CHECK(zarr_stored_itemsize(meta) == 2);
    CHECK(meta.attributes.number("_FillValue") == -0.5);
    // Fill values as float16 holds them: the nearest float16 to what the store says.
    const auto rounded = parse_zarr_array(zarray("<f2", "0.1"), R"({"missing_value": [-9999, 1.5]})", "s");
    CHECK(*rounded.fill_value == 0.0999755859375L);
    CHECK(rounded.attributes.number("_FillValue") == 0.0999755859375);
    CHECK(*rounded.attributes.exact_numbers("missing_value") == std::vector<long double>{-10000, 1.5});
    // Integers NumPy compares exactly: as they are.
    const auto integers = parse_zarr_array(zarray("<f2", "null"), R"({"missing_value": -9999})", "s");
    CHECK(integers.attributes.number("missing_value") == -9999.0);
}

TEST_CASE("fill_value is the _FillValue, replacing one in .zattrs, as xarray reads it", "[io][zarr]") {
    CHECK(parse_zarr_array(zarray("<i2", "3"), R"({"_FillValue": 4})", "s").attributes.number("_FillValue") == 3.0);
    // A null fill_value leaves the attribute as it is.
    CHECK(parse_zarr_array(zarray("<i2", "null"), R"({"_FillValue": 4})", "s").attributes.number("_FillValue") == 4.0);
}

TEST_CASE("zarr fill values: NaN, infinities and null", "[io][zarr]") {
    CHECK(std::isnan(static_cast<double>(*parse_zarr_array(zarray("<f4", "\"NaN\""), "", "s").fill_value)));
    CHECK(*parse_zarr_array(zarray("<f8", "\"-Infinity\""), "", "s").fill_value < 0);
    const auto none = parse_zarr_array(zarray("<f8", "null"), "", "s");
    CHECK_FALSE(none.fill_value.has_value());
    CHECK_FALSE(none.attributes.has("_FillValue"));
}

TEST_CASE("bad .zarray text is one FormatError naming the array", "[io][zarr]") {
    auto message = [](const std::string& text) {
        try {
            parse_zarr_array(text, "", "store.zarr:/t2m");
        } catch (const FormatError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message("{not json").find("store.zarr:/t2m: .zarray is not JSON") == 0);
    CHECK(message(R"({"zarr_format": 2})").find("no \"shape\"") != std::string::npos);
    CHECK(message(zarray("<M8[s]")).find("dtype <M8[s] is not supported") != std::string::npos);
    CHECK(message(zarray("|c16")).find("dtype |c16 is not supported") != std::string::npos);
    CHECK(message(zarray("<c16", "[1, 2, 3]")).find("\"fill_value\" [1,2,3] is not a [real, imaginary] pair") !=
          std::string::npos);
    CHECK(message(zarray("<c8", "[1, null]")).find("is not a [real, imaginary] pair") != std::string::npos);
    CHECK(message(zarray("<f8", "0", "").replace(zarray("<f8").find("null"), 4, R"({"id": "lzma"})"))
              .find("codec 'lzma' is not supported") != std::string::npos);
    CHECK(message(zarray("<f8").replace(zarray("<f8").find("\"filters\": null") + 11, 4, R"([{"id": "delta"}])"))
              .find("filter \"delta\" is not supported") != std::string::npos);
}

TEST_CASE("an integer zarr fill value must be a value of the type", "[io][zarr]") {
    CHECK(*parse_zarr_array(zarray("|u1", "255"), "", "s").fill_value == 255);
    CHECK(*parse_zarr_array(zarray("<i8", "-9223372036854775808"), "", "s").fill_value == -9223372036854775808.0L);
    CHECK(*parse_zarr_array(zarray("<u8", "18446744073709551615"), "", "s").fill_value == 18446744073709551615.0L);
    CHECK_THROWS_AS(parse_zarr_array(zarray("|u1", "256"), "", "s"), FormatError);
    CHECK_THROWS_AS(parse_zarr_array(zarray("<i2", "\"NaN\""), "", "s"), FormatError);
    CHECK_THROWS_AS(parse_zarr_array(zarray("<i4", "1.5"), "", "s"), FormatError);
}

TEST_CASE("complex dtypes are read as pairs of float parts, fill_value as [real, imaginary]", "[io][zarr][complex]") {
    // The dtype of each part, and the byte order of each part.
    for (const auto& [text, part, big_endian] :
         {std::tuple{">c16", DType::Float64, true}, std::tuple{"<c8", DType::Float32, false}}) {
        bool big = !big_endian;
        CHECK(parse_zarr_dtype(text, big) == part);
        CHECK(big == big_endian);
        CHECK(zarr_complex(text));
    }
    CHECK_FALSE(zarr_complex("<f8"));
    // zarr-python writes complex fill values as [real, imaginary], non-finite ones as strings.
    const auto c16 = parse_zarr_array(zarray(">c16", R"(["NaN", -2.5])"), "", "s.zarr:/z");
    CHECK(c16.complex);
    CHECK(zarr_stored_itemsize(c16) == 16);
    CHECK(zarr_stored_type_name(c16) == "complex128");
    CHECK(std::isnan(static_cast<double>(*c16.fill_value)));
    CHECK(c16.fill_value_imag == -2.5L);
    // Not masked: each part alone cannot say whether a value is missing.
    CHECK_FALSE(c16.attributes.has("_FillValue"));
    // complex64: both parts as NumPy casts them to float32.
    const auto c8 = parse_zarr_array(zarray("<c8", "[0.1, \"Infinity\"]"), "", "s.zarr:/z");
    CHECK(zarr_stored_type_name(c8) == "complex64");
    CHECK(zarr_stored_itemsize(c8) == 8);
    CHECK(*c8.fill_value == static_cast<long double>(0.1f));
    CHECK(std::isinf(static_cast<double>(c8.fill_value_imag)));
    const auto imag_rounded = parse_zarr_array(zarray("<c8", "[\"NaN\", 0.1]"), "", "s");
    CHECK(imag_rounded.fill_value_imag == static_cast<long double>(0.1f));
    // A plain number is a real fill value; null is none (missing chunks read as 0).
    CHECK(*parse_zarr_array(zarray("<c16", "3"), "", "s").fill_value == 3);
    CHECK(parse_zarr_array(zarray("<c16", "3"), "", "s").fill_value_imag == 0);
    CHECK_FALSE(parse_zarr_array(zarray("<c16", "null"), "", "s").fill_value.has_value());
}
