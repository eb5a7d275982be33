// The fast path of HDF5Source: chunks located once through the chunk index (under the HDF5
// lock), then pread and decoded on the calling thread with no lock; contiguous data pread
// straight into the caller's buffer.
#include <chunkarr/core/error.hpp>

#include "io/hdf5/filter_pipeline.hpp"
#include "io/hdf5/source_impl.hpp"
#include "io/hdf5/types.hpp"
#include "kernels/region_copy.hpp"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>

namespace chunkarr {

namespace {

std::string chunk_label(const std::vector<Index>& chunk) {
    std::string label = "(";
    for (std::size_t i = 0; i < chunk.size(); ++i) {
        if (i) label += ", ";
        label += std::to_string(chunk[i]);
    }
    return label + ")";
}

// A box of a dense array stored as is at `address` (its shape `stored_shape`, the box from
// `src_start`, `count` elements per axis) read straight into place in `out` (shape `out_shape`,
// at `dst_start`), one pread per run of consecutive bytes: the axes after the last one taken in
// part are whole in the stored array and in `out`, so each step of the axes up to it is a run.
// False, reading nothing, when that would be more than `max_runs` reads.
// Part of a raw chunk is read in runs straight into place only when they are few (a chunk cut
// along its leading axes, as at the bottom edge of a grid); otherwise it is read whole, then
// copied.
constexpr Index max_runs_per_chunk = 64;

bool read_box_in_runs(const RawFile& file, std::uint64_t address, const Shape& stored_shape,
                      const std::vector<Index>& src_start, std::byte* out, const Shape& out_shape,
                      const std::vector<Index>& dst_start, const Shape& count, std::size_t item, Index max_runs) {
    const std::size_t ndim = stored_shape.size();
    if (ndim == 0) {
        file.read_at(address, item, out);
        return true;
    }
    std::size_t split = 0;  // the last axis taken in part (0 when the box is everything)
    for (std::size_t axis = ndim; axis-- > 0;)
        if (count[axis] != stored_shape[axis] || count[axis] != out_shape[axis]) {
            split = axis;
            break;
        }
    Index runs = 1;
    for (std::size_t axis = 0; axis < split; ++axis) runs *= count[axis];
    if (runs > max_runs) return false;
    Index inner = 1;  // elements per step of the split axis (the whole trailing axes)
    for (std::size_t axis = split + 1; axis < ndim; ++axis) inner *= count[axis];
    const auto run_bytes = static_cast<std::size_t>(count[split] * inner) * item;
    std::vector<Index> index(split, 0);
    for (Index r = 0; r < runs; ++r) {
        Index source = 0, target = 0;
        for (std::size_t axis = 0; axis <= split; ++axis) {
            const Index at = axis < split ? index[axis] : 0;
            source = source * stored_shape[axis] + src_start[axis] + at;
            target = target * out_shape[axis] + dst_start[axis] + at;
        }
        file.read_at(address + static_cast<std::uint64_t>(source * inner) * item, run_bytes,
                     out + static_cast<std::size_t>(target * inner) * item);
        for (std::size_t axis = split; axis-- > 0;) {
            if (++index[axis] < count[axis]) break;
            index[axis] = 0;
        }
    }
    return true;
}

// The stored chunks of one read, fetched in runs: chunks that lie back to back in the file are
// read with one pread (up to max_run_bytes), then decoded one by one out of the thread's buffer.
// Small compressed chunks (NetCDF's one-record chunks) then cost one system call per run, not
// one each, and a disk sees long sequential reads.
constexpr std::uint64_t max_run_bytes = 16u << 20;

class StoredRuns {
public:
    StoredRuns(const RawFile& file, std::vector<const StoredChunk*> chunks) : file_(file), chunks_(std::move(chunks)) {}

    // The stored bytes of the k-th chunk of the read (allocated), reading its run if needed.
    const std::byte* bytes(std::size_t k) {
        if (k < first_ || k >= end_) read_run_from(k);
        return buffer_.data() + (chunks_[k]->address - chunks_[first_]->address);
    }

private:
    void read_run_from(std::size_t k) {
        std::size_t end = k + 1;
        std::uint64_t total = chunks_[k]->size;
        while (end < chunks_.size() && chunks_[end]->allocated &&
               chunks_[end]->address == chunks_[end - 1]->address + chunks_[end - 1]->size &&
               total + chunks_[end]->size <= max_run_bytes)
            total += chunks_[end++]->size;
        buffer_.resize(total);
        file_.read_at(chunks_[k]->address, total, buffer_.data());
        first_ = k;
        end_ = end;
    }

    const RawFile& file_;
    std::vector<const StoredChunk*> chunks_;  // in the order the read visits them
    std::size_t first_ = 0, end_ = 0;         // the run in buffer_
    static thread_local std::vector<std::byte> buffer_;
};

thread_local std::vector<std::byte> StoredRuns::buffer_;

}  // namespace

void HDF5Source::Impl::decide_fast_path(hid_t file_type) {
    // CHUNKARR_HDF5_DIRECT=0 forces every read through H5Dread (for comparisons and debugging).
    if (const char* env = std::getenv("CHUNKARR_HDF5_DIRECT"); env && std::string(env) == "0") return;
    const Where at = where();
    if (!hdf5::plain_numeric_type(at, file_type)) return;
    hdf5::Handle fapl(CHUNKARR_H5(at, H5Fget_access_plist, file_->id()));
    if (CHUNKARR_H5(at, H5Pget_driver, fapl.get()) != H5FD_SEC2) return;
    hdf5::Handle dcpl(CHUNKARR_H5(at, H5Dget_create_plist, dataset_.get()));
    if (CHUNKARR_H5(at, H5Pget_external_count, dcpl.get()) > 0) return;
    hdf5::Handle fcpl(CHUNKARR_H5(at, H5Fget_create_plist, file_->id()));
    hsize_t userblock = 0;
    CHUNKARR_H5(at, H5Pget_userblock, fcpl.get(), &userblock);
    base_address_ = userblock;

    if (!fill_value_known_) return;  // unallocated chunks need it
    const std::size_t item = itemsize(dtype_);
    const bool big_endian = CHUNKARR_H5(at, H5Tget_order, file_type) == H5T_ORDER_BE;
    swap_bytes_ = item > 1 && big_endian != (std::endian::native == std::endian::big);

    if (storage_chunks_) {
        pipeline_ = hdf5::read_filter_pipeline(at, dcpl.get());
        if (!pipeline_) return;
        direct_ = Direct::Chunked;
    } else if (CHUNKARR_H5(at, H5Pget_layout, dcpl.get()) == H5D_CONTIGUOUS) {
        // Never written (HDF5 may call that a failure): H5Dread gives the fill value.
        const auto address = CHUNKARR_H5_TRY(H5Dget_offset, dataset_.get());
        if (!address.ok() || address.value == HADDR_UNDEF) return;
        // H5Dget_offset counts the userblock in; the chunk queries do not (measured: tests).
        contiguous_address_ = static_cast<std::uint64_t>(address.value);
        direct_ = Direct::Contiguous;
    } else {
        return;
    }
    raw_file_ = std::make_unique<RawFile>(file_path_);
}

const HDF5ChunkIndex* HDF5Source::Impl::chunk_index_or_null() const {
    if (direct_ != Direct::Chunked) return nullptr;
    // No index (HDF5 has no fast listing for this dataset): each task looks its chunks up
    // instead (H5Dread_chunk under the lock), and only the decoding runs unlocked.
    std::call_once(index_once_, [this] {
        // The index is read long after the metadata, often: both must come from one version of
        // the file (a throw here leaves the index to be built by a later call).
        file_->snapshot().check_unchanged();
        index_ =
            HDF5ChunkIndex::build(where(), dataset_.get(), *raw_file_, stored_shape_, *storage_chunks_, base_address_);
    });
    return index_.get();
}

StoredChunk HDF5Source::Impl::fetch_stored_chunk_locked(const std::vector<Index>& chunk,
                                                        std::vector<std::byte>& bytes) const {
    std::vector<hsize_t> offset(chunk.size());
    for (std::size_t axis = 0; axis < chunk.size(); ++axis)
        offset[axis] = static_cast<hsize_t>(chunk[axis] * (*storage_chunks_)[axis]);
    hdf5::Lock lock;
    hsize_t size = 0;
    const auto stored = CHUNKARR_H5_TRY(H5Dget_chunk_storage_size, dataset_.get(), offset.data(), &size);
    if (!stored.ok()) {
        // HDF5 1.10 reports a chunk never written as an error; later versions as size 0.
        if (stored.detail.find("not allocated") == std::string::npos)
            throw IOError("cannot look up a chunk of " + describe() + ": " + stored.what());
        size = 0;
    }
    if (size == 0) {  // not allocated: the fill value
        bytes.clear();
        return StoredChunk{};
    }
    bytes.resize(size);
    std::uint32_t filter_mask = 0;
    const auto read =
        CHUNKARR_H5_TRY(H5Dread_chunk, dataset_.get(), H5P_DEFAULT, offset.data(), &filter_mask, bytes.data());
    if (!read.ok()) throw IOError("cannot read " + describe() + " storage chunk: " + read.what());
    return StoredChunk{0, size, filter_mask, true};
}

std::vector<std::byte> HDF5Source::Impl::read_stored_chunk(const std::vector<Index>& chunk) const {
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

const std::byte* HDF5Source::Impl::stored_bytes(const StoredChunk& entry, std::vector<std::byte>& buffer) const {
    buffer.resize(entry.size);
    raw_file_->read_at(entry.address, entry.size, buffer.data());
    return buffer.data();
}

void HDF5Source::Impl::read_chunked(const Region& region, std::byte* out) const {
    const HDF5ChunkIndex* index = chunk_index_or_null();
    const Shape& chunk_shape = *storage_chunks_;
    const std::size_t item = itemsize(dtype_);
    const std::size_t chunk_bytes = static_cast<std::size_t>(element_count(chunk_shape)) * item;
    const Shape out_shape = region_shape(region);
    thread_local std::vector<std::byte> stored, decoded;

    // Filtered chunks go through a buffer anyway: read neighbours together (raw chunks are read
    // straight into place instead).
    std::optional<StoredRuns> runs;
    if (index && !pipeline_->empty()) {
        std::vector<const StoredChunk*> entries;
        kernels::for_each_chunk_part(
            region, chunk_shape, [&](const kernels::ChunkPart& part) { entries.push_back(&index->at(part.chunk)); });
        runs.emplace(*raw_file_, std::move(entries));
    }
    const auto stored_bytes_of = [&](std::size_t k, const StoredChunk& entry) {
        return runs ? runs->bytes(k) : stored_bytes(entry, stored);
    };
    std::size_t visited = 0;
    kernels::for_each_chunk_part(region, chunk_shape, [&](const kernels::ChunkPart& part) {
        const std::size_t k = visited++;  // the chunk's place in `runs`
        const std::vector<Index>& chunk = part.chunk;
        const std::vector<Index>&src_start = part.src_start, &dst_start = part.dst_start;
        const Shape& count = part.count;
        const bool whole = part.whole;  // the region is exactly this chunk's full stored box
        StoredChunk looked_up;
        const bool indexed = index != nullptr;
        if (!indexed) looked_up = fetch_stored_chunk_locked(chunk, stored);
        const StoredChunk& entry = indexed ? index->at(chunk) : looked_up;
        try {
            if (!entry.allocated) {
                decoded.resize(chunk_bytes);
                for (std::size_t i = 0; i < chunk_bytes; i += item)
                    std::memcpy(decoded.data() + i, fill_value_.data(), item);
                kernels::copy_box(decoded.data(), chunk_shape, src_start, out, out_shape, dst_start, count, item);
            } else {
                const bool filtered = !pipeline_->empty() && entry.filter_mask != (1u << pipeline_->steps().size()) - 1;
                if (indexed && !filtered && whole && entry.size == chunk_bytes) {
                    // Straight into the caller's buffer: the only copy.
                    raw_file_->read_at(entry.address, chunk_bytes, out);
                    if (swap_bytes_) kernels::swap_bytes(out, element_count(count), item);
                } else if (indexed && !filtered && !swap_bytes_ && entry.size == chunk_bytes &&
                           read_box_in_runs(*raw_file_, entry.address, chunk_shape, src_start, out, out_shape,
                                            dst_start, count, item, max_runs_per_chunk)) {
                    // Part of a chunk in a few long runs: read straight into place.
                } else if (filtered && whole) {
                    // Decoded straight into the caller's buffer.
                    const std::byte* bytes = indexed ? stored_bytes_of(k, entry) : stored.data();
                    pipeline_->decode(bytes, entry.size, entry.filter_mask, out, chunk_bytes);
                    if (swap_bytes_) kernels::swap_bytes(out, element_count(count), item);
                } else {
                    // Part of a chunk (an edge, or a slice).
                    const std::byte* bytes = indexed ? stored_bytes_of(k, entry) : stored.data();
                    const std::byte* planes =
                        filtered && !swap_bytes_
                            ? pipeline_->decode_to_planes(bytes, entry.size, entry.filter_mask, chunk_bytes)
                            : nullptr;
                    if (planes) {
                        // Shuffled: unshuffle just that part, straight into place.
                        unshuffle_box(planes, chunk_shape, static_cast<unsigned>(item), src_start, out, out_shape,
                                      dst_start, count);
                    } else if (!filtered && !swap_bytes_ && entry.size == chunk_bytes) {
                        // Stored as is: the part is copied straight out of the read buffer.
                        kernels::copy_box(bytes, chunk_shape, src_start, out, out_shape, dst_start, count, item);
                    } else {
                        // Otherwise the whole chunk is decoded aside.
                        if (!filtered && entry.size != chunk_bytes)
                            throw IOError("stored chunk has " + std::to_string(entry.size) + " bytes, expected " +
                                          std::to_string(chunk_bytes));
                        decoded.resize(chunk_bytes);
                        if (filtered)
                            pipeline_->decode(bytes, entry.size, entry.filter_mask, decoded.data(), chunk_bytes);
                        else std::memcpy(decoded.data(), bytes, chunk_bytes);
                        if (swap_bytes_) kernels::swap_bytes(decoded.data(), element_count(chunk_shape), item);
                        kernels::copy_box(decoded.data(), chunk_shape, src_start, out, out_shape, dst_start, count,
                                          item);
                    }
                }
            }
        } catch (const IOError& e) {
            throw IOError("cannot read " + describe() + " storage chunk " + chunk_label(chunk) + " (" +
                          std::to_string(entry.size) + " bytes at offset " + std::to_string(entry.address) +
                          "): " + e.what());
        }
    });
}

void HDF5Source::Impl::read_contiguous(const Region& region, std::byte* out) const {
    const std::size_t item = itemsize(dtype_);
    const Shape count = region_shape(region);
    std::vector<Index> start(region.size());
    for (std::size_t axis = 0; axis < region.size(); ++axis) start[axis] = region[axis].start;
    read_box_in_runs(*raw_file_, contiguous_address_, stored_shape_, start, out, count,
                     std::vector<Index>(region.size(), 0), count, item, std::numeric_limits<Index>::max());
    if (swap_bytes_) kernels::swap_bytes(out, element_count(count), item);
}

}  // namespace chunkarr
