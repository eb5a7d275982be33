#pragma once
// What HDF5 1.10 crashes or hangs on in a damaged file, refused before it does. On open: a chunked
// Data Layout message with a chunk dimension of 0, or with no dimensions at all, which HDF5
// divides by (SIGFPE; a bit flip that turns a version-3 message into a version-1 one reads its
// padding as chunk dimensions, another zeroes the dimensionality). The message is read from
// the file's bytes (io/hdf5/object_header.hpp): nothing is opened.
#include "io/hdf5/library.hpp"

#include <string>

namespace chunkarr::hdf5 {

// FormatError when the object `name` (relative to `location`) is a dataset with such a layout
// message. Anything else passes, a header that does not parse here too: HDF5 judges those when
// it opens them. Needs the lock.
void check_layout_before_open(const Where& at, hid_t location, const std::string& name);

// FormatError when a variable-length attribute of the open `object` (a string, NetCDF-4's
// DIMENSION_LIST) points into a damaged global heap collection (io/hdf5/global_heap.hpp), on
// which libhdf5 1.10 loops forever or reads past the collection. Call before reading the
// object's attributes or its dimension scales. Attributes in dense storage (a fractal heap,
// for objects with many attributes) are not followed. Needs the lock.
void check_attribute_heaps(const Where& at, hid_t object);

// The same for every object of the HDF5 file `path` that H5Ovisit reaches, before libnetcdf
// opens it as NetCDF-4 (libnetcdf reads every variable's DIMENSION_LIST and its string
// attributes through libhdf5): FormatError naming the first such object. Takes the lock.
void check_attribute_heaps_of_file(const std::string& path);

}  // namespace chunkarr::hdf5
