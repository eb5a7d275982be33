#pragma once
// Writes result arrays into a new HDF5 file atomically: everything goes to a temporary file
// beside the target, which replaces the target only when commit() succeeds. Destroying an
// uncommitted sink deletes the temporary file, so an error leaves no half-written output and an
// existing file untouched.
#include <chunkarr/core/ndarray.hpp>
#include <chunkarr/io/hdf5_library.hpp>

#include <string>

namespace chunkarr {

class HDF5Sink {
public:
    explicit HDF5Sink(std::string target_path);
    ~HDF5Sink();
    HDF5Sink(const HDF5Sink&) = delete;
    HDF5Sink& operator=(const HDF5Sink&) = delete;

    void write(const std::string& dataset_path, const NDArray& array);
    void commit();

private:
    std::string target_;
    std::string temporary_;
    hdf5::Handle file_;
    bool committed_ = false;
};

}  // namespace chunkarr
