#include <chunkarr/core/error.hpp>

#include "io/zarr/codecs.hpp"
#include "support/catch.hpp"

#include <cstring>
#include <random>

using namespace chunkarr;

namespace {

std::vector<std::byte> sample(std::size_t count) {
    std::vector<std::byte> bytes(count * sizeof(double));
    for (std::size_t i = 0; i < count; ++i) {
        const double v = static_cast<double>(i % 97) * 0.25 - 3;
        std::memcpy(bytes.data() + i * sizeof v, &v, sizeof v);
    }
    return bytes;
}

}  // namespace

TEST_CASE("zarr codecs round-trip a chunk", "[io][zarr]") {
    const auto chunk = sample(1000);
    std::vector<ZarrCompressor> compressors;
    for (const char* cname : {"lz4", "lz4hc", "zstd", "zlib", "blosclz"})
        for (int shuffle : {0, 1, 2}) compressors.push_back({"blosc", cname, 5, shuffle, 0});
    compressors.push_back({"zlib", "", 6, 0, 0});
    compressors.push_back({"gzip", "", 6, 0, 0});
    compressors.push_back({});
    for (const auto& c : compressors) {
        CAPTURE(c.id, c.cname, c.shuffle);
        std::vector<std::byte> stored, back(chunk.size());
        encode_zarr_chunk(c, sizeof(double), chunk.data(), chunk.size(), stored);
        if (!c.id.empty()) CHECK(stored.size() < chunk.size());
        decode_zarr_chunk(c, stored.data(), stored.size(), back.data(), back.size());
        CHECK(back == chunk);
    }
}

TEST_CASE("damaged zarr chunks are IOErrors, never a crash", "[io][zarr]") {
    const auto chunk = sample(1000);
    for (const ZarrCompressor& c : {ZarrCompressor{"blosc", "lz4", 5, 1, 0}, ZarrCompressor{"zlib", "", 1, 0, 0},
                                    ZarrCompressor{"gzip", "", 1, 0, 0}, ZarrCompressor{}}) {
        CAPTURE(c.id);
        std::vector<std::byte> stored, back(chunk.size());
        encode_zarr_chunk(c, sizeof(double), chunk.data(), chunk.size(), stored);
        // Truncated.
        CHECK_THROWS_AS(decode_zarr_chunk(c, stored.data(), stored.size() / 2, back.data(), back.size()), IOError);
        // Garbage header.
        auto damaged = stored;
        for (std::size_t i = 0; i < 16 && i < damaged.size(); ++i) damaged[i] = std::byte{0xff};
        if (!c.id.empty())
            CHECK_THROWS_AS(decode_zarr_chunk(c, damaged.data(), damaged.size(), back.data(), back.size()), IOError);
        // A chunk of another size than the array's.
        std::vector<std::byte> larger(back.size() * 2);
        CHECK_THROWS_AS(decode_zarr_chunk(c, stored.data(), stored.size(), larger.data(), larger.size()), IOError);
    }
}

TEST_CASE("seeded damage to zarr chunks decodes or is an IOError, never more", "[io][zarr]") {
    const auto chunk = sample(4096);
    std::mt19937 random(17);
    for (const ZarrCompressor& c : {ZarrCompressor{"blosc", "lz4", 5, 1, 0}, ZarrCompressor{"blosc", "zstd", 5, 2, 0},
                                    ZarrCompressor{"blosc", "blosclz", 5, 1, 0}, ZarrCompressor{"zlib", "", 1, 0, 0},
                                    ZarrCompressor{"gzip", "", 1, 0, 0}}) {
        CAPTURE(c.id, c.cname);
        std::vector<std::byte> stored, back(chunk.size());
        encode_zarr_chunk(c, sizeof(double), chunk.data(), chunk.size(), stored);
        for (int round = 0; round < 300; ++round) {
            auto damaged = stored;
            for (int flips = 1 + static_cast<int>(random() % 8); flips-- > 0;)
                damaged[random() % damaged.size()] = static_cast<std::byte>(random() % 256);
            if (random() % 3 == 0) damaged.resize(random() % damaged.size());
            try {
                decode_zarr_chunk(c, damaged.data(), damaged.size(), back.data(), back.size());
            } catch (const IOError&) {}
        }
    }
}
