#include <chunkarr/chunkarr.hpp>
#include <chunkarr/io/zarr/source.hpp>

#include "graph/xarray_decoding.hpp"
#include "support/catch.hpp"
#include "support/temp_dir.hpp"

#include <cmath>

using namespace chunkarr;

namespace {

// A Zarr store of one uncompressed array `dtype_text` of shape [3] (chunks [3]) with .zattrs
// `zattrs` and, when `chunk` holds its bytes, its chunk file (else it reads as the fill value);
// removed at the end of the test.
struct OneArrayStore {
    test_support::TempDir dir{"xarray-decoding"};
    OneArrayStore(const std::string& dtype_text, const std::string& fill, const std::string& zattrs,
                  const std::string& chunk = "") {
        dir.write(".zarray", R"({"zarr_format": 2, "shape": [3], "chunks": [3], "dtype": ")" + dtype_text +
                                 R"(", "order": "C", "fill_value": )" + fill +
                                 R"(, "compressor": null, "filters": null})");
        dir.write(".zattrs", zattrs);
        if (!chunk.empty()) dir.write("0", chunk);
    }
    ZarrSource source() const { return ZarrSource(dir.path().string(), ""); }
};
}  // namespace

TEST_CASE("xarray's decoded dtype: mask promotion, then _choose_float_dtype", "[graph][cf][xarray]") {
    // (stored, masked, scaled, has_offset) -> what xarray 2023.01's coders give.
    CHECK(xarray_decoded_dtype(DType::Int16, true, true, true) == DType::Float32);   // masked first: float32 stays
    CHECK(xarray_decoded_dtype(DType::Int16, false, true, true) == DType::Float64);  // an offset on int16
    CHECK(xarray_decoded_dtype(DType::Int16, false, true, false) == DType::Float32);
    CHECK(xarray_decoded_dtype(DType::Int16, true, false, false) == DType::Float32);
    CHECK(xarray_decoded_dtype(DType::UInt8, true, true, false) == DType::Float32);
    CHECK(xarray_decoded_dtype(DType::UInt16, true, false, false) == DType::Float32);
    CHECK(xarray_decoded_dtype(DType::Int32, true, true, false) == DType::Float64);
    CHECK(xarray_decoded_dtype(DType::Int32, false, true, false) == DType::Float64);
    CHECK(xarray_decoded_dtype(DType::Int64, false, true, false) == DType::Float64);
    CHECK(xarray_decoded_dtype(DType::Float32, true, true, true) == DType::Float32);
    CHECK(xarray_decoded_dtype(DType::Float32, true, false, false) == DType::Float32);
    CHECK(xarray_decoded_dtype(DType::Float64, false, true, true) == DType::Float64);
    CHECK(xarray_decoded_dtype(DType::Bool, false, true, false) == DType::Float64);  // not an integer to NumPy
    CHECK(xarray_decoded_dtype(DType::Int8, false, false, false) == DType::Int8);
}

TEST_CASE("a Zarr source follows xarray's rules: valid ranges and NaN fill values are ignored", "[graph][cf][xarray]") {
    const OneArrayStore ranged("<i2", "null", R"({"valid_max": 4, "valid_range": [0, 4]})");
    CHECK(ranged.source().cf_rules() == CFRules::xarray);
    CHECK_FALSE(cf_decoding_for(ranged.source()).has_value());
    CHECK(open(ranged.dir.path().string(), "").dtype() == DType::Int16);

    const OneArrayStore nan_fill("<f4", "\"NaN\"", "{}");
    CHECK_FALSE(cf_decoding_for(nan_fill.source()).has_value());
}

TEST_CASE("xarray's rules: fill values, missing_value, scale and offset", "[graph][cf][xarray]") {
    const OneArrayStore packed("<i2", "0", R"({"missing_value": 7, "scale_factor": 0.5, "add_offset": 1})");
    const auto cf = cf_decoding_for(packed.source());
    REQUIRE(cf);
    CHECK(cf->missing_values == std::vector<long double>{0, 7});
    CHECK(cf->scale_factor == 0.5);
    CHECK(cf->add_offset == 1.0);
    CHECK(cf->result == DType::Float32);
    CHECK_FALSE(cf->valid_min.has_value());

    // A neutral scale_factor still makes the values float, as xarray does.
    const OneArrayStore neutral("<i4", "null", R"({"scale_factor": 1})");
    const auto unit = cf_decoding_for(neutral.source());
    REQUIRE(unit);
    CHECK(unit->result == DType::Float64);
    CHECK(unit->missing_values.empty());

    // Booleans are not masked (xarray would make them objects).
    const OneArrayStore flags("|b1", "false", R"({"_FillValue": 0})");
    CHECK_FALSE(cf_decoding_for(flags.source()).has_value());
}

TEST_CASE("xarray's rules on float32: fill values NumPy never finds equal are left out", "[graph][cf][xarray]") {
    // A list with a float is floats: 16777217.0 is cast to float32 (16777216) and can match;
    // 1e300, beyond float32, is compared in float64 and matches nothing.
    const OneArrayStore floats("<f4", "null", R"({"missing_value": [16777217, 1e300, 2.5]})");
    const auto cf = cf_decoding_for(floats.source());
    REQUIRE(cf);
    CHECK(cf->missing_values == std::vector<long double>{16777217, 2.5});
    // Integers are compared exactly: 2^24 + 1 is no float32.
    const OneArrayStore integers("<f4", "null", R"({"missing_value": [16777217, 16777218]})");
    const auto exact = cf_decoding_for(integers.source());
    REQUIRE(exact);
    CHECK(exact->missing_values == std::vector<long double>{16777218});
    CHECK(exact->result == DType::Float32);
}

TEST_CASE("xarray's rules under _Unsigned: the fill value viewed unsigned", "[graph][cf][xarray]") {
    const OneArrayStore store("<i2", "-1", R"({"_Unsigned": "true"})");
    const auto cf = cf_decoding_for(store.source());
    REQUIRE(cf);
    CHECK(cf->missing_values == std::vector<long double>{65535});
    CHECK(cf->result == DType::Float32);  // uint16 masked
}

TEST_CASE("a big-endian float16 Zarr array opens as float32, its fill value masked", "[graph][xarray][zarr]") {
    // 1.0, -2.5 (the fill value), 65504: big-endian float16 bytes.
    const OneArrayStore store(">f2", "-2.5", "{}", std::string("\x3c\x00\xc1\x00\x7b\xff", 6));
    const Array decoded = open(store.dir.path().string(), "");
    CHECK(decoded.dtype() == DType::Float32);
    const NDArray values = decoded.compute();
    CHECK(values.value_as_double(0) == 1.0);
    CHECK(std::isnan(values.value_as_double(1)));
    CHECK(values.value_as_double(2) == 65504.0);
    const NDArray raw = open(store.dir.path().string(), "", OpenOptions{.mask_and_scale = false}).compute();
    CHECK(raw.value_as_double(1) == -2.5);
}
