#pragma once
// Writes arrays into a new Zarr v2 directory store atomically: everything goes to a temporary
// directory beside the target; each chunk file is written under a temporary name and renamed;
// the metadata (.zarray, .zattrs with _ARRAY_DIMENSIONS, .zgroup, a consolidated .zmetadata) is
// written last, in commit(), which then puts the directory in the target's place (an existing
// store is swapped out atomically and removed). Destroying an uncommitted sink removes the
// temporary directory, so a failed run leaves no store and an existing one untouched.
#include <chunkarr/core/ndarray.hpp>
#include <chunkarr/io/attributes.hpp>
#include <chunkarr/io/zarr/metadata.hpp>

#include "io/dataset_spec.hpp"

#include <string>
#include <vector>

namespace chunkarr {

class ZarrSink {
public:
    // ValueError when `target` is a directory that is not a Zarr store (it is never replaced).
    explicit ZarrSink(std::string target);
    ~ZarrSink();
    ZarrSink(const ZarrSink&) = delete;
    ZarrSink& operator=(const ZarrSink&) = delete;

    // Declares array spec.path ("/group/name", groups made as needed) with `compressor`;
    // returns its id. spec.filters are not used (Zarr has its compressor instead).
    int define(const DatasetSpec& spec, const ZarrCompressor& compressor);
    // Writes the encoded bytes of the chunk starting at element `offset`. Thread-safe.
    void write_chunk(int id, const std::vector<Index>& offset, const std::byte* bytes, std::size_t size) const;
    // Attributes of the root group (.zattrs beside the root .zgroup; not when the store is one
    // array at the root, whose .zattrs holds its own).
    void set_file_attributes(const Attributes& attributes) { file_attributes_ = attributes; }
    // Writes all values of array `id` when they are one chunk (0-d arrays).
    void write(int id, const NDArray& values);
    void commit();

private:
    // Encodes one full chunk (edge chunks padded) of array `id` (for write(); the store's chunks
    // come encoded, by encode_zarr_chunk on the computing threads).
    void encode_chunk(int id, const std::byte* chunk, std::vector<std::byte>& out) const;

    struct Array {
        DatasetSpec spec;
        ZarrCompressor compressor;
        std::string directory;  // in the temporary directory
    };

    std::string target_;
    std::string temporary_;
    std::vector<Array> arrays_;
    Attributes file_attributes_;
    bool committed_ = false;
};

}  // namespace chunkarr
