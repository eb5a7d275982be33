#pragma once
// Writes arrays into a new HDF5 or NetCDF-4 file atomically: everything goes to a temporary file
// beside the target, which replaces the target only when commit() succeeds. Destroying an
// uncommitted sink deletes the temporary file, so an error leaves no half-written output and an
// existing file untouched.
//
// Datasets are declared first (define), then filled: whole (write) or one stored chunk at a time
// with bytes already filtered by the caller (write_chunk: HDF5's direct chunk write, so the
// compression can run on other threads). The dataset's creation properties name the same
// filters, so any HDF5 reader decodes the chunks. A NetCDF-4 sink lets libnetcdf lay out the
// metadata (dimensions, dimension scales, _NCProperties) and writes the data through HDF5.
#include <chunkarr/core/ndarray.hpp>

#include "io/dataset_spec.hpp"
#include "io/hdf5/library.hpp"

#include <memory>
#include <string>
#include <vector>

namespace chunkarr {

namespace netcdf {
class SinkLayout;
}

enum class SinkFormat { HDF5, NetCDF4 };

class HDF5Sink {
public:
    explicit HDF5Sink(std::string target_path, SinkFormat format = SinkFormat::HDF5);
    ~HDF5Sink();
    HDF5Sink(const HDF5Sink&) = delete;
    HDF5Sink& operator=(const HDF5Sink&) = delete;

    const std::string& target() const { return target_; }
    SinkFormat format() const { return format_; }

    // Declares a dataset; returns its id for write()/write_chunk(). A NetCDF-4 sink takes every
    // definition before the first write.
    int define(const DatasetSpec& spec);
    // Sets attributes of the file's root group (global attributes); before the first write.
    void set_file_attributes(const Attributes& attributes);
    // Writes all values of dataset `id` (HDF5 applies the filters).
    void write(int id, const NDArray& values);
    // Writes one stored chunk: `bytes` are the full (edge chunks padded) chunk after the filters
    // of the dataset; `offset` is the chunk's first element. Takes the HDF5 lock.
    void write_chunk(int id, const std::vector<Index>& offset, const std::byte* bytes, std::size_t size,
                     unsigned filter_mask = 0);
    // define() + write(), contiguous and unfiltered (small results).
    void write(const std::string& dataset_path, const NDArray& array);
    void commit();
    // Ends the definitions (NetCDF-4: closes libnetcdf, reopens the file with HDF5). Called by
    // the first write; call it before handing writes to another thread.
    void open_for_data();

private:
    std::string target_;
    std::string temporary_;
    SinkFormat format_;
    hdf5::Handle file_;
    std::unique_ptr<netcdf::SinkLayout> netcdf_;  // NetCDF-4, until open_for_data()
    bool writing_ = false;
    std::vector<DatasetSpec> specs_;
    std::vector<hdf5::Handle> datasets_;
    bool committed_ = false;
};

}  // namespace chunkarr
