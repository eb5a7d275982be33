// The one file that talks to MPI (compiled with CHUNKARR_WITH_MPI when CMake found an MPI).
// Every exchange is the same two steps (the sizes, then the bytes: a broadcast from each rank, or
// sends to the one rank that gathers), each rank adding a flag that says whether it failed: a
// failing rank's fail() meets the other ranks' next exchange(), whatever that is, so a failure
// never leaves a rank waiting.
#include <chunkarr/core/error.hpp>
#include <chunkarr/exec/mpi_world.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#ifdef CHUNKARR_WITH_MPI
// The C API only: MPI's deprecated C++ bindings would need their own library.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace chunkarr::mpi {

namespace {

// An error as it travels between ranks: its kind (a byte) and its message.
enum class ErrorKind : char { Error = 'E', IO = 'I', Format = 'F', Value = 'V', Key = 'K', Memory = 'M', Cancel = 'C' };

std::string encode_error(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const IOError& e) {
        return char(ErrorKind::IO) + std::string(e.what());
    } catch (const FormatError& e) {
        return char(ErrorKind::Format) + std::string(e.what());
    } catch (const ValueError& e) {
        return char(ErrorKind::Value) + std::string(e.what());
    } catch (const KeyError& e) {
        return char(ErrorKind::Key) + std::string(e.what());
    } catch (const MemoryBudgetError& e) {
        return char(ErrorKind::Memory) + std::string(e.what());
    } catch (const CancelledError& e) {
        return char(ErrorKind::Cancel) + std::string(e.what());
    } catch (const std::bad_alloc&) {
        return char(ErrorKind::Error) + std::string("out of memory (try a smaller --memory-limit or fewer --threads)");
    } catch (const std::exception& e) {
        return char(ErrorKind::Error) + std::string(e.what());
    } catch (...) {
        return char(ErrorKind::Error) + std::string("unexpected internal error");
    }
}

[[noreturn, maybe_unused]] void throw_decoded(const std::string& encoded) {
    const std::string message = encoded.empty() ? "unexpected internal error" : encoded.substr(1);
    switch (encoded.empty() ? ErrorKind::Error : ErrorKind(encoded[0])) {
        case ErrorKind::IO: throw IOError(message);
        case ErrorKind::Format: throw FormatError(message);
        case ErrorKind::Value: throw ValueError(message);
        case ErrorKind::Key: throw KeyError(message);
        case ErrorKind::Memory: throw MemoryBudgetError(message);
        case ErrorKind::Cancel: throw CancelledError(message);
        case ErrorKind::Error: break;
    }
    throw Error(message);
}

}  // namespace

bool World::launched_by_mpi() {
    // Open MPI's mpirun, PMIx launchers (srun --mpi=pmix) and MPICH's Hydra set these.
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
        if (std::getenv(name)) return true;
    return false;
}

#ifdef CHUNKARR_WITH_MPI

struct World::Comm {
    MPI_Comm comm = MPI_COMM_NULL;           // our own duplicate: our messages never meet the caller's
    MPI_Comm counters = MPI_COMM_NULL;       // progress counters, apart from the exchanges
    MPI_Request pending = MPI_REQUEST_NULL;  // this rank's last counters send...
    std::int64_t outgoing[2] = {};           // ...and its bytes, kept until it is done
    std::int64_t sent = 0;                   // counters sends made by this rank
    std::vector<std::int64_t> received;      // rank 0: counters received from each rank
};

bool World::available() { return true; }

namespace {

void finalize_at_exit() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
}

// All ranks on one node under Open MPI: its shared-memory path (pml ob1, btl vader) is what they
// talk over in the end, but Open MPI first opens its other messaging layer (pml cm) and probes
// that layer's network libraries (PSM, PSM2), which costs about 0.2 s per start here (measured:
// mpirun -n 2 of `chunkarr stats` on a one-chunk file, 0.65 -> 0.41 s). A pml chosen by the user
// or the site (--mca pml, OMPI_MCA_pml) stands; across nodes Open MPI chooses as always.
void prefer_shared_memory_on_one_node() {
    const char* ranks = std::getenv("OMPI_COMM_WORLD_SIZE");
    const char* ranks_on_this_node = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
    if (!ranks || !ranks_on_this_node || std::strcmp(ranks, ranks_on_this_node) != 0) return;
    setenv("OMPI_MCA_pml", "ob1", /*overwrite=*/0);
}

}  // namespace

World::World(std::unique_ptr<Comm> comm) : comm_(std::move(comm)) {
    MPI_Comm_rank(comm_->comm, &rank_);
    MPI_Comm_size(comm_->comm, &size_);
    comm_->received.assign(static_cast<std::size_t>(size_), 0);
}

World::~World() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (finalized) return;
    // A counters send still on its way (a failed run): MPI finishes it without us.
    if (comm_->pending != MPI_REQUEST_NULL) MPI_Request_free(&comm_->pending);
    if (comm_->counters != MPI_COMM_NULL) MPI_Comm_free(&comm_->counters);
    if (comm_->comm != MPI_COMM_NULL) MPI_Comm_free(&comm_->comm);
}

std::shared_ptr<const World> World::world() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
        // Only the thread that runs the computation calls MPI (never TBB's workers).
        prefer_shared_memory_on_one_node();
        int provided = 0;
        MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
        std::atexit(finalize_at_exit);
    }
    MPI_Comm comm = MPI_COMM_WORLD;
    return from_handle(&comm);
}

std::shared_ptr<const World> World::from_handle(const void* mpi_comm) {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) throw ValueError("MPI is not initialised (import mpi4py's MPI, or call MPI_Init, first)");
    if (!mpi_comm) throw ValueError("no MPI communicator given");
    auto comm = std::make_unique<Comm>();
    MPI_Comm_dup(*static_cast<const MPI_Comm*>(mpi_comm), &comm->comm);
    MPI_Comm_dup(comm->comm, &comm->counters);
    return std::shared_ptr<const World>(new World(std::move(comm)));
}

std::vector<std::string> World::exchange_flagged(bool failed, const std::string& payload, int root,
                                                 std::string* movable) const {
    // First each rank's flag and size, then the bytes.
    const std::int64_t mine[2] = {failed ? 1 : 0, static_cast<std::int64_t>(payload.size())};
    std::vector<std::int64_t> heads(2 * static_cast<std::size_t>(size_));
    MPI_Allgather(mine, 2, MPI_INT64_T, heads.data(), 2, MPI_INT64_T, comm_->comm);
    // Every rank now knows whether one failed: then the errors go to every rank, whatever the
    // others meant to do (a failing rank does not know what the others' collective was).
    bool any_failed = false;
    for (int r = 0; r < size_; ++r) any_failed = any_failed || heads[2 * static_cast<std::size_t>(r)] != 0;
    if (any_failed) root = -1;
    std::vector<int> counts(static_cast<std::size_t>(size_));
    for (int r = 0; r < size_; ++r) {
        const std::int64_t count = heads[2 * static_cast<std::size_t>(r) + 1];
        if (count > 0x7fffffff) abort(1);  // MPI counts are int
        counts[static_cast<std::size_t>(r)] = static_cast<int>(count);
    }
    // Each rank's bytes go straight from its payload into their own string on the receiving
    // ranks: a round's bytes are never held twice (but for this rank's own part, unless moved).
    if (root >= 0 && root != rank_) {
        MPI_Send(payload.data(), static_cast<int>(payload.size()), MPI_BYTE, root, 0, comm_->comm);
        return {};
    }
    std::vector<std::string> payloads(static_cast<std::size_t>(size_));
    std::vector<MPI_Request> requests;
    for (int r = 0; r < size_; ++r) {
        std::string& part = payloads[static_cast<std::size_t>(r)];
        if (r == rank_) part = movable ? std::move(*movable) : payload;
        else part.resize(static_cast<std::size_t>(counts[static_cast<std::size_t>(r)]));
        MPI_Request request = MPI_REQUEST_NULL;
        if (root < 0)  // every rank takes part in every rank's broadcast, in rank order
            MPI_Ibcast(part.data(), counts[static_cast<std::size_t>(r)], MPI_BYTE, r, comm_->comm, &request);
        else if (r != rank_)
            MPI_Irecv(part.data(), counts[static_cast<std::size_t>(r)], MPI_BYTE, r, 0, comm_->comm, &request);
        requests.push_back(request);
    }
    MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE);
    for (int r = 0; r < size_; ++r) {
        if (!heads[2 * static_cast<std::size_t>(r)]) continue;
        failed_rank_ = r;
        failed_.store(true);
        throw_decoded(payloads[static_cast<std::size_t>(r)]);  // the lowest failing rank's error, on every rank
    }
    return payloads;
}

void World::send_counters(const Counters& counters) const {
    if (comm_->pending != MPI_REQUEST_NULL) {
        int done = 0;
        MPI_Test(&comm_->pending, &done, MPI_STATUS_IGNORE);
        if (!done) return;
    }
    comm_->outgoing[0] = counters.tasks;
    comm_->outgoing[1] = counters.bytes;
    MPI_Isend(comm_->outgoing, 2, MPI_INT64_T, 0, 0, comm_->counters, &comm_->pending);
    ++comm_->sent;
}

void World::receive_counters(std::vector<Counters>& latest) const {
    latest.resize(static_cast<std::size_t>(size_));
    for (;;) {
        int arrived = 0;
        MPI_Message message;
        MPI_Status status;
        MPI_Improbe(MPI_ANY_SOURCE, 0, comm_->counters, &arrived, &message, &status);
        if (!arrived) return;
        std::int64_t counters[2];
        MPI_Mrecv(counters, 2, MPI_INT64_T, &message, MPI_STATUS_IGNORE);  // the message probed
        ++comm_->received[static_cast<std::size_t>(status.MPI_SOURCE)];
        latest[static_cast<std::size_t>(status.MPI_SOURCE)] = {counters[0], counters[1]};
    }
}

void World::gather_counters(const Counters& counters, std::vector<Counters>& latest) const {
    const std::int64_t mine[3] = {counters.tasks, counters.bytes, comm_->sent};
    const std::vector<std::string> all = gather(std::string(reinterpret_cast<const char*>(mine), sizeof mine), 0);
    if (rank_ != 0) {
        MPI_Wait(&comm_->pending, MPI_STATUS_IGNORE);  // rank 0 receives what is left of it now
        return;
    }
    latest.assign(static_cast<std::size_t>(size_), counters);
    for (int r = 1; r < size_; ++r) {
        const auto at = static_cast<std::size_t>(r);
        std::int64_t theirs[3];
        if (all[at].size() != sizeof theirs)
            throw Error("internal: MPI rank " + std::to_string(r) + " sent no counters");
        std::memcpy(theirs, all[at].data(), sizeof theirs);
        for (std::int64_t left[2]; comm_->received[at] < theirs[2]; ++comm_->received[at])
            MPI_Recv(left, 2, MPI_INT64_T, r, 0, comm_->counters, MPI_STATUS_IGNORE);
        latest[at] = {theirs[0], theirs[1]};
    }
}

void World::abort(int exit_status) const noexcept {
    std::fflush(stdout);
    std::fflush(stderr);
    MPI_Abort(comm_->comm, exit_status);
    std::_Exit(exit_status);
}

#else  // built without MPI: a World cannot be made

struct World::Comm {};

bool World::available() { return false; }

namespace {

[[noreturn]] void no_mpi() {
    throw ValueError(
        "this chunkarr was built without MPI (install libopenmpi-dev and build with "
        "-DCHUNKARR_WITH_MPI=ON)");
}

}  // namespace

World::World(std::unique_ptr<Comm> comm) : comm_(std::move(comm)) {}
World::~World() = default;
std::shared_ptr<const World> World::world() { no_mpi(); }
std::shared_ptr<const World> World::from_handle(const void*) { no_mpi(); }
std::vector<std::string> World::exchange_flagged(bool, const std::string&, int, std::string*) const { no_mpi(); }
void World::send_counters(const Counters&) const { no_mpi(); }
void World::receive_counters(std::vector<Counters>&) const { no_mpi(); }
void World::gather_counters(const Counters&, std::vector<Counters>&) const { no_mpi(); }
void World::abort(int exit_status) const noexcept { std::_Exit(exit_status); }

#endif

std::vector<std::string> World::exchange(const std::string& payload) const {
    if (failed()) throw Error("internal: an MPI exchange after the ranks agreed on an error");
    return exchange_flagged(false, payload);
}

std::vector<std::string> World::exchange(std::string&& payload) const {
    if (failed()) throw Error("internal: an MPI exchange after the ranks agreed on an error");
    return exchange_flagged(false, payload, -1, &payload);
}

std::vector<std::string> World::gather(const std::string& payload, int root) const {
    if (failed()) throw Error("internal: an MPI exchange after the ranks agreed on an error");
    return exchange_flagged(false, payload, root);
}

void World::fail(std::exception_ptr error) const {
    if (failed()) std::rethrow_exception(error);
    try {
        exchange_flagged(true, encode_error(error));
    } catch (...) {
        if (failed_rank_ == rank_) std::rethrow_exception(error);  // ours: its own type (a Python one)
        throw;
    }
    abort(1);  // (not reached: exchange_flagged throws on every rank when one has failed)
}

void World::fail_together(std::exception_ptr error) const {
    failed_.store(true);
    std::rethrow_exception(error);
}

}  // namespace chunkarr::mpi
