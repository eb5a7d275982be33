#include <chunkarr/core/error.hpp>
#include <chunkarr/io/concat_source.hpp>
#include <chunkarr/io/file_format.hpp>
#include <chunkarr/io/file_snapshot.hpp>
#include <chunkarr/io/hdf5/datasets.hpp>
#include <chunkarr/io/hdf5/source.hpp>
#include <chunkarr/io/netcdf/metadata.hpp>
#include <chunkarr/io/netcdf/source.hpp>
#include <chunkarr/io/variables.hpp>
#include <chunkarr/io/zarr/source.hpp>
#include <chunkarr/io/zarr/store.hpp>

#include "io/hdf5/netcdf4.hpp"
#include "io/hdf5/types.hpp"
#include "io/where.hpp"

#include <algorithm>
#include <functional>
#include <glob.h>

namespace chunkarr {

bool is_glob_pattern(const std::string& path) { return path.find_first_of("*?[") != std::string::npos; }

std::vector<std::string> expand_glob(const std::string& pattern) {
    glob_t matches{};
    const int status = ::glob(pattern.c_str(), 0, nullptr, &matches);
    std::vector<std::string> paths;
    if (status == 0)
        for (std::size_t i = 0; i < matches.gl_pathc; ++i) paths.emplace_back(matches.gl_pathv[i]);
    ::globfree(&matches);
    if (paths.empty()) throw IOError("no files match " + pattern);
    std::sort(paths.begin(), paths.end());
    return paths;
}

std::string first_file(const std::string& path) { return is_glob_pattern(path) ? expand_glob(path).front() : path; }

bool is_netcdf_file(const std::string& path) {
    const FileFormat format = detect_file_format(path);
    if (is_netcdf3(format)) return true;
    if (format != FileFormat::HDF5) return false;
    return hdf5::has_netcdf4_properties(path);
}

namespace {

void ensure_readable_format(const std::string& path, FileFormat format) {
    if (format == FileFormat::Unknown) throw FormatError(path + " is neither an HDF5 nor a NetCDF file");
}

SourcePtr open_one(const std::string& path, const std::string& variable) {
    if (is_zarr_store(path)) return std::make_shared<ZarrSource>(path, variable);
    const FileSnapshot before(path);
    try {
        const FileFormat format = detect_file_format(path);
        ensure_readable_format(path, format);
        if (is_netcdf3(format)) return std::make_shared<NetCDFSource>(path, variable);
        return std::make_shared<HDF5Source>(path, variable);
    } catch (const Error&) {
        before.check_unchanged();  // metadata read while another process wrote the file: that is the error
        throw;
    }
}

}  // namespace

std::vector<ListedVariable> list_variables(const std::string& path) {
    const FileFormat format = detect_file_format(path);
    ensure_readable_format(path, format);
    std::vector<ListedVariable> listed;
    if (format == FileFormat::ZarrStore) {
        for (const auto& array : list_zarr_arrays(path)) listed.push_back({array.path, array.error});
        return listed;
    }
    if (is_netcdf3(format)) {
        for (const auto& v : describe_netcdf(path).variables)
            if (v.dtype) listed.push_back({v.path, {}});
        return listed;
    }
    for (const auto& info : list_hdf5_datasets(path)) {
        if (!info.error.empty() || (info.computed_dtype && !info.netcdf_dimension_only))
            listed.push_back({info.path, info.error});
        else if (info.numbers && !info.netcdf_dimension_only)  // numbers all the same: not left out silently
            listed.push_back(
                {info.path, Where(path, info.path).text() + " " + hdf5::not_computable_reason(info.dtype, true)});
    }
    return listed;
}

std::vector<std::string> numeric_variables(const std::string& path) {
    std::vector<std::string> paths;
    for (const auto& v : list_variables(path)) {
        if (!v.error.empty()) throw IOError(v.error);
        paths.push_back(v.path);
    }
    return paths;
}

SourcePtr open_source(const std::string& path, const std::string& variable, const OpenSourceOptions& options) {
    if (!is_glob_pattern(path)) return open_one(path, variable);
    return open_source(std::vector<std::string>{path}, variable, options);
}

namespace {

// The files of `paths` (each a file or a glob pattern), in order; `label` gets the paths as
// given, for errors.
std::vector<std::string> files_of(const std::vector<std::string>& paths, std::string& label) {
    std::vector<std::string> files;
    for (const auto& path : paths) {
        label += (label.empty() ? "" : " ") + path;
        if (!is_glob_pattern(path)) {
            files.push_back(path);
            continue;
        }
        const auto matches = expand_glob(path);
        files.insert(files.end(), matches.begin(), matches.end());
    }
    if (files.empty()) throw ValueError("no files given");
    return files;
}

// The variable of `files` (those of `paths`) as one source: a plain file's, or the files' joined
// along the concat dimension; `open` opens the variable of one file.
SourcePtr joined_source(const std::vector<std::string>& paths, const std::vector<std::string>& files,
                        const std::string& label, const std::string& variable, const OpenSourceOptions& options,
                        const std::function<SourcePtr(const std::string& file)>& open) {
    if (files.size() == 1 && !is_glob_pattern(paths.front())) return open(files.front());
    std::vector<SourcePtr> parts;
    for (const auto& file : files) {
        try {
            parts.push_back(open(file));
        } catch (const KeyError& e) {
            throw KeyError(std::string(e.what()) + " (while joining " + label + ")");
        }
    }
    const SourcePtr& first = parts.front();
    if (first->shape().empty()) throw ValueError("cannot join 0-d variables of " + label);
    std::size_t axis = 0;
    const auto names = first->dimension_names();
    if (options.concat_dimension) {
        const auto it = std::find(names.begin(), names.end(), *options.concat_dimension);
        if (it == names.end())
            throw ValueError("--concat: " + *options.concat_dimension + " is not a dimension of " + variable + " in " +
                             files.front());
        axis = static_cast<std::size_t>(it - names.begin());
    } else {
        const auto unlimited = first->unlimited_dimensions();
        const auto it = std::find(unlimited.begin(), unlimited.end(), true);
        if (it != unlimited.end()) axis = static_cast<std::size_t>(it - unlimited.begin());
    }
    for (std::size_t i = 1; i < parts.size(); ++i)
        if (parts[i]->dimension_names() != names)
            throw FormatError(files[i] + ": " + variable + " has dimensions that differ from " + files.front());
    return std::make_shared<ConcatSource>(std::move(parts), files, axis);
}

}  // namespace

SourcePtr open_source(const std::vector<std::string>& paths, const std::string& variable,
                      const OpenSourceOptions& options) {
    std::string label;
    const auto files = files_of(paths, label);
    return joined_source(paths, files, label, variable, options,
                         [&](const std::string& file) { return open_one(file, variable); });
}

std::optional<ComplexSources> open_complex_sources(const std::vector<std::string>& paths, const std::string& variable,
                                                   const OpenSourceOptions& options) {
    std::string label;
    const auto files = files_of(paths, label);
    // The first file decides, as for the dimensions: a file of another type is the join's error.
    if (!is_zarr_store(files.front())) return std::nullopt;
    const ZarrArrayMetadata first = read_zarr_array(files.front(), variable);
    if (!first.complex) return std::nullopt;
    const auto part = [&](ComplexPart which) {
        return joined_source(paths, files, label, variable, options, [&](const std::string& file) -> SourcePtr {
            return std::make_shared<ZarrSource>(file, variable, which);
        });
    };
    ComplexSources sources{part(ComplexPart::Real), part(ComplexPart::Imag), std::nullopt};
    if (first.fill_value)
        sources.fill_value = {static_cast<double>(*first.fill_value), static_cast<double>(first.fill_value_imag)};
    return sources;
}

std::optional<ComplexSources> open_complex_sources(const std::string& path, const std::string& variable,
                                                   const OpenSourceOptions& options) {
    return open_complex_sources(std::vector<std::string>{path}, variable, options);
}

}  // namespace chunkarr
