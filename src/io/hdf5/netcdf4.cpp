#include "io/hdf5/netcdf4.hpp"

#include "io/hdf5/attributes.hpp"

#include <filesystem>
#include <hdf5_hl.h>
#include <map>

namespace chunkarr::hdf5 {

bool is_netcdf4(const HDF5File& file) {
    Lock lock;
    const Where at{file.path()};
    if (CHUNKARR_H5((Where{file.path(), "/", "_NCProperties"}), H5Aexists, file.id(), "_NCProperties") > 0) return true;
    // Looking for a dimension scale visits every dataset: do it once per file (and version of
    // it), not once per variable opened.
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto stamp = fs::last_write_time(file.path(), ec).time_since_epoch().count();
    const std::string key =
        file.path() + "|" + std::to_string(stamp) + "|" + std::to_string(fs::file_size(file.path(), ec));
    static std::map<std::string, bool> known;  // guarded by the library lock
    if (auto it = known.find(key); it != known.end()) return it->second;
    bool any_scale = false;
    // A dataset HDF5 cannot answer about is not a scale, and what cannot be read is not one
    // either: this only guesses the conventions (listing and opening report what cannot be read).
    visit_datasets(
        at, file.id(), "",
        [&](const std::string&, hid_t dataset) {
            if (any_scale) return;
            const auto scale = CHUNKARR_H5_TRY(H5DSis_scale, dataset);
            any_scale = scale.ok() && scale.value > 0;
        },
        [](const std::string&, const std::string&) {});
    known[key] = any_scale;
    return any_scale;
}

bool has_netcdf4_properties(const std::string& path) {
    Lock lock;
    const auto opened = CHUNKARR_H5_TRY(H5Fopen, path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (!opened.ok()) return false;
    const Handle file(opened.value);
    return CHUNKARR_H5((Where{path, "/", "_NCProperties"}), H5Aexists, file.get(), "_NCProperties") > 0;
}

bool is_dimension_scale(const Where& at, hid_t dataset) { return CHUNKARR_H5(at, H5DSis_scale, dataset) > 0; }

bool follows_netcdf4(const HDF5File& file, const Where& at, hid_t dataset) {
    return CHUNKARR_H5((Where{at.file, at.object, "DIMENSION_LIST"}), H5Aexists, dataset, "DIMENSION_LIST") > 0 ||
           is_dimension_scale(at, dataset) || is_netcdf4(file);
}

bool is_netcdf_dimension_only(const Where& at, hid_t dataset) {
    if (!is_dimension_scale(at, dataset)) return false;
    return read_string_attribute(at, dataset, "NAME")
               .rfind("This is a netCDF dimension but not a netCDF variable", 0) == 0;
}

namespace {

// H5DSiterate_scales' callback: the first scale is the dimension. It makes only calls whose
// failure is an answer, so nothing unwinds through libhdf5.
herr_t take_scale(hid_t, unsigned, hid_t scale, void* data) {
    try {
        auto* facts = static_cast<DimensionScale*>(data);
        const auto length = CHUNKARR_H5_TRY(H5Iget_name, scale, nullptr, 0);
        if (length.ok() && length.value > 0) {
            std::string name(static_cast<std::size_t>(length.value) + 1, '\0');
            if (CHUNKARR_H5_TRY(H5Iget_name, scale, name.data(), name.size()).ok()) {
                name.resize(static_cast<std::size_t>(length.value));
                facts->name = name.substr(name.rfind('/') + 1);
            }
        }
        const auto space = CHUNKARR_H5_TRY(H5Dget_space, scale);
        if (space.ok()) {
            const Handle owned(space.value);
            hsize_t extent = 0;
            const auto rank = CHUNKARR_H5_TRY(H5Sget_simple_extent_ndims, owned.get());
            if (rank.ok() && rank.value == 1) {
                const auto dims = CHUNKARR_H5_TRY(H5Sget_simple_extent_dims, owned.get(), &extent, nullptr);
                if (dims.ok() && dims.value == 1) facts->length = static_cast<Index>(extent);
            }
        }
        return 1;
    } catch (...) {
        return -1;
    }
}

}  // namespace

DimensionScale attached_scale(hid_t dataset, unsigned axis) {
    DimensionScale facts;
    const auto count = CHUNKARR_H5_TRY(H5DSget_num_scales, dataset, axis);
    // A scale list that cannot be followed leaves what was found.
    if (count.ok() && count.value > 0) CHUNKARR_H5_TRY(H5DSiterate_scales, dataset, axis, nullptr, take_scale, &facts);
    return facts;
}

}  // namespace chunkarr::hdf5
