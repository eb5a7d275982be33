#pragma once
// What HDF5 1.10 crashes on while it opens a damaged dataset, refused before it does: a chunked
// Data Layout message with a chunk dimension of 0, or with no dimensions at all, which HDF5
// divides by (SIGFPE; a bit flip that turns a version-3 message into a version-1 one reads its
// padding as chunk dimensions, another zeroes the dimensionality). The message is read from
// the file's bytes (io/hdf5/chunk_btree.hpp finds it): nothing is opened.
#include "io/hdf5/library.hpp"

#include <string>

namespace chunkarr::hdf5 {

// FormatError when the object `name` (relative to `location`) is a dataset with such a layout
// message. Anything else passes, a header that does not parse here too: HDF5 judges those when
// it opens them. Needs the lock.
void check_layout_before_open(const Where& at, hid_t location, const std::string& name);

}  // namespace chunkarr::hdf5
