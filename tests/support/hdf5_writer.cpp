#include "support/hdf5_writer.hpp"

#include <stdexcept>
#include <unistd.h>

namespace test_support {

void write_dataset(const std::string& file, const std::string& path, hid_t memory_type, const void* data,
                   const DatasetSpec& spec, bool truncate) {
    hid_t f = truncate || !std::filesystem::exists(file)
                  ? H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)
                  : H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    if (f < 0) throw std::runtime_error("test: cannot open " + file);
    hid_t space = spec.shape.empty()
                      ? H5Screate(H5S_SCALAR)
                      : H5Screate_simple(static_cast<int>(spec.shape.size()), spec.shape.data(), nullptr);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (spec.chunks) {
        H5Pset_chunk(dcpl, static_cast<int>(spec.chunks->size()), spec.chunks->data());
        if (spec.fletcher32 && spec.fletcher32_first) H5Pset_fletcher32(dcpl);
        if (spec.shuffle) H5Pset_shuffle(dcpl);
        if (spec.gzip) H5Pset_deflate(dcpl, static_cast<unsigned>(spec.gzip));
        if (spec.fletcher32 && !spec.fletcher32_first) H5Pset_fletcher32(dcpl);
    } else if (spec.compact) {
        H5Pset_layout(dcpl, H5D_COMPACT);
    }
    if (spec.fill_value) H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &*spec.fill_value);
    H5Pset_fill_time(dcpl, H5D_FILL_TIME_IFSET);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    const hid_t file_type = spec.file_type >= 0 ? spec.file_type : memory_type;
    hid_t d = H5Dcreate2(f, path.c_str(), file_type, space, lcpl, dcpl, H5P_DEFAULT);
    if (d < 0) throw std::runtime_error("test: cannot create " + path);
    if (spec.write && H5Dwrite(d, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        throw std::runtime_error("test: cannot write " + path);
    H5Dclose(d);
    H5Pclose(lcpl);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(f);
}

void write_attribute(const std::string& file, const std::string& path, const std::string& name,
                     const std::vector<double>& values, hid_t file_type) {
    hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t object = H5Oopen(f, path.c_str(), H5P_DEFAULT);
    const hsize_t n = values.size();
    hid_t space = n == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr);
    hid_t a = H5Acreate2(object, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_DOUBLE, values.data());
    H5Aclose(a);
    H5Sclose(space);
    H5Oclose(object);
    H5Fclose(f);
}

TempFile::TempFile(const std::string& name)
    : path_((std::filesystem::temp_directory_path() / ("chunkarr-test-" + std::to_string(::getpid()) + "-" + name))
                .string()) {
    std::filesystem::remove(path_);
}

TempFile::~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
}

haddr_t object_header_address(const std::string& file, const std::string& path) {
    hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t dataset = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
#if H5_VERSION_GE(1, 12, 0)
    H5O_info2_t info;
    H5Oget_info3(dataset, &info, H5O_INFO_BASIC);
    haddr_t address = HADDR_UNDEF;
    H5VLnative_token_to_addr(dataset, info.token, &address);
#else
    H5O_info_t info;
    H5Oget_info2(dataset, &info, H5O_INFO_BASIC);
    const haddr_t address = info.addr;
#endif
    H5Dclose(dataset);
    H5Fclose(f);
    return address;
}

}  // namespace test_support
