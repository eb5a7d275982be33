#include "io/hdf5/attribute_writer.hpp"

#include "io/hdf5/types.hpp"

#include <vector>

namespace chunkarr::hdf5 {

namespace {

void write_numbers(const Where& at, hid_t object, const char* name, const std::vector<long double>& numbers,
                   DType stored_as) {
    Handle type = file_type(at, stored_as);
    Handle space;
    if (numbers.size() == 1) {
        space = Handle(CHUNKARR_H5(at, H5Screate, H5S_SCALAR));
    } else {
        const hsize_t count = numbers.size();
        space = Handle(CHUNKARR_H5(at, H5Screate_simple, 1, &count, nullptr));
    }
    Handle attribute(CHUNKARR_H5(at, H5Acreate2, object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
    // The numbers are held as long double (exact for every int64): HDF5 converts them.
    if (!numbers.empty()) CHUNKARR_H5(at, H5Awrite, attribute.get(), H5T_NATIVE_LDOUBLE, numbers.data());
}

void write_string(const Where& at, hid_t object, const char* name, const std::string& text) {
    Handle type(CHUNKARR_H5(at, H5Tcopy, H5T_C_S1));
    CHUNKARR_H5(at, H5Tset_size, type.get(), H5T_VARIABLE);
    CHUNKARR_H5(at, H5Tset_cset, type.get(), H5T_CSET_UTF8);
    Handle space(CHUNKARR_H5(at, H5Screate, H5S_SCALAR));
    Handle attribute(CHUNKARR_H5(at, H5Acreate2, object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
    const char* data = text.c_str();
    CHUNKARR_H5(at, H5Awrite, attribute.get(), type.get(), &data);
}

}  // namespace

void write_attributes(const Where& at, hid_t object, const Attributes& attributes) {
    for (const auto& [name, value] : attributes.all()) {
        const Where where{at.file, at.object, name};
        if (const auto* text = std::get_if<std::string>(&value)) write_string(where, object, name.c_str(), *text);
        else
            write_numbers(where, object, name.c_str(), std::get<std::vector<long double>>(value),
                          attributes.number_type(name).value_or(DType::Float64));
    }
}

}  // namespace chunkarr::hdf5
