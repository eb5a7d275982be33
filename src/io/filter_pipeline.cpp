#include "io/filter_pipeline.hpp"

#include <chunkarr/core/error.hpp>

#include "io/deflate.hpp"
#include "kernels/simd.hpp"

#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#include <immintrin.h>
#endif
#include <memory>

namespace chunkarr {

namespace {

// Per-thread scratch buffers for the intermediate stages.
std::vector<std::byte>& scratch(int which) {
    thread_local std::vector<std::byte> buffers[2];
    return buffers[which];
}

std::uint32_t decode_le32(const std::byte* p) {
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

}  // namespace

std::uint32_t fletcher32(const std::byte* data, std::size_t size) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(data);
    std::size_t words = size / 2;
    std::uint32_t sum1 = 0, sum2 = 0;
    while (words) {
        // 360 sums of 16-bit words cannot overflow 32 bits.
        std::size_t block = words > 360 ? 360 : words;
        words -= block;
        do {
            sum1 += static_cast<std::uint32_t>(bytes[0]) << 8 | bytes[1];
            bytes += 2;
            sum2 += sum1;
        } while (--block);
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    if (size % 2) {
        sum1 += static_cast<std::uint32_t>(*bytes) << 8;
        sum2 += sum1;
        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    }
    sum1 = (sum1 & 0xffff) + (sum1 >> 16);
    sum2 = (sum2 & 0xffff) + (sum2 >> 16);
    return (sum2 << 16) | sum1;
}

namespace {

#if defined(__SSE2__)
// Byte-plane transposes for the common element sizes, 16 elements at a time: each plane gives
// 16 bytes, and three rounds of interleaving put every element's bytes back together.
// `out` receives elements i..i+15.
void unshuffle16_2(const std::uint8_t* p, std::size_t count, std::size_t i, std::uint8_t* out) {
    const __m128i a0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const __m128i a1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + count + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_unpacklo_epi8(a0, a1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16), _mm_unpackhi_epi8(a0, a1));
}

void unshuffle16_4(const std::uint8_t* p, std::size_t count, std::size_t i, std::uint8_t* out) {
    __m128i a[4];
    for (int b = 0; b < 4; ++b) a[b] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + b * count + i));
    const __m128i b0 = _mm_unpacklo_epi8(a[0], a[1]), b1 = _mm_unpackhi_epi8(a[0], a[1]);
    const __m128i b2 = _mm_unpacklo_epi8(a[2], a[3]), b3 = _mm_unpackhi_epi8(a[2], a[3]);
    auto* o = reinterpret_cast<__m128i*>(out);
    _mm_storeu_si128(o + 0, _mm_unpacklo_epi16(b0, b2));
    _mm_storeu_si128(o + 1, _mm_unpackhi_epi16(b0, b2));
    _mm_storeu_si128(o + 2, _mm_unpacklo_epi16(b1, b3));
    _mm_storeu_si128(o + 3, _mm_unpackhi_epi16(b1, b3));
}

void unshuffle16_8(const std::uint8_t* p, std::size_t count, std::size_t i, std::uint8_t* out) {
    __m128i a[8];
    for (int b = 0; b < 8; ++b) a[b] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + b * count + i));
    // 16-bit lanes: bytes (0,1), (2,3), (4,5), (6,7) of elements 0-7 (lo) and 8-15 (hi).
    const __m128i b0 = _mm_unpacklo_epi8(a[0], a[1]), b1 = _mm_unpackhi_epi8(a[0], a[1]);
    const __m128i b2 = _mm_unpacklo_epi8(a[2], a[3]), b3 = _mm_unpackhi_epi8(a[2], a[3]);
    const __m128i b4 = _mm_unpacklo_epi8(a[4], a[5]), b5 = _mm_unpackhi_epi8(a[4], a[5]);
    const __m128i b6 = _mm_unpacklo_epi8(a[6], a[7]), b7 = _mm_unpackhi_epi8(a[6], a[7]);
    // 32-bit lanes: bytes 0-3 (c0-c3) and 4-7 (c4-c7) of elements 0-3, 4-7, 8-11, 12-15.
    const __m128i c0 = _mm_unpacklo_epi16(b0, b2), c1 = _mm_unpackhi_epi16(b0, b2);
    const __m128i c2 = _mm_unpacklo_epi16(b1, b3), c3 = _mm_unpackhi_epi16(b1, b3);
    const __m128i c4 = _mm_unpacklo_epi16(b4, b6), c5 = _mm_unpackhi_epi16(b4, b6);
    const __m128i c6 = _mm_unpacklo_epi16(b5, b7), c7 = _mm_unpackhi_epi16(b5, b7);
    auto* o = reinterpret_cast<__m128i*>(out);
    _mm_storeu_si128(o + 0, _mm_unpacklo_epi32(c0, c4));
    _mm_storeu_si128(o + 1, _mm_unpackhi_epi32(c0, c4));
    _mm_storeu_si128(o + 2, _mm_unpacklo_epi32(c1, c5));
    _mm_storeu_si128(o + 3, _mm_unpackhi_epi32(c1, c5));
    _mm_storeu_si128(o + 4, _mm_unpacklo_epi32(c2, c6));
    _mm_storeu_si128(o + 5, _mm_unpackhi_epi32(c2, c6));
    _mm_storeu_si128(o + 6, _mm_unpacklo_epi32(c3, c7));
    _mm_storeu_si128(o + 7, _mm_unpackhi_epi32(c3, c7));
}
#endif

#if defined(__x86_64__) && defined(__GNUC__)
#define CHUNKARR_AVX2_UNSHUFFLE 1
// unshuffle16_8 on 32 elements at once, for CPUs with AVX2 (kernels/simd.hpp chooses): the same
// three rounds of interleaving within each 128-bit lane (lane 0: elements 0-15, lane 1: 16-31),
// then the lanes put in order.
__attribute__((target("avx2"))) void unshuffle32_8(const std::uint8_t* p, std::size_t count, std::size_t i,
                                                   std::uint8_t* out) {
    __m256i a[8];
    for (int b = 0; b < 8; ++b) a[b] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + b * count + i));
    __m256i b_[8], c[8];
    for (int k = 0; k < 4; ++k) {
        b_[2 * k] = _mm256_unpacklo_epi8(a[2 * k], a[2 * k + 1]);
        b_[2 * k + 1] = _mm256_unpackhi_epi8(a[2 * k], a[2 * k + 1]);
    }
    // As unshuffle16_8: c0..c3 from b0..b3, c4..c7 from b4..b7.
    for (int half = 0; half < 2; ++half) {
        const __m256i* in = b_ + 4 * half;
        __m256i* to = c + 4 * half;
        to[0] = _mm256_unpacklo_epi16(in[0], in[2]);
        to[1] = _mm256_unpackhi_epi16(in[0], in[2]);
        to[2] = _mm256_unpacklo_epi16(in[1], in[3]);
        to[3] = _mm256_unpackhi_epi16(in[1], in[3]);
    }
    __m256i d[8];
    for (int k = 0; k < 4; ++k) {
        d[2 * k] = _mm256_unpacklo_epi32(c[k], c[k + 4]);
        d[2 * k + 1] = _mm256_unpackhi_epi32(c[k], c[k + 4]);
    }
    auto* o = reinterpret_cast<__m256i*>(out);
    for (int k = 0; k < 4; ++k) {
        _mm256_storeu_si256(o + k, _mm256_permute2x128_si256(d[2 * k], d[2 * k + 1], 0x20));
        _mm256_storeu_si256(o + 4 + k, _mm256_permute2x128_si256(d[2 * k], d[2 * k + 1], 0x31));
    }
}
#endif

}  // namespace

void unshuffle_elements(const std::byte* planes, std::size_t count, unsigned element_size, std::size_t first,
                        std::size_t n, std::byte* out) {
    std::size_t done = 0;  // elements of the range already written
#if defined(__SSE2__)
    const auto* p = reinterpret_cast<const std::uint8_t*>(planes);
    auto* bytes = reinterpret_cast<std::uint8_t*>(out);
    auto vector_loop = [&](auto kernel) {
        for (; done + 16 <= n; done += 16) kernel(p, count, first + done, bytes + done * element_size);
    };
#ifdef CHUNKARR_AVX2_UNSHUFFLE
    if (element_size == 8 && kernels::use_avx2())
        for (; done + 32 <= n; done += 32) unshuffle32_8(p, count, first + done, bytes + done * element_size);
#endif
    if (element_size == 2) vector_loop(unshuffle16_2);
    else if (element_size == 4) vector_loop(unshuffle16_4);
    else if (element_size == 8) vector_loop(unshuffle16_8);
#endif
    for (unsigned b = 0; b < element_size; ++b) {
        const std::byte* plane = planes + b * count + first;
        std::byte* target = out + b;
        for (std::size_t i = done; i < n; ++i) target[i * element_size] = plane[i];
    }
}

void unshuffle(const std::byte* in, std::size_t size, unsigned element_size, std::byte* out) {
    if (size == 0) return;
    if (element_size <= 1) {
        std::memcpy(out, in, size);
        return;
    }
    const std::size_t count = size / element_size;
    unshuffle_elements(in, count, element_size, 0, count, out);
    // Bytes past the last whole element are stored as they are.
    const std::size_t tail = count * element_size;
    std::memcpy(out + tail, in + tail, size - tail);
}

void unshuffle_box(const std::byte* planes, const Shape& chunk_shape, unsigned element_size,
                   const std::vector<Index>& src_start, std::byte* dst, const Shape& dst_shape,
                   const std::vector<Index>& dst_start, const Shape& count) {
    const std::size_t ndim = chunk_shape.size();
    const auto chunk_elements = static_cast<std::size_t>(element_count(chunk_shape));
    if (ndim == 0) {
        unshuffle_elements(planes, 1, element_size, 0, 1, dst);
        return;
    }
    for (Index n : count)
        if (n == 0) return;
    // One call per row along the last axis: walk every position of the leading axes.
    std::vector<Index> row(ndim - 1, 0);
    const auto row_length = static_cast<std::size_t>(count[ndim - 1]);
    while (true) {
        std::size_t source = 0, target = 0;
        for (std::size_t axis = 0; axis < ndim; ++axis) {
            const Index at = axis + 1 < ndim ? row[axis] : 0;
            source =
                source * static_cast<std::size_t>(chunk_shape[axis]) + static_cast<std::size_t>(src_start[axis] + at);
            target =
                target * static_cast<std::size_t>(dst_shape[axis]) + static_cast<std::size_t>(dst_start[axis] + at);
        }
        unshuffle_elements(planes, chunk_elements, element_size, source, row_length, dst + target * element_size);
        std::size_t axis = ndim - 1;
        while (axis-- > 0) {
            if (++row[axis] < count[axis]) break;
            row[axis] = 0;
        }
        if (axis == static_cast<std::size_t>(-1)) return;
    }
}

void shuffle(const std::byte* in, std::size_t size, unsigned element_size, std::byte* out) {
    if (size == 0) return;
    if (element_size <= 1) {
        std::memcpy(out, in, size);
        return;
    }
    const std::size_t count = size / element_size;
    for (unsigned b = 0; b < element_size; ++b) {
        std::byte* plane = out + b * count;
        const std::byte* source = in + b;
        for (std::size_t i = 0; i < count; ++i) plane[i] = source[i * element_size];
    }
    const std::size_t tail = count * element_size;
    std::memcpy(out + tail, in + tail, size - tail);
}

std::size_t FilterPipeline::encode_bound(std::size_t chunk_bytes) const {
    std::size_t bound = chunk_bytes;
    for (const auto& step : steps_) {
        if (step.kind == FilterKind::Deflate) bound = libdeflate_zlib_compress_bound(nullptr, bound);
        else if (step.kind == FilterKind::Fletcher32) bound += 4;
    }
    return bound;
}

void FilterPipeline::encode(const std::byte* chunk, std::size_t chunk_bytes, std::vector<std::byte>& out) const {
    // Alternate between `out` and a scratch buffer so the last step lands in `out`.
    const std::byte* data = chunk;
    std::size_t size = chunk_bytes;
    std::vector<std::byte>& other = scratch(0);
    std::size_t remaining = steps_.size();
    auto destination = [&](std::size_t capacity) -> std::vector<std::byte>& {
        std::vector<std::byte>& target = (remaining % 2 == 1) ? out : other;
        if (target.size() < capacity) target.resize(capacity);
        return target;
    };
    for (const auto& step : steps_) {
        switch (step.kind) {
            case FilterKind::Shuffle: {
                auto& target = destination(size);
                shuffle(data, size, step.element_size, target.data());
                data = target.data();
                break;
            }
            case FilterKind::Deflate: {
                const std::size_t capacity = libdeflate_zlib_compress_bound(nullptr, size);
                auto& target = destination(capacity);
                const std::size_t produced =
                    libdeflate_zlib_compress(thread_compressor(step.level), data, size, target.data(), capacity);
                if (produced == 0) throw Error("deflate: compression failed");
                data = target.data();
                size = produced;
                break;
            }
            case FilterKind::Fletcher32: {
                auto& target = destination(size + 4);
                if (target.data() != data) std::memmove(target.data(), data, size);
                const std::uint32_t sum = fletcher32(target.data(), size);
                for (int i = 0; i < 4; ++i) target[size + i] = static_cast<std::byte>(sum >> (8 * i));
                data = target.data();
                size += 4;
                break;
            }
        }
        --remaining;
    }
    if (data != out.data()) {
        out.resize(size);
        if (size) std::memcpy(out.data(), data, size);
    }
    out.resize(size);
}

std::size_t FilterPipeline::last_transform(unsigned filter_mask) const {
    // The last step undone is the first applied that the mask does not skip; a checksum check
    // there only trims the bytes it is given, so nothing is the last transform then.
    for (std::size_t i = 0; i < steps_.size(); ++i)
        if (!(filter_mask & (1u << i))) return steps_[i].kind != FilterKind::Fletcher32 ? i : steps_.size();
    return steps_.size();
}

const std::byte* FilterPipeline::undo(std::size_t first_step, const std::byte* stored, std::size_t& size,
                                      unsigned filter_mask, std::byte* out, std::size_t chunk_bytes) const {
    // The last transform writes straight into `out` (when there is one), the others into scratch.
    const std::size_t final_step = out ? last_transform(filter_mask) : steps_.size();
    const std::byte* data = stored;
    int next_scratch = 0;
    auto target = [&](std::size_t i, std::size_t capacity) -> std::byte* {
        if (i == final_step && capacity <= chunk_bytes) return out;
        auto& buffer = scratch(next_scratch);
        next_scratch ^= 1;
        if (buffer.size() < capacity) buffer.resize(capacity);
        return buffer.data();
    };
    // Undo in reverse pipeline order.
    for (std::size_t i = steps_.size(); i-- > first_step;) {
        if (filter_mask & (1u << i)) continue;
        const FilterStep& step = steps_[i];
        switch (step.kind) {
            case FilterKind::Fletcher32: {
                if (size < 4) throw IOError("fletcher32: chunk of " + std::to_string(size) + " bytes is too short");
                const std::uint32_t stored_sum = decode_le32(data + size - 4);
                size -= 4;
                if (fletcher32(data, size) != stored_sum) throw IOError("fletcher32 checksum mismatch (damaged data)");
                break;
            }
            case FilterKind::Deflate: {
                // Room for a checksum that a filter applied before deflate appended.
                const std::size_t capacity = i == final_step ? chunk_bytes : chunk_bytes + 4 * steps_.size();
                std::byte* destination = target(i, capacity);
                std::size_t produced = 0;
                const libdeflate_result result =
                    libdeflate_zlib_decompress(thread_decompressor(), data, size, destination, capacity, &produced);
                if (result == LIBDEFLATE_INSUFFICIENT_SPACE)
                    throw IOError("deflate: chunk inflates to more than its " + std::to_string(chunk_bytes) + " bytes");
                if (result != LIBDEFLATE_SUCCESS) throw IOError("deflate: damaged compressed data");
                data = destination;
                size = produced;
                break;
            }
            case FilterKind::Shuffle: {
                if (i == final_step && size != chunk_bytes)
                    throw IOError("decoded chunk has " + std::to_string(size) + " bytes, expected " +
                                  std::to_string(chunk_bytes));
                std::byte* destination = target(i, size);
                unshuffle(data, size, step.element_size, destination);
                data = destination;
                break;
            }
        }
    }
    return data;
}

void FilterPipeline::decode(const std::byte* stored, std::size_t stored_size, unsigned filter_mask, std::byte* out,
                            std::size_t chunk_bytes) const {
    std::size_t size = stored_size;
    const std::byte* data = undo(0, stored, size, filter_mask, out, chunk_bytes);
    if (size != chunk_bytes)
        throw IOError("decoded chunk has " + std::to_string(size) + " bytes, expected " + std::to_string(chunk_bytes));
    if (data != out && size != 0) std::memcpy(out, data, size);
}

const std::byte* FilterPipeline::decode_to_planes(const std::byte* stored, std::size_t stored_size,
                                                  unsigned filter_mask, std::size_t chunk_bytes) const {
    const std::size_t final_step = last_transform(filter_mask);
    if (final_step == steps_.size() || steps_[final_step].kind != FilterKind::Shuffle) return nullptr;
    std::size_t size = stored_size;
    const std::byte* planes = undo(final_step + 1, stored, size, filter_mask, nullptr, chunk_bytes);
    if (size != chunk_bytes)
        throw IOError("decoded chunk has " + std::to_string(size) + " bytes, expected " + std::to_string(chunk_bytes));
    return planes;
}

}  // namespace chunkarr
