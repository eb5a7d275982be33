#pragma once
// Reading an HDF5 object's attributes: numbers (scalar or 1-d) and strings; other kinds are left
// out, as are attributes that cannot be opened or converted.
#include <chunkarr/io/attributes.hpp>

#include "io/hdf5/library.hpp"

#include <string>

namespace chunkarr::hdf5 {

// `at` names the object (for errors).
Attributes read_attributes(const Where& at, hid_t object);
// The string attribute `name` of `object`; "" when it is absent or not a string.
std::string read_string_attribute(const Where& at, hid_t object, const char* name);

}  // namespace chunkarr::hdf5
