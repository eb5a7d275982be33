#include <chunkarr/chunkarr.hpp>

#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

using namespace chunkarr;

TEST_CASE("open() decodes CF attributes; mask_and_scale=false keeps stored values", "[graph]") {
    test_support::TempFile file("cf.h5");
    std::vector<std::int16_t> packed{100, -1, 300};
    test_support::write_dataset(file.path(), "/t", H5T_NATIVE_INT16, packed.data(), test_support::DatasetSpec{{3}},
                                true);
    test_support::write_attribute(file.path(), "/t", "scale_factor", {0.5});
    test_support::write_attribute(file.path(), "/t", "add_offset", {10});
    test_support::write_attribute(file.path(), "/t", "_FillValue", {-1}, H5T_NATIVE_INT16);
    const Array decoded = open(file.path(), "/t");
    CHECK(decoded.dtype() == DType::Float64);
    const NDArray values = decoded.compute();
    CHECK(values.value_as_double(0) == 60.0);
    CHECK(std::isnan(values.value_as_double(1)));
    const Array raw = open(file.path(), "/t", OpenOptions{.mask_and_scale = false});
    CHECK(raw.dtype() == DType::Int16);
    CHECK(raw.compute().value_as_int64(1) == -1);
}

namespace {
// A netCDF variable of `dtype` with no attributes, in fill or no-fill mode.
class NetCDFLikeSource final : public Source {
public:
    NetCDFLikeSource(DType dtype, bool no_fill) : dtype_(dtype), no_fill_(no_fill) {}
    const Shape& shape() const override { return shape_; }
    DType dtype() const override { return dtype_; }
    ChunkGrid task_grid() const override { return ChunkGrid::regular(shape_, shape_); }
    const Attributes& attributes() const override { return attributes_; }
    void read(const Region&, void*) const override {}
    std::string describe() const override { return "netcdf-like"; }
    bool netcdf_conventions() const override { return true; }
    bool netcdf_no_fill() const override { return no_fill_; }

private:
    Shape shape_{3};
    DType dtype_;
    bool no_fill_;
    Attributes attributes_;
};
}  // namespace

TEST_CASE("without _FillValue the netCDF default fill is missing, bytes too unless in no-fill mode", "[graph][cf]") {
    for (DType dtype : {DType::Int8, DType::UInt8, DType::Int16, DType::UInt32, DType::Int64, DType::Float32}) {
        CAPTURE(dtype_name(dtype));
        const bool byte = dtype == DType::Int8 || dtype == DType::UInt8;
        const auto fill_mode = cf_decoding_for(NetCDFLikeSource(dtype, false));
        REQUIRE(fill_mode);
        CHECK(fill_mode->missing_values == std::vector<long double>{netcdf_default_fill(dtype)});
        const auto no_fill = cf_decoding_for(NetCDFLikeSource(dtype, true));
        CHECK(no_fill.has_value() == !byte);
        if (no_fill) CHECK(no_fill->missing_values == std::vector<long double>{netcdf_default_fill(dtype)});
    }
    CHECK(netcdf_default_fill(DType::Int8) == -127);
    CHECK(netcdf_default_fill(DType::UInt8) == 255);
    CHECK_FALSE(cf_decoding_for(NetCDFLikeSource(DType::Bool, false)));
}

TEST_CASE("generators make arrays of the asked shape and chunks", "[graph]") {
    CHECK(arange(0, 10, 3).shape() == Shape{4});
    CHECK(arange(5, 0, -1).size() == 5);
    CHECK(zeros({2, 3}, DType::Int8).dtype() == DType::Int8);
    CHECK(full({4}, 7, DType::UInt16, {3}).chunks().chunks(0) == std::vector<Index>{3, 1});
    CHECK_THROWS_AS(full({-1}, 0), ValueError);
    CHECK_THROWS_AS(arange(0, 1, 0), ValueError);
}
