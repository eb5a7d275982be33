#pragma once
// Writing test files with the HDF5 C API directly (independent of chunkarr's own writer).
#include <cstdint>
#include <filesystem>
#include <hdf5.h>
#include <optional>
#include <string>
#include <vector>

namespace test_support {

struct DatasetSpec {
    std::vector<hsize_t> shape{};
    std::optional<std::vector<hsize_t>> chunks{};  // none: contiguous
    bool compact = false;
    int gzip = 0;  // level, 0: none
    bool shuffle = false;
    bool fletcher32 = false;
    bool fletcher32_first = false;       // checksum before shuffle/deflate (h5py puts it last)
    hid_t file_type = -1;                // defaults to the memory type (native order)
    std::optional<double> fill_value{};  // HDF5 dataset fill value (as double)
    bool write = true;                   // false: leave every chunk unallocated
};

// Creates/overwrites `file` if `truncate`, else opens it read-write, and writes `data`
// (memory type `memory_type`) at `path`, creating groups.
void write_dataset(const std::string& file, const std::string& path, hid_t memory_type, const void* data,
                   const DatasetSpec& spec, bool truncate = false);
// Writes a scalar or 1-d double attribute.
void write_attribute(const std::string& file, const std::string& path, const std::string& name,
                     const std::vector<double>& values, hid_t file_type = H5T_NATIVE_DOUBLE);
// The (relative) address of a dataset's object header, as HDF5 reports it.
haddr_t object_header_address(const std::string& file, const std::string& path);
// A fresh path under the system temp directory, removed by the destructor.
class TempFile {
public:
    explicit TempFile(const std::string& name);
    ~TempFile();
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace test_support
