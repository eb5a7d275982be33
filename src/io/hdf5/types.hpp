#pragma once
// HDF5 datatypes and dataspaces as chunkarr sees them: which types it computes with (numpy
// dtypes), the machine types it reads them into, the file types it writes, how `chunkarr info`
// names the others, and dataspace extents.
#include <chunkarr/core/dtype.hpp>
#include <chunkarr/core/shape.hpp>

#include "io/hdf5/library.hpp"

#include <cstddef>
#include <optional>
#include <string>

namespace chunkarr::hdf5 {

// The numpy dtype of an HDF5 type, or nullopt for types chunkarr cannot compute with.
std::optional<DType> numeric_dtype(const Where& at, hid_t type);
// The machine's full-width type for a dtype (a library constant: not to be closed).
hid_t native_memory_type(DType dtype);
// What H5Dread converts a dataset of file type `type` and numeric_dtype `dtype` into: the
// machine's full-width type of `dtype`; h5py's bool enum stays an enum, a bitfield a bitfield.
Handle memory_type_for(const Where& at, hid_t type, DType dtype);
// The HDF5 file type chunkarr writes for a dtype (bool: an int8 enum, the way h5py writes it).
Handle file_type(const Where& at, DType dtype);
// What `chunkarr info` calls a type numeric_dtype() refuses: "string", "compound", ...
std::string type_description(const Where& at, hid_t type);
// Why a dataset of the type described so (type_description) is not read: "holds float128
// numbers; ..." for numbers no DType holds, "has string type; ..." for the rest.
std::string not_computable_reason(const std::string& description, bool numbers);
// Types whose stored bytes are the machine's values, possibly byte-swapped: IEEE floats,
// integers and bitfields without padding bits (h5py's bool enum included).
bool plain_numeric_type(const Where& at, hid_t type);
// Whether a number type's bits lie inside its bytes: an integer's offset and precision, a
// floating-point type's sign, exponent and mantissa (apart, too); true for other types, and an
// enum's base type is looked at. A type that breaks this is a damaged datatype message: HDF5
// converts its values to garbage (differently for each memory type), h5py refuses some.
bool valid_number_layout(const Where& at, hid_t type);
// Bytes per element of `type`; IOError, never 0, when HDF5 cannot say.
std::size_t type_size(const Where& at, hid_t type);

// The extent of a simple dataspace (empty for a scalar one).
Shape dataspace_shape(const Where& at, hid_t space);

}  // namespace chunkarr::hdf5
