#pragma once
// The one process-wide lock around libhdf5 and libnetcdf (libhdf5 is not safe to call from
// several threads unless built thread-safe, and even then it serialises internally; libnetcdf
// calls libhdf5 for NetCDF-4). It is taken for metadata and the chunk index only: the hot path
// preads raw chunks without it. Apart from the rest of the wrapper so that code which only
// needs the lock does not need <hdf5.h>.
#include <mutex>

namespace chunkarr::hdf5 {

// Hold this while calling any H5* or nc_* function.
std::recursive_mutex& library_mutex();

// Takes the lock; the first time on a thread, also switches HDF5's own error printing off (it
// is per thread in thread-safe builds): failures become exceptions instead.
class Lock {
public:
    Lock();
    ~Lock();
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;

private:
    std::lock_guard<std::recursive_mutex> guard_;
};

// Whether this thread holds the lock (the checked calls refuse to run without it).
bool lock_held();

}  // namespace chunkarr::hdf5
