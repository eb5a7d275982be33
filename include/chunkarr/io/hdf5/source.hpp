#pragma once
// A numeric dataset of an HDF5 file (NetCDF-4 files included) as a Source: metadata (shape,
// dtype, chunks, attributes, NetCDF-4 dimension names) is read when it is made. Reading takes
// the fast path where it can: the chunk index is built once under the HDF5 lock, then chunks are
// pread from the file and decoded (deflate, shuffle, fletcher32) on the calling thread with no
// lock, so all cores decompress at once; contiguous data is pread straight into the caller's
// buffer. Everything else (other filters, compact layout, unusual types or file drivers) goes
// through H5Dread under the lock, so every filter libhdf5 can decode still works. Unallocated
// chunks read as the dataset's fill value.
#include <chunkarr/io/source.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace chunkarr {

class HDF5Source final : public Source {
public:
    // Opens `dataset_path` in `file_path`. Errors: IOError (missing/unreadable file),
    // FormatError (not HDF5, not a numeric dataset, undecodable filter), KeyError (no such path).
    HDF5Source(const std::string& file_path, const std::string& dataset_path);
    ~HDF5Source() override;

    const Shape& shape() const override;
    DType dtype() const override;
    ChunkGrid task_grid() const override;
    const Attributes& attributes() const override;
    void read(const Region& region, void* out) const override;
    std::string describe() const override;
    std::string identity() const override;
    std::string file_sizes() const override;
    bool netcdf_conventions() const override;
    bool netcdf_no_fill() const override;
    bool cheap_rereads() const override;
    std::vector<std::string> dimension_names() const override;
    std::vector<bool> unlimited_dimensions() const override;
    // Storage chunk shape, or nullopt for contiguous/compact layouts.
    std::optional<Shape> storage_chunks() const override;
    // IOError when the file is no longer the version whose metadata HDF5 read (one stat).
    void check_unchanged() const override;

    const std::string& file_path() const;
    const std::string& dataset_path() const;

    // The open dataset and its read paths (src/io/hdf5/source_impl.hpp, not installed: for
    // chunkarr's own tests and benchmarks).
    class Impl;
    const Impl& impl() const { return *impl_; }

private:
    std::unique_ptr<const Impl> impl_;
};

}  // namespace chunkarr
