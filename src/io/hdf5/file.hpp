#pragma once
// One open HDF5 file, shared by the sources of its datasets, and finding objects in it.
#include <chunkarr/io/file_snapshot.hpp>

#include "io/hdf5/library.hpp"
#include "io/hdf5/object_header.hpp"

#include <functional>
#include <memory>
#include <string>

namespace chunkarr {

class HDF5File {
public:
    // Opens `path` read-only. IOError: missing or unreadable, locked by a writer, changed while
    // being opened; FormatError: empty, not HDF5, damaged.
    explicit HDF5File(const std::string& path);
    hid_t id() const { return id_.get(); }
    const std::string& path() const { return path_; }
    // The file as it was before HDF5 read its metadata. HDF5 shares one open file (and its
    // metadata cache) among all opens of it in a process: while another HDF5File of the same
    // file lives, this is that one's snapshot, the older.
    const FileSnapshot& snapshot() const { return *snapshot_; }

private:
    std::string path_;
    std::shared_ptr<const FileSnapshot> snapshot_;
    hdf5::Handle id_;
};

namespace hdf5 {

// Opens the object at `path` (absolute), with errors that say which part of the path is
// missing (KeyError) or cannot be read (IOError: a damaged group on the way).
Handle open_object(const HDF5File& file, const std::string& path);

// The relative address of an object's header (which object it is, whatever its path).
haddr_t object_header_address(const Where& at, hid_t object);

// How the file that `location` belongs to stores addresses (its superblock: H5Pget_sizes,
// H5Pget_userblock, H5Pget_istore_k), for the readers of its raw bytes.
HDF5Addressing file_addressing(const Where& at, hid_t location);

// Calls `visit(path, dataset)` for every dataset under `group`, recursively, and
// `unreadable(path, reason)` for every object on the way that cannot be read: a group that
// cannot be listed (damaged heap, B-tree or object header), links whose names cannot be read,
// an object that cannot be opened (damaged object header), a soft or external link that leads
// nowhere. Nothing is left out without a word. Paths start at `prefix` ("" for the root).
void visit_datasets(const Where& at, hid_t group, const std::string& prefix,
                    const std::function<void(const std::string&, hid_t)>& visit,
                    const std::function<void(const std::string& path, const std::string& reason)>& unreadable);

}  // namespace hdf5
}  // namespace chunkarr
