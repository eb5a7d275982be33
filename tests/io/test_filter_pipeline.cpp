// Built twice: into chunkarr_tests and, with AddressSanitizer and UBSan, into
// chunkarr_sanitized_tests (which links only the decoder), so damaged input is shown not to
// read or write out of bounds.
#include <chunkarr/core/error.hpp>

#include "io/filter_pipeline.hpp"
#include "support/catch.hpp"

#include <cstring>
#include <libdeflate.h>
#include <random>
#include <vector>

using namespace chunkarr;

namespace {

std::vector<std::byte> shuffle(const std::vector<std::byte>& in, unsigned size) {
    std::vector<std::byte> out(in.size());
    const std::size_t count = in.size() / size;
    for (std::size_t i = 0; i < count; ++i)
        for (unsigned b = 0; b < size; ++b) out[b * count + i] = in[i * size + b];
    std::memcpy(out.data() + count * size, in.data() + count * size, in.size() - count * size);
    return out;
}

std::vector<std::byte> zlib_compress(const std::vector<std::byte>& in, int level) {
    libdeflate_compressor* c = libdeflate_alloc_compressor(level);
    std::vector<std::byte> out(libdeflate_zlib_compress_bound(c, in.size()));
    out.resize(libdeflate_zlib_compress(c, in.data(), in.size(), out.data(), out.size()));
    libdeflate_free_compressor(c);
    return out;
}

void append_fletcher(std::vector<std::byte>& data) {
    const std::uint32_t sum = fletcher32(data.data(), data.size());
    for (int i = 0; i < 4; ++i) data.push_back(static_cast<std::byte>((sum >> (8 * i)) & 0xff));
}

std::vector<std::byte> sample_chunk(std::size_t elements) {
    std::vector<double> values(elements);
    for (std::size_t i = 0; i < elements; ++i) values[i] = 280.0 + std::sin(static_cast<double>(i) / 30.0) * 10.0;
    std::vector<std::byte> bytes(elements * 8 + 3);  // 3 trailing bytes: not a whole element
    std::memcpy(bytes.data(), values.data(), elements * 8);
    bytes[elements * 8] = std::byte{1};
    bytes[elements * 8 + 1] = std::byte{2};
    bytes[elements * 8 + 2] = std::byte{3};
    return bytes;
}

// The pipeline shuffle(8) -> deflate -> fletcher32, written the way HDF5 applies it.
std::vector<std::byte> encode(const std::vector<std::byte>& chunk) {
    std::vector<std::byte> stored = zlib_compress(shuffle(chunk, 8), 1);
    append_fletcher(stored);
    return stored;
}

const FilterPipeline full_pipeline({{FilterKind::Shuffle, 8}, {FilterKind::Deflate}, {FilterKind::Fletcher32}});

}  // namespace

TEST_CASE("shuffle, deflate and fletcher32 are undone in reverse order", "[io][filters]") {
    const auto chunk = sample_chunk(1000);
    const auto stored = encode(chunk);
    std::vector<std::byte> out(chunk.size());
    full_pipeline.decode(stored.data(), stored.size(), 0, out.data(), out.size());
    CHECK(out == chunk);
}

TEST_CASE("unshuffle restores every element size", "[io][filters]") {
    for (unsigned size : {1u, 2u, 3u, 4u, 8u, 16u}) {
        std::vector<std::byte> data(1001);
        for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::byte>(i * 7 + size);
        const auto shuffled = shuffle(data, size);
        std::vector<std::byte> back(data.size());
        unshuffle(shuffled.data(), shuffled.size(), size, back.data());
        CHECK(back == data);
    }
}

TEST_CASE("part of a shuffled chunk is unshuffled straight into place", "[io][filters]") {
    const Shape chunk_shape{5, 7, 37};
    const std::vector<Index> src_start{1, 2, 3}, dst_start{1, 1, 2};
    const Shape count{3, 4, 30}, dst_shape{4, 6, 33};
    for (unsigned size : {1u, 2u, 3u, 4u, 8u}) {
        INFO("element size " << size);
        std::vector<std::byte> chunk(static_cast<std::size_t>(element_count(chunk_shape)) * size);
        for (std::size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<std::byte>(i * 13 + i / 251);
        const auto planes = shuffle(chunk, size);
        std::vector<std::byte> out(static_cast<std::size_t>(element_count(dst_shape)) * size, std::byte{0xee});
        unshuffle_box(planes.data(), chunk_shape, size, src_start, out.data(), dst_shape, dst_start, count);
        std::vector<std::byte> expected(out.size(), std::byte{0xee});
        for (Index i = 0; i < count[0]; ++i)
            for (Index j = 0; j < count[1]; ++j)
                for (Index k = 0; k < count[2]; ++k) {
                    const auto from =
                        static_cast<std::size_t>(((src_start[0] + i) * 7 + src_start[1] + j) * 37 + src_start[2] + k);
                    const auto to =
                        static_cast<std::size_t>(((dst_start[0] + i) * 6 + dst_start[1] + j) * 33 + dst_start[2] + k);
                    std::memcpy(expected.data() + to * size, chunk.data() + from * size, size);
                }
        CHECK(out == expected);
    }
}

TEST_CASE("decoding up to the shuffle gives the byte planes", "[io][filters]") {
    const auto chunk = sample_chunk(700);
    const auto stored = encode(chunk);
    const std::byte* planes = full_pipeline.decode_to_planes(stored.data(), stored.size(), 0, chunk.size());
    REQUIRE(planes != nullptr);
    CHECK(std::vector<std::byte>(planes, planes + chunk.size()) == shuffle(chunk, 8));
    // Shuffle skipped by the mask, or no shuffle at all: no planes.
    auto deflated_only = zlib_compress(chunk, 1);
    append_fletcher(deflated_only);
    CHECK(full_pipeline.decode_to_planes(deflated_only.data(), deflated_only.size(), 0b001, chunk.size()) == nullptr);
    const FilterPipeline no_shuffle({{FilterKind::Deflate}});
    const auto deflated = zlib_compress(chunk, 1);
    CHECK(no_shuffle.decode_to_planes(deflated.data(), deflated.size(), 0, chunk.size()) == nullptr);
}

TEST_CASE("a filter mask skips filters per chunk", "[io][filters]") {
    const auto chunk = sample_chunk(500);
    // Deflate (filter 1) skipped: the stored bytes are shuffled, then checksummed.
    auto stored = shuffle(chunk, 8);
    append_fletcher(stored);
    std::vector<std::byte> out(chunk.size());
    full_pipeline.decode(stored.data(), stored.size(), 0b010, out.data(), out.size());
    CHECK(out == chunk);
    // Everything skipped: the stored bytes are the chunk.
    full_pipeline.decode(chunk.data(), chunk.size(), 0b111, out.data(), out.size());
    CHECK(out == chunk);
}

TEST_CASE("fletcher32 detects a flipped byte", "[io][filters]") {
    const auto chunk = sample_chunk(300);
    auto stored = encode(chunk);
    stored[stored.size() / 2] ^= std::byte{0x40};
    std::vector<std::byte> out(chunk.size());
    CHECK_THROWS_WITH(full_pipeline.decode(stored.data(), stored.size(), 0, out.data(), out.size()),
                      Catch::Matchers::Contains("fletcher32"));
}

TEST_CASE("damaged or truncated chunks throw IOError, never crash", "[io][filters]") {
    const auto chunk = sample_chunk(2000);
    const FilterPipeline inflate_only({{FilterKind::Shuffle, 8}, {FilterKind::Deflate}});
    const auto stored = zlib_compress(shuffle(chunk, 8), 6);
    std::mt19937 rng(7);
    std::vector<std::byte> out(chunk.size());
    int failures = 0;
    for (int trial = 0; trial < 300; ++trial) {
        auto damaged = stored;
        const int flips = 1 + static_cast<int>(rng() % 8);
        for (int f = 0; f < flips; ++f) damaged[rng() % damaged.size()] = static_cast<std::byte>(rng());
        if (trial % 3 == 0) damaged.resize(rng() % damaged.size());  // truncated
        try {
            inflate_only.decode(damaged.data(), damaged.size(), 0, out.data(), out.size());
        } catch (const IOError&) {
            ++failures;
        }
    }
    CHECK(failures > 100);  // most damage is detected (the rest decodes to other bytes, safely)
    // A chunk that inflates to the wrong size is an error too.
    std::vector<std::byte> small(out.size() - 8);
    CHECK_THROWS_AS(inflate_only.decode(stored.data(), stored.size(), 0, small.data(), small.size()), IOError);
    CHECK_THROWS_AS(full_pipeline.decode(stored.data(), 2, 0, out.data(), out.size()), IOError);
}

TEST_CASE("encode applies the pipeline that decode undoes", "[io][filters]") {
    std::mt19937 random(3);
    for (unsigned element : {1u, 2u, 4u, 8u}) {
        for (std::size_t size : {std::size_t{0}, std::size_t{7}, std::size_t{1000}, std::size_t{65536 + 3}}) {
            std::vector<std::byte> chunk(size);
            for (auto& b : chunk) b = static_cast<std::byte>(random() % 7);  // compressible
            std::vector<std::byte> shuffled(size), back(size);
            shuffle(chunk.data(), size, element, shuffled.data());
            unshuffle(shuffled.data(), size, element, back.data());
            CHECK(back == chunk);
            for (const auto& steps : std::vector<std::vector<FilterStep>>{
                     {},
                     {{FilterKind::Deflate, 0, 1}},
                     {{FilterKind::Shuffle, element}, {FilterKind::Deflate, 0, 9}},
                     {{FilterKind::Shuffle, element}, {FilterKind::Deflate, 0, 4}, {FilterKind::Fletcher32}}}) {
                const FilterPipeline pipeline(steps);
                std::vector<std::byte> encoded;
                pipeline.encode(chunk.data(), size, encoded);
                CHECK(encoded.size() <= pipeline.encode_bound(size));
                std::vector<std::byte> decoded(size);
                pipeline.decode(encoded.data(), encoded.size(), 0, decoded.data(), size);
                CHECK(decoded == chunk);
            }
        }
    }
}
