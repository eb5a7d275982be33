#include <chunkarr/core/error.hpp>
#include <chunkarr/io/netcdf/source.hpp>

#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <netcdf.h>

using namespace chunkarr;

namespace {
// A classic file with a record variable t(time, x) and a fixed variable z(x), written with
// libnetcdf's own API.
void write_classic(const std::string& path) {
    int ncid, time, x, t, z;
    REQUIRE(nc_create(path.c_str(), NC_CLOBBER, &ncid) == NC_NOERR);
    nc_def_dim(ncid, "time", NC_UNLIMITED, &time);
    nc_def_dim(ncid, "x", 3, &x);
    const int dims[2] = {time, x};
    nc_def_var(ncid, "t", NC_SHORT, 2, dims, &t);
    nc_def_var(ncid, "z", NC_DOUBLE, 1, &x, &z);
    const double scale = 0.5;
    nc_put_att_double(ncid, t, "scale_factor", NC_DOUBLE, 1, &scale);
    nc_put_att_text(ncid, NC_GLOBAL, "title", 4, "test");
    nc_enddef(ncid);
    const short values[6] = {1, 2, 3, 4, 5, 6};
    const std::size_t start[2] = {0, 0}, count[2] = {2, 3};
    nc_put_vara_short(ncid, t, start, count, values);
    const double zs[3] = {-1, 0, 1};
    nc_put_var_double(ncid, z, zs);
    nc_close(ncid);
}
}  // namespace

TEST_CASE("classic NetCDF metadata and data through libnetcdf", "[io][netcdf]") {
    test_support::TempFile file("classic.nc");
    write_classic(file.path());
    const NetCDFInfo info = describe_netcdf(file.path());
    CHECK(info.format == "NETCDF3_CLASSIC");
    REQUIRE(info.dimensions.size() == 2);
    CHECK(info.dimensions[0].name == "/time");
    CHECK(info.dimensions[0].unlimited);
    CHECK(info.dimensions[0].size == 2);
    REQUIRE(info.variables.size() == 2);
    CHECK(info.variables[0].path == "/t");
    CHECK(info.variables[0].dimensions == std::vector<std::string>{"time", "x"});
    CHECK(info.variables[0].attributes.number("scale_factor") == 0.5);

    const NetCDFSource t(file.path(), "t");
    CHECK(t.dtype() == DType::Int16);
    CHECK(t.shape() == Shape{2, 3});
    CHECK(t.unlimited_dimensions() == std::vector<bool>{true, false});
    std::vector<std::int16_t> out(3);
    t.read({{1, 2}, {0, 3}}, out.data());
    CHECK(out == std::vector<std::int16_t>{4, 5, 6});
    CHECK(netcdf_default_fill(DType::Int16) == -32767);
    CHECK_THROWS_AS(NetCDFSource(file.path(), "nope"), KeyError);
}
