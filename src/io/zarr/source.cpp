#include <chunkarr/core/error.hpp>
#include <chunkarr/io/zarr/source.hpp>
#include <chunkarr/io/zarr/store.hpp>

#include "io/chunk_count.hpp"
#include "io/zarr/chunk_file.hpp"
#include "io/zarr/codecs.hpp"
#include "kernels/half_float.hpp"
#include "kernels/region_copy.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <filesystem>

namespace chunkarr {

namespace {

// A chunk stored in Fortran order (the first axis varies fastest) into C order.
void fortran_to_c(const std::byte* in, const Shape& shape, std::size_t item, std::byte* out) {
    const std::size_t ndim = shape.size();
    std::vector<Index> stride(ndim, 1), index(ndim, 0);
    for (std::size_t axis = 1; axis < ndim; ++axis) stride[axis] = stride[axis - 1] * shape[axis - 1];
    const Index count = element_count(shape);
    Index source = 0;
    for (Index i = 0; i < count; ++i) {
        std::memcpy(out + static_cast<std::size_t>(i) * item, in + static_cast<std::size_t>(source) * item, item);
        for (std::size_t axis = ndim; axis-- > 0;) {
            source += stride[axis];
            if (++index[axis] < shape[axis]) break;
            source -= stride[axis] * shape[axis];
            index[axis] = 0;
        }
    }
}

// The file the metadata of `variable` comes from: the consolidated .zmetadata when there is one.
std::string metadata_file(const std::string& store, std::string variable) {
    if (std::filesystem::exists(store + "/.zmetadata")) return store + "/.zmetadata";
    while (!variable.empty() && variable.front() == '/') variable.erase(0, 1);
    return store + "/" + (variable.empty() ? "" : variable + "/") + ".zarray";
}

// One part (0 real, 1 imaginary) of each of `count` complex values of T parts (a strided copy
// the compiler vectorizes).
template <class T> void take_part_as(const std::byte* pairs, Index count, int part, std::byte* out) {
    for (Index i = 0; i < count; ++i)
        std::memcpy(out + static_cast<std::size_t>(i) * sizeof(T),
                    pairs + (2 * static_cast<std::size_t>(i) + part) * sizeof(T), sizeof(T));
}

void take_complex_part(const std::byte* pairs, Index count, std::size_t item, int part, std::byte* out) {
    if (item == 4) take_part_as<float>(pairs, count, part, out);
    else take_part_as<double>(pairs, count, part, out);
}

// A complex array must be opened by part, and only a complex array has parts.
void check_complex_part(const ZarrArrayMetadata& meta, const std::optional<ComplexPart>& part,
                        const std::string& where) {
    // The facts only: the CLI and Python say what to take instead, as their users write it.
    if (meta.complex && !part)
        throw FormatError(where + " is " + zarr_stored_type_name(meta) +
                          ", which is read as its real and imaginary parts (open_complex), not as one real array");
    if (!meta.complex && part)
        throw FormatError(where + " is " + zarr_stored_type_name(meta) +
                          ", not complex: it has no real and imaginary parts");
}

}  // namespace

ZarrSource::ZarrSource(const std::string& store, const std::string& variable, std::optional<ComplexPart> part)
    : store_(store), snapshot_(metadata_file(store, variable)), meta_(read_zarr_array(store, variable)), part_(part) {
    check_complex_part(meta_, part_, store_ + ":" + meta_.path);
    directory_ = meta_.path == "/" ? store_ : store_ + meta_.path;
    // Stores of zarr-python's NestedDirectoryStore before 2.8 keep chunks in "0/1" without
    // saying so in .zarray: a directory "0" is the sign.
    if (!meta_.dimension_separator_given && meta_.shape.size() > 1 && std::filesystem::is_directory(directory_ + "/0"))
        meta_.dimension_separator = '/';
    const std::size_t item = itemsize(meta_.dtype);
    swap_bytes_ = zarr_stored_itemsize(meta_) > 1 && meta_.big_endian != (std::endian::native == std::endian::big);
    // Missing chunks: the fill value (zarr-python gives 0 for a null one), or its part.
    fill_chunk_.resize(static_cast<std::size_t>(element_count(meta_.chunks)) * item);
    const long double fill = part_ == ComplexPart::Imag ? meta_.fill_value_imag : meta_.fill_value.value_or(0);
    visit_dtype(meta_.dtype, [&](auto zero) {
        using T = decltype(zero);
        const T value = static_cast<T>(fill);
        for (std::size_t i = 0; i < fill_chunk_.size(); i += item) std::memcpy(fill_chunk_.data() + i, &value, item);
    });
}

std::string ZarrSource::describe() const {
    const std::string array = store_ + ":" + meta_.path;
    if (!part_) return array;
    return array + (*part_ == ComplexPart::Real ? " (real part)" : " (imaginary part)");
}

ChunkGrid ZarrSource::task_grid() const {
    return task_chunks(meta_.shape, meta_.chunks, itemsize(meta_.dtype), source_task_bytes);
}

std::string ZarrSource::chunk_file(const std::vector<Index>& index) const {
    return directory_ + "/" + zarr_chunk_key(index, meta_.dimension_separator);
}

bool ZarrSource::read_chunk(const std::vector<Index>& index, std::byte* out) const {
    if (meta_.complex) return read_complex_part(index, out);
    return decode_chunk(index, out);
}

// Each part's read decodes the chunk's value pairs and keeps its part: no values outlive the
// call, so chunk files rewritten between two runs read anew. The price: a task that reads both
// parts decodes each chunk twice. (`pairs` is scratch space kept by the thread, as decode_chunk's.)
bool ZarrSource::read_complex_part(const std::vector<Index>& index, std::byte* out) const {
    thread_local std::vector<std::byte> pairs;
    const Index count = element_count(meta_.chunks);
    pairs.resize(static_cast<std::size_t>(count) * zarr_stored_itemsize(meta_));
    if (!decode_chunk(index, pairs.data())) return false;
    take_complex_part(pairs.data(), count, itemsize(meta_.dtype), *part_ == ComplexPart::Real ? 0 : 1, out);
    return true;
}

bool ZarrSource::decode_chunk(const std::vector<Index>& index, std::byte* out) const {
    thread_local std::vector<std::byte> stored, decoded, reordered;
    const std::size_t item = zarr_stored_itemsize(meta_);
    const Index count = element_count(meta_.chunks);
    const std::size_t chunk_bytes = static_cast<std::size_t>(count) * item;  // as stored
    const std::string file = chunk_file(index);
    try {
        // The stored values are the output unless they are reordered (F order) or widened (float16).
        const bool final_layout = !meta_.fortran_order && !meta_.half_float;
        const bool plain = meta_.compressor.id.empty() && final_layout;
        // Uncompressed, C order: straight into `out`, the only copy.
        if (!read_chunk_file(file, plain ? out : nullptr, chunk_bytes, stored)) return false;
        std::byte* target = final_layout ? out : (decoded.resize(chunk_bytes), decoded.data());
        if (!plain) decode_zarr_chunk(meta_.compressor, stored.data(), stored.size(), target, chunk_bytes);
        // Complex values swap each part's bytes: a part is the unit of byte order.
        const std::size_t unit = meta_.complex ? item / 2 : item;
        if (swap_bytes_) kernels::swap_bytes(target, count * static_cast<Index>(item / unit), unit);
        if (meta_.fortran_order) {
            std::byte* c_order = meta_.half_float ? (reordered.resize(chunk_bytes), reordered.data()) : out;
            fortran_to_c(target, meta_.chunks, item, c_order);
            target = c_order;
        }
        if (meta_.half_float) kernels::widen_half_floats(target, count, out);
    } catch (const IOError& e) {
        throw IOError("cannot read " + describe() + " chunk " + zarr_chunk_key(index, meta_.dimension_separator) +
                      ": " + e.what());
    }
    return true;
}

void ZarrSource::read(const Region& region, void* out_) const {
    const Shape out_shape = region_shape(region);
    if (element_count(out_shape) == 0) return;
    auto* out = static_cast<std::byte*>(out_);
    const std::size_t item = itemsize(meta_.dtype);
    thread_local std::vector<std::byte> whole_chunk;
    kernels::for_each_chunk_part(region, meta_.chunks, [&](const kernels::ChunkPart& part) {
        if (part.whole) {
            if (!read_chunk(part.chunk, out)) std::memcpy(out, fill_chunk_.data(), fill_chunk_.size());
            return;
        }
        whole_chunk.resize(fill_chunk_.size());
        const std::byte* source = read_chunk(part.chunk, whole_chunk.data()) ? whole_chunk.data() : fill_chunk_.data();
        kernels::copy_box(source, meta_.chunks, part.src_start, out, out_shape, part.dst_start, part.count, item);
    });
}

}  // namespace chunkarr
