#pragma once
// For C++ programs with a communicator of their own: ComputeOptions::world from an MPI_Comm.
// Includes <mpi.h>, so only for programs built against MPI themselves (chunkarr itself keeps
// MPI out of its other headers).
#include <chunkarr/exec/mpi_world.hpp>

#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1  // the C API is enough; MPI's C++ bindings need their own library
#endif
#include <mpi.h>

namespace chunkarr::mpi {

// `comm` duplicated (a collective: every rank of it calls this): chunkarr's messages never
// meet the caller's. MPI must be initialised.
inline WorldPtr world_of(MPI_Comm comm) { return World::from_handle(&comm); }

}  // namespace chunkarr::mpi
