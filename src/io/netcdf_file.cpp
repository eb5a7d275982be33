#include <chunkarr/core/error.hpp>
#include <chunkarr/io/hdf5_library.hpp>
#include <chunkarr/io/netcdf_file.hpp>

#include <netcdf.h>

#include <algorithm>
#include <cstring>
#include <functional>

namespace chunkarr {

namespace {

// libnetcdf is not thread-safe and calls libhdf5 for NetCDF-4: one lock for both libraries.
using Lock = hdf5::Lock;

std::optional<DType> dtype_of_nc(nc_type type) {
    switch (type) {
        case NC_BYTE: return DType::Int8;
        case NC_UBYTE: return DType::UInt8;
        case NC_SHORT: return DType::Int16;
        case NC_USHORT: return DType::UInt16;
        case NC_INT: return DType::Int32;
        case NC_UINT: return DType::UInt32;
        case NC_INT64: return DType::Int64;
        case NC_UINT64: return DType::UInt64;
        case NC_FLOAT: return DType::Float32;
        case NC_DOUBLE: return DType::Float64;
        default: return std::nullopt;
    }
}

std::string type_name_of_nc(nc_type type) {
    if (auto dtype = dtype_of_nc(type)) return std::string(dtype_name(*dtype));
    if (type == NC_CHAR) return "char";
    if (type == NC_STRING) return "string";
    return "other";
}

Attributes read_attributes(int ncid, int varid) {
    Attributes attributes;
    int count = 0;
    nc_inq_varnatts(ncid, varid, &count);
    for (int i = 0; i < count; ++i) {
        char name[NC_MAX_NAME + 1] = {};
        if (nc_inq_attname(ncid, varid, i, name) != NC_NOERR) continue;
        nc_type type;
        std::size_t length = 0;
        if (nc_inq_att(ncid, varid, name, &type, &length) != NC_NOERR) continue;
        if (type == NC_CHAR) {
            std::string text(length, '\0');
            if (length) nc_get_att_text(ncid, varid, name, text.data());
            text.resize(std::strlen(text.c_str()));
            attributes.set(name, text);
        } else if (type == NC_STRING && length == 1) {
            char* text = nullptr;
            if (nc_get_att_string(ncid, varid, name, &text) == NC_NOERR && text) {
                attributes.set(name, std::string(text));
                nc_free_string(1, &text);
            }
        } else if (auto dtype = dtype_of_nc(type)) {
            // Exact for 64-bit integers: read them as integers, not through double.
            std::vector<long double> values(length);
            if (is_float(*dtype)) {
                std::vector<double> v(length);
                if (length) nc_get_att_double(ncid, varid, name, v.data());
                std::copy(v.begin(), v.end(), values.begin());
            } else if (*dtype == DType::UInt64) {
                std::vector<unsigned long long> v(length);
                if (length) nc_get_att_ulonglong(ncid, varid, name, v.data());
                std::copy(v.begin(), v.end(), values.begin());
            } else {
                std::vector<long long> v(length);
                if (length) nc_get_att_longlong(ncid, varid, name, v.data());
                std::copy(v.begin(), v.end(), values.begin());
            }
            attributes.set(name, std::move(values));
        }
    }
    return attributes;
}

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

// Ids of the unlimited dimensions declared in group `ncid`.
std::vector<int> unlimited_dimension_ids(int ncid) {
    int count = 0;
    nc_inq_unlimdims(ncid, &count, nullptr);
    std::vector<int> ids(static_cast<std::size_t>(count));
    if (count) nc_inq_unlimdims(ncid, &count, ids.data());
    return ids;
}

bool contains(const std::vector<int>& ids, int id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); }

NetCDFVariable describe_variable(int ncid, int varid, const std::string& group_prefix) {
    NetCDFVariable v;
    char name[NC_MAX_NAME + 1] = {};
    nc_type type;
    int ndims = 0;
    nc_inq_var(ncid, varid, name, &type, &ndims, nullptr, nullptr);
    std::vector<int> dimids(static_cast<std::size_t>(ndims));
    nc_inq_vardimid(ncid, varid, dimids.data());
    v.path = group_prefix + "/" + name;
    v.dtype = dtype_of_nc(type);
    v.type_name = type_name_of_nc(type);
    const std::vector<int> unlimited_ids = unlimited_dimension_ids(ncid);
    for (int dimid : dimids) {
        char dim_name[NC_MAX_NAME + 1] = {};
        std::size_t length = 0;
        nc_inq_dim(ncid, dimid, dim_name, &length);
        v.dimensions.push_back(dim_name);
        v.shape.push_back(static_cast<Index>(length));
        // Unlimited dimensions may be declared in a parent group.
        bool unlimited = contains(unlimited_ids, dimid);
        for (int group = ncid, parent = 0; !unlimited && nc_inq_grp_parent(group, &parent) == NC_NOERR; group = parent)
            unlimited = contains(unlimited_dimension_ids(parent), dimid);
        v.unlimited.push_back(unlimited);
    }
    int storage = NC_CONTIGUOUS;
    std::vector<std::size_t> chunks(static_cast<std::size_t>(ndims));
    if (nc_inq_var_chunking(ncid, varid, &storage, chunks.data()) == NC_NOERR && storage == NC_CHUNKED && ndims > 0)
        v.chunks = Shape(chunks.begin(), chunks.end());
    int shuffle = 0, deflate = 0, level = 0;
    if (nc_inq_var_deflate(ncid, varid, &shuffle, &deflate, &level) == NC_NOERR) {
        if (shuffle) v.filters.push_back("shuffle");
        if (deflate) v.filters.push_back("deflate(" + std::to_string(level) + ")");
    }
    int checksum = 0;
    if (nc_inq_var_fletcher32(ncid, varid, &checksum) == NC_NOERR && checksum) v.filters.push_back("fletcher32");
    v.attributes = read_attributes(ncid, varid);
    return v;
}

void describe_group(int ncid, const std::string& prefix, NetCDFInfo& info) {
    int ndims = 0;
    nc_inq_dimids(ncid, &ndims, nullptr, 0);
    std::vector<int> dimids(static_cast<std::size_t>(ndims));
    if (ndims) nc_inq_dimids(ncid, &ndims, dimids.data(), 0);
    const std::vector<int> unlimited_ids = unlimited_dimension_ids(ncid);
    for (int dimid : dimids) {
        char name[NC_MAX_NAME + 1] = {};
        std::size_t length = 0;
        nc_inq_dim(ncid, dimid, name, &length);
        info.dimensions.push_back({prefix + "/" + name, static_cast<Index>(length), contains(unlimited_ids, dimid)});
    }
    int nvars = 0;
    nc_inq_nvars(ncid, &nvars);
    for (int varid = 0; varid < nvars; ++varid) info.variables.push_back(describe_variable(ncid, varid, prefix));
    int ngroups = 0;
    if (nc_inq_grps(ncid, &ngroups, nullptr) != NC_NOERR || ngroups == 0) return;
    std::vector<int> groups(static_cast<std::size_t>(ngroups));
    nc_inq_grps(ncid, &ngroups, groups.data());
    for (int group : groups) {
        char name[NC_MAX_NAME + 1] = {};
        nc_inq_grpname(group, name);
        describe_group(group, prefix + "/" + name, info);
    }
}

// Opens with libnetcdf; the caller holds the lock and closes.
int open_netcdf(const std::string& path) {
    int ncid = -1;
    const int status = nc_open(path.c_str(), NC_NOWRITE, &ncid);
    if (status != NC_NOERR)
        throw FormatError("cannot open " + path + " as NetCDF: " + nc_strerror(status));
    return ncid;
}

// ncid/varid of `variable` ("/grp/var", "var").
std::pair<int, int> find_variable(int ncid, const std::string& path, const std::string& variable) {
    std::string rest = variable;
    while (!rest.empty() && rest.front() == '/') rest.erase(0, 1);
    int group = ncid;
    for (auto slash = rest.find('/'); slash != std::string::npos; slash = rest.find('/')) {
        int child = 0;
        if (nc_inq_grp_ncid(group, rest.substr(0, slash).c_str(), &child) != NC_NOERR)
            throw KeyError("no variable /" + variable.substr(variable.front() == '/') + " in " + path);
        group = child;
        rest.erase(0, slash + 1);
    }
    int varid = -1;
    if (nc_inq_varid(group, rest.c_str(), &varid) != NC_NOERR)
        throw KeyError("no variable " + (variable.front() == '/' ? variable : "/" + variable) + " in " + path);
    return {group, varid};
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
    Lock lock;
    const int ncid = open_netcdf(path);
    NetCDFInfo info;
    try {
        int format = 0;
        nc_inq_format(ncid, &format);
        info.format = format_name(format);
        info.attributes = read_attributes(ncid, NC_GLOBAL);
        describe_group(ncid, "", info);
    } catch (...) {
        nc_close(ncid);
        throw;
    }
    nc_close(ncid);
    std::sort(info.variables.begin(), info.variables.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return info;
}

NetCDFVariable describe_netcdf_variable(const std::string& path, const std::string& variable) {
    Lock lock;
    const int ncid = open_netcdf(path);
    try {
        const auto [group, varid] = find_variable(ncid, path, variable);
        std::string prefix;
        if (group != ncid) {
            std::size_t length = 0;
            nc_inq_grpname_full(group, &length, nullptr);
            std::string full(length, '\0');
            nc_inq_grpname_full(group, &length, full.data());
            prefix = full == "/" ? "" : full;
        }
        NetCDFVariable v = describe_variable(group, varid, prefix);
        nc_close(ncid);
        return v;
    } catch (...) {
        nc_close(ncid);
        throw;
    }
}

NetCDFSource::NetCDFSource(const std::string& path, const std::string& variable) : path_(path) {
    Lock lock;
    ncid_ = open_netcdf(path);
    try {
        const auto [group, varid] = find_variable(ncid_, path, variable);
        varid_ = varid;
        variable_ = describe_variable(group, varid, "");
        if (!variable_.dtype)
            throw FormatError(describe() + " has " + variable_.type_name + " type; chunkarr computes with numeric variables only");
    } catch (...) {
        nc_close(ncid_);
        throw;
    }
}

NetCDFSource::~NetCDFSource() {
    Lock lock;
    nc_close(ncid_);
}

ChunkGrid NetCDFSource::task_grid() const {
    // Classic files store each variable contiguously (record variables: one record at a time):
    // slabs of whole rows along the leading axis, about 4 MiB each.
    Shape chunk = shape();
    const std::size_t item = itemsize(dtype());
    std::size_t row = item;
    for (std::size_t axis = 1; axis < chunk.size(); ++axis) row *= static_cast<std::size_t>(std::max<Index>(chunk[axis], 1));
    if (!chunk.empty()) chunk[0] = std::max<Index>(1, static_cast<Index>((4u << 20) / std::max<std::size_t>(row, 1)));
    for (auto& c : chunk) c = std::max<Index>(c, 1);
    return ChunkGrid::regular(shape(), chunk);
}

void NetCDFSource::read(const Region& region, void* out) const {
    if (element_count(region_shape(region)) == 0) return;
    std::vector<std::size_t> start, count;
    for (const Range& r : region) {
        start.push_back(static_cast<std::size_t>(r.start));
        count.push_back(static_cast<std::size_t>(r.size()));
    }
    Lock lock;
    const int status = nc_get_vara(ncid_, varid_, start.data(), count.data(), out);
    if (status != NC_NOERR) throw IOError("cannot read " + describe() + ": " + nc_strerror(status));
}

}  // namespace chunkarr
