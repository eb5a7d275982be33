#pragma once
// The NetCDF-4 side of HDF5Sink: libnetcdf creates the file and lays out its metadata (groups,
// dimensions and their scales, variables with their chunking and filters, _NCProperties); the
// sink then reopens the file with HDF5 and writes the data itself.
#include "io/dataset_spec.hpp"

#include <string>

namespace chunkarr::netcdf {

class SinkLayout {
public:
    // Creates the file `path` (the sink's temporary file; `target` names it in errors). IOError.
    SinkLayout(std::string path, std::string target);
    // Abandons the file unless close() succeeded.
    ~SinkLayout();
    SinkLayout(const SinkLayout&) = delete;
    SinkLayout& operator=(const SinkLayout&) = delete;

    // Declares the variable of `spec`, in groups made as needed; a dimension of the same name
    // and length is reused. Fills in spec.dimensions. ValueError for what NetCDF-4 cannot hold.
    void define(DatasetSpec& spec);
    // Puts attributes on the root group (global attributes).
    void put_file_attributes(const Attributes& attributes);
    // Writes the metadata and closes the file. IOError.
    void close();

private:
    std::string path_;
    std::string target_;
    int ncid_ = -1;
};

}  // namespace chunkarr::netcdf
