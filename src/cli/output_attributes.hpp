#pragma once
// Which attributes the files that `eval` and `stats -o` write carry, as xarray keeps them:
//   - a coordinate variable keeps every attribute of its input (units, calendar, standard_name,
//     long_name, axis, ...), so xarray decodes a written `time` as it decodes the input's, but
//     not the ones the reading already applied (_FillValue, missing_value, scale_factor,
//     add_offset, _Unsigned; valid_* of packed data), `bounds` (the bounds variable is not
//     written) and the bookkeeping of HDF5 and netCDF-4 (DIMENSION_LIST, _Netcdf4Dimid, ...);
//   - the result variable carries none: a reduction drops them (xarray's keep_attrs=False), and
//     an elementwise result is another quantity;
//   - the file gets a global `history` line naming the command above the input's history, as
//     CDO and NCO add one.
#include <chunkarr/io/attributes.hpp>

#include <string>
#include <vector>

namespace chunkarr::cli {

// Attributes the HDF5 library or netCDF-4 use for their own bookkeeping.
bool internal_attribute(const std::string& name);

// The attributes of an input coordinate variable that its written copy carries.
Attributes coordinate_attributes(const Attributes& input);

// The output file's global attributes: `history` = "<UTC time>: chunkarr COMMAND ARGS...", the
// arguments quoted as a shell would need them, then (as CDO and NCO do, newest first) the
// history of `input` (a file or glob: its first file) when it has one.
Attributes history_attributes(const std::string& command, const std::vector<std::string>& args,
                              const std::string& input);

}  // namespace chunkarr::cli
