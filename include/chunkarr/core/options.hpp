#pragma once
// How a computation runs, and what it reports back.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace chunkarr {

namespace mpi {
class World;  // exec/mpi_world.hpp
}

struct Progress {
    std::int64_t tasks_done = 0;
    std::int64_t tasks_total = 0;
    std::uint64_t bytes_done = 0;  // bytes of input processed so far
    std::uint64_t bytes_total = 0;
};

struct ComputeReport {
    std::int64_t tasks = 0;
    std::uint64_t bytes_read = 0;  // bytes produced by sources
    std::size_t peak_bytes = 0;    // most working memory held at once (task buffers, partials)
    std::size_t memory_limit = 0;  // the budget that was in force
    std::int64_t buffers = 0;      // task buffers allocated (a fused chain: one per chunk)
    int threads = 0;
};

struct ComputeOptions {
    int threads = 0;                                  // 0: one per physical core
    std::size_t memory_limit = 0;                     // bytes of working memory; 0: a quarter of RAM
    std::function<void(const Progress&)> progress{};  // called at most ~10 times a second
    const std::atomic<bool>* cancel = nullptr;        // set to true to stop with CancelledError
    ComputeReport* report = nullptr;                  // filled in when not null
    std::string temp_directory{};                     // multi-stage rechunks' files; empty: the system's temp dir
    // MPI ranks to split the work across (mpi::World::world(), or a communicator of the caller's):
    // every rank makes the same call and gets the whole result. Null: this process alone.
    std::shared_ptr<const mpi::World> world{};
};

// Physical cores of this machine (hyper-threads not counted); at least 1.
int physical_core_count();
// Total RAM in bytes (0 if unknown).
std::size_t physical_memory_bytes();
// The default memory_limit: a quarter of RAM, at least 256 MiB.
std::size_t default_memory_limit();

}  // namespace chunkarr
