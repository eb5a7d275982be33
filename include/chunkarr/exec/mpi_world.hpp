#pragma once
// The MPI ranks a computation is split across (ComputeOptions::world). Each rank computes its
// share of every stage's chunks and the ranks exchange what they made through the few
// collectives below; every rank then holds the whole result. No MPI header is included here:
// the library without MPI builds the same, and World::available() says whether it can be used.
//
// Failures are collective too: a rank that cannot go on calls fail() where it would have made
// its next exchange(), and every rank then throws that rank's error (see README, "Running
// across nodes with MPI").
#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <vector>

namespace chunkarr::mpi {

class World {
public:
    // Whether this build has MPI support.
    static bool available();
    // Whether this process was started by an MPI launcher (mpirun, srun): its environment says so.
    static bool launched_by_mpi();
    // MPI_COMM_WORLD; initialises MPI first when nobody has (and finalises it at exit).
    // Error when built without MPI.
    static std::shared_ptr<const World> world();
    // A communicator of the caller's: `mpi_comm` points to an MPI_Comm (mpi4py:
    // MPI._addressof(comm)). MPI must be initialised. Error when built without MPI.
    static std::shared_ptr<const World> from_handle(const void* mpi_comm);

    ~World();
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    int rank() const { return rank_; }
    int size() const { return size_; }

    // Every rank's `payload`, in rank order. A collective: every rank calls it at the same point.
    // Throws on every rank the error of the lowest rank that called fail() at this point instead.
    // The payload is sent from where it is; this rank's part of the result is a copy of it, or
    // the payload itself when it is passed with std::move.
    std::vector<std::string> exchange(const std::string& payload) const;
    std::vector<std::string> exchange(std::string&& payload) const;
    // As exchange(), but only rank `root` receives the payloads (the others get an empty list).
    std::vector<std::string> gather(const std::string& payload, int root) const;
    // In place of this rank's next exchange() when it cannot go on: tells every rank, then throws
    // the error of the lowest failing rank (this one's own `error`, as it was, unless a lower
    // rank failed too).
    [[noreturn]] void fail(std::exception_ptr error) const;
    // Throws `error` on this rank as an error every rank raises at the same point (they all
    // found the same thing): no collective follows, as after a failed exchange().
    [[noreturn]] void fail_together(std::exception_ptr error) const;
    // True once an error has been agreed (an exchange carried a failure): every rank knows it
    // and no further collective is made.
    bool failed() const { return failed_.load(); }
    // Progress counters (tasks and bytes done), sent point to point to rank 0 on a communicator of
    // their own: they never wait and never meet an exchange. Only the thread that makes the
    // exchanges calls these, so MPI_THREAD_SERIALIZED suffices.
    struct Counters {
        std::int64_t tasks = 0;
        std::int64_t bytes = 0;
    };
    // A rank other than 0: sends `counters` to rank 0, unless its previous send is still on its
    // way (a later send carries more).
    void send_counters(const Counters& counters) const;
    // Rank 0: each rank's latest counters that have arrived, into `latest[rank]` (size() slots).
    void receive_counters(std::vector<Counters>& latest) const;
    // A collective: every rank's final `counters` to rank 0 (into `latest`); the counters still
    // on their way are received and dropped, so none is left over for the next computation.
    void gather_counters(const Counters& counters, std::vector<Counters>& latest) const;

    // Last resort when the ranks can no longer agree: ends every rank of the communicator.
    [[noreturn]] void abort(int exit_status) const noexcept;

private:
    struct Comm;
    explicit World(std::unique_ptr<Comm> comm);
    // One exchange: `failed` and a payload (or the error's kind and message) from every rank,
    // to every rank (root -1) or to `root` only. `movable`: the payload, when this rank's part
    // of the result may take it instead of a copy.
    std::vector<std::string> exchange_flagged(bool failed, const std::string& payload, int root = -1,
                                              std::string* movable = nullptr) const;

    std::unique_ptr<Comm> comm_;
    int rank_ = 0;
    int size_ = 1;
    mutable std::atomic<bool> failed_{false};
    mutable int failed_rank_ = -1;  // the lowest rank that failed, once one has
};

using WorldPtr = std::shared_ptr<const World>;

}  // namespace chunkarr::mpi
