#include "io/zarr/codecs.hpp"

#include <chunkarr/core/error.hpp>

#include "io/deflate.hpp"

#include <blosc.h>
#include <cstring>
#include <string>

namespace chunkarr {

namespace {

std::string bytes_text(std::size_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

void decode_blosc(const std::byte* stored, std::size_t stored_size, std::byte* out, std::size_t chunk_bytes) {
    // Checks the header against the stored size before any decoding (a damaged header must not
    // make blosc read past the buffer).
    std::size_t nbytes = 0;
    if (stored_size < BLOSC_MIN_HEADER_LENGTH || blosc_cbuffer_validate(stored, stored_size, &nbytes) != 0)
        throw IOError("not a valid Blosc chunk (" + bytes_text(stored_size) + ")");
    if (nbytes != chunk_bytes)
        throw IOError("Blosc chunk holds " + bytes_text(nbytes) + ", expected " + bytes_text(chunk_bytes));
    const int produced = blosc_decompress_ctx(stored, out, chunk_bytes, 1);
    if (produced < 0 || static_cast<std::size_t>(produced) != chunk_bytes)
        throw IOError("damaged Blosc chunk (blosc_decompress returned " + std::to_string(produced) + ")");
}

void decode_deflate(bool gzip, const std::byte* stored, std::size_t stored_size, std::byte* out,
                    std::size_t chunk_bytes) {
    std::size_t produced = 0;
    const libdeflate_result result =
        gzip ? libdeflate_gzip_decompress(thread_decompressor(), stored, stored_size, out, chunk_bytes, &produced)
             : libdeflate_zlib_decompress(thread_decompressor(), stored, stored_size, out, chunk_bytes, &produced);
    const char* name = gzip ? "gzip" : "zlib";
    if (result == LIBDEFLATE_INSUFFICIENT_SPACE)
        throw IOError(std::string(name) + " chunk holds more than " + bytes_text(chunk_bytes));
    if (result != LIBDEFLATE_SUCCESS) throw IOError(std::string("damaged ") + name + " chunk");
    if (produced != chunk_bytes)
        throw IOError(std::string(name) + " chunk holds " + bytes_text(produced) + ", expected " +
                      bytes_text(chunk_bytes));
}

}  // namespace

void decode_zarr_chunk(const ZarrCompressor& compressor, const std::byte* stored, std::size_t stored_size,
                       std::byte* out, std::size_t chunk_bytes) {
    if (compressor.id.empty()) {
        if (stored_size != chunk_bytes)
            throw IOError("uncompressed chunk has " + bytes_text(stored_size) + ", expected " +
                          bytes_text(chunk_bytes));
        std::memcpy(out, stored, chunk_bytes);
    } else if (compressor.id == "blosc") {
        decode_blosc(stored, stored_size, out, chunk_bytes);
    } else {
        decode_deflate(compressor.id == "gzip", stored, stored_size, out, chunk_bytes);
    }
}

void encode_zarr_chunk(const ZarrCompressor& compressor, std::size_t item, const std::byte* chunk,
                       std::size_t chunk_bytes, std::vector<std::byte>& out) {
    if (compressor.id.empty()) {
        out.assign(chunk, chunk + chunk_bytes);
    } else if (compressor.id == "blosc") {
        out.resize(chunk_bytes + BLOSC_MAX_OVERHEAD);
        // numcodecs' AUTOSHUFFLE (-1): bit shuffle for one-byte items, byte shuffle otherwise.
        const int shuffle =
            compressor.shuffle == -1 ? (item == 1 ? BLOSC_BITSHUFFLE : BLOSC_SHUFFLE) : compressor.shuffle;
        const int size = blosc_compress_ctx(compressor.level, shuffle, item, chunk_bytes, chunk, out.data(), out.size(),
                                            compressor.cname.c_str(), compressor.blocksize, 1);
        if (size <= 0) throw IOError("Blosc could not compress a chunk (" + compressor.cname + ")");
        out.resize(static_cast<std::size_t>(size));
    } else {
        const bool gzip = compressor.id == "gzip";
        libdeflate_compressor* c = thread_compressor(compressor.level);
        const std::size_t bound =
            gzip ? libdeflate_gzip_compress_bound(c, chunk_bytes) : libdeflate_zlib_compress_bound(c, chunk_bytes);
        out.resize(bound);
        const std::size_t size = gzip ? libdeflate_gzip_compress(c, chunk, chunk_bytes, out.data(), bound)
                                      : libdeflate_zlib_compress(c, chunk, chunk_bytes, out.data(), bound);
        if (size == 0) throw IOError("could not compress a chunk with " + compressor.id);
        out.resize(size);
    }
}

}  // namespace chunkarr
