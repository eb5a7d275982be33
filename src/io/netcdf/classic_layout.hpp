#pragma once
// Where the bytes of each variable of a classic NetCDF file lie (CDF-1, CDF-2 with 64-bit
// offsets, CDF-5 with 64-bit data), from chunkarr's own reading of the header. libnetcdf
// neither says where they are nor checks them against the file's size: a header whose record
// count has one bit flipped streams gigabytes of zeros, and a truncated file reads as zeros.
// netcdf::File checks the layout once, before libnetcdf opens the file.
#include <cstdint>
#include <string>
#include <vector>

namespace chunkarr::netcdf {

struct ClassicVariable {
    std::string name;
    std::uint64_t begin = 0;  // offset of its first byte (of record 0 for a record variable)
    std::uint64_t bytes = 0;  // of one record for a record variable, of all of it otherwise
    bool record = false;
};

struct ClassicLayout {
    int version = 1;                         // 1, 2 (64-bit offsets) or 5 (64-bit data)
    std::uint64_t file_bytes = 0;            // the size of the file when it was read
    std::uint64_t header_bytes = 0;          // the header's own length
    std::uint64_t numrecs = 0;               // records, as the header says
    std::uint64_t record_bytes = 0;          // one record of every record variable (libnetcdf's recsize)
    std::vector<ClassicVariable> variables;  // in header order
};

// The layout of the classic file `path`. FormatError naming the file when the header is cut
// short by the end of the file or does not follow the format:
//     data.nc: the NetCDF header needs bytes 40-47 but the file ends at 44
ClassicLayout read_classic_layout(const std::string& path);

// FormatError when some variable's bytes lie past the end of the file, naming the first one:
//     data.nc: variable /v needs bytes 80-4079 but the file ends at 1020
void check_classic_layout(const std::string& path, const ClassicLayout& layout);

}  // namespace chunkarr::netcdf
