#include "mpi_ranks.hpp"

#include <chunkarr/core/error.hpp>

#include "arguments.hpp"

#include <cstdio>
#include <exception>

namespace chunkarr::cli {

namespace {

mpi::WorldPtr& world_slot() {
    static mpi::WorldPtr world;
    return world;
}

// Ranks other than 0 print nothing: their output would repeat rank 0's.
void silence_output() {
    std::fflush(stdout);
    std::fflush(stderr);
    // Failing to reopen leaves the stream as it was: output repeated, nothing worse.
    (void)std::freopen("/dev/null", "w", stdout);
    (void)std::freopen("/dev/null", "w", stderr);
}

// A usage error travels to the other ranks as the ValueError it is (exit status 2 as well).
std::exception_ptr as_library_error(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const UsageError& e) {
        return std::make_exception_ptr(ValueError(e.what()));
    } catch (...) {
        return error;
    }
}

}  // namespace

const mpi::WorldPtr& command_world() { return world_slot(); }

int run_on_every_rank(const std::function<int()>& command, const std::function<int(std::exception_ptr)>& report) {
    if (!mpi::World::launched_by_mpi() || !mpi::World::available()) {
        if (mpi::World::launched_by_mpi())
            std::fputs(
                "chunkarr: warning: built without MPI (CHUNKARR_WITH_MPI=OFF): every rank runs the whole "
                "command alone\n",
                stderr);
        try {
            return command();
        } catch (...) {
            return report(std::current_exception());
        }
    }
    mpi::WorldPtr world;
    try {
        world = mpi::World::world();
    } catch (...) {
        return report(std::current_exception());
    }
    world_slot() = world;
    if (world->rank() != 0) silence_output();
    int status = 0;
    try {
        status = command();
        // The last exchange: did every rank get here? (A rank that failed meets it with fail().)
        world->exchange({});
    } catch (...) {
        std::exception_ptr error = std::current_exception();
        // An error of this rank alone: tell the others (the agreed error comes back, thrown).
        if (!world->failed()) {
            try {
                world->fail(as_library_error(error));
            } catch (...) {
                error = std::current_exception();
            }
        }
        status = report(error);
    }
    world_slot().reset();
    return status;
}

}  // namespace chunkarr::cli
