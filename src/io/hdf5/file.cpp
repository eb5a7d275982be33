#include "io/hdf5/file.hpp"

#include <chunkarr/core/error.hpp>

#include "io/hdf5/header_check.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace chunkarr {

HDF5File::HDF5File(const std::string& path) : path_(path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec)) throw IOError("no such file: " + path);
    if (fs::is_directory(path, ec)) throw IOError(path + " is a directory, not a file");
    if (!std::ifstream(path).good()) throw IOError("cannot open " + path + ": permission denied");
    if (fs::file_size(path, ec) == 0) throw FormatError(path + " is empty, not an HDF5 file");
    hdf5::Lock lock;
    const auto is_hdf5 = CHUNKARR_H5_TRY(H5Fis_hdf5, path.c_str());
    if (!is_hdf5.ok() || is_hdf5.value == 0) throw FormatError(path + " is not an HDF5 file");
    const auto opened = CHUNKARR_H5_TRY(H5Fopen, path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (!opened.ok()) throw FormatError("cannot open " + path + " (damaged or truncated HDF5 file?): " + opened.what());
    id_ = hdf5::Handle(opened.value);
}

namespace hdf5 {

Handle open_object(const HDF5File& file, const std::string& path) {
    std::string prefix;
    std::size_t start = 1;
    while (start <= path.size()) {
        const std::size_t end = std::min(path.find('/', start), path.size());
        prefix += '/';
        prefix.append(path, start, end - start);
        // A failure here is an answer: HDF5 fails when a parent on the path is not a group.
        if (end > start) {
            const auto exists = CHUNKARR_H5_TRY(H5Lexists, file.id(), prefix.c_str(), H5P_DEFAULT);
            if (!exists.ok() || exists.value == 0)
                throw KeyError("no dataset " + path + " in " + file.path() +
                               (prefix == path ? "" : " (" + prefix + " does not exist)"));
        }
        start = end + 1;
    }
    const Where at{file.path(), path};
    check_layout_before_open(at, file.id(), path);
    return Handle(CHUNKARR_H5(at, H5Oopen, file.id(), path.c_str(), H5P_DEFAULT));
}

void visit_datasets(const Where& at, hid_t group, const std::string& prefix, int depth,
                    const std::function<void(const std::string&, hid_t)>& visit) {
    if (depth > 64) return;
    H5G_info_t info{};
    if (!CHUNKARR_H5_TRY(H5Gget_info, group, &info).ok()) return;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
        const auto length =
            CHUNKARR_H5_TRY(H5Lget_name_by_idx, group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
        if (!length.ok()) continue;
        std::string name(static_cast<std::size_t>(length.value) + 1, '\0');
        CHUNKARR_H5((Where{at.file, prefix.empty() ? "/" : prefix}), H5Lget_name_by_idx, group, ".", H5_INDEX_NAME,
                    H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
        name.resize(static_cast<std::size_t>(length.value));
        const std::string path = prefix + "/" + name;
        try {
            check_layout_before_open(Where{at.file, path}, group, name);
        } catch (const FormatError&) {
            continue;  // HDF5 would crash opening it: as unreachable as what H5Oopen refuses
        }
        const auto opened = CHUNKARR_H5_TRY(H5Oopen, group, name.c_str(), H5P_DEFAULT);
        if (!opened.ok()) continue;  // dangling soft or external link
        Handle object(opened.value);
        const H5I_type_t type = CHUNKARR_H5((Where{at.file, path}), H5Iget_type, object.get());
        if (type == H5I_GROUP) visit_datasets(at, object.get(), path, depth + 1, visit);
        else if (type == H5I_DATASET) visit(path, object.get());
    }
}

}  // namespace hdf5
}  // namespace chunkarr
