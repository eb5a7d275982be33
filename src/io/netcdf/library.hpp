#pragma once
// The checked libnetcdf wrapper (as netcdf-cxx4's ncCheck): every nc_* call in io/ goes through
// CHUNKARR_NC, or CHUNKARR_NC_TRY where a failure is an answer (no such group or variable). A
// failing call throws IOError naming the file, the object and the call,
//     data.nc:/t2m: nc_inq_var failed: NetCDF: Not a valid ID
// Calls take the HDF5 lock (libnetcdf is not thread-safe and calls libhdf5 for NetCDF-4), and
// refuse to run without it.
//
//     netcdf::Lock lock;
//     const Where at{path, "/t2m"};
//     CHUNKARR_NC(at, nc_inq_varndims, ncid, varid, &ndims);
//     const auto found = CHUNKARR_NC_TRY(nc_inq_varid, ncid, "t2m", &varid);
//     if (!found.ok()) throw KeyError(found.message(at));   // "...: nc_inq_varid failed: ..."
#include "io/hdf5/lock.hpp"
#include "io/where.hpp"

#include <netcdf.h>
#include <string>
#include <utility>

namespace chunkarr::netcdf {

using hdf5::Lock;

// "nc_inq_var failed: <nc_strerror(status)>".
std::string failure_text(const char* call, int status);
// Throws IOError("<where>: <call> failed: <nc_strerror(status)>").
[[noreturn]] void throw_failure(const Where& where, const char* call, int status);
// A call without the lock is a bug in chunkarr: throws Error saying which call.
[[noreturn]] void throw_unlocked(const char* call);

// What CHUNKARR_NC_TRY returns.
struct Tried {
    int status;
    const char* call;

    bool ok() const { return status == NC_NOERR; }
    std::string what() const { return failure_text(call, status); }
    std::string message(const Where& where) const { return where.text() + ": " + what(); }
};

template <class F, class... A> void checked_call(const Where& where, const char* call, F function, A&&... args) {
    if (!hdf5::lock_held()) throw_unlocked(call);
    const int status = function(std::forward<A>(args)...);
    if (status != NC_NOERR) throw_failure(where, call, status);
}

template <class F, class... A> Tried try_call(const char* call, F function, A&&... args) {
    if (!hdf5::lock_held()) throw_unlocked(call);
    return Tried{function(std::forward<A>(args)...), call};
}

}  // namespace chunkarr::netcdf

// The checked call: CHUNKARR_NC(where, nc_inq_var, ncid, varid, ...) returns when nc_inq_var
// succeeds and throws IOError naming `where` and "nc_inq_var" otherwise.
#define CHUNKARR_NC(where, function, ...) ::chunkarr::netcdf::checked_call((where), #function, function, __VA_ARGS__)
// The call whose failure is an answer: returns netcdf::Tried instead of throwing.
#define CHUNKARR_NC_TRY(function, ...) ::chunkarr::netcdf::try_call(#function, function, __VA_ARGS__)
