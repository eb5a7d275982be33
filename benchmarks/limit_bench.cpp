// chunkarr_limit_bench FILE:DATASET [--threads N] [--repeat N]
//
// The machine's limit for `chunkarr stats` on a chunked HDF5 dataset, with no engine: every
// stored chunk is read with pread into a buffer each thread reuses, decoded when the dataset is
// filtered (inflate + unshuffle: chunkarr's own decoder, into a second reused buffer), and
// reduced by chunkarr's stats kernel (count, sum, min, max and moments: the same
// kernels::ReducePartial the engine runs). Threads take contiguous runs of chunks in storage
// order. No task graph, no memory budget, no CF decoding, no page-cache hints: what is left
// when everything chunkarr adds is taken away. Prints one JSON object (best of --repeat runs):
//   {"mode": "raw"|"decode", "threads", "chunks", "stored_bytes", "bytes", "seconds",
//    "gb_per_s"} where bytes are the chunks' decoded bytes (edge chunks whole) and gb_per_s is
//    bytes / seconds / 1e9.
#include <chunkarr/core/error.hpp>
#include <chunkarr/io/hdf5/source.hpp>

#include "io/filter_pipeline.hpp"
#include "io/hdf5/chunk_index.hpp"
#include "io/hdf5/source_impl.hpp"
#include "kernels/reduce.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace chunkarr;

namespace {

struct Job {
    std::vector<StoredChunk> chunks;  // allocated chunks, in storage (address) order
    std::size_t chunk_bytes = 0;
    Shape chunk_shape;
    DType dtype = DType::Float64;
    const FilterPipeline* pipeline = nullptr;  // null: stored raw
    int fd = -1;
};

// One thread's share: chunks [begin, end) read, decoded and reduced; the partial it leaves.
kernels::ReducePartial run_share(const Job& job, std::size_t begin, std::size_t end) {
    const kernels::ReduceNeeds needs{true, true, true};
    const std::vector<bool> reduced(job.chunk_shape.size(), true);
    std::vector<std::byte> stored, decoded(job.pipeline ? job.chunk_bytes : 0);
    kernels::ReducePartial total;
    bool first = true;
    for (std::size_t i = begin; i < end; ++i) {
        const StoredChunk& chunk = job.chunks[i];
        stored.resize(std::max<std::size_t>(stored.size(), chunk.size));
        std::size_t done = 0;
        while (done < chunk.size) {
            const ssize_t n =
                ::pread(job.fd, stored.data() + done, chunk.size - done, static_cast<off_t>(chunk.address + done));
            if (n <= 0) throw IOError("pread failed");
            done += static_cast<std::size_t>(n);
        }
        const std::byte* values = stored.data();
        if (job.pipeline) {
            job.pipeline->decode(stored.data(), chunk.size, chunk.filter_mask, decoded.data(), job.chunk_bytes);
            values = decoded.data();
        }
        kernels::ReducePartial partial(job.dtype, values, job.chunk_shape, reduced, needs);
        if (first) total = std::move(partial), first = false;
        else total.merge(partial);
    }
    return total;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc < 2) {
            std::fputs("usage: chunkarr_limit_bench FILE:DATASET [--threads N] [--repeat N]\n", stderr);
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
        if (colon == std::string::npos) throw ValueError("give FILE:DATASET");
        const std::string path = spec.substr(0, colon);
        HDF5Source source(path, spec.substr(colon + 1));
        const HDF5ChunkIndex* index = source.storage_chunks() ? source.impl().chunk_index_or_null() : nullptr;
        if (!index) throw ValueError(source.describe() + " is not a chunked dataset with a chunk index");

        Job job;
        job.chunk_shape = *source.storage_chunks();
        job.dtype = source.dtype();
        job.chunk_bytes = static_cast<std::size_t>(element_count(job.chunk_shape)) * itemsize(job.dtype);
        const auto& pipeline = source.impl().filter_pipeline();
        job.pipeline = pipeline && !pipeline->steps().empty() ? &*pipeline : nullptr;
        const ChunkGrid grid = ChunkGrid::regular(index->grid(), Shape(index->grid().size(), 1));
        std::size_t stored_bytes = 0;
        for (Index flat = 0; flat < grid.block_count(); ++flat) {
            const StoredChunk& chunk = index->at(grid.unravel(flat));
            if (!chunk.allocated) continue;
            job.chunks.push_back(chunk);
            stored_bytes += chunk.size;
        }
        std::sort(job.chunks.begin(), job.chunks.end(),
                  [](const StoredChunk& a, const StoredChunk& b) { return a.address < b.address; });
        job.fd = ::open(path.c_str(), O_RDONLY);
        if (job.fd < 0) throw IOError("cannot open " + path);

        threads = std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(1, job.chunks.size())));
        double best = 1e30;
        for (int r = 0; r < repeat; ++r) {
            const auto start = std::chrono::steady_clock::now();
            std::vector<kernels::ReducePartial> partials(threads);
            std::vector<std::thread> workers;
            for (unsigned t = 0; t < threads; ++t) {
                const std::size_t begin = job.chunks.size() * t / threads, end = job.chunks.size() * (t + 1) / threads;
                workers.emplace_back([&, t, begin, end] { partials[t] = run_share(job, begin, end); });
            }
            for (auto& w : workers) w.join();
            best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        }
        ::close(job.fd);
        const double bytes = static_cast<double>(job.chunks.size() * job.chunk_bytes);
        std::printf(
            "{\"mode\": \"%s\", \"threads\": %u, \"chunks\": %zu, \"stored_bytes\": %zu, \"bytes\": %.0f, "
            "\"seconds\": %.6f, \"gb_per_s\": %.3f}\n",
            job.pipeline ? "decode" : "raw", threads, job.chunks.size(), stored_bytes, bytes, best, bytes / best / 1e9);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "chunkarr_limit_bench: error: %s\n", e.what());
        return 1;
    }
}
