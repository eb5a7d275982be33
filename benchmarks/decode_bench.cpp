// chunkarr_decode_bench FILE:DATASET [--codec zlib|libdeflate|isal] [--max-chunks N]
//
// Single-core decode throughput on a dataset's real stored chunks: all chosen chunks are read
// into memory first, then undone one after another (inflate, unshuffle, fletcher32) on one
// thread. With --codec libdeflate this is exactly chunkarr's decoder; with zlib or isal (ISA-L's
// igzip, when the build found it) the inflate step is that library's instead: the comparison
// that chose libdeflate. Prints one JSON object. The machine's decode limit is this x cores. It
// also reports how long building the dataset's chunk index took (index_seconds).
#include <chunkarr/core/error.hpp>
#include <chunkarr/io/hdf5/source.hpp>

#include "io/filter_pipeline.hpp"
#include "io/hdf5/source_impl.hpp"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>
#include <zlib.h>
#ifdef CHUNKARR_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

using namespace chunkarr;

namespace {

// Inflates `size` bytes of a zlib stream at `data` into `out` (capacity `capacity`): the number
// of bytes produced, or an IOError.
using Inflate = std::size_t (*)(const std::byte* data, std::size_t size, std::byte* out, std::size_t capacity);

std::size_t zlib_inflate(const std::byte* data, std::size_t size, std::byte* out, std::size_t capacity) {
    uLongf produced = capacity;
    if (uncompress(reinterpret_cast<Bytef*>(out), &produced, reinterpret_cast<const Bytef*>(data), size) != Z_OK)
        throw IOError("zlib: damaged chunk");
    return produced;
}

#ifdef CHUNKARR_HAVE_ISAL
std::size_t isal_inflate_zlib(const std::byte* data, std::size_t size, std::byte* out, std::size_t capacity) {
    inflate_state state;
    isal_inflate_init(&state);
    state.crc_flag = ISAL_ZLIB;  // HDF5's deflate filter writes zlib streams
    state.next_in = reinterpret_cast<std::uint8_t*>(const_cast<std::byte*>(data));
    state.avail_in = static_cast<std::uint32_t>(size);
    state.next_out = reinterpret_cast<std::uint8_t*>(out);
    state.avail_out = static_cast<std::uint32_t>(capacity);
    if (isal_inflate(&state) != ISAL_DECOMP_OK || state.block_state != ISAL_BLOCK_FINISH)
        throw IOError("isa-l: damaged chunk");
    return state.total_out;
}
#endif

// The same pipeline with another library's inflate (for the comparison only).
void decode_with(Inflate inflate, const FilterPipeline& pipeline, const std::vector<std::byte>& stored, unsigned mask,
                 std::vector<std::byte>& a, std::vector<std::byte>& b, std::size_t chunk_bytes) {
    const std::byte* data = stored.data();
    std::size_t size = stored.size();
    const auto& steps = pipeline.steps();
    for (std::size_t i = steps.size(); i-- > 0;) {
        if (mask & (1u << i)) continue;
        switch (steps[i].kind) {
            case FilterKind::Fletcher32:
                size -= 4;
                if (fletcher32(data, size) == 0xffffffffu) std::puts("");  // keep the work
                break;
            case FilterKind::Deflate:
                a.resize(chunk_bytes + 16);
                size = inflate(data, size, a.data(), a.size());
                data = a.data();
                break;
            case FilterKind::Shuffle:
                b.resize(size);
                unshuffle(data, size, steps[i].element_size, b.data());
                data = b.data();
                break;
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc < 2) {
            std::fputs("usage: chunkarr_decode_bench FILE:DATASET [--codec zlib|libdeflate|isal] [--max-chunks N]\n",
                       stderr);
            return 2;
        }
        std::string spec = argv[1], codec = "libdeflate";
        std::size_t max_chunks = 400;
        for (int i = 2; i + 1 < argc; i += 2) {
            if (std::string(argv[i]) == "--codec") codec = argv[i + 1];
            else if (std::string(argv[i]) == "--max-chunks") max_chunks = std::stoul(argv[i + 1]);
        }
        Inflate other = nullptr;
        if (codec == "zlib") other = zlib_inflate;
#ifdef CHUNKARR_HAVE_ISAL
        else if (codec == "isal") other = isal_inflate_zlib;
#else
        else if (codec == "isal") throw ValueError("this build has no ISA-L (install libisal-dev and reconfigure)");
#endif
        else if (codec != "libdeflate") throw ValueError("--codec must be zlib, libdeflate or isal");
        const auto colon = spec.rfind(':');
        if (colon == std::string::npos) throw ValueError("give FILE:DATASET");
        HDF5Source source(spec.substr(0, colon), spec.substr(colon + 1));
        if (!source.storage_chunks() || !source.impl().filter_pipeline())
            throw ValueError(source.describe() + " is not a chunked dataset with filters chunkarr decodes");
        // The chunk index (built on first use): its build time is part of what the issue measures.
        const auto index_start = std::chrono::steady_clock::now();
        const HDF5ChunkIndex* index = source.impl().chunk_index_or_null();
        const double index_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - index_start).count();
        const FilterPipeline& pipeline = *source.impl().filter_pipeline();
        const Shape chunk_shape = *source.storage_chunks();
        const std::size_t chunk_bytes = static_cast<std::size_t>(element_count(chunk_shape)) * itemsize(source.dtype());
        Shape grid;
        for (std::size_t axis = 0; axis < chunk_shape.size(); ++axis)
            grid.push_back((source.shape()[axis] + chunk_shape[axis] - 1) / chunk_shape[axis]);
        const ChunkGrid chunks = ChunkGrid::regular(grid, Shape(grid.size(), 1));

        std::vector<std::vector<std::byte>> stored;
        std::size_t compressed = 0;
        for (Index flat = 0; flat < chunks.block_count() && stored.size() < max_chunks; ++flat) {
            auto bytes = source.impl().read_stored_chunk(chunks.unravel(flat));
            if (bytes.empty()) continue;
            compressed += bytes.size();
            stored.push_back(std::move(bytes));
        }
        std::vector<std::byte> out(chunk_bytes), a, b;
        double best = 1e30;
        for (int repeat = 0; repeat < 3; ++repeat) {
            const auto start = std::chrono::steady_clock::now();
            for (const auto& chunk : stored) {
                if (!other) pipeline.decode(chunk.data(), chunk.size(), 0, out.data(), chunk_bytes);
                else decode_with(other, pipeline, chunk, 0, a, b, chunk_bytes);
            }
            best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        }
        const double decompressed = static_cast<double>(stored.size() * chunk_bytes);
        std::printf(
            "{\"codec\": \"%s\", \"chunks\": %zu, \"compressed_bytes\": %zu, \"decompressed_bytes\": %.0f, "
            "\"seconds\": %.6f, \"decompressed_mb_per_s\": %.1f, \"index_chunks\": %lld, "
            "\"index_built\": %s, \"index_seconds\": %.6f}\n",
            codec.c_str(), stored.size(), compressed, decompressed, best, decompressed / best / 1e6,
            static_cast<long long>(chunks.block_count()), index ? "true" : "false", index_seconds);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "chunkarr_decode_bench: error: %s\n", e.what());
        return 1;
    }
}
