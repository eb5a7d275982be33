#pragma once
// A dataset in an HDF5 file. Opening reads metadata only (shape, type, chunking, filters,
// attributes). Reading takes the fast path where it can: the chunk index is built once under
// the HDF5 lock, then chunks are pread from the file and decoded (deflate, shuffle,
// fletcher32) on the calling thread with no lock, so all cores decompress at once; contiguous
// data is pread straight into the caller's buffer. Everything else (other filters, compact
// layout, unusual types or file drivers) goes through H5Dread under the lock, so every filter
// libhdf5 can decode still works. Unallocated chunks read as the dataset's fill value.
#include <chunkarr/io/filter_pipeline.hpp>
#include <chunkarr/io/hdf5_chunk_index.hpp>
#include <chunkarr/io/hdf5_library.hpp>
#include <chunkarr/io/raw_file.hpp>
#include <chunkarr/io/source.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace chunkarr {

// What `chunkarr info` shows of one dataset.
struct HDF5DatasetInfo {
    std::string path;
    Shape shape;
    std::string dtype;                 // numpy name, or "string", "compound", "other"
    std::optional<char> byte_order;    // '<' or '>' for numeric types
    std::string layout;                // "chunked", "contiguous", "compact", "virtual"
    std::optional<Shape> chunks;
    std::vector<std::string> filters;  // "shuffle", "deflate(4)", ...
    std::uint64_t nbytes = 0;          // logical size
    std::uint64_t storage_bytes = 0;   // allocated in the file
    bool netcdf_dimension_only = false;   // a NetCDF-4 dimension without values: not a variable
};

class HDF5File;  // shared open file, defined in the .cpp

class HDF5Source final : public Source {
public:
    // Opens `dataset_path` in `file_path`. Errors: IOError (missing/unreadable file),
    // FormatError (not HDF5, not a numeric dataset, undecodable filter), KeyError (no such path).
    HDF5Source(const std::string& file_path, const std::string& dataset_path);
    ~HDF5Source() override;

    const Shape& shape() const override { return shape_; }
    DType dtype() const override { return dtype_; }
    ChunkGrid task_grid() const override;
    const Attributes& attributes() const override { return attributes_; }
    void read(const Region& region, void* out) const override;
    std::string describe() const override { return file_path_ + ":" + dataset_path_; }
    std::string identity() const override { return "hdf5:" + describe(); }
    bool netcdf_conventions() const override { return netcdf_; }
    bool cheap_rereads() const override { return !storage_chunks_; }
    std::vector<std::string> dimension_names() const override { return dimension_names_; }
    std::vector<bool> unlimited_dimensions() const override { return unlimited_; }

    const std::string& file_path() const { return file_path_; }
    const std::string& dataset_path() const { return dataset_path_; }
    // Storage chunk shape, or nullopt for contiguous/compact layouts.
    const std::optional<Shape>& storage_chunks() const { return storage_chunks_; }
    // Whether reads bypass H5Dread (false: every read takes the HDF5 lock).
    bool reads_directly() const { return direct_ != Direct::No; }
    // The chunk index, built on first use; null when not on the chunked fast path or when
    // building it would be quadratic (HDF5 without H5Dchunk_iter and many chunks).
    const HDF5ChunkIndex* chunk_index_or_null() const;
    // Stored bytes of one chunk, read without decoding (for benchmarks and tests).
    std::vector<std::byte> read_stored_chunk(const std::vector<Index>& chunk) const;
    const std::optional<FilterPipeline>& filter_pipeline() const { return pipeline_; }

private:
    enum class Direct { No, Chunked, Contiguous };
    void read_locked(const Region& region, void* out) const;
    void read_past_stored_records(const Region& region, std::byte* out) const;
    void read_chunked(const Region& region, std::byte* out) const;
    void read_contiguous(const Region& region, std::byte* out) const;
    void decide_fast_path(hid_t file_type);
    void read_netcdf_facts(hid_t space);
    void read_fill_value();
    // The stored bytes of an indexed chunk: in the file mapping, or read into `buffer`.
    const std::byte* stored_bytes(const StoredChunk& entry, std::vector<std::byte>& buffer) const;
    // Looks one chunk up and reads its stored bytes under the HDF5 lock.
    StoredChunk fetch_stored_chunk_locked(const std::vector<Index>& chunk, std::vector<std::byte>& bytes) const;

    std::string file_path_;
    std::string dataset_path_;
    std::shared_ptr<HDF5File> file_;
    hdf5::Handle dataset_;
    hdf5::Handle memory_type_;
    Shape shape_;
    Shape stored_shape_;                   // the HDF5 extent; shape_ may be longer on a record axis
    DType dtype_ = DType::Float64;
    std::optional<Shape> storage_chunks_;
    Attributes attributes_;
    bool netcdf_ = false;                  // a NetCDF-4 variable
    std::vector<std::string> dimension_names_;
    std::vector<bool> unlimited_;

    bool swap_after_locked_read_ = false;  // see the constructor: reduced-precision integers
    std::string undecodable_filter_;       // an optional filter we lack: the error if a chunk needs it
    Direct direct_ = Direct::No;
    std::optional<FilterPipeline> pipeline_;
    bool swap_bytes_ = false;              // file byte order is not the machine's
    std::vector<std::byte> fill_value_;    // one element, native byte order
    bool fill_value_known_ = false;        // false: HDF5 could not give it (no fast path then)
    std::uint64_t base_address_ = 0;       // userblock size: HDF5 addresses start after it
    std::uint64_t contiguous_address_ = 0;
    std::unique_ptr<RawFile> raw_file_;
    mutable std::once_flag index_once_;
    mutable std::unique_ptr<HDF5ChunkIndex> index_;
};

// Every dataset in the file, recursively, sorted by path.
std::vector<HDF5DatasetInfo> list_hdf5_datasets(const std::string& file_path);
// Paths of the datasets in the file whose type chunkarr can compute with.
std::vector<std::string> numeric_hdf5_datasets(const std::string& file_path);

}  // namespace chunkarr
