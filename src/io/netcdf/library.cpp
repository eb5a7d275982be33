#include "io/netcdf/library.hpp"

#include <chunkarr/core/error.hpp>

namespace chunkarr::netcdf {

std::string failure_text(const char* call, int status) { return std::string(call) + " failed: " + nc_strerror(status); }

void throw_failure(const Where& where, const char* call, int status) {
    throw IOError(where.text() + ": " + failure_text(call, status));
}

void throw_unlocked(const char* call) {
    throw Error(std::string("internal: ") + call + " called without the HDF5 lock");
}

}  // namespace chunkarr::netcdf
