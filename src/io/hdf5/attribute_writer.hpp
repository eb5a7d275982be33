#pragma once
// Writing attributes to an HDF5 object, as h5py writes them: a number as a scalar (several as a
// 1-d array) of the type it was read as, a string as a variable-length UTF-8 scalar.
#include <chunkarr/io/attributes.hpp>

#include "io/hdf5/library.hpp"

namespace chunkarr::hdf5 {

// Writes every attribute of `attributes` to `object` (a dataset, group or file: its root
// group); `at` names the object in errors. Needs the lock.
void write_attributes(const Where& at, hid_t object, const Attributes& attributes);

}  // namespace chunkarr::hdf5
