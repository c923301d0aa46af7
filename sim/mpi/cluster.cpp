#include "mpi/cluster.hpp"

#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <list>
#include <stdexcept>
#include <streambuf>
#include <thread>
#include <vector>

#ifdef SIXPARTY_HAVE_MPI
#include <mpi.h>
#endif

namespace sixparty::mpi {

namespace {

int env_int(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return 0;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  return (*end == '\0' && n > 0 && n < INT_MAX) ? static_cast<int>(n) : 0;
}

// a stream buffer that drops everything (the voice of ranks other than 0)
class NullBuf : public std::streambuf {
 protected:
  int overflow(int c) override { return c; }
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};
NullBuf g_null;

}  // namespace

int launched_size() {
  // OpenMPI's mpirun; MPICH's and Intel's hydra (and srun --mpi=pmi2); PMIx launchers (srun --mpi=pmix)
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
    if (const int n = env_int(v)) return n;
  return 1;  // (PMIx without a size, e.g. srun -n 1: Session asks MPI itself)
}

#ifdef SIXPARTY_HAVE_MPI

bool built_with_mpi() { return true; }

namespace {

enum Tag : int { kTask = 1, kStop = 2, kResult = 3 };

int checked_count(std::size_t n) {
  if (n > static_cast<std::size_t>(INT_MAX)) throw std::runtime_error("an MPI message of more than 2 GiB; expected smaller chunks or blocks");
  return static_cast<int>(n);
}

// waits for a message matching (source, tag) without spinning a core: MPI's blocking receive
// polls, which on a rank that mostly waits (the coordinator) would take a core from the workers
MPI_Status wait_for(int source, int tag) {
  MPI_Status st;
  int flag = 0;
  auto pause = std::chrono::microseconds(50);
  for (;;) {
    MPI_Iprobe(source, tag, MPI_COMM_WORLD, &flag, &st);
    if (flag) return st;
    std::this_thread::sleep_for(pause);
    if (pause < std::chrono::milliseconds(2)) pause *= 2;
  }
}

void receive_bytes(const MPI_Status& probed, Bytes& out) {
  int n = 0;
  MPI_Get_count(&probed, MPI_BYTE, &n);
  out.resize(static_cast<std::size_t>(n));
  MPI_Recv(out.data(), n, MPI_BYTE, probed.MPI_SOURCE, probed.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

// Tasks go out with non-blocking sends: a task past MPI's eager limit (a few kB) is only
// delivered once its worker posts the receive, and a worker may at that moment be blocked sending
// a large result the coordinator has not received yet; with a blocking send both would wait
// for ever. The coordinator keeps each task's bytes until its send completes.
class MpiFarm : public Farm {
 public:
  explicit MpiFarm(int size) : outstanding_(static_cast<std::size_t>(size - 1), 0) {}
  ~MpiFarm() override {
    // the results still in flight (a failed or interrupted loop), then the end of the work
    Bytes drop;
    for (std::size_t total = sum(); total > 0; --total) receive(drop);
    for (auto& s : sending_) MPI_Wait(&s.request, MPI_STATUS_IGNORE);
    for (std::size_t w = 0; w < outstanding_.size(); ++w) MPI_Send(nullptr, 0, MPI_BYTE, static_cast<int>(w + 1), kStop, MPI_COMM_WORLD);
  }
  std::size_t workers() const override { return outstanding_.size(); }
  void send(std::size_t w, const Bytes& task) override {
    sending_.push_back(Sending{task, MPI_REQUEST_NULL});
    Sending& s = sending_.back();
    MPI_Isend(s.bytes.data(), checked_count(s.bytes.size()), MPI_BYTE, static_cast<int>(w + 1), kTask, MPI_COMM_WORLD, &s.request);
    ++outstanding_[w];
    bytes_sent += task.size();
  }
  std::size_t receive(Bytes& result) override {
    // tasks whose sends completed free their bytes
    for (auto it = sending_.begin(); it != sending_.end();) {
      int done = 0;
      MPI_Test(&it->request, &done, MPI_STATUS_IGNORE);
      it = done ? sending_.erase(it) : std::next(it);
    }
    const MPI_Status st = wait_for(MPI_ANY_SOURCE, kResult);
    receive_bytes(st, result);
    bytes_received += result.size();
    const auto w = static_cast<std::size_t>(st.MPI_SOURCE - 1);
    if (outstanding_[w] > 0) --outstanding_[w];
    return w;
  }

 private:
  std::size_t sum() const {
    std::size_t s = 0;
    for (auto n : outstanding_) s += n;
    return s;
  }
  std::vector<std::size_t> outstanding_;
  struct Sending {
    Bytes bytes;
    MPI_Request request;
  };
  std::list<Sending> sending_;  // stable addresses while MPI holds them
};

class MpiWorker : public FarmWorker {
 public:
  bool receive(Bytes& task) override {
    const MPI_Status st = wait_for(0, MPI_ANY_TAG);
    receive_bytes(st, task);
    return st.MPI_TAG == kTask;
  }
  void send(const Bytes& result) override {
    MPI_Send(result.data(), checked_count(result.size()), MPI_BYTE, 0, kResult, MPI_COMM_WORLD);
  }
};

}  // namespace

Session::Session(int& argc, char**& argv) {
  if (launched_size() <= 1 && !std::getenv("PMIX_RANK")) return;  // no launcher, or one that gave no size
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
  initialised_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  if (rank_ > 0) {
    std::cout.rdbuf(&g_null);
    std::cerr.rdbuf(&g_null);
  }
}

Session::~Session() {
  if (initialised_) MPI_Finalize();
}

void Session::abort(int code, const std::string& why) {
  std::fprintf(stderr, "sixparty (MPI rank %d of %d): %s; ending the job\n", rank_, size_, why.c_str());
  std::fflush(stderr);
  if (initialised_) MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

std::unique_ptr<Farm> coordinator(const Session& s) { return std::make_unique<MpiFarm>(s.size()); }
std::unique_ptr<FarmWorker> worker(const Session&) { return std::make_unique<MpiWorker>(); }

#else  // a build without MPI: one rank

bool built_with_mpi() { return false; }
Session::Session(int&, char**&) {}
Session::~Session() = default;
void Session::abort(int code, const std::string& why) {
  std::fprintf(stderr, "sixparty: %s\n", why.c_str());
  std::_Exit(code);
}
std::unique_ptr<Farm> coordinator(const Session&) { throw std::logic_error("no MPI in this build"); }
std::unique_ptr<FarmWorker> worker(const Session&) { throw std::logic_error("no MPI in this build"); }

#endif

}  // namespace sixparty::mpi
