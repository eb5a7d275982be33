#pragma once
// Reading a NetCDF file's metadata through libnetcdf: the open file, finding a variable in its
// groups, and describing one variable with its attributes. Callers hold the lock.
#include <chunkarr/io/netcdf/metadata.hpp>

#include "io/netcdf/library.hpp"

#include <string>
#include <utility>
#include <vector>

namespace chunkarr::netcdf {

// A file open read-only, closed when destroyed.
class File {
public:
    // FormatError when libnetcdf cannot open `path`, and, for a classic file, when its header
    // is cut short or some variable's bytes lie past the end of the file (classic_layout.hpp).
    explicit File(std::string path);
    ~File();
    File(const File&) = delete;
    File& operator=(const File&) = delete;

    int id() const { return ncid_; }
    const std::string& path() const { return path_; }
    // Hands the open id to the caller, who closes it.
    int release() { return std::exchange(ncid_, -1); }

private:
    std::string path_;
    int ncid_ = -1;
};

// The group id and variable id of `variable` ("/grp/var", "var"); KeyError when absent.
std::pair<int, int> find_variable(const File& file, const std::string& variable);
// Variable `varid` of group `ncid`, whose path is `group_prefix` ("" for the root).
NetCDFVariable describe_variable(const File& file, int ncid, int varid, const std::string& group_prefix);
// Ids of the unlimited dimensions declared in group `ncid` (not in its parents).
std::vector<int> unlimited_dimension_ids(const Where& at, int ncid);
// The attributes of variable `varid` of group `ncid` (NC_GLOBAL: the group's); `at` names it.
Attributes read_attributes(const Where& at, int ncid, int varid);

}  // namespace chunkarr::netcdf
