#pragma once
// Writing attributes through libnetcdf, as netCDF4-python writes them: numbers as an array of
// the type they were read as, strings as text (NC_CHAR).
#include <chunkarr/io/attributes.hpp>

#include "io/netcdf/library.hpp"

namespace chunkarr::netcdf {

// Puts every attribute of `attributes` on variable `varid` of group `ncid` (NC_GLOBAL: on the
// group); `at` names it in errors. Names netCDF does not allow are left out. Needs the lock
// and define mode.
void put_attributes(const Where& at, int ncid, int varid, const Attributes& attributes);

}  // namespace chunkarr::netcdf
