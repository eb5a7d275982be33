#include <chunkarr/core/error.hpp>
#include <chunkarr/io/hdf5_source.hpp>
#include "kernels/region_copy.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

namespace chunkarr {

using hdf5::Handle;
using hdf5::Lock;
using hdf5::check;

// One open file, shared by the sources of its datasets.
class HDF5File {
public:
    explicit HDF5File(const std::string& path) : path_(path) {
        namespace fs = std::filesystem;
        std::error_code ec;
        if (!fs::exists(path, ec)) throw IOError("no such file: " + path);
        if (fs::is_directory(path, ec)) throw IOError(path + " is a directory, not a file");
        if (!std::ifstream(path).good()) throw IOError("cannot open " + path + ": permission denied");
        if (fs::file_size(path, ec) == 0) throw FormatError(path + " is empty, not an HDF5 file");
        Lock lock;
        const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
        if (is_hdf5 <= 0) {
            hdf5::last_error_message();  // clear the stack
            throw FormatError(path + " is not an HDF5 file");
        }
        id_ = Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
        if (!id_.valid()) {
            const std::string detail = hdf5::last_error_message();
            throw FormatError("cannot open " + path + " (damaged or truncated HDF5 file?)" +
                              (detail.empty() ? "" : ": " + detail));
        }
    }
    hid_t id() const { return id_.get(); }
    const std::string& path() const { return path_; }
    // NetCDF-4: the root has netCDF's _NCProperties, or some dataset is a dimension scale.
    bool is_netcdf4() const;

private:
    std::string path_;
    Handle id_;
};

namespace {

std::string normalize_path(const std::string& path) {
    if (path.empty() || path[0] != '/') return "/" + path;
    return path;
}

// The numpy dtype of an HDF5 type, or nullopt for types chunkarr cannot compute with.
std::optional<DType> numeric_dtype(hid_t type) {
    const H5T_class_t type_class = H5Tget_class(type);
    const std::size_t size = H5Tget_size(type);
    if (type_class == H5T_ENUM) {
        // h5py stores bool as an int8 enum {FALSE = 0, TRUE = 1}.
        if (H5Tget_nmembers(type) == 2 && size == 1) {
            char* first = H5Tget_member_name(type, 0);
            char* second = H5Tget_member_name(type, 1);
            const bool is_bool = first && second && std::string(first) == "FALSE" && std::string(second) == "TRUE";
            H5free_memory(first);
            H5free_memory(second);
            if (is_bool) return DType::Bool;
        }
        Handle base(H5Tget_super(type));
        return numeric_dtype(base.get());
    }
    if (type_class == H5T_INTEGER) {
        const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
        switch (size) {
            case 1: return is_signed ? DType::Int8 : DType::UInt8;
            case 2: return is_signed ? DType::Int16 : DType::UInt16;
            case 4: return is_signed ? DType::Int32 : DType::UInt32;
            case 8: return is_signed ? DType::Int64 : DType::UInt64;
            default: return std::nullopt;
        }
    }
    if (type_class == H5T_FLOAT) {
        if (size == 4) return DType::Float32;
        if (size == 8) return DType::Float64;
    }
    return std::nullopt;
}

hid_t native_memory_type(DType dtype) {
    switch (dtype) {
        case DType::Bool:
        case DType::Int8: return H5T_NATIVE_INT8;
        case DType::Int16: return H5T_NATIVE_INT16;
        case DType::Int32: return H5T_NATIVE_INT32;
        case DType::Int64: return H5T_NATIVE_INT64;
        case DType::UInt8: return H5T_NATIVE_UINT8;
        case DType::UInt16: return H5T_NATIVE_UINT16;
        case DType::UInt32: return H5T_NATIVE_UINT32;
        case DType::UInt64: return H5T_NATIVE_UINT64;
        case DType::Float32: return H5T_NATIVE_FLOAT;
        case DType::Float64: break;
    }
    return H5T_NATIVE_DOUBLE;
}

std::string type_description(hid_t type) {
    switch (H5Tget_class(type)) {
        case H5T_STRING: return "string";
        case H5T_COMPOUND: return "compound";
        case H5T_FLOAT: return "float" + std::to_string(8 * H5Tget_size(type));
        case H5T_VLEN: return "variable-length";
        case H5T_ARRAY: return "array";
        case H5T_OPAQUE: return "opaque";
        case H5T_REFERENCE: return "reference";
        case H5T_BITFIELD: return "bitfield";
        default: return "other";
    }
}

Shape dataspace_shape(hid_t space) {
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
    if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    return Shape(dims.begin(), dims.end());
}

struct Layout {
    std::string name;
    std::optional<Shape> chunks;
    std::vector<std::string> filters;
    std::vector<std::pair<H5Z_filter_t, std::string>> unavailable;  // required filters we cannot decode
    std::vector<std::pair<H5Z_filter_t, std::string>> optional_unavailable;
};

Layout read_layout(hid_t dataset) {
    Layout layout;
    Handle dcpl(H5Dget_create_plist(dataset));
    switch (H5Pget_layout(dcpl.get())) {
        case H5D_CHUNKED: {
            layout.name = "chunked";
            const int rank = H5Pget_chunk(dcpl.get(), 0, nullptr);
            std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
            if (rank > 0) H5Pget_chunk(dcpl.get(), rank, dims.data());
            layout.chunks = Shape(dims.begin(), dims.end());
            break;
        }
        case H5D_COMPACT: layout.name = "compact"; break;
        case H5D_VIRTUAL: layout.name = "virtual"; break;
        default: layout.name = "contiguous"; break;
    }
    const int nfilters = H5Pget_nfilters(dcpl.get());
    for (int i = 0; i < nfilters; ++i) {
        unsigned flags = 0, config = 0;
        std::size_t nvalues = 8;
        unsigned values[8] = {};
        char name[256] = {};
        const H5Z_filter_t id = H5Pget_filter2(dcpl.get(), static_cast<unsigned>(i), &flags, &nvalues, values,
                                               sizeof name, name, &config);
        std::string label;
        switch (id) {
            case H5Z_FILTER_DEFLATE: label = "deflate(" + std::to_string(nvalues ? values[0] : 0) + ")"; break;
            case H5Z_FILTER_SHUFFLE: label = "shuffle"; break;
            case H5Z_FILTER_FLETCHER32: label = "fletcher32"; break;
            case H5Z_FILTER_SZIP: label = "szip"; break;
            case H5Z_FILTER_NBIT: label = "nbit"; break;
            case H5Z_FILTER_SCALEOFFSET: label = "scaleoffset"; break;
            default: label = "filter-" + std::to_string(id); break;
        }
        layout.filters.push_back(label);
        if (H5Zfilter_avail(id) <= 0) {
            hdf5::last_error_message();  // clear the stack
            // An optional filter may be skipped by every chunk (its bit in the chunk's filter
            // mask), so only a required one is an error before reading.
            const std::string shown = name[0] ? std::string(name) : label;
            (flags & H5Z_FLAG_OPTIONAL ? layout.optional_unavailable : layout.unavailable).emplace_back(id, shown);
        }
    }
    return layout;
}

herr_t collect_attribute(hid_t location, const char* name, const H5A_info_t*, void* data) {
    auto* attributes = static_cast<Attributes*>(data);
    Handle attribute(H5Aopen(location, name, H5P_DEFAULT));
    if (!attribute.valid()) return 0;
    Handle type(H5Aget_type(attribute.get()));
    Handle space(H5Aget_space(attribute.get()));
    const H5T_class_t type_class = H5Tget_class(type.get());
    const hssize_t count = H5Sget_simple_extent_npoints(space.get());
    if (count < 0) return 0;
    if (type_class == H5T_INTEGER || type_class == H5T_FLOAT) {
        std::vector<long double> values(static_cast<std::size_t>(count));
        if (count > 0 && H5Aread(attribute.get(), H5T_NATIVE_LDOUBLE, values.data()) < 0) return 0;
        attributes->set(name, std::move(values));
    } else if (type_class == H5T_STRING && count == 1) {
        if (H5Tis_variable_str(type.get()) > 0) {
            Handle memtype(H5Tcopy(H5T_C_S1));
            H5Tset_size(memtype.get(), H5T_VARIABLE);
            char* text = nullptr;
            if (H5Aread(attribute.get(), memtype.get(), &text) >= 0 && text) {
                attributes->set(name, std::string(text));
                H5free_memory(text);
            }
        } else {
            const std::size_t size = H5Tget_size(type.get());
            std::string text(size, '\0');
            Handle memtype(H5Tcopy(H5T_C_S1));
            H5Tset_size(memtype.get(), size);
            if (H5Aread(attribute.get(), memtype.get(), text.data()) >= 0) {
                text.resize(std::strlen(text.c_str()));
                attributes->set(name, text);
            }
        }
    }
    return 0;
}

std::string read_string_attribute(hid_t object, const char* name) {
    if (H5Aexists(object, name) <= 0) return {};
    Attributes attributes;
    H5A_info_t info{};
    collect_attribute(object, name, &info, &attributes);
    const auto it = attributes.all().find(name);
    if (it == attributes.all().end()) return {};
    const auto* text = std::get_if<std::string>(&it->second);
    return text ? *text : std::string{};
}

// netCDF-4 stores a dimension without a coordinate variable as an HDF5 dimension scale full of
// fill values, whose NAME says so. It is not a variable.
bool is_netcdf_dimension_only(hid_t dataset) {
    if (H5DSis_scale(dataset) <= 0) return false;
    return read_string_attribute(dataset, "NAME").rfind("This is a netCDF dimension but not a netCDF variable", 0) == 0;
}

struct ScaleFacts {
    std::string name;
    Index length = -1;
};

herr_t take_scale(hid_t, unsigned, hid_t scale, void* data) {
    auto* facts = static_cast<ScaleFacts*>(data);
    const ssize_t length = H5Iget_name(scale, nullptr, 0);
    if (length > 0) {
        std::string name(static_cast<std::size_t>(length) + 1, '\0');
        H5Iget_name(scale, name.data(), name.size());
        name.resize(static_cast<std::size_t>(length));
        facts->name = name.substr(name.rfind('/') + 1);
    }
    Handle space(H5Dget_space(scale));
    hsize_t extent = 0;
    if (H5Sget_simple_extent_ndims(space.get()) == 1 && H5Sget_simple_extent_dims(space.get(), &extent, nullptr) == 1)
        facts->length = static_cast<Index>(extent);
    return 1;   // the first scale is the dimension
}

// Opens the object at `path`, with errors that say which part of the path is missing.
Handle open_object(const HDF5File& file, const std::string& path) {
    std::string prefix;
    std::size_t start = 1;
    while (start <= path.size()) {
        const std::size_t end = std::min(path.find('/', start), path.size());
        prefix += '/';
        prefix.append(path, start, end - start);
        if (end > start && H5Lexists(file.id(), prefix.c_str(), H5P_DEFAULT) <= 0) {
            hdf5::last_error_message();
            throw KeyError("no dataset " + path + " in " + file.path() +
                           (prefix == path ? "" : " (" + prefix + " does not exist)"));
        }
        start = end + 1;
    }
    Handle object(H5Oopen(file.id(), path.c_str(), H5P_DEFAULT));
    if (!object.valid()) hdf5::throw_failure("cannot open " + file.path() + ":" + path);
    return object;
}

// Contiguous data has no storage chunks: tasks are slabs of whole trailing rows of ~target bytes.
ChunkGrid contiguous_task_chunks(const Shape& shape, std::size_t item, std::size_t target_bytes) {
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
    return ChunkGrid::regular(shape, chunk);
}

constexpr std::size_t task_target_bytes = 4 << 20;

}  // namespace

HDF5Source::HDF5Source(const std::string& file_path, const std::string& dataset_path)
    : file_path_(file_path), dataset_path_(normalize_path(dataset_path)) {
    file_ = std::make_shared<HDF5File>(file_path);
    Lock lock;
    Handle object = open_object(*file_, dataset_path_);
    if (H5Iget_type(object.get()) != H5I_DATASET)
        throw FormatError(describe() + " is a group, not a dataset");
    dataset_ = std::move(object);
    Handle type(H5Dget_type(dataset_.get()));
    const auto dtype = numeric_dtype(type.get());
    if (!dtype)
        throw FormatError(describe() + " has " + type_description(type.get()) +
                          " type; chunkarr computes with numeric datasets only");
    dtype_ = *dtype;
    // The machine's full-width type of the dtype (HDF5 converts byte order, and sign-extends
    // integers stored with fewer bits of precision); h5py's bool enum keeps its enum type.
    memory_type_ = Handle(H5Tget_class(type.get()) == H5T_ENUM ? H5Tget_native_type(type.get(), H5T_DIR_ASCEND)
                                                               : H5Tcopy(native_memory_type(dtype_)));
    if (H5Tget_class(type.get()) == H5T_INTEGER && H5Tget_precision(type.get()) < 8 * H5Tget_size(type.get()) &&
        H5Tget_order(type.get()) != H5Tget_order(memory_type_.get())) {
        // HDF5 1.10 does not sign-extend reduced-precision integers while it also swaps their
        // byte order: convert in the file's byte order, then swap ourselves.
        memory_type_ = Handle(H5Tcopy(type.get()));
        H5Tset_offset(memory_type_.get(), 0);
        H5Tset_precision(memory_type_.get(), 8 * H5Tget_size(type.get()));
        swap_after_locked_read_ = true;
    }
    Handle space(H5Dget_space(dataset_.get()));
    if (H5Sget_simple_extent_type(space.get()) == H5S_NULL) throw FormatError(describe() + " has no dataspace (null)");
    shape_ = dataspace_shape(space.get());
    const Layout layout = read_layout(dataset_.get());
    auto undecodable = [this](const std::pair<H5Z_filter_t, std::string>& filter) {
        return describe() + " uses filter '" + filter.second + "' (id " + std::to_string(filter.first) +
               "), which this HDF5 library cannot decode (is its plugin installed?)";
    };
    if (!layout.unavailable.empty()) throw FormatError(undecodable(layout.unavailable.front()));
    if (!layout.optional_unavailable.empty()) undecodable_filter_ = undecodable(layout.optional_unavailable.front());
    storage_chunks_ = layout.chunks;
    H5Aiterate2(dataset_.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_attribute, &attributes_);
    read_netcdf_facts(space.get());
    read_fill_value();
    decide_fast_path(type.get());
}

void HDF5Source::read_netcdf_facts(hid_t space) {
    if (is_netcdf_dimension_only(dataset_.get()))
        throw KeyError("no variable " + dataset_path_ + " in " + file_path_ + " (it is a netCDF dimension without values)");
    netcdf_ = H5Aexists(dataset_.get(), "DIMENSION_LIST") > 0 || H5DSis_scale(dataset_.get()) > 0 ||
              file_->is_netcdf4();
    std::vector<hsize_t> maxdims(shape_.size());
    if (!shape_.empty()) H5Sget_simple_extent_dims(space, nullptr, maxdims.data());
    for (hsize_t m : maxdims) unlimited_.push_back(m == H5S_UNLIMITED);
    stored_shape_ = shape_;
    if (netcdf_) {
        const std::string own_name = dataset_path_.substr(dataset_path_.rfind('/') + 1);
        for (std::size_t axis = 0; axis < shape_.size(); ++axis) {
            ScaleFacts facts;
            if (H5DSis_scale(dataset_.get()) > 0 && shape_.size() == 1) facts.name = own_name;   // a coordinate variable
            else if (H5DSget_num_scales(dataset_.get(), static_cast<unsigned>(axis)) > 0)
                H5DSiterate_scales(dataset_.get(), static_cast<unsigned>(axis), nullptr, take_scale, &facts);
            dimension_names_.push_back(facts.name);
            // A record dimension is as long as its longest variable: this one may have fewer
            // records stored, and the rest read as the fill value (as netCDF does).
            if (unlimited_[axis] && facts.length > shape_[axis]) shape_[axis] = facts.length;
        }
        hdf5::last_error_message();
    }
}

namespace {

// Types whose stored bytes are the machine's values, possibly byte-swapped: IEEE floats and
// integers without padding bits (h5py's bool enum included).
bool plain_numeric_type(hid_t type) {
    hid_t base = type;
    Handle super;
    if (H5Tget_class(type) == H5T_ENUM) {
        super = Handle(H5Tget_super(type));
        base = super.get();
    }
    const H5T_class_t type_class = H5Tget_class(base);
    if (type_class == H5T_INTEGER)
        return H5Tget_precision(base) == 8 * H5Tget_size(base) && H5Tget_offset(base) == 0;
    if (type_class == H5T_FLOAT)
        return H5Tequal(base, H5T_IEEE_F32LE) > 0 || H5Tequal(base, H5T_IEEE_F32BE) > 0 ||
               H5Tequal(base, H5T_IEEE_F64LE) > 0 || H5Tequal(base, H5T_IEEE_F64BE) > 0;
    return false;
}

bool native_is_big_endian() {
    const std::uint16_t probe = 1;
    std::uint8_t first;
    std::memcpy(&first, &probe, 1);
    return first == 0;
}

}  // namespace

void HDF5Source::read_fill_value() {
    fill_value_.assign(itemsize(dtype_), std::byte{0});   // HDF5's default fill is zero
    Handle dcpl(H5Dget_create_plist(dataset_.get()));
    H5D_fill_value_t defined = H5D_FILL_VALUE_UNDEFINED;
    H5Pfill_value_defined(dcpl.get(), &defined);
    fill_value_known_ =
        defined == H5D_FILL_VALUE_UNDEFINED || H5Pget_fill_value(dcpl.get(), memory_type_.get(), fill_value_.data()) >= 0;
    hdf5::last_error_message();
}

void HDF5Source::decide_fast_path(hid_t file_type) {
    // CHUNKARR_HDF5_DIRECT=0 forces every read through H5Dread (for comparisons and debugging).
    if (const char* env = std::getenv("CHUNKARR_HDF5_DIRECT"); env && std::string(env) == "0") return;
    if (!plain_numeric_type(file_type)) return;
    Handle fapl(H5Fget_access_plist(file_->id()));
    if (H5Pget_driver(fapl.get()) != H5FD_SEC2) return;
    Handle dcpl(H5Dget_create_plist(dataset_.get()));
    if (H5Pget_external_count(dcpl.get()) > 0) return;
    Handle fcpl(H5Fget_create_plist(file_->id()));
    hsize_t userblock = 0;
    H5Pget_userblock(fcpl.get(), &userblock);
    base_address_ = userblock;

    if (!fill_value_known_) return;   // unallocated chunks need it
    const std::size_t item = itemsize(dtype_);
    const bool big_endian = H5Tget_order(file_type) == H5T_ORDER_BE;
    swap_bytes_ = item > 1 && big_endian != native_is_big_endian();

    if (storage_chunks_) {
        pipeline_ = FilterPipeline::from_creation_properties(dcpl.get());
        if (!pipeline_) return;
        direct_ = Direct::Chunked;
    } else if (H5Pget_layout(dcpl.get()) == H5D_CONTIGUOUS) {
        const haddr_t address = H5Dget_offset(dataset_.get());
        if (address == HADDR_UNDEF) {
            hdf5::last_error_message();
            return;   // never written: H5Dread gives the fill value
        }
        // H5Dget_offset counts the userblock in; the chunk queries do not (measured: tests).
        contiguous_address_ = static_cast<std::uint64_t>(address);
        direct_ = Direct::Contiguous;
    } else {
        return;
    }
    raw_file_ = std::make_unique<RawFile>(file_path_);
}

const HDF5ChunkIndex* HDF5Source::chunk_index_or_null() const {
    if (direct_ != Direct::Chunked) return nullptr;
    // No index (HDF5 has no fast listing for this dataset): each task looks its chunks up
    // instead (H5Dread_chunk under the lock), and only the decoding runs unlocked.
    std::call_once(index_once_, [this] {
        index_ = HDF5ChunkIndex::build(dataset_.get(), *raw_file_, stored_shape_, *storage_chunks_, base_address_);
    });
    return index_.get();
}

StoredChunk HDF5Source::fetch_stored_chunk_locked(const std::vector<Index>& chunk, std::vector<std::byte>& bytes) const {
    std::vector<hsize_t> offset(chunk.size());
    for (std::size_t axis = 0; axis < chunk.size(); ++axis)
        offset[axis] = static_cast<hsize_t>(chunk[axis] * (*storage_chunks_)[axis]);
    Lock lock;
    hsize_t size = 0;
    if (H5Dget_chunk_storage_size(dataset_.get(), offset.data(), &size) < 0) {
        // HDF5 1.10 reports a chunk never written as an error; later versions as size 0.
        const std::string message = hdf5::last_error_message();
        if (message.find("not allocated") == std::string::npos)
            throw IOError("cannot look up a chunk of " + describe() + ": " + message);
        size = 0;
    }
    if (size == 0) {   // not allocated: the fill value
        bytes.clear();
        return StoredChunk{};
    }
    bytes.resize(size);
    std::uint32_t filter_mask = 0;
    check(H5Dread_chunk(dataset_.get(), H5P_DEFAULT, offset.data(), &filter_mask, bytes.data()),
          "cannot read " + describe() + " storage chunk");
    return StoredChunk{0, size, filter_mask, true};
}

std::vector<std::byte> HDF5Source::read_stored_chunk(const std::vector<Index>& chunk) const {
    std::vector<std::byte> bytes;
    if (const HDF5ChunkIndex* index = chunk_index_or_null()) {
        const StoredChunk& entry = index->at(chunk);
        bytes.resize(entry.allocated ? entry.size : 0);
        if (entry.allocated) raw_file_->read_at(entry.address, bytes.size(), bytes.data());
    } else {
        fetch_stored_chunk_locked(chunk, bytes);
    }
    return bytes;
}

namespace {
std::string chunk_label(const std::vector<Index>& chunk) {
    std::string label = "(";
    for (std::size_t i = 0; i < chunk.size(); ++i) {
        if (i) label += ", ";
        label += std::to_string(chunk[i]);
    }
    return label + ")";
}
}  // namespace

const std::byte* HDF5Source::stored_bytes(const StoredChunk& entry, std::vector<std::byte>& buffer) const {
    if (const std::byte* mapped = raw_file_->view(entry.address, entry.size)) return mapped;
    buffer.resize(entry.size);
    raw_file_->read_at(entry.address, entry.size, buffer.data());
    return buffer.data();
}

void HDF5Source::read_chunked(const Region& region, std::byte* out) const {
    const HDF5ChunkIndex* index = chunk_index_or_null();
    const Shape& chunk_shape = *storage_chunks_;
    const std::size_t ndim = shape_.size();
    const std::size_t item = itemsize(dtype_);
    const std::size_t chunk_bytes = static_cast<std::size_t>(element_count(chunk_shape)) * item;
    const Shape out_shape = region_shape(region);
    thread_local std::vector<std::byte> stored, decoded;

    std::vector<Index> first(ndim), last(ndim), chunk(ndim);
    for (std::size_t axis = 0; axis < ndim; ++axis) {
        first[axis] = region[axis].start / chunk_shape[axis];
        last[axis] = (region[axis].stop - 1) / chunk_shape[axis];
    }
    chunk = first;
    while (true) {
        std::vector<Index> src_start(ndim), dst_start(ndim);
        Shape count(ndim);
        bool whole = true;   // the region is exactly this chunk's full stored box
        for (std::size_t axis = 0; axis < ndim; ++axis) {
            const Index origin = chunk[axis] * chunk_shape[axis];
            const Index lo = std::max(region[axis].start, origin);
            const Index hi = std::min(region[axis].stop, origin + chunk_shape[axis]);
            src_start[axis] = lo - origin;
            dst_start[axis] = lo - region[axis].start;
            count[axis] = hi - lo;
            whole = whole && count[axis] == chunk_shape[axis] && count[axis] == out_shape[axis];
        }
        StoredChunk looked_up;
        const bool indexed = index != nullptr;
        if (!indexed) looked_up = fetch_stored_chunk_locked(chunk, stored);
        const StoredChunk& entry = indexed ? index->at(chunk) : looked_up;
        try {
            if (!entry.allocated) {
                decoded.resize(chunk_bytes);
                for (std::size_t i = 0; i < chunk_bytes; i += item) std::memcpy(decoded.data() + i, fill_value_.data(), item);
                kernels::copy_box(decoded.data(), chunk_shape, src_start, out, out_shape, dst_start, count, item);
            } else {
                const bool filtered = !pipeline_->empty() && entry.filter_mask != (1u << pipeline_->steps().size()) - 1;
                if (indexed && !filtered && whole && entry.size == chunk_bytes) {
                    // Straight into the caller's buffer: the only copy.
                    raw_file_->read_at(entry.address, chunk_bytes, out);
                    if (swap_bytes_) kernels::swap_bytes(out, element_count(count), item);
                } else if (filtered && whole) {
                    // Decoded straight into the caller's buffer.
                    const std::byte* bytes = indexed ? stored_bytes(entry, stored) : stored.data();
                    pipeline_->decode(bytes, entry.size, entry.filter_mask, out, chunk_bytes);
                    if (indexed) raw_file_->release_view(entry.address, entry.size);
                    if (swap_bytes_) kernels::swap_bytes(out, element_count(count), item);
                } else {
                    // Part of a chunk (an edge, or a slice).
                    const std::byte* bytes = indexed ? stored_bytes(entry, stored) : stored.data();
                    const std::byte* planes =
                        filtered && !swap_bytes_ ? pipeline_->decode_to_planes(bytes, entry.size, entry.filter_mask, chunk_bytes)
                                                 : nullptr;
                    if (planes) {
                        // Shuffled: unshuffle just that part, straight into place.
                        unshuffle_box(planes, chunk_shape, static_cast<unsigned>(item), src_start, out, out_shape, dst_start, count);
                    } else {
                        // Otherwise the whole chunk is decoded aside.
                        if (!filtered && entry.size != chunk_bytes)
                            throw IOError("stored chunk has " + std::to_string(entry.size) + " bytes, expected " +
                                          std::to_string(chunk_bytes));
                        decoded.resize(chunk_bytes);
                        if (filtered) pipeline_->decode(bytes, entry.size, entry.filter_mask, decoded.data(), chunk_bytes);
                        else std::memcpy(decoded.data(), bytes, chunk_bytes);
                        if (swap_bytes_) kernels::swap_bytes(decoded.data(), element_count(chunk_shape), item);
                        kernels::copy_box(decoded.data(), chunk_shape, src_start, out, out_shape, dst_start, count, item);
                    }
                    if (indexed) raw_file_->release_view(entry.address, entry.size);
                }
            }
        } catch (const IOError& e) {
            throw IOError("cannot read " + describe() + " storage chunk " + chunk_label(chunk) + " (" +
                          std::to_string(entry.size) + " bytes at offset " + std::to_string(entry.address) +
                          "): " + e.what());
        }
        std::size_t axis = ndim;
        while (axis-- > 0) {
            if (++chunk[axis] <= last[axis]) break;
            chunk[axis] = first[axis];
        }
        if (axis == static_cast<std::size_t>(-1)) break;
    }
}

void HDF5Source::read_contiguous(const Region& region, std::byte* out) const {
    const std::size_t ndim = shape_.size();
    const std::size_t item = itemsize(dtype_);
    if (ndim == 0) {
        raw_file_->read_at(contiguous_address_, item, out);
        if (swap_bytes_) kernels::swap_bytes(out, 1, item);
        return;
    }
    // Axes after `split` are taken whole, so each step of the axes before it is one run of
    // consecutive bytes in the file.
    std::size_t split = ndim - 1;
    while (split > 0 && region[split].start == 0 && region[split].stop == stored_shape_[split]) --split;
    Index run = region[split].size();
    std::vector<Index> stride(ndim, 1);
    for (std::size_t axis = ndim - 1; axis-- > 0;) stride[axis] = stride[axis + 1] * stored_shape_[axis + 1];
    run *= stride[split];
    std::vector<Index> index(split, 0);
    std::byte* target = out;
    while (true) {
        Index offset = region[split].start * stride[split];
        for (std::size_t axis = 0; axis < split; ++axis) offset += (region[axis].start + index[axis]) * stride[axis];
        raw_file_->read_at(contiguous_address_ + static_cast<std::uint64_t>(offset) * item,
                           static_cast<std::size_t>(run) * item, target);
        target += static_cast<std::size_t>(run) * item;
        std::size_t axis = split;
        while (axis-- > 0) {
            if (++index[axis] < region[axis].size()) break;
            index[axis] = 0;
        }
        if (axis == static_cast<std::size_t>(-1)) break;
    }
    if (swap_bytes_) kernels::swap_bytes(out, element_count(region_shape(region)), item);
}

HDF5Source::~HDF5Source() = default;

ChunkGrid HDF5Source::task_grid() const {
    if (storage_chunks_) return task_chunks(shape_, *storage_chunks_, itemsize(dtype_), task_target_bytes);
    return contiguous_task_chunks(shape_, itemsize(dtype_), task_target_bytes);
}

void HDF5Source::read(const Region& region, void* out) const {
    if (element_count(region_shape(region)) == 0) return;
    bool inside = true;
    for (std::size_t axis = 0; axis < region.size(); ++axis) inside = inside && region[axis].stop <= stored_shape_[axis];
    if (!inside) return read_past_stored_records(region, static_cast<std::byte*>(out));
    switch (direct_) {
        case Direct::Chunked: return read_chunked(region, static_cast<std::byte*>(out));
        case Direct::Contiguous: return read_contiguous(region, static_cast<std::byte*>(out));
        case Direct::No: return read_locked(region, out);
    }
}

void HDF5Source::read_past_stored_records(const Region& region, std::byte* out) const {
    const std::size_t item = itemsize(dtype_);
    const Shape out_shape = region_shape(region);
    for (Index i = 0; i < element_count(out_shape); ++i)
        std::memcpy(out + i * static_cast<Index>(item), fill_value_.data(), item);
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

void HDF5Source::read_locked(const Region& region, void* out) const {
    Lock lock;
    Handle file_space(H5Dget_space(dataset_.get()));
    Handle memory_space;
    if (region.empty()) {
        memory_space = Handle(H5Screate(H5S_SCALAR));
    } else {
        std::vector<hsize_t> start(region.size()), count(region.size());
        for (std::size_t axis = 0; axis < region.size(); ++axis) {
            start[axis] = static_cast<hsize_t>(region[axis].start);
            count[axis] = static_cast<hsize_t>(region[axis].size());
        }
        check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
              "cannot select a region of " + describe());
        memory_space = Handle(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr));
    }
    if (H5Dread(dataset_.get(), memory_type_.get(), memory_space.get(), file_space.get(), H5P_DEFAULT, out) < 0) {
        if (!undecodable_filter_.empty()) {
            hdf5::last_error_message();
            throw FormatError(undecodable_filter_);
        }
        hdf5::throw_failure("cannot read " + describe() + " (damaged data?)");
    }
    if (swap_after_locked_read_)
        kernels::swap_bytes(static_cast<std::byte*>(out), element_count(region_shape(region)), itemsize(dtype_));
}

namespace {

void visit_datasets(hid_t group, const std::string& prefix, int depth,
                    const std::function<void(const std::string&, hid_t)>& visit) {
    if (depth > 64) return;
    H5G_info_t info{};
    if (H5Gget_info(group, &info) < 0) return;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
        const ssize_t length = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
        if (length < 0) continue;
        std::string name(static_cast<std::size_t>(length) + 1, '\0');
        H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
        name.resize(static_cast<std::size_t>(length));
        Handle object(H5Oopen(group, name.c_str(), H5P_DEFAULT));
        if (!object.valid()) continue;  // dangling soft or external link
        const std::string path = prefix + "/" + name;
        const H5I_type_t type = H5Iget_type(object.get());
        if (type == H5I_GROUP) visit_datasets(object.get(), path, depth + 1, visit);
        else if (type == H5I_DATASET) visit(path, object.get());
    }
}

}  // namespace

bool HDF5File::is_netcdf4() const {
    Lock lock;
    if (H5Aexists(id(), "_NCProperties") > 0) return true;
    // Looking for a dimension scale visits every dataset: do it once per file (and version of
    // it), not once per variable opened.
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto stamp = fs::last_write_time(path_, ec).time_since_epoch().count();
    const std::string key = path_ + "|" + std::to_string(stamp) + "|" + std::to_string(fs::file_size(path_, ec));
    static std::map<std::string, bool> known;   // guarded by the library lock
    if (auto it = known.find(key); it != known.end()) return it->second;
    bool any_scale = false;
    visit_datasets(id(), "", 0, [&](const std::string&, hid_t dataset) { any_scale = any_scale || H5DSis_scale(dataset) > 0; });
    hdf5::last_error_message();
    known[key] = any_scale;
    return any_scale;
}

std::vector<HDF5DatasetInfo> list_hdf5_datasets(const std::string& file_path) {
    HDF5File file(file_path);
    Lock lock;
    std::vector<HDF5DatasetInfo> result;
    visit_datasets(file.id(), "", 0, [&](const std::string& path, hid_t dataset) {
        HDF5DatasetInfo info;
        info.path = path;
        Handle type(H5Dget_type(dataset));
        Handle space(H5Dget_space(dataset));
        info.shape = dataspace_shape(space.get());
        const auto dtype = numeric_dtype(type.get());
        info.dtype = dtype ? std::string(dtype_name(*dtype)) : type_description(type.get());
        if (dtype) info.byte_order = H5Tget_order(type.get()) == H5T_ORDER_BE ? '>' : '<';
        const Layout layout = read_layout(dataset);
        info.layout = layout.name;
        info.chunks = layout.chunks;
        info.filters = layout.filters;
        const hssize_t points = H5Sget_simple_extent_npoints(space.get());
        info.nbytes = static_cast<std::uint64_t>(std::max<hssize_t>(points, 0)) * H5Tget_size(type.get());
        info.storage_bytes = H5Dget_storage_size(dataset);
        info.netcdf_dimension_only = is_netcdf_dimension_only(dataset);
        result.push_back(std::move(info));
    });
    std::sort(result.begin(), result.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return result;
}

std::vector<std::string> numeric_hdf5_datasets(const std::string& file_path) {
    std::vector<std::string> paths;
    for (const auto& info : list_hdf5_datasets(file_path))
        if (parse_dtype(info.dtype) && !info.netcdf_dimension_only) paths.push_back(info.path);
    return paths;
}

}  // namespace chunkarr
