#include "io/hdf5/types.hpp"

#include <chunkarr/core/error.hpp>

#include <cstdint>
#include <vector>

namespace chunkarr::hdf5 {

std::size_t type_size(const Where& at, hid_t type) {
    const std::size_t size = CHUNKARR_H5(at, H5Tget_size, type);
    if (size == 0) throw IOError(at.text() + ": H5Tget_size failed: a type of 0 bytes");
    return size;
}

std::optional<DType> numeric_dtype(const Where& at, hid_t type) {
    const H5T_class_t type_class = CHUNKARR_H5(at, H5Tget_class, type);
    const std::size_t size = type_size(at, type);
    if (type_class == H5T_ENUM) {
        // h5py stores bool as an int8 enum {FALSE = 0, TRUE = 1}.
        if (CHUNKARR_H5(at, H5Tget_nmembers, type) == 2 && size == 1) {
            auto member_name = [&](unsigned member) {
                char* name = CHUNKARR_H5(at, H5Tget_member_name, type, member);
                const std::string text(name);
                CHUNKARR_H5(at, H5free_memory, name);
                return text;
            };
            const std::string first = member_name(0), second = member_name(1);
            if (first == "FALSE" && second == "TRUE") return DType::Bool;
        }
        Handle base(CHUNKARR_H5(at, H5Tget_super, type));
        return numeric_dtype(at, base.get());
    }
    if (type_class == H5T_BITFIELD) {
        // As h5py reads them (PyTables stores booleans as 8-bit bitfields): unsigned integers.
        switch (size) {
            case 1: return DType::UInt8;
            case 2: return DType::UInt16;
            case 4: return DType::UInt32;
            case 8: return DType::UInt64;
            default: return std::nullopt;
        }
    }
    if (type_class == H5T_INTEGER) {
        const bool is_signed = CHUNKARR_H5(at, H5Tget_sign, type) == H5T_SGN_2;
        switch (size) {
            case 1: return is_signed ? DType::Int8 : DType::UInt8;
            case 2: return is_signed ? DType::Int16 : DType::UInt16;
            case 4: return is_signed ? DType::Int32 : DType::UInt32;
            case 8: return is_signed ? DType::Int64 : DType::UInt64;
            default: return std::nullopt;
        }
    }
    if (type_class == H5T_FLOAT) {
        // Half precision as h5py's float16, widened (exactly) to float32 by HDF5 while it reads:
        // chunkarr computes in float32 and float64 only.
        if (size == 2 || size == 4) return DType::Float32;
        if (size == 8) return DType::Float64;
    }
    return std::nullopt;
}

hid_t native_memory_type(DType dtype) {
    switch (dtype) {
        case DType::Bool:
        case DType::Int8: return H5T_NATIVE_INT8;
        case DType::Int16: return H5T_NATIVE_INT16;
        case DType::Int32: return H5T_NATIVE_INT32;
        case DType::Int64: return H5T_NATIVE_INT64;
        case DType::UInt8: return H5T_NATIVE_UINT8;
        case DType::UInt16: return H5T_NATIVE_UINT16;
        case DType::UInt32: return H5T_NATIVE_UINT32;
        case DType::UInt64: return H5T_NATIVE_UINT64;
        case DType::Float32: return H5T_NATIVE_FLOAT;
        case DType::Float64: break;
    }
    return H5T_NATIVE_DOUBLE;
}

Handle memory_type_for(const Where& at, hid_t type, DType dtype) {
    switch (CHUNKARR_H5(at, H5Tget_class, type)) {
        case H5T_ENUM: return Handle(CHUNKARR_H5(at, H5Tget_native_type, type, H5T_DIR_ASCEND));
        case H5T_BITFIELD: {
            // HDF5 converts bitfields to bitfields only (byte order, padding bits).
            const hid_t native = itemsize(dtype) == 1   ? H5T_NATIVE_B8
                                 : itemsize(dtype) == 2 ? H5T_NATIVE_B16
                                 : itemsize(dtype) == 4 ? H5T_NATIVE_B32
                                                        : H5T_NATIVE_B64;
            return Handle(CHUNKARR_H5(at, H5Tcopy, native));
        }
        default: return Handle(CHUNKARR_H5(at, H5Tcopy, native_memory_type(dtype)));
    }
}

Handle file_type(const Where& at, DType dtype) {
    if (dtype == DType::Bool) {
        Handle type(CHUNKARR_H5(at, H5Tenum_create, H5T_NATIVE_INT8));
        const std::int8_t no = 0, yes = 1;
        CHUNKARR_H5(at, H5Tenum_insert, type.get(), "FALSE", &no);
        CHUNKARR_H5(at, H5Tenum_insert, type.get(), "TRUE", &yes);
        return type;
    }
    return Handle(CHUNKARR_H5(at, H5Tcopy, native_memory_type(dtype)));
}

std::string not_computable_reason(const std::string& description, bool numbers) {
    if (numbers)
        return "holds " + description +
               " numbers; chunkarr computes with 8- to 64-bit integers and 16- to 64-bit floats";
    return "has " + description + " type; chunkarr computes with numeric datasets only";
}

std::string type_description(const Where& at, hid_t type) {
    switch (CHUNKARR_H5(at, H5Tget_class, type)) {
        case H5T_STRING: return "string";
        case H5T_COMPOUND: return "compound";
        case H5T_FLOAT: return "float" + std::to_string(8 * type_size(at, type));
        case H5T_INTEGER:
            return (CHUNKARR_H5(at, H5Tget_sign, type) == H5T_SGN_2 ? "int" : "uint") +
                   std::to_string(8 * type_size(at, type));
        case H5T_VLEN: return "variable-length";
        case H5T_ARRAY: return "array";
        case H5T_OPAQUE: return "opaque";
        case H5T_REFERENCE: return "reference";
        case H5T_BITFIELD: return "bitfield";
        default: return "other";
    }
}

bool plain_numeric_type(const Where& at, hid_t type) {
    hid_t base = type;
    Handle super;
    if (CHUNKARR_H5(at, H5Tget_class, type) == H5T_ENUM) {
        super = Handle(CHUNKARR_H5(at, H5Tget_super, type));
        base = super.get();
    }
    const H5T_class_t type_class = CHUNKARR_H5(at, H5Tget_class, base);
    if (type_class == H5T_INTEGER || type_class == H5T_BITFIELD)
        return CHUNKARR_H5(at, H5Tget_precision, base) == 8 * type_size(at, base) &&
               CHUNKARR_H5(at, H5Tget_offset, base) == 0;
    if (type_class == H5T_FLOAT) {
        for (hid_t ieee : {H5T_IEEE_F32LE, H5T_IEEE_F32BE, H5T_IEEE_F64LE, H5T_IEEE_F64BE})
            if (CHUNKARR_H5(at, H5Tequal, base, ieee) > 0) return true;
    }
    return false;
}

bool valid_number_layout(const Where& at, hid_t type) {
    Handle base;
    if (CHUNKARR_H5(at, H5Tget_class, type) == H5T_ENUM) {
        base = Handle(CHUNKARR_H5(at, H5Tget_super, type));
        type = base.get();
    }
    const H5T_class_t type_class = CHUNKARR_H5(at, H5Tget_class, type);
    if (type_class != H5T_INTEGER && type_class != H5T_FLOAT) return true;
    const std::size_t bits = 8 * type_size(at, type);
    const std::size_t precision = CHUNKARR_H5(at, H5Tget_precision, type);
    const int offset = CHUNKARR_H5(at, H5Tget_offset, type);
    if (precision == 0 || static_cast<std::size_t>(offset) + precision > bits) return false;
    if (type_class == H5T_INTEGER) return true;
    std::size_t sign = 0, exponent = 0, exponent_bits = 0, mantissa = 0, mantissa_bits = 0;
    CHUNKARR_H5(at, H5Tget_fields, type, &sign, &exponent, &exponent_bits, &mantissa, &mantissa_bits);
    auto apart = [](std::size_t a, std::size_t a_bits, std::size_t b, std::size_t b_bits) {
        return a + a_bits <= b || b + b_bits <= a;
    };
    return sign < bits && exponent_bits > 0 && mantissa_bits > 0 && exponent + exponent_bits <= bits &&
           mantissa + mantissa_bits <= bits && apart(exponent, exponent_bits, mantissa, mantissa_bits) &&
           apart(sign, 1, exponent, exponent_bits) && apart(sign, 1, mantissa, mantissa_bits);
}

Shape dataspace_shape(const Where& at, hid_t space) {
    const int rank = CHUNKARR_H5(at, H5Sget_simple_extent_ndims, space);
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    if (rank > 0) CHUNKARR_H5(at, H5Sget_simple_extent_dims, space, dims.data(), nullptr);
    return Shape(dims.begin(), dims.end());
}

}  // namespace chunkarr::hdf5
