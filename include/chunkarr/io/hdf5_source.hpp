#pragma once
// A dataset in an HDF5 file. Opening reads metadata only (shape, type, chunking, filters,
// attributes); data is read per region with H5Dread, so every filter libhdf5 can decode works
// and unallocated chunks come back as the dataset's fill value.
#include <chunkarr/io/hdf5_library.hpp>
#include <chunkarr/io/source.hpp>

#include <memory>
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

    const std::string& file_path() const { return file_path_; }
    const std::string& dataset_path() const { return dataset_path_; }
    // Storage chunk shape, or nullopt for contiguous/compact layouts.
    const std::optional<Shape>& storage_chunks() const { return storage_chunks_; }

private:
    std::string file_path_;
    std::string dataset_path_;
    std::shared_ptr<HDF5File> file_;
    hdf5::Handle dataset_;
    hdf5::Handle memory_type_;
    Shape shape_;
    DType dtype_ = DType::Float64;
    std::optional<Shape> storage_chunks_;
    Attributes attributes_;
};

// Every dataset in the file, recursively, sorted by path.
std::vector<HDF5DatasetInfo> list_hdf5_datasets(const std::string& file_path);
// Paths of the datasets in the file whose type chunkarr can compute with.
std::vector<std::string> numeric_hdf5_datasets(const std::string& file_path);

}  // namespace chunkarr
