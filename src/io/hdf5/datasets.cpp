#include <chunkarr/io/hdf5/datasets.hpp>

#include "io/hdf5/file.hpp"
#include "io/hdf5/layout.hpp"
#include "io/hdf5/netcdf4.hpp"
#include "io/hdf5/types.hpp"

#include <algorithm>

namespace chunkarr {

std::vector<HDF5DatasetInfo> list_hdf5_datasets(const std::string& file_path) {
    HDF5File file(file_path);
    hdf5::Lock lock;
    std::vector<HDF5DatasetInfo> result;
    hdf5::visit_datasets(Where{file_path}, file.id(), "", 0, [&](const std::string& path, hid_t dataset) {
        const Where at{file_path, path};
        HDF5DatasetInfo info;
        info.path = path;
        hdf5::Handle type(CHUNKARR_H5(at, H5Dget_type, dataset));
        hdf5::Handle space(CHUNKARR_H5(at, H5Dget_space, dataset));
        info.shape = hdf5::dataspace_shape(at, space.get());
        const auto dtype = hdf5::numeric_dtype(at, type.get());
        info.dtype = dtype ? std::string(dtype_name(*dtype)) : hdf5::type_description(at, type.get());
        if (dtype) info.byte_order = CHUNKARR_H5(at, H5Tget_order, type.get()) == H5T_ORDER_BE ? '>' : '<';
        const hdf5::Layout layout = hdf5::read_layout(at, dataset);
        info.layout = layout.name;
        info.chunks = layout.chunks;
        info.filters = layout.filters;
        const hssize_t points = CHUNKARR_H5(at, H5Sget_simple_extent_npoints, space.get());
        info.nbytes = static_cast<std::uint64_t>(points) * hdf5::type_size(at, type.get());
        info.storage_bytes = CHUNKARR_H5(at, H5Dget_storage_size, dataset);
        info.netcdf_dimension_only = hdf5::is_netcdf_dimension_only(at, dataset);
        result.push_back(std::move(info));
    });
    std::sort(result.begin(), result.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return result;
}

std::vector<std::string> numeric_hdf5_datasets(const std::string& file_path) {
    std::vector<std::string> paths;
    for (const auto& info : list_hdf5_datasets(file_path))
        if (parse_dtype(info.dtype) && !info.netcdf_dimension_only) paths.push_back(info.path);
    return paths;
}

}  // namespace chunkarr
