#pragma once
// The command under mpirun (or srun): every rank runs it, the engine splits the work among them
// (ComputeOptions::world) and rank 0 alone prints. Without a launcher - or in a build without
// MPI - the command runs as one process and MPI is never started.
#include <chunkarr/exec/mpi_world.hpp>

#include <functional>

namespace chunkarr::cli {

// The ranks this command runs on; null when it runs alone.
const mpi::WorldPtr& command_world();

// Runs `command` (returns the exit status, throws on errors) on every rank: starts MPI when
// launched by an MPI launcher, silences the output of ranks other than 0, and makes every rank
// agree on the outcome: an error on any rank is printed once (by rank 0) and every rank exits
// with its status. `report` turns an error into the exit status, printing it.
int run_on_every_rank(const std::function<int()>& command, const std::function<int(std::exception_ptr)>& report);

}  // namespace chunkarr::cli
