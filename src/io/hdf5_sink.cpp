#include <chunkarr/core/error.hpp>
#include <chunkarr/io/hdf5_sink.hpp>

#include <netcdf.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <unistd.h>

namespace chunkarr {

using hdf5::Handle;
using hdf5::Lock;
using hdf5::check;

Handle hdf5_file_type(DType dtype) {
    hid_t native = H5T_NATIVE_DOUBLE;
    switch (dtype) {
        case DType::Bool: {
            Handle type(H5Tenum_create(H5T_NATIVE_INT8));
            const std::int8_t no = 0, yes = 1;
            H5Tenum_insert(type.get(), "FALSE", &no);
            H5Tenum_insert(type.get(), "TRUE", &yes);
            return type;
        }
        case DType::Int8: native = H5T_NATIVE_INT8; break;
        case DType::Int16: native = H5T_NATIVE_INT16; break;
        case DType::Int32: native = H5T_NATIVE_INT32; break;
        case DType::Int64: native = H5T_NATIVE_INT64; break;
        case DType::UInt8: native = H5T_NATIVE_UINT8; break;
        case DType::UInt16: native = H5T_NATIVE_UINT16; break;
        case DType::UInt32: native = H5T_NATIVE_UINT32; break;
        case DType::UInt64: native = H5T_NATIVE_UINT64; break;
        case DType::Float32: native = H5T_NATIVE_FLOAT; break;
        case DType::Float64: native = H5T_NATIVE_DOUBLE; break;
    }
    return Handle(H5Tcopy(native));
}

namespace {

std::string temporary_name(const std::string& target) {
    static std::atomic<int> counter{0};
    const std::filesystem::path path(target);
    // Hidden, beside the target (same file system, so the final rename is atomic).
    std::string name = ".";   // (appending: GCC 12 warns falsely about "." + std::string)
    name += path.filename().string();
    name += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    return (path.parent_path() / name).string();
}

nc_type netcdf_type(DType dtype) {
    switch (dtype) {
        case DType::Bool: return NC_BYTE;
        case DType::Int8: return NC_BYTE;
        case DType::Int16: return NC_SHORT;
        case DType::Int32: return NC_INT;
        case DType::Int64: return NC_INT64;
        case DType::UInt8: return NC_UBYTE;
        case DType::UInt16: return NC_USHORT;
        case DType::UInt32: return NC_UINT;
        case DType::UInt64: return NC_UINT64;
        case DType::Float32: return NC_FLOAT;
        case DType::Float64: return NC_DOUBLE;
    }
    return NC_DOUBLE;
}

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

bool chunked(const DatasetSpec& spec) {
    return !spec.shape.empty() && element_count(spec.shape) > 0 && !spec.chunks.empty();
}

}  // namespace

HDF5Sink::HDF5Sink(std::string target_path, SinkFormat format)
    : target_(std::move(target_path)), temporary_(temporary_name(target_)), format_(format) {
    namespace fs = std::filesystem;
    const fs::path parent = fs::absolute(fs::path(target_)).parent_path();
    std::error_code ec;
    if (!fs::is_directory(parent, ec)) throw IOError("cannot write " + target_ + ": directory " + parent.string() + " does not exist");
    Lock lock;
    if (format_ == SinkFormat::NetCDF4) {
        const int status = nc_create(temporary_.c_str(), NC_NETCDF4 | NC_NOCLOBBER, &netcdf_id_);
        if (status != NC_NOERR) {
            netcdf_id_ = -1;
            throw IOError("cannot create " + target_ + ": " + nc_strerror(status));
        }
        int old_mode = 0;
        nc_set_fill(netcdf_id_, NC_NOFILL, &old_mode);
        return;
    }
    file_ = Handle(H5Fcreate(temporary_.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT));
    if (!file_.valid()) hdf5::throw_failure("cannot create " + target_);
}

HDF5Sink::~HDF5Sink() {
    if (committed_) return;
    datasets_.clear();
    file_ = Handle();
    if (netcdf_id_ >= 0) {
        Lock lock;
        nc_abort(netcdf_id_);
    }
    std::error_code ec;
    std::filesystem::remove(temporary_, ec);
}

int HDF5Sink::define(const DatasetSpec& given) {
    DatasetSpec spec = given;
    if (spec.path.empty() || spec.path[0] != '/') spec.path = "/" + spec.path;
    const auto where = target_ + ":" + spec.path;
    if (!spec.chunks.empty()) {
        if (spec.chunks.size() != spec.shape.size())
            throw ValueError("chunks of " + where + " have " + std::to_string(spec.chunks.size()) + " axes, the array " +
                             std::to_string(spec.shape.size()));
        for (std::size_t axis = 0; axis < spec.shape.size(); ++axis)
            spec.chunks[axis] = std::clamp<Index>(spec.chunks[axis], 1, std::max<Index>(spec.shape[axis], 1));
        if (static_cast<std::uint64_t>(element_count(spec.chunks)) * itemsize(spec.dtype) >= (std::uint64_t{1} << 32))
            throw ValueError("chunks of " + where + " are 4 GiB or more; HDF5 chunks must be smaller");
    }
    if (!chunked(spec)) {
        spec.chunks.clear();
        spec.filters = FilterPipeline();
    }
    Lock lock;
    if (format_ == SinkFormat::NetCDF4) {
        if (writing_) throw Error("internal: NetCDF-4 datasets must all be defined before the first write");
        auto [groups, name] = split_path(spec.path);
        int group = netcdf_id_;
        for (const auto& g : groups) {
            int child = -1;
            if (nc_inq_grp_ncid(group, g.c_str(), &child) != NC_NOERR) {
                const int status = nc_def_grp(group, g.c_str(), &child);
                if (status != NC_NOERR) throw IOError("cannot create group " + g + " in " + target_ + ": " + nc_strerror(status));
            }
            group = child;
        }
        // Dimensions: reuse a same-named one of the same length; default names get the length
        // appended when a dimension of that name but another length exists.
        const bool named = !spec.dimensions.empty();
        if (named && spec.dimensions.size() != spec.shape.size())
            throw ValueError(std::to_string(spec.dimensions.size()) + " dimension names for " + std::to_string(spec.shape.size()) +
                             "-d " + where);
        std::vector<int> dimids;
        for (std::size_t axis = 0; axis < spec.shape.size(); ++axis) {
            std::string dim = named ? spec.dimensions[axis] : std::string("dim_");
            if (!named) dim += std::to_string(axis);
            for (int attempt = 0;; ++attempt) {
                int id = -1;
                if (nc_inq_dimid(group, dim.c_str(), &id) == NC_NOERR) {
                    std::size_t length = 0;
                    nc_inq_dimlen(group, id, &length);
                    if (static_cast<Index>(length) == spec.shape[axis]) {
                        dimids.push_back(id);
                        break;
                    }
                    if (named || attempt > 0)
                        throw ValueError("dimension " + dim + " of " + where + " has length " + std::to_string(spec.shape[axis]) +
                                         " but is already defined with length " + std::to_string(length));
                    dim += '_';
                    dim += std::to_string(spec.shape[axis]);
                    continue;
                }
                const int status = nc_def_dim(group, dim.c_str(), static_cast<std::size_t>(spec.shape[axis]), &id);
                if (status != NC_NOERR) throw ValueError("cannot define dimension " + dim + " of " + where + ": " + nc_strerror(status));
                dimids.push_back(id);
                break;
            }
            spec.dimensions.resize(spec.shape.size());
            spec.dimensions[axis] = dim;
        }
        int varid = -1;
        int status = nc_def_var(group, name.c_str(), netcdf_type(spec.dtype), static_cast<int>(dimids.size()), dimids.data(), &varid);
        if (status != NC_NOERR) throw ValueError("cannot define " + where + ": " + nc_strerror(status));
        if (!spec.shape.empty()) {
            if (chunked(spec)) {
                std::vector<std::size_t> sizes(spec.chunks.begin(), spec.chunks.end());
                status = nc_def_var_chunking(group, varid, NC_CHUNKED, sizes.data());
            } else if (element_count(spec.shape) > 0) {
                status = nc_def_var_chunking(group, varid, NC_CONTIGUOUS, nullptr);
            }
            if (status != NC_NOERR) throw ValueError("cannot set the chunks of " + where + ": " + nc_strerror(status));
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
        if (fletcher && (status = nc_def_var_fletcher32(group, varid, NC_FLETCHER32)) != NC_NOERR)
            throw ValueError("cannot set the filters of " + where + ": " + nc_strerror(status));
        if ((shuffle || deflate) && (status = nc_def_var_deflate(group, varid, shuffle, deflate, level)) != NC_NOERR)
            throw ValueError("cannot set the filters of " + where + ": " + nc_strerror(status));
        if (spec.dtype == DType::Bool) {
            // xarray's convention for booleans stored as bytes.
            const char text[] = "bool";
            nc_put_att_text(group, varid, "dtype", 4, text);
        }
        specs_.push_back(spec);
        datasets_.emplace_back();
        return static_cast<int>(specs_.size() - 1);
    }

    Handle type = hdf5_file_type(spec.dtype);
    Handle space;
    if (spec.shape.empty()) {
        space = Handle(H5Screate(H5S_SCALAR));
    } else {
        std::vector<hsize_t> dims(spec.shape.begin(), spec.shape.end());
        space = Handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
    }
    Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
    H5Pset_create_intermediate_group(lcpl.get(), 1);
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
    if (chunked(spec)) {
        std::vector<hsize_t> chunk(spec.chunks.begin(), spec.chunks.end());
        check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), "cannot set the chunks of " + where);
        for (const auto& step : spec.filters.steps()) {
            switch (step.kind) {
                case FilterKind::Shuffle: check(H5Pset_shuffle(dcpl.get()), "cannot set shuffle on " + where); break;
                case FilterKind::Deflate:
                    check(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(step.level)), "cannot set deflate on " + where);
                    break;
                case FilterKind::Fletcher32: check(H5Pset_fletcher32(dcpl.get()), "cannot set fletcher32 on " + where); break;
            }
        }
    }
    Handle dataset(H5Dcreate2(file_.get(), spec.path.c_str(), type.get(), space.get(), lcpl.get(), dcpl.get(), H5P_DEFAULT));
    if (!dataset.valid()) hdf5::throw_failure("cannot create " + where);
    specs_.push_back(spec);
    datasets_.push_back(std::move(dataset));
    return static_cast<int>(specs_.size() - 1);
}

void HDF5Sink::open_for_data() {
    if (writing_) return;
    Lock lock;
    if (format_ == SinkFormat::NetCDF4) {
        const int status = nc_close(netcdf_id_);
        netcdf_id_ = -1;
        if (status != NC_NOERR) throw IOError("cannot write " + target_ + ": " + nc_strerror(status));
        file_ = Handle(H5Fopen(temporary_.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
        if (!file_.valid()) hdf5::throw_failure("cannot reopen " + target_);
        for (std::size_t i = 0; i < specs_.size(); ++i) {
            datasets_[i] = Handle(H5Dopen2(file_.get(), specs_[i].path.c_str(), H5P_DEFAULT));
            if (!datasets_[i].valid()) hdf5::throw_failure("cannot open " + target_ + ":" + specs_[i].path);
            // The chunks are filtered here, in our order: libnetcdf's pipeline must be the same.
            Handle dcpl(H5Dget_create_plist(datasets_[i].get()));
            const auto pipeline = FilterPipeline::from_creation_properties(dcpl.get());
            std::vector<FilterKind> made, wanted;
            if (pipeline)
                for (const auto& step : pipeline->steps()) made.push_back(step.kind);
            for (const auto& step : specs_[i].filters.steps()) wanted.push_back(step.kind);
            if (!pipeline || made != wanted)
                throw Error("internal: libnetcdf made another filter pipeline for " + target_ + ":" + specs_[i].path);
        }
    }
    writing_ = true;
}

void HDF5Sink::write(int id, const NDArray& values) {
    open_for_data();
    const DatasetSpec& spec = specs_.at(static_cast<std::size_t>(id));
    if (values.shape() != spec.shape || values.dtype() != spec.dtype)
        throw Error("internal: values do not match dataset " + spec.path);
    if (values.size() == 0) return;
    Lock lock;
    Handle type = hdf5_file_type(spec.dtype);
    check(H5Dwrite(datasets_[id].get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          "cannot write " + target_ + ":" + spec.path);
}

void HDF5Sink::write_chunk(int id, const std::vector<Index>& offset, const std::byte* bytes, std::size_t size,
                           unsigned filter_mask) {
    open_for_data();
    std::vector<hsize_t> start(offset.begin(), offset.end());
    Lock lock;
    check(H5Dwrite_chunk(datasets_.at(static_cast<std::size_t>(id)).get(), H5P_DEFAULT, filter_mask, start.data(), size, bytes),
          "cannot write a chunk of " + target_ + ":" + specs_[id].path);
}

void HDF5Sink::write(const std::string& dataset_path, const NDArray& array) {
    DatasetSpec spec;
    spec.path = dataset_path;
    spec.dtype = array.dtype();
    spec.shape = array.shape();
    const int id = define(spec);
    write(id, array);
}

void HDF5Sink::commit() {
    open_for_data();
    {
        Lock lock;
        check(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), "cannot write " + target_);
        datasets_.clear();
        file_ = Handle();
    }
    std::error_code ec;
    std::filesystem::rename(temporary_, target_, ec);
    if (ec) throw IOError("cannot write " + target_ + ": " + ec.message());
    committed_ = true;
}

}  // namespace chunkarr
