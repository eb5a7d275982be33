#pragma once
// What an HDF5Source holds: the open dataset, what was learnt from its metadata (source.cpp) and
// how it is read: through H5Dread under the lock (source.cpp) or directly, with pread and no
// lock (direct_read.cpp). Tests and benchmarks reach the chunk index and stored chunks here.
#include <chunkarr/io/hdf5/source.hpp>

#include "io/filter_pipeline.hpp"
#include "io/hdf5/chunk_index.hpp"
#include "io/hdf5/file.hpp"
#include "io/hdf5/library.hpp"
#include "io/raw_file.hpp"

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace chunkarr {

class HDF5Source::Impl {
public:
    Impl(const std::string& file_path, const std::string& dataset_path);

    // Whether reads bypass H5Dread (false: every read takes the HDF5 lock).
    bool reads_directly() const { return direct_ != Direct::No; }
    // The chunk index, built on first use; null when not on the chunked fast path or when
    // building it would be quadratic (HDF5 without H5Dchunk_iter and many chunks).
    const HDF5ChunkIndex* chunk_index_or_null() const;
    // Stored bytes of one chunk, read without decoding.
    std::vector<std::byte> read_stored_chunk(const std::vector<Index>& chunk) const;
    const std::optional<FilterPipeline>& filter_pipeline() const { return pipeline_; }

private:
    friend class HDF5Source;
    enum class Direct { No, Chunked, Contiguous };

    std::string describe() const { return file_path_ + ":" + dataset_path_; }
    Where where() const { return {file_path_, dataset_path_}; }
    ChunkGrid task_grid() const;
    void read(const Region& region, void* out) const;

    // Metadata, read when the source is made (source.cpp).
    void read_netcdf_facts(hid_t space);
    void check_stored_size(const std::string& layout, std::size_t file_item) const;
    void check_chunk_count() const;
    void read_fill_value();
    // Locked reads (source.cpp).
    void read_locked(const Region& region, void* out) const;
    void read_past_stored_records(const Region& region, std::byte* out) const;
    // Direct reads (direct_read.cpp).
    void decide_fast_path(hid_t file_type);
    void read_chunked(const Region& region, std::byte* out) const;
    void read_contiguous(const Region& region, std::byte* out) const;
    // The stored bytes of an indexed chunk, read into `buffer` (the thread's, reused).
    const std::byte* stored_bytes(const StoredChunk& entry, std::vector<std::byte>& buffer) const;
    // Looks one chunk up and reads its stored bytes under the HDF5 lock.
    StoredChunk fetch_stored_chunk_locked(const std::vector<Index>& chunk, std::vector<std::byte>& bytes) const;

    std::string file_path_;
    std::string dataset_path_;
    std::shared_ptr<HDF5File> file_;
    hdf5::Handle dataset_;
    hdf5::Handle memory_type_;
    Shape shape_;
    Shape stored_shape_;  // the HDF5 extent; shape_ may be longer on a record axis
    DType dtype_ = DType::Float64;
    std::optional<Shape> storage_chunks_;
    Attributes attributes_;
    bool netcdf_ = false;   // a NetCDF-4 variable
    bool no_fill_ = false;  // no fill value of its own: netCDF calls that no-fill mode
    std::vector<std::string> dimension_names_;
    std::vector<bool> unlimited_;

    bool swap_after_locked_read_ = false;  // see the constructor: reduced-precision integers
    std::string undecodable_filter_;       // an optional filter we lack: the error if a chunk needs it
    Direct direct_ = Direct::No;
    std::optional<FilterPipeline> pipeline_;
    bool swap_bytes_ = false;             // file byte order is not the machine's
    std::vector<std::byte> fill_value_;   // one element, native byte order
    bool fill_value_known_ = false;       // false: HDF5 could not give it (no fast path then)
    std::vector<std::byte> record_fill_;  // records past the stored extent (netCDF's fill)
    std::uint64_t base_address_ = 0;      // userblock size: HDF5 addresses start after it
    std::uint64_t contiguous_address_ = 0;
    std::unique_ptr<RawFile> raw_file_;
    mutable std::once_flag index_once_;
    mutable std::unique_ptr<HDF5ChunkIndex> index_;
};

}  // namespace chunkarr
