// HDF5Source: opening a dataset and reading its metadata, and the reads that go through H5Dread
// under the lock. The direct reads are in direct_read.cpp.
#include <chunkarr/core/error.hpp>
#include <chunkarr/io/netcdf/metadata.hpp>

#include "io/chunk_count.hpp"
#include "io/hdf5/attributes.hpp"
#include "io/hdf5/layout.hpp"
#include "io/hdf5/netcdf4.hpp"
#include "io/hdf5/source_impl.hpp"
#include "io/hdf5/types.hpp"
#include "kernels/region_copy.hpp"

#include <algorithm>
#include <cstring>

namespace chunkarr {

namespace {

std::string normalize_path(const std::string& path) {
    if (path.empty() || path[0] != '/') return "/" + path;
    return path;
}

// Contiguous data has no storage chunks: tasks are slabs of whole trailing rows of ~target bytes.
Shape contiguous_task_shape(const Shape& shape, std::size_t item, std::size_t target_bytes) {
    Shape chunk = shape;
    std::size_t bytes = item;
    for (std::size_t axis = shape.size(); axis-- > 0;) {
        const std::size_t length = static_cast<std::size_t>(std::max<Index>(shape[axis], 1));
        if (bytes * length <= target_bytes) {
            bytes *= length;
            continue;
        }
        chunk[axis] = static_cast<Index>(std::max<std::size_t>(1, target_bytes / bytes));
        for (std::size_t outer = 0; outer < axis; ++outer) chunk[outer] = 1;
        break;
    }
    for (auto& c : chunk) c = std::max<Index>(c, 1);
    return chunk;
}

}  // namespace

HDF5Source::Impl::Impl(const std::string& file_path, const std::string& dataset_path)
    : file_path_(file_path), dataset_path_(normalize_path(dataset_path)) {
    file_ = std::make_shared<HDF5File>(file_path);
    hdf5::Lock lock;
    const Where at = where();
    hdf5::Handle object = hdf5::open_object(*file_, dataset_path_);
    if (CHUNKARR_H5(at, H5Iget_type, object.get()) != H5I_DATASET)
        throw FormatError(describe() + " is a group, not a dataset");
    dataset_ = std::move(object);
    hdf5::Handle type(CHUNKARR_H5(at, H5Dget_type, dataset_.get()));
    const auto dtype = hdf5::numeric_dtype(at, type.get());
    if (!dtype) {
        const H5T_class_t type_class = CHUNKARR_H5(at, H5Tget_class, type.get());
        throw FormatError(describe() + " " +
                          hdf5::not_computable_reason(hdf5::type_description(at, type.get()),
                                                      type_class == H5T_INTEGER || type_class == H5T_FLOAT));
    }
    dtype_ = *dtype;
    if (!hdf5::valid_number_layout(at, type.get()))
        throw FormatError(describe() + " has a number type whose bits do not fit its " +
                          std::to_string(hdf5::type_size(at, type.get())) + " bytes (damaged datatype)");
    // The machine's full-width type of the dtype (HDF5 converts byte order, and sign-extends
    // integers stored with fewer bits of precision); h5py's bool enum keeps its enum type.
    const H5T_class_t type_class = CHUNKARR_H5(at, H5Tget_class, type.get());
    memory_type_ = hdf5::memory_type_for(at, type.get(), dtype_);
    const std::size_t size = hdf5::type_size(at, type.get());
    if (type_class == H5T_INTEGER && CHUNKARR_H5(at, H5Tget_precision, type.get()) < 8 * size &&
        CHUNKARR_H5(at, H5Tget_order, type.get()) != CHUNKARR_H5(at, H5Tget_order, memory_type_.get())) {
        // HDF5 1.10 does not sign-extend reduced-precision integers while it also swaps their
        // byte order: convert in the file's byte order, then swap ourselves.
        memory_type_ = hdf5::Handle(CHUNKARR_H5(at, H5Tcopy, type.get()));
        CHUNKARR_H5(at, H5Tset_offset, memory_type_.get(), 0);
        CHUNKARR_H5(at, H5Tset_precision, memory_type_.get(), 8 * size);
        swap_after_locked_read_ = true;
    }
    hdf5::Handle space(CHUNKARR_H5(at, H5Dget_space, dataset_.get()));
    if (CHUNKARR_H5(at, H5Sget_simple_extent_type, space.get()) == H5S_NULL)
        throw FormatError(describe() + " has no dataspace (null)");
    shape_ = hdf5::dataspace_shape(at, space.get());
    const hdf5::Layout layout = hdf5::read_layout(at, dataset_.get());
    auto undecodable = [this](const std::pair<H5Z_filter_t, std::string>& filter) {
        return describe() + " uses filter '" + filter.second + "' (id " + std::to_string(filter.first) +
               "), which this HDF5 library cannot decode (is its plugin installed?)";
    };
    if (!layout.unavailable.empty()) throw FormatError(undecodable(layout.unavailable.front()));
    if (!layout.optional_unavailable.empty()) undecodable_filter_ = undecodable(layout.optional_unavailable.front());
    storage_chunks_ = layout.chunks;
    if (layout.name == "contiguous" || layout.name == "compact") check_stored_size(layout.name, size);
    attributes_ = hdf5::read_attributes(at, dataset_.get());
    read_netcdf_facts(space.get());
    check_chunk_count();
    read_fill_value();
    decide_fast_path(type.get());
}

// Contiguous and compact data hold every element: a dataspace that needs other than the bytes the
// layout stores is damaged metadata (a flipped dimension, a zeroed size). HDF5 1.10 opens such a
// dataset; reading it would run past its data into other objects or past the end of the file
// (HDF5 itself crashes reading a compact dataset of 0 stored bytes), and a shape of petabytes
// would exhaust memory before the first read. Checked on open, before any of that.
void HDF5Source::Impl::check_stored_size(const std::string& layout, std::size_t file_item) const {
    const Where at = where();
    hdf5::Handle dcpl(CHUNKARR_H5(at, H5Dget_create_plist, dataset_.get()));
    if (CHUNKARR_H5(at, H5Pget_external_count, dcpl.get()) > 0) return;  // stored in other files
    const hsize_t stored = CHUNKARR_H5(at, H5Dget_storage_size, dataset_.get());
    // Contiguous data never written reads as the fill value; compact data is always stored.
    if (stored == 0 && layout != "compact") return;
    std::uint64_t needed = file_item;
    bool overflow = false;
    for (Index extent : shape_)
        overflow = __builtin_mul_overflow(needed, static_cast<std::uint64_t>(extent), &needed) || overflow;
    if (!overflow && needed == stored) return;
    throw FormatError(describe() + " is stored " + layout + " in " + std::to_string(stored) + " bytes, but its shape " +
                      shape_to_string(shape_) + " of " + std::to_string(file_item) + "-byte elements needs " +
                      (overflow ? std::string("more than 2^64") : std::to_string(needed)) +
                      " (damaged dataspace or layout message)");
}

// The chunks (or, for contiguous data, the tasks) of the dataset's shape, record variables
// extended to their record dimension, must be few enough to list.
void HDF5Source::Impl::check_chunk_count() const {
    if (storage_chunks_ && storage_chunks_->size() != shape_.size())
        throw FormatError(describe() + " has chunks of " + shape_to_string(*storage_chunks_) + " for its shape " +
                          shape_to_string(shape_) + " (damaged dataspace or layout message)");
    const Shape chunk =
        storage_chunks_ ? *storage_chunks_ : contiguous_task_shape(shape_, itemsize(dtype_), source_task_bytes);
    for (Index extent : chunk)
        if (extent <= 0) throw FormatError(describe() + " has chunk shape " + shape_to_string(chunk));
    if (too_many_chunks(shape_, chunk))
        throw FormatError(describe() + " has shape " + shape_to_string(shape_) + " in " +
                          (storage_chunks_ ? "chunks" : "contiguous slabs") + " of " + shape_to_string(chunk) +
                          ": more than 2^32 of them, too many to index (damaged dataspace?)");
}

void HDF5Source::Impl::read_netcdf_facts(hid_t space) {
    const Where at = where();
    if (hdf5::is_netcdf_dimension_only(at, dataset_.get()))
        throw KeyError("no variable " + dataset_path_ + " in " + file_path_ +
                       " (it is a netCDF dimension without values)");
    netcdf_ = hdf5::follows_netcdf4(*file_, at, dataset_.get());
    std::vector<hsize_t> maxdims(shape_.size());
    if (!shape_.empty()) CHUNKARR_H5(at, H5Sget_simple_extent_dims, space, nullptr, maxdims.data());
    for (hsize_t m : maxdims) unlimited_.push_back(m == H5S_UNLIMITED);
    // HDF5 never lets a dimension grow past its maximum: one that has is a damaged dataspace
    // (HDF5 1.10 opens it; a flipped bit in a dimension gives billions of fill values).
    for (std::size_t axis = 0; axis < shape_.size(); ++axis)
        if (maxdims[axis] != H5S_UNLIMITED && static_cast<hsize_t>(shape_[axis]) > maxdims[axis])
            throw FormatError(describe() + " has shape " + shape_to_string(shape_) + ", but at most " +
                              std::to_string(maxdims[axis]) + " along axis " + std::to_string(axis) +
                              " (damaged dataspace)");
    stored_shape_ = shape_;
    if (!netcdf_) return;
    const bool coordinate = shape_.size() == 1 && hdf5::is_dimension_scale(at, dataset_.get());
    for (std::size_t axis = 0; axis < shape_.size(); ++axis) {
        // A coordinate variable is its own dimension.
        const hdf5::DimensionScale scale =
            coordinate ? hdf5::DimensionScale{dataset_path_.substr(dataset_path_.rfind('/') + 1)}
                       : hdf5::attached_scale(dataset_.get(), static_cast<unsigned>(axis));
        dimension_names_.push_back(scale.name);
        // A record dimension is as long as its longest variable: this one may have fewer
        // records stored, and the rest read as the fill value (as netCDF does).
        if (unlimited_[axis] && scale.length > shape_[axis]) shape_[axis] = scale.length;
    }
}

void HDF5Source::Impl::read_fill_value() {
    const Where at = where();
    fill_value_.assign(itemsize(dtype_), std::byte{0});  // HDF5's default fill is zero
    hdf5::Handle dcpl(CHUNKARR_H5(at, H5Dget_create_plist, dataset_.get()));
    H5D_fill_value_t defined = H5D_FILL_VALUE_UNDEFINED;
    CHUNKARR_H5(at, H5Pfill_value_defined, dcpl.get(), &defined);
    // libnetcdf reads a dataset without a fill value of its own as in no-fill mode.
    no_fill_ = defined != H5D_FILL_VALUE_USER_DEFINED;
    // A fill value HDF5 cannot convert to the memory type is an answer: no fast path then.
    fill_value_known_ = defined == H5D_FILL_VALUE_UNDEFINED ||
                        CHUNKARR_H5_TRY(H5Pget_fill_value, dcpl.get(), memory_type_.get(), fill_value_.data()).ok();
    // Records past the stored extent read as libnetcdf reads them: the dataset's own fill value,
    // else (no-fill mode) the netCDF default fill of the type.
    record_fill_ = fill_value_;
    if (netcdf_ && no_fill_)
        visit_dtype(dtype_, [this](auto zero) {
            const auto fill = static_cast<decltype(zero)>(netcdf_default_fill(dtype_));
            std::memcpy(record_fill_.data(), &fill, sizeof fill);
        });
}

ChunkGrid HDF5Source::Impl::task_grid() const {
    if (storage_chunks_) return task_chunks(shape_, *storage_chunks_, itemsize(dtype_), source_task_bytes);
    return ChunkGrid::regular(shape_, contiguous_task_shape(shape_, itemsize(dtype_), source_task_bytes));
}

void HDF5Source::Impl::read(const Region& region, void* out) const {
    if (element_count(region_shape(region)) == 0) return;
    bool inside = true;
    for (std::size_t axis = 0; axis < region.size(); ++axis)
        inside = inside && region[axis].stop <= stored_shape_[axis];
    if (!inside) return read_past_stored_records(region, static_cast<std::byte*>(out));
    switch (direct_) {
        case Direct::Chunked: return read_chunked(region, static_cast<std::byte*>(out));
        case Direct::Contiguous: return read_contiguous(region, static_cast<std::byte*>(out));
        case Direct::No: return read_locked(region, out);
    }
}

void HDF5Source::Impl::read_past_stored_records(const Region& region, std::byte* out) const {
    const std::size_t item = itemsize(dtype_);
    const Shape out_shape = region_shape(region);
    for (Index i = 0; i < element_count(out_shape); ++i)
        std::memcpy(out + i * static_cast<Index>(item), record_fill_.data(), item);
    Region stored = region;
    std::vector<Index> offset(region.size());
    for (std::size_t axis = 0; axis < region.size(); ++axis) {
        stored[axis].stop = std::min(region[axis].stop, stored_shape_[axis]);
        if (stored[axis].stop <= stored[axis].start) return;
        offset[axis] = 0;
    }
    const Shape stored_shape = region_shape(stored);
    std::vector<std::byte> part(static_cast<std::size_t>(element_count(stored_shape)) * item);
    read(stored, part.data());
    kernels::copy_box(part.data(), stored_shape, offset, out, out_shape, offset, stored_shape, item);
}

void HDF5Source::Impl::read_locked(const Region& region, void* out) const {
    hdf5::Lock lock;
    const Where at = where();
    hdf5::Handle file_space(CHUNKARR_H5(at, H5Dget_space, dataset_.get()));
    hdf5::Handle memory_space;
    if (region.empty()) {
        memory_space = hdf5::Handle(CHUNKARR_H5(at, H5Screate, H5S_SCALAR));
    } else {
        std::vector<hsize_t> start(region.size()), count(region.size());
        for (std::size_t axis = 0; axis < region.size(); ++axis) {
            start[axis] = static_cast<hsize_t>(region[axis].start);
            count[axis] = static_cast<hsize_t>(region[axis].size());
        }
        CHUNKARR_H5(at, H5Sselect_hyperslab, file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                    nullptr);
        memory_space =
            hdf5::Handle(CHUNKARR_H5(at, H5Screate_simple, static_cast<int>(count.size()), count.data(), nullptr));
    }
    const auto read = CHUNKARR_H5_TRY(H5Dread, dataset_.get(), memory_type_.get(), memory_space.get(), file_space.get(),
                                      H5P_DEFAULT, out);
    if (!read.ok()) {
        if (!undecodable_filter_.empty()) throw FormatError(undecodable_filter_);
        throw IOError("cannot read " + describe() + " (damaged data?): " + read.what());
    }
    if (swap_after_locked_read_)
        kernels::swap_bytes(static_cast<std::byte*>(out), element_count(region_shape(region)), itemsize(dtype_));
}

// ---- HDF5Source: the public face ----

HDF5Source::HDF5Source(const std::string& file_path, const std::string& dataset_path)
    : impl_(std::make_unique<const Impl>(file_path, dataset_path)) {}

HDF5Source::~HDF5Source() = default;

const Shape& HDF5Source::shape() const { return impl_->shape_; }
DType HDF5Source::dtype() const { return impl_->dtype_; }
ChunkGrid HDF5Source::task_grid() const { return impl_->task_grid(); }
const Attributes& HDF5Source::attributes() const { return impl_->attributes_; }
void HDF5Source::read(const Region& region, void* out) const { impl_->read(region, out); }
std::string HDF5Source::describe() const { return impl_->describe(); }
std::string HDF5Source::identity() const { return "hdf5:" + describe() + "@" + impl_->file_->snapshot().version(); }
std::string HDF5Source::file_sizes() const { return std::to_string(impl_->file_->snapshot().identity().size); }
bool HDF5Source::netcdf_conventions() const { return impl_->netcdf_; }
bool HDF5Source::netcdf_no_fill() const { return impl_->no_fill_; }
bool HDF5Source::cheap_rereads() const { return !impl_->storage_chunks_; }
std::vector<std::string> HDF5Source::dimension_names() const { return impl_->dimension_names_; }
std::vector<bool> HDF5Source::unlimited_dimensions() const { return impl_->unlimited_; }
std::optional<Shape> HDF5Source::storage_chunks() const { return impl_->storage_chunks_; }
void HDF5Source::check_unchanged() const { impl_->file_->snapshot().check_unchanged(); }
const std::string& HDF5Source::file_path() const { return impl_->file_path_; }
const std::string& HDF5Source::dataset_path() const { return impl_->dataset_path_; }

}  // namespace chunkarr
