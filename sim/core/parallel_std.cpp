// parallel_std: the interface of parallel.hpp on std::thread, for ThreadSanitizer builds only.
//
// Debian's TBB is not built with -fsanitize=thread, so TSan cannot see its synchronisation and
// reports its task hand-offs as races. Because the engine reaches threads through this one
// interface, a TSan build swaps TBB for this file: real threads, instrumented, running the
// engine's own code, so TSan checks the engine's threading discipline. Static partition into
// one contiguous piece per thread; a parallel_for inside a worker runs serially there.
#include "core/parallel.hpp"

#include <atomic>
#include <exception>
#include <thread>
#include <vector>

namespace sixparty {

namespace {
std::atomic<int> g_threads{1};
thread_local bool t_in_worker = false;
}  // namespace

void parallel_for(std::size_t n, std::size_t grain, const std::function<void(std::size_t, std::size_t)>& body) {
  if (n == 0) return;
  const std::size_t threads = static_cast<std::size_t>(std::max(1, g_threads.load()));
  if (t_in_worker || threads == 1 || n <= std::max<std::size_t>(grain, 1)) {
    body(0, n);
    return;
  }
  const std::size_t pieces = std::min(threads, n);
  std::vector<std::exception_ptr> errors(pieces);
  std::vector<std::thread> workers;
  auto piece = [&](std::size_t k) {
    const std::size_t b = n * k / pieces, e = n * (k + 1) / pieces;
    const bool was = t_in_worker;
    t_in_worker = true;
    try {
      body(b, e);
    } catch (...) {
      errors[k] = std::current_exception();
    }
    t_in_worker = was;
  };
  for (std::size_t k = 1; k < pieces; ++k) workers.emplace_back(piece, k);
  piece(0);
  for (auto& w : workers) w.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

struct ThreadScope::Impl {
  int previous;
};

ThreadScope::ThreadScope(int threads)
    : impl_(std::make_unique<Impl>(Impl{g_threads.load()})), threads_(threads > 0 ? threads : hardware_threads()) {
  g_threads.store(threads_);
}

ThreadScope::~ThreadScope() { g_threads.store(impl_->previous); }

void ThreadScope::run(const std::function<void()>& fn) { fn(); }

int hardware_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

}  // namespace sixparty
