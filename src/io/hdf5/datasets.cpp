#include <chunkarr/core/error.hpp>
#include <chunkarr/io/hdf5/datasets.hpp>

#include "io/hdf5/file.hpp"
#include "io/hdf5/layout.hpp"
#include "io/hdf5/netcdf4.hpp"
#include "io/hdf5/types.hpp"

#include <algorithm>

namespace chunkarr {

namespace {

HDF5DatasetInfo describe_dataset(const Where& at, hid_t dataset) {
    HDF5DatasetInfo info;
    info.path = std::string(at.object);
    hdf5::Handle type(CHUNKARR_H5(at, H5Dget_type, dataset));
    hdf5::Handle space(CHUNKARR_H5(at, H5Dget_space, dataset));
    info.shape = hdf5::dataspace_shape(at, space.get());
    const auto dtype = hdf5::numeric_dtype(at, type.get());
    const bool widened = dtype && itemsize(*dtype) != hdf5::type_size(at, type.get());  // float16
    info.dtype = dtype && !widened ? std::string(dtype_name(*dtype)) : hdf5::type_description(at, type.get());
    if (dtype) info.computed_dtype = std::string(dtype_name(*dtype));
    const H5T_class_t type_class = CHUNKARR_H5(at, H5Tget_class, type.get());
    info.numbers = dtype || type_class == H5T_INTEGER || type_class == H5T_FLOAT;
    if (dtype) info.byte_order = CHUNKARR_H5(at, H5Tget_order, type.get()) == H5T_ORDER_BE ? '>' : '<';
    const hdf5::Layout layout = hdf5::read_layout(at, dataset);
    info.layout = layout.name;
    info.chunks = layout.chunks;
    info.filters = layout.filters;
    const hssize_t points = CHUNKARR_H5(at, H5Sget_simple_extent_npoints, space.get());
    info.nbytes = static_cast<std::uint64_t>(points) * hdf5::type_size(at, type.get());
    info.storage_bytes = CHUNKARR_H5(at, H5Dget_storage_size, dataset);
    info.netcdf_dimension_only = hdf5::is_netcdf_dimension_only(at, dataset);
    return info;
}

}  // namespace

std::vector<HDF5DatasetInfo> list_hdf5_datasets(const std::string& file_path) {
    HDF5File file(file_path);
    hdf5::Lock lock;
    std::vector<HDF5DatasetInfo> result;
    auto unreadable = [&](const std::string& path, const std::string& message) {
        HDF5DatasetInfo info;
        info.path = path;
        info.error = message;
        result.push_back(std::move(info));
    };
    hdf5::visit_datasets(
        Where{file_path}, file.id(), "",
        [&](const std::string& path, hid_t dataset) {
            try {
                result.push_back(describe_dataset(Where{file_path, path}, dataset));
            } catch (const Error& e) {
                unreadable(path, e.what());
            }
        },
        unreadable);
    // What HDF5 read while another process wrote the file may be neither version.
    file.snapshot().check_unchanged();
    std::sort(result.begin(), result.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return result;
}

}  // namespace chunkarr
