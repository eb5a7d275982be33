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

TEST_CASE("generators make arrays of the asked shape and chunks", "[graph]") {
    CHECK(arange(0, 10, 3).shape() == Shape{4});
    CHECK(arange(5, 0, -1).size() == 5);
    CHECK(zeros({2, 3}, DType::Int8).dtype() == DType::Int8);
    CHECK(full({4}, 7, DType::UInt16, {3}).chunks().chunks(0) == std::vector<Index>{3, 1});
    CHECK_THROWS_AS(full({-1}, 0), ValueError);
    CHECK_THROWS_AS(arange(0, 1, 0), ValueError);
}
