// cluster: the MPI job this process may belong to, and the farm over its ranks.
//
// Rank 0 coordinates: it parses the same command as every rank, keeps the journal, writes the
// one output file and reports progress; ranks 1 .. P-1 serve the work it hands out (core/farm.hpp)
// and print nothing. MPI is initialised only when an MPI launcher (mpirun, mpiexec, srun)
// started the process, so a plain `sixparty ...` never touches MPI. A build without MPI
// (SIXPARTY_MPI=OFF, or no MPI found) has the same interface with one rank, and refuses to run
// under a launcher with more than one, rather than letting P copies write the same file.
#pragma once

#include "core/farm.hpp"

#include <memory>
#include <string>

namespace sixparty::mpi {

// true when this program was built with MPI
bool built_with_mpi();

// the ranks an MPI launcher says this job has (its environment), 1 if none launched us or it
// did not say
int launched_size();

class Session {
 public:
  // initialises MPI (MPI_THREAD_SERIALIZED) when a launcher started this process; on ranks
  // other than 0 it silences std::cout and std::cerr (rank 0 speaks for the job)
  Session(int& argc, char**& argv);
  ~Session();  // MPI_Finalize
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }
  // ends the whole job at once (a worker that cannot go on: the coordinator would wait forever)
  [[noreturn]] void abort(int code, const std::string& why);

 private:
  int rank_ = 0, size_ = 1;
  bool initialised_ = false;
};

// rank 0's farm of ranks 1 .. P-1. Its destructor collects the results still in flight and
// tells every worker the work is over, on every path (also when the command fails early), so
// no rank is left waiting.
std::unique_ptr<Farm> coordinator(const Session& s);
// a worker rank's side
std::unique_ptr<FarmWorker> worker(const Session& s);

}  // namespace sixparty::mpi
