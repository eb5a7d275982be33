#include "io/netcdf/file.hpp"

#include <chunkarr/core/error.hpp>
#include <chunkarr/io/file_format.hpp>

#include "io/hdf5/header_check.hpp"
#include "io/netcdf/classic_layout.hpp"

#include <algorithm>
#include <cstring>
#include <optional>

namespace chunkarr::netcdf {

namespace {

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

bool contains(const std::vector<int>& ids, int id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); }

}  // namespace

std::vector<int> unlimited_dimension_ids(const Where& at, int ncid) {
    int count = 0;
    CHUNKARR_NC(at, nc_inq_unlimdims, ncid, &count, nullptr);
    std::vector<int> ids(static_cast<std::size_t>(count));
    if (count) CHUNKARR_NC(at, nc_inq_unlimdims, ncid, &count, ids.data());
    return ids;
}

File::File(std::string path) : path_(std::move(path)) {
    // libnetcdf believes a classic header: a record count with a flipped bit streams gigabytes
    // of zeros, a truncated file reads as zeros. Check the header against the file's size first.
    // NetCDF-4: libnetcdf reads variable-length attributes through libhdf5, which loops forever
    // on some damaged global heaps.
    std::optional<ClassicLayout> layout;
    const FileFormat format = detect_file_format(path_);
    if (is_netcdf3(format)) {
        layout = read_classic_layout(path_);
        check_classic_layout(path_, *layout);
    } else if (format == FileFormat::HDF5) {
        hdf5::check_attribute_heaps_of_file(path_);
    }
    Lock lock;
    const auto opened = CHUNKARR_NC_TRY(nc_open, path_.c_str(), NC_NOWRITE, &ncid_);
    if (!opened.ok()) {
        ncid_ = -1;
        throw FormatError("cannot open " + path_ + " as NetCDF: " + opened.what());
    }
    if (!layout) return;
    // The check above is only as good as chunkarr's reading of the header: it must agree with
    // libnetcdf's.
    int nvars = 0, unlimited = -1;
    std::size_t numrecs = 0;
    const bool asked = CHUNKARR_NC_TRY(nc_inq_nvars, ncid_, &nvars).ok() &&
                       CHUNKARR_NC_TRY(nc_inq_unlimdim, ncid_, &unlimited).ok() &&
                       (unlimited < 0 || CHUNKARR_NC_TRY(nc_inq_dimlen, ncid_, unlimited, &numrecs).ok());
    if (asked && static_cast<std::size_t>(nvars) == layout->variables.size() &&
        (unlimited < 0 || numrecs == layout->numrecs))
        return;
    CHUNKARR_NC_TRY(nc_close, ncid_);
    ncid_ = -1;
    throw FormatError(path_ + ": chunkarr reads its header differently from libnetcdf (" +
                      std::to_string(layout->variables.size()) + " variables and " + std::to_string(layout->numrecs) +
                      " records; libnetcdf: " + std::to_string(nvars) + " and " + std::to_string(numrecs) + ")");
}

File::~File() {
    if (ncid_ < 0) return;
    Lock lock;
    CHUNKARR_NC_TRY(nc_close, ncid_);  // read-only: nothing is lost
}

std::pair<int, int> find_variable(const File& file, const std::string& variable) {
    std::string rest = variable;
    while (!rest.empty() && rest.front() == '/') rest.erase(0, 1);
    int group = file.id();
    // Failures are answers here: no such group or variable.
    for (auto slash = rest.find('/'); slash != std::string::npos; slash = rest.find('/')) {
        int child = 0;
        if (!CHUNKARR_NC_TRY(nc_inq_grp_ncid, group, rest.substr(0, slash).c_str(), &child).ok())
            throw KeyError("no variable /" + variable.substr(variable.front() == '/') + " in " + file.path());
        group = child;
        rest.erase(0, slash + 1);
    }
    int varid = -1;
    if (!CHUNKARR_NC_TRY(nc_inq_varid, group, rest.c_str(), &varid).ok())
        throw KeyError("no variable " + (variable.front() == '/' ? variable : "/" + variable) + " in " + file.path());
    return {group, varid};
}

Attributes read_attributes(const Where& at, int ncid, int varid) {
    Attributes attributes;
    int count = 0;
    CHUNKARR_NC(at, nc_inq_varnatts, ncid, varid, &count);
    for (int i = 0; i < count; ++i) {
        char name[NC_MAX_NAME + 1] = {};
        CHUNKARR_NC(at, nc_inq_attname, ncid, varid, i, name);
        const Where attribute{at.file, at.object, name};
        nc_type type;
        std::size_t length = 0;
        CHUNKARR_NC(attribute, nc_inq_att, ncid, varid, name, &type, &length);
        if (type == NC_CHAR) {
            std::string text(length, '\0');
            if (length) CHUNKARR_NC(attribute, nc_get_att_text, ncid, varid, name, text.data());
            text.resize(std::strlen(text.c_str()));
            attributes.set(name, text);
        } else if (type == NC_STRING && length == 1) {
            char* text = nullptr;
            CHUNKARR_NC(attribute, nc_get_att_string, ncid, varid, name, &text);
            if (text) {
                attributes.set(name, std::string(text));
                CHUNKARR_NC(attribute, nc_free_string, 1, &text);
            }
        } else if (auto dtype = dtype_of_nc(type)) {
            // Exact for 64-bit integers: read them as integers, not through double.
            std::vector<long double> values(length);
            if (is_float(*dtype)) {
                std::vector<double> v(length);
                if (length) CHUNKARR_NC(attribute, nc_get_att_double, ncid, varid, name, v.data());
                std::copy(v.begin(), v.end(), values.begin());
            } else if (*dtype == DType::UInt64) {
                std::vector<unsigned long long> v(length);
                if (length) CHUNKARR_NC(attribute, nc_get_att_ulonglong, ncid, varid, name, v.data());
                std::copy(v.begin(), v.end(), values.begin());
            } else {
                std::vector<long long> v(length);
                if (length) CHUNKARR_NC(attribute, nc_get_att_longlong, ncid, varid, name, v.data());
                std::copy(v.begin(), v.end(), values.begin());
            }
            attributes.set(name, std::move(values), *dtype);
        }
    }
    return attributes;
}

NetCDFVariable describe_variable(const File& file, int ncid, int varid, const std::string& group_prefix) {
    NetCDFVariable v;
    char name[NC_MAX_NAME + 1] = {};
    nc_type type;
    int ndims = 0;
    const Where group{file.path(), group_prefix.empty() ? std::string_view("/") : std::string_view(group_prefix)};
    CHUNKARR_NC(group, nc_inq_var, ncid, varid, name, &type, &ndims, nullptr, nullptr);
    v.path = group_prefix + "/" + name;
    const Where at{file.path(), v.path};
    std::vector<int> dimids(static_cast<std::size_t>(ndims));
    CHUNKARR_NC(at, nc_inq_vardimid, ncid, varid, dimids.data());
    v.dtype = dtype_of_nc(type);
    v.type_name = type_name_of_nc(type);
    const std::vector<int> unlimited_ids = unlimited_dimension_ids(at, ncid);
    for (int dimid : dimids) {
        char dim_name[NC_MAX_NAME + 1] = {};
        std::size_t length = 0;
        CHUNKARR_NC(at, nc_inq_dim, ncid, dimid, dim_name, &length);
        v.dimensions.push_back(dim_name);
        v.shape.push_back(static_cast<Index>(length));
        // Unlimited dimensions may be declared in a parent group (the root has none: an answer).
        bool unlimited = contains(unlimited_ids, dimid);
        for (int g = ncid, parent = 0; !unlimited && CHUNKARR_NC_TRY(nc_inq_grp_parent, g, &parent).ok(); g = parent)
            unlimited = contains(unlimited_dimension_ids(at, parent), dimid);
        v.unlimited.push_back(unlimited);
    }
    // Chunking and filters exist in NetCDF-4 only: a classic file answers with a failure.
    int storage = NC_CONTIGUOUS;
    std::vector<std::size_t> chunks(static_cast<std::size_t>(ndims));
    if (CHUNKARR_NC_TRY(nc_inq_var_chunking, ncid, varid, &storage, chunks.data()).ok() && storage == NC_CHUNKED &&
        ndims > 0)
        v.chunks = Shape(chunks.begin(), chunks.end());
    int shuffle = 0, deflate = 0, level = 0;
    if (CHUNKARR_NC_TRY(nc_inq_var_deflate, ncid, varid, &shuffle, &deflate, &level).ok()) {
        if (shuffle) v.filters.push_back("shuffle");
        if (deflate) v.filters.push_back("deflate(" + std::to_string(level) + ")");
    }
    int checksum = 0;
    if (CHUNKARR_NC_TRY(nc_inq_var_fletcher32, ncid, varid, &checksum).ok() && checksum)
        v.filters.push_back("fletcher32");
    v.attributes = read_attributes(at, ncid, varid);
    return v;
}

}  // namespace chunkarr::netcdf
