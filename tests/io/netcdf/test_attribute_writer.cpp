#include <chunkarr/io/netcdf/metadata.hpp>

#include "io/hdf5/sink.hpp"
#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

using namespace chunkarr;

TEST_CASE("a NetCDF-4 sink puts variable and global attributes that libnetcdf reads back typed", "[io][netcdf]") {
    test_support::TempFile target("attributes.nc");
    {
        HDF5Sink sink(target.path(), SinkFormat::NetCDF4);
        DatasetSpec spec;
        spec.path = "/time";
        spec.shape = {4};
        spec.dimensions = {"time"};
        spec.attributes.set("calendar", std::string("noleap"));
        spec.attributes.set("scale", {0.5L}, DType::Float32);
        spec.attributes.set("steps", {-1, 0, 7}, DType::Int16);
        spec.attributes.set("huge", {18446744073709551615.0L}, DType::UInt64);
        Attributes global;
        global.set("history", std::string("chunkarr eval x"));
        const int id = sink.define(spec);
        sink.set_file_attributes(global);  // still before the first write
        sink.write(id, NDArray(DType::Float64, {4}));
        sink.commit();
    }
    const NetCDFInfo info = describe_netcdf(target.path());
    CHECK(std::get<std::string>(info.attributes.all().at("history")) == "chunkarr eval x");
    const Attributes& read = describe_netcdf_variable(target.path(), "time").attributes;
    CHECK(std::get<std::string>(read.all().at("calendar")) == "noleap");
    CHECK(read.number_type("scale") == DType::Float32);
    CHECK(read.number("scale") == 0.5);
    CHECK(read.number_type("steps") == DType::Int16);
    CHECK(read.numbers("steps") == std::vector<double>{-1, 0, 7});
    CHECK(read.number_type("huge") == DType::UInt64);
    CHECK(read.exact_numbers("huge")->front() == 18446744073709551615.0L);
}
