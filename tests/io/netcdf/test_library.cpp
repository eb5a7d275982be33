// The checked libnetcdf wrapper: a failing call names the file, the object and the call.
#include <chunkarr/core/error.hpp>
#include <chunkarr/io/netcdf/metadata.hpp>
#include <chunkarr/io/netcdf/source.hpp>

#include "io/netcdf/library.hpp"
#include "support/catch.hpp"
#include "support/hdf5_writer.hpp"

#include <fstream>
#include <string>

using namespace chunkarr;
using Catch::Matchers::Contains;

namespace {
void write_classic(const std::string& path) {
    netcdf::Lock lock;
    const Where at{path};
    int ncid = -1, x = -1, t = -1;
    CHUNKARR_NC(at, nc_create, path.c_str(), NC_CLOBBER, &ncid);
    CHUNKARR_NC(at, nc_def_dim, ncid, "x", 3, &x);
    CHUNKARR_NC(at, nc_def_var, ncid, "t", NC_DOUBLE, 1, &x, &t);
    CHUNKARR_NC(at, nc_close, ncid);
}
}  // namespace

TEST_CASE("a netCDF call on a closed id names the file, the variable and the call", "[io][netcdf][wrapper]") {
    test_support::TempFile file("wrapper_closed.nc");
    write_classic(file.path());
    netcdf::Lock lock;
    int ncid = -1;
    CHUNKARR_NC((Where{file.path()}), nc_open, file.path().c_str(), NC_NOWRITE, &ncid);
    CHUNKARR_NC((Where{file.path()}), nc_close, ncid);
    const Where at{file.path(), "/t"};
    int natts = -1;
    CHECK_THROWS_AS(CHUNKARR_NC(at, nc_inq_varnatts, ncid, 0, &natts), IOError);
    CHECK_THROWS_WITH(CHUNKARR_NC(at, nc_inq_varnatts, ncid, 0, &natts),
                      Contains(file.path() + ":/t: nc_inq_varnatts failed: " + nc_strerror(NC_EBADID)));
    CHECK(natts == -1);  // nothing was made up
    const Where attribute{file.path(), "/t", "units"};
    CHECK_THROWS_WITH(CHUNKARR_NC(attribute, nc_inq_attlen, ncid, 0, "units", nullptr),
                      Contains(file.path() + ":/t attribute units: nc_inq_attlen failed"));
}

TEST_CASE("a netCDF call whose failure is an answer returns the status", "[io][netcdf][wrapper]") {
    test_support::TempFile file("wrapper_try.nc");
    write_classic(file.path());
    netcdf::Lock lock;
    int ncid = -1;
    CHUNKARR_NC((Where{file.path()}), nc_open, file.path().c_str(), NC_NOWRITE, &ncid);
    int varid = -1;
    const auto missing = CHUNKARR_NC_TRY(nc_inq_varid, ncid, "nope", &varid);
    CHECK_FALSE(missing.ok());
    CHECK(missing.status == NC_ENOTVAR);
    CHECK(missing.what() == std::string("nc_inq_varid failed: ") + nc_strerror(NC_ENOTVAR));
    CHECK(missing.message(Where{file.path(), "/nope"}) == file.path() + ":/nope: " + missing.what());
    CHECK(CHUNKARR_NC_TRY(nc_inq_varid, ncid, "t", &varid).ok());
    CHECK(varid == 0);
    CHUNKARR_NC((Where{file.path()}), nc_close, ncid);
}

TEST_CASE("a netCDF call without the library lock is refused", "[io][netcdf][wrapper]") {
    int ncid = -1;
    CHECK_THROWS_WITH(CHUNKARR_NC((Where{"x.nc"}), nc_open, "x.nc", NC_NOWRITE, &ncid),
                      Contains("nc_open called without the HDF5 lock"));
    CHECK_THROWS_AS(CHUNKARR_NC_TRY(nc_open, "x.nc", NC_NOWRITE, &ncid), Error);
    CHECK(ncid == -1);
}

TEST_CASE("a file libnetcdf cannot open is a format error naming the file and the call", "[io][netcdf][wrapper]") {
    test_support::TempFile file("wrapper_text.nc");
    std::ofstream(file.path()) << "not a netCDF file\n";
    CHECK_THROWS_AS(describe_netcdf(file.path()), FormatError);
    CHECK_THROWS_WITH(describe_netcdf(file.path()), Contains(file.path()) && Contains("nc_open failed"));
    CHECK_THROWS_WITH(NetCDFSource(file.path(), "t"), Contains(file.path()) && Contains("nc_open failed"));
}
