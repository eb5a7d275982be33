#pragma once
// A Source is where array data comes from: it knows its shape, dtype, storage chunking and
// attributes, and reads one region into a caller-owned buffer. Sources must be safe to read
// from several threads at once.
#include <chunkarr/core/dtype.hpp>
#include <chunkarr/core/shape.hpp>
#include <chunkarr/io/attributes.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace chunkarr {

// Whose rules turn a variable's CF attributes into decoded values (cf_decoding_for): the library
// users open that format with in Python decides the dtype and which values are missing.
enum class CFRules {
    netcdf4_python,  // HDF5 and NetCDF files: netCDF4-python's mask-and-scale, valid ranges included
    xarray,          // Zarr stores: xr.open_zarr's CFMaskCoder then CFScaleOffsetCoder
};

class Source {
public:
    virtual ~Source() = default;

    virtual const Shape& shape() const = 0;
    virtual DType dtype() const = 0;
    // The chunk grid tasks should use: whole storage chunks or multiples of them.
    virtual ChunkGrid task_grid() const = 0;
    // The stored chunk shape, for sources whose reads decode whole stored chunks (so a region
    // should cover whole ones); nullopt for the others.
    virtual std::optional<Shape> storage_chunks() const { return std::nullopt; }
    virtual const Attributes& attributes() const = 0;
    // Reads `region` into `out`: C order, native byte order, dtype(), region_shape(region).
    virtual void read(const Region& region, void* out) const = 0;
    // Names the data for messages and explain(): "file.h5:/group/var".
    virtual std::string describe() const = 0;
    // Two sources with the same non-empty identity read the same data (used to merge reads).
    virtual std::string identity() const { return {}; }
    // The sizes of the files it reads ("1234", or "1234,5678" for several): unlike identity()'s
    // inode and mtime, the same on every machine that reads the same files (MPI ranks compare
    // it before reading). Empty for data that is not in files.
    virtual std::string file_sizes() const { return {}; }
    // Reading a region costs about its own bytes (memory, generators, contiguous files): no whole
    // chunk is decoded for part of it, so a rechunk of it never needs stages.
    virtual bool cheap_rereads() const { return false; }
    // NetCDF semantics apply (a missing _FillValue means the type's default fill).
    virtual bool netcdf_conventions() const { return false; }
    // netCDF's no-fill mode (what nc_inq_var_fill answers): values never written are not the
    // fill value. netCDF4-python then leaves the default fill of bytes (int8, uint8) unmasked.
    virtual bool netcdf_no_fill() const { return false; }
    // Which library's CF decoding the variable's attributes ask for (see CFRules).
    virtual CFRules cf_rules() const { return CFRules::netcdf4_python; }
    // Dimension names per axis (empty when the format has none) and which are unlimited.
    virtual std::vector<std::string> dimension_names() const { return {}; }
    virtual std::vector<bool> unlimited_dimensions() const { return {}; }
    // Throws IOError when a file it reads is no longer the version whose metadata it read
    // (another process wrote it: see file_snapshot.hpp). Called once a computation has read
    // everything, and on a read error; sources of memory or generators never change.
    virtual void check_unchanged() const {}
};

using SourcePtr = std::shared_ptr<const Source>;

}  // namespace chunkarr
