#include "io/hdf5/attributes.hpp"

#include <chunkarr/core/error.hpp>

#include "io/hdf5/header_check.hpp"
#include "io/hdf5/types.hpp"

#include <cstring>
#include <vector>

namespace chunkarr::hdf5 {

namespace {

// Reads attribute `name` of `location` into `attributes`, if it is one chunkarr keeps.
void read_attribute(const Where& object, hid_t location, const char* name, Attributes& attributes) {
    const auto opened = CHUNKARR_H5_TRY(H5Aopen, location, name, H5P_DEFAULT);
    if (!opened.ok()) return;
    Handle attribute(opened.value);
    const Where at{object.file, object.object, name};
    Handle type(CHUNKARR_H5(at, H5Aget_type, attribute.get()));
    Handle space(CHUNKARR_H5(at, H5Aget_space, attribute.get()));
    const H5T_class_t type_class = CHUNKARR_H5(at, H5Tget_class, type.get());
    const hssize_t count = CHUNKARR_H5(at, H5Sget_simple_extent_npoints, space.get());
    // HDF5 would convert a damaged number type to other numbers: a _FillValue that no longer
    // matches, a scale_factor off by powers of two.
    if (!valid_number_layout(at, type.get()))
        throw FormatError(at.text() + " has a number type whose bits do not fit its " +
                          std::to_string(type_size(at, type.get())) + " bytes (damaged datatype)");
    // A value HDF5 cannot convert to ours is left out, like the kinds we do not keep.
    if (type_class == H5T_INTEGER || type_class == H5T_FLOAT) {
        std::vector<long double> values(static_cast<std::size_t>(count));
        if (count > 0 && !CHUNKARR_H5_TRY(H5Aread, attribute.get(), H5T_NATIVE_LDOUBLE, values.data()).ok()) return;
        // Numbers no DType holds (float128) count as float64 where their type matters.
        attributes.set(name, std::move(values), numeric_dtype(at, type.get()).value_or(DType::Float64));
    } else if (type_class == H5T_STRING && count == 1) {
        if (CHUNKARR_H5(at, H5Tis_variable_str, type.get()) > 0) {
            Handle memtype(CHUNKARR_H5(at, H5Tcopy, H5T_C_S1));
            CHUNKARR_H5(at, H5Tset_size, memtype.get(), H5T_VARIABLE);
            // HDF5 does not convert between ASCII and UTF-8 (h5py writes UTF-8): read as stored.
            CHUNKARR_H5(at, H5Tset_cset, memtype.get(), CHUNKARR_H5(at, H5Tget_cset, type.get()));
            char* text = nullptr;
            if (CHUNKARR_H5_TRY(H5Aread, attribute.get(), memtype.get(), &text).ok() && text) {
                attributes.set(name, std::string(text));
                CHUNKARR_H5(at, H5free_memory, text);
            }
        } else {
            const std::size_t size = CHUNKARR_H5(at, H5Tget_size, type.get());
            std::string text(size, '\0');
            Handle memtype(CHUNKARR_H5(at, H5Tcopy, H5T_C_S1));
            CHUNKARR_H5(at, H5Tset_size, memtype.get(), size);
            CHUNKARR_H5(at, H5Tset_cset, memtype.get(), CHUNKARR_H5(at, H5Tget_cset, type.get()));
            if (CHUNKARR_H5_TRY(H5Aread, attribute.get(), memtype.get(), text.data()).ok()) {
                text.resize(std::strlen(text.c_str()));
                attributes.set(name, text);
            }
        }
    }
}

// H5Aiterate2's callback only collects the names: the attributes are read after it returns, so
// that a failure can throw without unwinding through libhdf5.
herr_t collect_name(hid_t, const char* name, const H5A_info_t*, void* data) {
    try {
        static_cast<std::vector<std::string>*>(data)->emplace_back(name);
        return 0;
    } catch (...) {
        return -1;
    }
}

}  // namespace

Attributes read_attributes(const Where& at, hid_t object) {
    check_attribute_heaps(at, object);
    std::vector<std::string> names;
    CHUNKARR_H5(at, H5Aiterate2, object, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_name, &names);
    Attributes attributes;
    for (const auto& name : names) read_attribute(at, object, name.c_str(), attributes);
    return attributes;
}

std::string read_string_attribute(const Where& at, hid_t object, const char* name) {
    if (CHUNKARR_H5((Where{at.file, at.object, name}), H5Aexists, object, name) <= 0) return {};
    check_attribute_heaps(at, object);
    Attributes attributes;
    read_attribute(at, object, name, attributes);
    const auto it = attributes.all().find(name);
    if (it == attributes.all().end()) return {};
    const auto* text = std::get_if<std::string>(&it->second);
    return text ? *text : std::string{};
}

}  // namespace chunkarr::hdf5
