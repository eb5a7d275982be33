#include <chunkarr/io/hdf5/source.hpp>

#include "io/hdf5/sink.hpp"
#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <cstdint>

using namespace chunkarr;

TEST_CASE("an HDF5 sink writes dataset and file attributes that read back with their types", "[io][hdf5]") {
    test_support::TempFile target("attributes.h5");
    const long double big = static_cast<long double>((std::int64_t{1} << 62) + 3);  // not exact as double
    Attributes attributes;
    attributes.set("units", std::string("days since 2000-01-01"));
    attributes.set("valid_range", {-90.5L, 90.25L}, DType::Float32);
    attributes.set("id", {big}, DType::Int64);
    attributes.set("flags", {1, 2, 255}, DType::UInt8);
    attributes.set("untyped", std::vector<long double>{0.1L});  // no stored type: float64
    {
        HDF5Sink sink(target.path());
        DatasetSpec spec;
        spec.path = "/g/x";
        spec.shape = {3};
        spec.attributes = attributes;
        Attributes global;
        global.set("history", std::string("made here"));
        sink.set_file_attributes(global);
        const int id = sink.define(spec);
        sink.write(id, NDArray(DType::Float64, {3}));
        sink.commit();
    }
    const HDF5Source source(target.path(), "/g/x");
    const Attributes& read = source.attributes();
    CHECK(std::get<std::string>(read.all().at("units")) == "days since 2000-01-01");
    CHECK(read.number_type("valid_range") == DType::Float32);
    CHECK(read.numbers("valid_range") == std::vector<double>{-90.5, 90.25});
    CHECK(read.number_type("id") == DType::Int64);
    CHECK(read.exact_numbers("id")->front() == big);
    CHECK(read.number_type("flags") == DType::UInt8);
    CHECK(read.numbers("flags") == std::vector<double>{1, 2, 255});
    CHECK(read.number_type("untyped") == DType::Float64);
    CHECK(read.number("untyped") == 0.1);
}
