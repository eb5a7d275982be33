// chunkarr_limit_bench FILE:DATASET [--threads N] [--repeat N]
// chunkarr_limit_bench STORE.zarr:ARRAY [--threads N] [--repeat N]
//
// The machine's limit for `chunkarr stats` on a chunked HDF5 dataset or a Zarr v2 array, with no
// engine: every stored chunk is read with pread into a buffer each thread reuses (a Zarr chunk:
// its file opened, read whole, closed), decoded when the data is compressed (HDF5: inflate +
// unshuffle, chunkarr's own decoder; Zarr: the same codec call chunkarr makes, Blosc's
// blosc_decompress_ctx with one internal thread or libdeflate; into a second reused buffer),
// and reduced by chunkarr's stats kernel (count, sum, min, max and moments: the same
// kernels::ReducePartial the engine runs). Threads take contiguous runs of chunks in storage
// order (Zarr: chunk index order). No task graph, no memory budget, no CF decoding, no page-cache
// hints: what is left when everything chunkarr adds is taken away. Prints one JSON object (best
// of --repeat runs):
//   {"mode": "raw"|"decode", "threads", "chunks", "stored_bytes", "bytes", "seconds",
//    "gb_per_s"} where bytes are the chunks' decoded bytes (edge chunks whole) and gb_per_s is
//    bytes / seconds / 1e9.
#include <chunkarr/core/error.hpp>
#include <chunkarr/io/hdf5/source.hpp>
#include <chunkarr/io/zarr/source.hpp>
#include <chunkarr/io/zarr/store.hpp>

#include "io/filter_pipeline.hpp"
#include "io/hdf5/chunk_index.hpp"
#include "io/hdf5/source_impl.hpp"
#include "io/zarr/codecs.hpp"
#include "kernels/reduce.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <functional>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace chunkarr;

namespace {

// One stored chunk: its bytes at `address` in the HDF5 file, or a Zarr chunk's own file.
struct Piece {
    std::string file;  // Zarr: the chunk file; HDF5: empty (Job::fd)
    std::uint64_t address = 0;
    std::size_t size = 0;
    unsigned filter_mask = 0;
};

struct Job {
    std::vector<Piece> pieces;  // in storage order
    std::size_t chunk_bytes = 0;
    Shape chunk_shape;
    DType dtype = DType::Float64;
    // Decodes a piece's stored bytes into `out` (chunk_bytes); empty: stored raw, reduced as read.
    std::function<void(const std::byte*, const Piece&, std::byte*)> decode;
    int fd = -1;  // HDF5: the file
};

void pread_all(int fd, std::byte* out, std::size_t size, std::uint64_t address) {
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd, out + done, size - done, static_cast<off_t>(address + done));
        if (n <= 0) throw IOError("pread failed");
        done += static_cast<std::size_t>(n);
    }
}

void read_piece(const Job& job, const Piece& piece, std::byte* out) {
    if (piece.file.empty()) return pread_all(job.fd, out, piece.size, piece.address);
    const int fd = ::open(piece.file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw IOError("cannot open " + piece.file);
    pread_all(fd, out, piece.size, 0);
    ::close(fd);
}

// One thread's share: pieces [begin, end) read, decoded and reduced; the partial it leaves.
kernels::ReducePartial run_share(const Job& job, std::size_t begin, std::size_t end) {
    const kernels::ReduceNeeds needs{true, true, true};
    const std::vector<bool> reduced(job.chunk_shape.size(), true);
    std::vector<std::byte> stored, decoded(job.decode ? job.chunk_bytes : 0);
    kernels::ReducePartial total;
    bool first = true;
    for (std::size_t i = begin; i < end; ++i) {
        const Piece& piece = job.pieces[i];
        stored.resize(std::max<std::size_t>(stored.size(), piece.size));
        read_piece(job, piece, stored.data());
        const std::byte* values = stored.data();
        if (job.decode) {
            job.decode(stored.data(), piece, decoded.data());
            values = decoded.data();
        }
        kernels::ReducePartial partial(job.dtype, values, job.chunk_shape, reduced, needs);
        if (first) total = std::move(partial), first = false;
        else total.merge(partial);
    }
    return total;
}

// The allocated chunks of an HDF5 dataset, in address order.
Job hdf5_job(const std::string& path, const std::string& dataset, std::optional<HDF5Source>& keep) {
    const HDF5Source& source = keep.emplace(path, dataset);
    const HDF5ChunkIndex* index = source.storage_chunks() ? source.impl().chunk_index_or_null() : nullptr;
    if (!index) throw ValueError(source.describe() + " is not a chunked dataset with a chunk index");
    Job job;
    job.chunk_shape = *source.storage_chunks();
    job.dtype = source.dtype();
    job.chunk_bytes = static_cast<std::size_t>(element_count(job.chunk_shape)) * itemsize(job.dtype);
    const auto& pipeline = source.impl().filter_pipeline();
    if (pipeline && !pipeline->steps().empty())
        job.decode = [&pipeline = *pipeline, bytes = job.chunk_bytes](const std::byte* in, const Piece& piece,
                                                                      std::byte* out) {
            pipeline.decode(in, piece.size, piece.filter_mask, out, bytes);
        };
    const ChunkGrid grid = ChunkGrid::regular(index->grid(), Shape(index->grid().size(), 1));
    for (Index flat = 0; flat < grid.block_count(); ++flat) {
        const StoredChunk& chunk = index->at(grid.unravel(flat));
        if (chunk.allocated) job.pieces.push_back({"", chunk.address, chunk.size, chunk.filter_mask});
    }
    std::sort(job.pieces.begin(), job.pieces.end(),
              [](const Piece& a, const Piece& b) { return a.address < b.address; });
    job.fd = ::open(path.c_str(), O_RDONLY);
    if (job.fd < 0) throw IOError("cannot open " + path);
    return job;
}

// The chunk files of a Zarr array, in chunk index order (missing ones, fill only, left out).
Job zarr_job(const std::string& store, const std::string& variable) {
    const ZarrSource source(store, variable);
    const ZarrArrayMetadata& meta = source.metadata();
    if (meta.big_endian != (std::endian::native == std::endian::big) || meta.fortran_order)
        throw ValueError(source.describe() + ": the limit is measured on native byte order, C order arrays");
    if (meta.half_float) throw ValueError(source.describe() + ": the limit is not measured on float16 arrays");
    Job job;
    job.chunk_shape = meta.chunks;
    job.dtype = meta.dtype;
    job.chunk_bytes = static_cast<std::size_t>(element_count(job.chunk_shape)) * itemsize(job.dtype);
    if (!meta.compressor.id.empty())
        job.decode = [compressor = meta.compressor, bytes = job.chunk_bytes](const std::byte* in, const Piece& piece,
                                                                             std::byte* out) {
            decode_zarr_chunk(compressor, in, piece.size, out, bytes);
        };
    const std::string directory = meta.path == "/" ? store : store + meta.path;
    const ChunkGrid grid = ChunkGrid::regular(meta.shape, meta.chunks);
    for (Index flat = 0; flat < grid.block_count(); ++flat) {
        const std::string file = directory + "/" + zarr_chunk_key(grid.unravel(flat), meta.dimension_separator);
        struct stat info {};
        if (::stat(file.c_str(), &info) == 0) job.pieces.push_back({file, 0, static_cast<std::size_t>(info.st_size)});
    }
    return job;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc < 2) {
            std::fputs("usage: chunkarr_limit_bench FILE:DATASET|STORE.zarr:ARRAY [--threads N] [--repeat N]\n",
                       stderr);
            return 2;
        }
        const std::string spec = argv[1];
        unsigned threads = std::max(1u, std::thread::hardware_concurrency());
        int repeat = 3;
        for (int i = 2; i + 1 < argc; i += 2) {
            if (std::string(argv[i]) == "--threads") threads = static_cast<unsigned>(std::stoul(argv[i + 1]));
            else if (std::string(argv[i]) == "--repeat") repeat = std::stoi(argv[i + 1]);
        }
        const auto colon = spec.rfind(':');
        if (colon == std::string::npos) throw ValueError("give FILE:DATASET or STORE.zarr:ARRAY");
        const std::string path = spec.substr(0, colon), name = spec.substr(colon + 1);
        std::optional<HDF5Source> keep;  // the HDF5 dataset whose decoder the job uses
        const Job job = is_zarr_store(path) ? zarr_job(path, name) : hdf5_job(path, name, keep);
        std::size_t stored_bytes = 0;
        for (const Piece& piece : job.pieces) stored_bytes += piece.size;

        threads = std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(1, job.pieces.size())));
        double best = 1e30;
        for (int r = 0; r < repeat; ++r) {
            const auto start = std::chrono::steady_clock::now();
            std::vector<kernels::ReducePartial> partials(threads);
            std::vector<std::thread> workers;
            for (unsigned t = 0; t < threads; ++t) {
                const std::size_t begin = job.pieces.size() * t / threads, end = job.pieces.size() * (t + 1) / threads;
                workers.emplace_back([&, t, begin, end] { partials[t] = run_share(job, begin, end); });
            }
            for (auto& w : workers) w.join();
            best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        }
        if (job.fd >= 0) ::close(job.fd);
        const double bytes = static_cast<double>(job.pieces.size() * job.chunk_bytes);
        std::printf(
            "{\"mode\": \"%s\", \"threads\": %u, \"chunks\": %zu, \"stored_bytes\": %zu, \"bytes\": %.0f, "
            "\"seconds\": %.6f, \"gb_per_s\": %.3f}\n",
            job.decode ? "decode" : "raw", threads, job.pieces.size(), stored_bytes, bytes, best, bytes / best / 1e9);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "chunkarr_limit_bench: error: %s\n", e.what());
        return 1;
    }
}
