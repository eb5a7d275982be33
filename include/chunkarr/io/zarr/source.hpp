#pragma once
// An array of a Zarr v2 directory store as a Source. Metadata is read when it is made; each
// chunk file is pread into the thread's reused buffer and decoded (Blosc, zlib, gzip) on the
// calling thread with no lock, so all cores decompress at once. A missing chunk file reads as
// the array's fill_value.
#include <chunkarr/io/file_snapshot.hpp>
#include <chunkarr/io/source.hpp>
#include <chunkarr/io/zarr/metadata.hpp>

#include <optional>
#include <string>
#include <vector>

namespace chunkarr {

// Which part of a complex array a source reads: chunkarr computes with complex values as two
// real arrays (float32 parts for complex64, float64 for complex128).
enum class ComplexPart { Real, Imag };

class ZarrSource final : public Source {
public:
    // Opens array `variable` ("t2m", "/group/t2m"; "" for a store that is one array) of the
    // directory store `store`; one `part` of a complex array, which must be given for one.
    // FormatError (bad metadata, unsupported dtype or codec, a complex array without `part`,
    // `part` of a real array), KeyError.
    ZarrSource(const std::string& store, const std::string& variable, std::optional<ComplexPart> part = std::nullopt);

    const Shape& shape() const override { return meta_.shape; }
    DType dtype() const override { return meta_.dtype; }
    ChunkGrid task_grid() const override;
    std::optional<Shape> storage_chunks() const override { return meta_.chunks; }
    const Attributes& attributes() const override { return meta_.attributes; }
    void read(const Region& region, void* out) const override;
    std::string describe() const override;
    std::string identity() const override { return "zarr:" + describe() + "@" + snapshot_.version(); }
    // xarray writes and reads Zarr: its decoding is what users of a store expect.
    CFRules cf_rules() const override { return CFRules::xarray; }
    std::vector<std::string> dimension_names() const override { return meta_.dimension_names; }
    std::vector<bool> unlimited_dimensions() const override { return std::vector<bool>(meta_.shape.size(), false); }
    // IOError when the metadata the source read (.zmetadata, else the array's .zarray) has been
    // rewritten since: the array was resized or replaced. Chunk files alone are not watched.
    void check_unchanged() const override { snapshot_.check_unchanged(); }

    const std::string& store() const { return store_; }
    const std::string& variable() const { return meta_.path; }
    const ZarrArrayMetadata& metadata() const { return meta_; }

private:
    // The decoded chunk `index` (C order, native byte order; of a complex array, its part) into
    // `out`; false when its file is missing (nothing written).
    bool read_chunk(const std::vector<Index>& index, std::byte* out) const;
    // The stored values of chunk `index` decoded (C order, native byte order): complex ones as pairs.
    bool decode_chunk(const std::vector<Index>& index, std::byte* out) const;
    bool read_complex_part(const std::vector<Index>& index, std::byte* out) const;
    std::string chunk_file(const std::vector<Index>& index) const;

    std::string store_;
    FileSnapshot snapshot_;  // of the metadata file, taken before it is read
    std::string directory_;  // the array's directory
    ZarrArrayMetadata meta_;
    std::vector<std::byte> fill_chunk_;  // one chunk of fill values, native byte order
    bool swap_bytes_ = false;
    std::optional<ComplexPart> part_;  // set for a complex array
};

}  // namespace chunkarr
