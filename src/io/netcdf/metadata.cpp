#include <chunkarr/core/error.hpp>
#include <chunkarr/io/netcdf/metadata.hpp>

#include "io/netcdf/file.hpp"

#include <algorithm>

namespace chunkarr {

namespace {

std::string format_name(int format) {
    switch (format) {
        case NC_FORMAT_CLASSIC: return "NETCDF3_CLASSIC";
        case NC_FORMAT_64BIT_OFFSET: return "NETCDF3_64BIT_OFFSET";
        case NC_FORMAT_64BIT_DATA: return "NETCDF3_64BIT_DATA";
        case NC_FORMAT_NETCDF4: return "NETCDF4";
        case NC_FORMAT_NETCDF4_CLASSIC: return "NETCDF4_CLASSIC";
        default: return "UNKNOWN";
    }
}

void describe_group(const netcdf::File& file, int ncid, const std::string& prefix, NetCDFInfo& info) {
    const Where at{file.path(), prefix.empty() ? std::string_view("/") : std::string_view(prefix)};
    int ndims = 0;
    CHUNKARR_NC(at, nc_inq_dimids, ncid, &ndims, nullptr, 0);
    std::vector<int> dimids(static_cast<std::size_t>(ndims));
    if (ndims) CHUNKARR_NC(at, nc_inq_dimids, ncid, &ndims, dimids.data(), 0);
    const std::vector<int> unlimited_ids = netcdf::unlimited_dimension_ids(at, ncid);
    for (int dimid : dimids) {
        char name[NC_MAX_NAME + 1] = {};
        std::size_t length = 0;
        CHUNKARR_NC(at, nc_inq_dim, ncid, dimid, name, &length);
        const bool unlimited = std::find(unlimited_ids.begin(), unlimited_ids.end(), dimid) != unlimited_ids.end();
        info.dimensions.push_back({prefix + "/" + name, static_cast<Index>(length), unlimited});
    }
    int nvars = 0;
    CHUNKARR_NC(at, nc_inq_nvars, ncid, &nvars);
    for (int varid = 0; varid < nvars; ++varid)
        info.variables.push_back(netcdf::describe_variable(file, ncid, varid, prefix));
    // Groups exist in NetCDF-4 only: a classic file may answer with a failure.
    int ngroups = 0;
    if (!CHUNKARR_NC_TRY(nc_inq_grps, ncid, &ngroups, nullptr).ok() || ngroups == 0) return;
    std::vector<int> groups(static_cast<std::size_t>(ngroups));
    CHUNKARR_NC(at, nc_inq_grps, ncid, &ngroups, groups.data());
    for (int group : groups) {
        char name[NC_MAX_NAME + 1] = {};
        CHUNKARR_NC(at, nc_inq_grpname, group, name);
        describe_group(file, group, prefix + "/" + name, info);
    }
}

}  // namespace

long double netcdf_default_fill(DType dtype) {
    switch (dtype) {
        case DType::Int8: return NC_FILL_BYTE;
        case DType::UInt8: return NC_FILL_UBYTE;
        case DType::Int16: return NC_FILL_SHORT;
        case DType::UInt16: return NC_FILL_USHORT;
        case DType::Int32: return NC_FILL_INT;
        case DType::UInt32: return NC_FILL_UINT;
        case DType::Int64: return NC_FILL_INT64;
        case DType::UInt64: return NC_FILL_UINT64;
        case DType::Float32: return NC_FILL_FLOAT;
        case DType::Float64: return NC_FILL_DOUBLE;
        case DType::Bool: return 0;
    }
    return 0;
}

NetCDFInfo describe_netcdf(const std::string& path) {
    netcdf::Lock lock;
    const netcdf::File file(path);
    NetCDFInfo info;
    int format = 0;
    CHUNKARR_NC((Where{path}), nc_inq_format, file.id(), &format);
    info.format = format_name(format);
    info.attributes = netcdf::read_attributes(Where{path, "/"}, file.id(), NC_GLOBAL);
    describe_group(file, file.id(), "", info);
    std::sort(info.variables.begin(), info.variables.end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
    return info;
}

NetCDFVariable describe_netcdf_variable(const std::string& path, const std::string& variable) {
    netcdf::Lock lock;
    const netcdf::File file(path);
    const auto [group, varid] = netcdf::find_variable(file, variable);
    std::string prefix;
    if (group != file.id()) {
        const Where at{path, variable};
        std::size_t length = 0;
        CHUNKARR_NC(at, nc_inq_grpname_full, group, &length, nullptr);
        std::string full(length, '\0');
        CHUNKARR_NC(at, nc_inq_grpname_full, group, &length, full.data());
        prefix = full == "/" ? "" : full;
    }
    return netcdf::describe_variable(file, group, varid, prefix);
}

}  // namespace chunkarr
