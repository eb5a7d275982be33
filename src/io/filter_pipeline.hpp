#pragma once
// The HDF5 filters chunkarr undoes itself, on worker threads and outside the HDF5 lock:
// deflate (through libdeflate, about twice as fast as zlib's inflate), shuffle and fletcher32.
// The store applies them the same way (encode()), so the bytes it writes directly are the bytes
// HDF5's own shuffle/deflate filters would have made.
// A pipeline with any other filter (szip, nbit, scaleoffset, plugins) is not built (see
// hdf5/filter_pipeline.hpp), and the dataset is read with H5Dread under the lock instead.
#include <chunkarr/core/shape.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace chunkarr {

enum class FilterKind { Deflate, Shuffle, Fletcher32 };

struct FilterStep {
    FilterKind kind;
    unsigned element_size = 0;  // Shuffle: bytes per element
    int level = 4;              // Deflate when encoding: 1 (fast) to 9 (small)
};

class FilterPipeline {
public:
    FilterPipeline() = default;
    explicit FilterPipeline(std::vector<FilterStep> steps) : steps_(std::move(steps)) {}

    bool empty() const { return steps_.empty(); }
    const std::vector<FilterStep>& steps() const { return steps_; }

    // Undoes the filters on one stored chunk. Filter i is skipped when bit i of `filter_mask` is
    // set (HDF5's per-chunk mask). The result must be exactly `chunk_bytes` long and lands in
    // `out`. Damaged input throws IOError describing what failed (the caller adds which chunk).
    void decode(const std::byte* stored, std::size_t stored_size, unsigned filter_mask, std::byte* out,
                std::size_t chunk_bytes) const;
    // When the last filter to undo is a shuffle: undoes all the others and returns the chunk's
    // shuffled byte planes (`chunk_bytes` long, in this thread's scratch space, valid until its
    // next decode), so that the caller can unshuffle just the part it wants where it wants it
    // (unshuffle_box). nullptr when the last filter is not a shuffle.
    const std::byte* decode_to_planes(const std::byte* stored, std::size_t stored_size, unsigned filter_mask,
                                      std::size_t chunk_bytes) const;

    // Applies the filters, in pipeline order, to one full chunk of `chunk_bytes`; the result goes
    // to `out` (resized to the encoded size, capacity at least encode_bound()).
    void encode(const std::byte* chunk, std::size_t chunk_bytes, std::vector<std::byte>& out) const;
    // The most bytes encode() can produce for a chunk of `chunk_bytes`.
    std::size_t encode_bound(std::size_t chunk_bytes) const;

private:
    std::size_t last_transform(unsigned filter_mask) const;
    // Undoes steps first_step.. (in reverse order); `out`: where the last one writes (nullptr:
    // scratch). `size` is the stored size on entry and the result's on return.
    const std::byte* undo(std::size_t first_step, const std::byte* stored, std::size_t& size, unsigned filter_mask,
                          std::byte* out, std::size_t chunk_bytes) const;

    std::vector<FilterStep> steps_;
};

// HDF5's Fletcher-32 checksum (H5_checksum_fletcher32).
std::uint32_t fletcher32(const std::byte* data, std::size_t size);
// HDF5's byte shuffle: byte b of every element goes to plane b (trailing partial bytes as they are).
void shuffle(const std::byte* in, std::size_t size, unsigned element_size, std::byte* out);
// Reverses HDF5's byte shuffle for elements of `element_size` bytes.
void unshuffle(const std::byte* in, std::size_t size, unsigned element_size, std::byte* out);
// Elements [first, first + n) of the shuffled `planes` (`count` elements in all), into `out`.
void unshuffle_elements(const std::byte* planes, std::size_t count, unsigned element_size, std::size_t first,
                        std::size_t n, std::byte* out);
// Like kernels::copy_box from a chunk of shape `chunk_shape`, but reading the chunk's shuffled
// byte planes: a partial chunk is unshuffled straight into place, without a whole-chunk copy.
void unshuffle_box(const std::byte* planes, const Shape& chunk_shape, unsigned element_size,
                   const std::vector<Index>& src_start, std::byte* dst, const Shape& dst_shape,
                   const std::vector<Index>& dst_start, const Shape& count);

}  // namespace chunkarr
