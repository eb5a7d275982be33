#include "io/netcdf/sink_layout.hpp"

#include <chunkarr/core/error.hpp>

#include "io/netcdf/attribute_writer.hpp"
#include "io/netcdf/library.hpp"
#include "io/netcdf/types.hpp"

#include <utility>

namespace chunkarr::netcdf {

namespace {

// Splits "/a/b/name" into groups {"a", "b"} and "name".
std::pair<std::vector<std::string>, std::string> split_path(const std::string& path) {
    std::vector<std::string> parts;
    std::string part;
    for (char c : path) {
        if (c == '/') {
            if (!part.empty()) parts.push_back(part);
            part.clear();
        } else {
            part += c;
        }
    }
    if (part.empty()) throw ValueError("dataset name '" + path + "' is empty");
    return {parts, part};
}

}  // namespace

SinkLayout::SinkLayout(std::string path, std::string target) : path_(std::move(path)), target_(std::move(target)) {
    Lock lock;
    const auto created = CHUNKARR_NC_TRY(nc_create, path_.c_str(), NC_NETCDF4 | NC_NOCLOBBER, &ncid_);
    if (!created.ok()) {
        ncid_ = -1;
        throw IOError("cannot create " + target_ + ": " + created.what());
    }
    int old_mode = 0;
    CHUNKARR_NC((Where{target_}), nc_set_fill, ncid_, NC_NOFILL, &old_mode);
}

SinkLayout::~SinkLayout() {
    if (ncid_ < 0) return;
    Lock lock;
    CHUNKARR_NC_TRY(nc_abort, ncid_);  // the file is deleted by the sink anyway
}

void SinkLayout::define(DatasetSpec& spec) {
    Lock lock;
    const auto where = target_ + ":" + spec.path;
    auto [groups, name] = split_path(spec.path);
    int group = ncid_;
    for (const auto& g : groups) {
        int child = -1;
        if (!CHUNKARR_NC_TRY(nc_inq_grp_ncid, group, g.c_str(), &child).ok()) {
            const auto made = CHUNKARR_NC_TRY(nc_def_grp, group, g.c_str(), &child);
            if (!made.ok()) throw IOError("cannot create group " + g + " in " + target_ + ": " + made.what());
        }
        group = child;
    }
    // Dimensions: reuse a same-named one of the same length; default names get the length
    // appended when a dimension of that name but another length exists.
    const bool named = !spec.dimensions.empty();
    if (named && spec.dimensions.size() != spec.shape.size())
        throw ValueError(std::to_string(spec.dimensions.size()) + " dimension names for " +
                         std::to_string(spec.shape.size()) + "-d " + where);
    std::vector<int> dimids;
    for (std::size_t axis = 0; axis < spec.shape.size(); ++axis) {
        std::string dim = named ? spec.dimensions[axis] : std::string("dim_");
        if (!named) dim += std::to_string(axis);
        for (int attempt = 0;; ++attempt) {
            int id = -1;
            if (CHUNKARR_NC_TRY(nc_inq_dimid, group, dim.c_str(), &id).ok()) {
                std::size_t length = 0;
                CHUNKARR_NC((Where{target_, spec.path}), nc_inq_dimlen, group, id, &length);
                if (static_cast<Index>(length) == spec.shape[axis]) {
                    dimids.push_back(id);
                    break;
                }
                if (named || attempt > 0)
                    throw ValueError("dimension " + dim + " of " + where + " has length " +
                                     std::to_string(spec.shape[axis]) + " but is already defined with length " +
                                     std::to_string(length));
                dim += '_';
                dim += std::to_string(spec.shape[axis]);
                continue;
            }
            const auto made =
                CHUNKARR_NC_TRY(nc_def_dim, group, dim.c_str(), static_cast<std::size_t>(spec.shape[axis]), &id);
            if (!made.ok()) throw ValueError("cannot define dimension " + dim + " of " + where + ": " + made.what());
            dimids.push_back(id);
            break;
        }
        spec.dimensions.resize(spec.shape.size());
        spec.dimensions[axis] = dim;
    }
    int varid = -1;
    Tried status = CHUNKARR_NC_TRY(nc_def_var, group, name.c_str(), netcdf_type(spec.dtype),
                                   static_cast<int>(dimids.size()), dimids.data(), &varid);
    if (!status.ok()) throw ValueError("cannot define " + where + ": " + status.what());
    if (!spec.shape.empty()) {
        if (chunked(spec)) {
            std::vector<std::size_t> sizes(spec.chunks.begin(), spec.chunks.end());
            status = CHUNKARR_NC_TRY(nc_def_var_chunking, group, varid, NC_CHUNKED, sizes.data());
        } else if (element_count(spec.shape) > 0) {
            status = CHUNKARR_NC_TRY(nc_def_var_chunking, group, varid, NC_CONTIGUOUS, nullptr);
        }
        if (!status.ok()) throw ValueError("cannot set the chunks of " + where + ": " + status.what());
    }
    // libnetcdf writes shuffle before deflate and fletcher32 first: only that order.
    bool shuffle = false, deflate = false, fletcher = false;
    int level = 0;
    std::vector<FilterKind> order;
    for (const auto& step : spec.filters.steps()) {
        order.push_back(step.kind);
        if (step.kind == FilterKind::Shuffle) shuffle = true;
        if (step.kind == FilterKind::Deflate) deflate = true, level = step.level;
        if (step.kind == FilterKind::Fletcher32) fletcher = true;
    }
    std::vector<FilterKind> expected;
    if (fletcher) expected.push_back(FilterKind::Fletcher32);
    if (shuffle) expected.push_back(FilterKind::Shuffle);
    if (deflate) expected.push_back(FilterKind::Deflate);
    if (order != expected) throw ValueError("NetCDF-4 applies fletcher32, shuffle, deflate in that order only");
    if (fletcher && !(status = CHUNKARR_NC_TRY(nc_def_var_fletcher32, group, varid, NC_FLETCHER32)).ok())
        throw ValueError("cannot set the filters of " + where + ": " + status.what());
    if ((shuffle || deflate) &&
        !(status = CHUNKARR_NC_TRY(nc_def_var_deflate, group, varid, shuffle, deflate, level)).ok())
        throw ValueError("cannot set the filters of " + where + ": " + status.what());
    if (spec.dtype == DType::Bool) {
        // xarray's convention for booleans stored as bytes.
        const char text[] = "bool";
        CHUNKARR_NC((Where{target_, spec.path, "dtype"}), nc_put_att_text, group, varid, "dtype", 4, text);
    }
    put_attributes(Where{target_, spec.path}, group, varid, spec.attributes);
}

void SinkLayout::put_file_attributes(const Attributes& attributes) {
    Lock lock;
    put_attributes(Where{target_}, ncid_, NC_GLOBAL, attributes);
}

void SinkLayout::close() {
    Lock lock;
    const auto closed = CHUNKARR_NC_TRY(nc_close, ncid_);
    ncid_ = -1;
    if (!closed.ok()) throw IOError("cannot write " + target_ + ": " + closed.what());
}

}  // namespace chunkarr::netcdf
