#pragma once
// One open HDF5 file, shared by the sources of its datasets, and finding objects in it.
#include "io/hdf5/library.hpp"

#include <functional>
#include <string>

namespace chunkarr {

class HDF5File {
public:
    // Opens `path` read-only. IOError: missing or unreadable; FormatError: empty, not HDF5,
    // damaged.
    explicit HDF5File(const std::string& path);
    hid_t id() const { return id_.get(); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
    hdf5::Handle id_;
};

namespace hdf5 {

// Opens the object at `path` (absolute), with errors that say which part of the path is
// missing (KeyError).
Handle open_object(const HDF5File& file, const std::string& path);

// Calls `visit(path, dataset)` for every dataset under `group`, recursively. What cannot be
// reached (a dangling soft or external link, an unreadable group) is left out.
void visit_datasets(const Where& at, hid_t group, const std::string& prefix, int depth,
                    const std::function<void(const std::string&, hid_t)>& visit);

}  // namespace hdf5
}  // namespace chunkarr
