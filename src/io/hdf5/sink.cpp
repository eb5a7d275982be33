#include "io/hdf5/sink.hpp"

#include <chunkarr/core/error.hpp>

#include "io/hdf5/attribute_writer.hpp"
#include "io/hdf5/filter_pipeline.hpp"
#include "io/hdf5/types.hpp"
#include "io/netcdf/sink_layout.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <unistd.h>

namespace chunkarr {

using hdf5::Handle;
using hdf5::Lock;

namespace {

std::string temporary_name(const std::string& target) {
    static std::atomic<int> counter{0};
    const std::filesystem::path path(target);
    // Hidden, beside the target (same file system, so the final rename is atomic).
    std::string name = ".";  // (appending: GCC 12 warns falsely about "." + std::string)
    name += path.filename().string();
    name += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    return (path.parent_path() / name).string();
}

}  // namespace

HDF5Sink::HDF5Sink(std::string target_path, SinkFormat format)
    : target_(std::move(target_path)), temporary_(temporary_name(target_)), format_(format) {
    namespace fs = std::filesystem;
    const fs::path parent = fs::absolute(fs::path(target_)).parent_path();
    std::error_code ec;
    if (!fs::is_directory(parent, ec))
        throw IOError("cannot write " + target_ + ": directory " + parent.string() + " does not exist");
    Lock lock;
    if (format_ == SinkFormat::NetCDF4) {
        netcdf_ = std::make_unique<netcdf::SinkLayout>(temporary_, target_);
        return;
    }
    const auto created = CHUNKARR_H5_TRY(H5Fcreate, temporary_.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
    if (!created.ok()) throw IOError("cannot create " + target_ + ": " + created.what());
    file_ = Handle(created.value);
}

HDF5Sink::~HDF5Sink() {
    if (committed_) return;
    datasets_.clear();
    file_ = Handle();
    netcdf_.reset();
    std::error_code ec;
    std::filesystem::remove(temporary_, ec);
}

int HDF5Sink::define(const DatasetSpec& given) {
    DatasetSpec spec = given;
    if (spec.path.empty() || spec.path[0] != '/') spec.path = "/" + spec.path;
    const auto where = target_ + ":" + spec.path;
    if (!spec.chunks.empty()) {
        if (spec.chunks.size() != spec.shape.size())
            throw ValueError("chunks of " + where + " have " + std::to_string(spec.chunks.size()) +
                             " axes, the array " + std::to_string(spec.shape.size()));
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
        netcdf_->define(spec);
        specs_.push_back(spec);
        datasets_.emplace_back();
        return static_cast<int>(specs_.size() - 1);
    }

    const Where at{target_, spec.path};
    Handle type = hdf5::file_type(at, spec.dtype);
    Handle space;
    if (spec.shape.empty()) {
        space = Handle(CHUNKARR_H5(at, H5Screate, H5S_SCALAR));
    } else {
        std::vector<hsize_t> dims(spec.shape.begin(), spec.shape.end());
        space = Handle(CHUNKARR_H5(at, H5Screate_simple, static_cast<int>(dims.size()), dims.data(), nullptr));
    }
    Handle lcpl(CHUNKARR_H5(at, H5Pcreate, H5P_LINK_CREATE));
    CHUNKARR_H5(at, H5Pset_create_intermediate_group, lcpl.get(), 1);
    Handle dcpl(CHUNKARR_H5(at, H5Pcreate, H5P_DATASET_CREATE));
    if (chunked(spec)) {
        std::vector<hsize_t> chunk(spec.chunks.begin(), spec.chunks.end());
        CHUNKARR_H5(at, H5Pset_chunk, dcpl.get(), static_cast<int>(chunk.size()), chunk.data());
        for (const auto& step : spec.filters.steps()) {
            switch (step.kind) {
                case FilterKind::Shuffle: CHUNKARR_H5(at, H5Pset_shuffle, dcpl.get()); break;
                case FilterKind::Deflate:
                    CHUNKARR_H5(at, H5Pset_deflate, dcpl.get(), static_cast<unsigned>(step.level));
                    break;
                case FilterKind::Fletcher32: CHUNKARR_H5(at, H5Pset_fletcher32, dcpl.get()); break;
            }
        }
    }
    const auto created = CHUNKARR_H5_TRY(H5Dcreate2, file_.get(), spec.path.c_str(), type.get(), space.get(),
                                         lcpl.get(), dcpl.get(), H5P_DEFAULT);
    if (!created.ok()) throw IOError("cannot create " + where + ": " + created.what());
    datasets_.emplace_back(created.value);
    specs_.push_back(spec);
    hdf5::write_attributes(at, created.value, spec.attributes);
    return static_cast<int>(specs_.size() - 1);
}

void HDF5Sink::set_file_attributes(const Attributes& attributes) {
    if (attributes.all().empty()) return;
    Lock lock;
    if (format_ == SinkFormat::NetCDF4) {
        if (writing_) throw Error("internal: NetCDF-4 file attributes must be set before the first write");
        netcdf_->put_file_attributes(attributes);
        return;
    }
    hdf5::write_attributes(Where{target_, "/"}, file_.get(), attributes);
}

void HDF5Sink::open_for_data() {
    if (writing_) return;
    Lock lock;
    if (format_ == SinkFormat::NetCDF4) {
        netcdf_->close();
        netcdf_.reset();
        const auto reopened = CHUNKARR_H5_TRY(H5Fopen, temporary_.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
        if (!reopened.ok()) throw IOError("cannot reopen " + target_ + ": " + reopened.what());
        file_ = Handle(reopened.value);
        for (std::size_t i = 0; i < specs_.size(); ++i) {
            const Where at{target_, specs_[i].path};
            datasets_[i] = Handle(CHUNKARR_H5(at, H5Dopen2, file_.get(), specs_[i].path.c_str(), H5P_DEFAULT));
            // The chunks are filtered here, in our order: libnetcdf's pipeline must be the same.
            Handle dcpl(CHUNKARR_H5(at, H5Dget_create_plist, datasets_[i].get()));
            const auto pipeline = hdf5::read_filter_pipeline(at, dcpl.get());
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
    const Where at{target_, spec.path};
    Handle type = hdf5::file_type(at, spec.dtype);
    CHUNKARR_H5(at, H5Dwrite, datasets_[id].get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
}

void HDF5Sink::write_chunk(int id, const std::vector<Index>& offset, const std::byte* bytes, std::size_t size,
                           unsigned filter_mask) {
    open_for_data();
    std::vector<hsize_t> start(offset.begin(), offset.end());
    Lock lock;
    const Where at{target_, specs_.at(static_cast<std::size_t>(id)).path};
    CHUNKARR_H5(at, H5Dwrite_chunk, datasets_.at(static_cast<std::size_t>(id)).get(), H5P_DEFAULT, filter_mask,
                start.data(), size, bytes);
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
        CHUNKARR_H5((Where{target_}), H5Fflush, file_.get(), H5F_SCOPE_GLOBAL);
        datasets_.clear();
        file_ = Handle();
    }
    std::error_code ec;
    std::filesystem::rename(temporary_, target_, ec);
    if (ec) throw IOError("cannot write " + target_ + ": " + ec.message());
    committed_ = true;
}

}  // namespace chunkarr
