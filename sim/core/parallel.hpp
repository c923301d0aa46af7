// parallel: the one door to TBB. Engine and experiment code call these and know no threads.
//
// Determinism rule: a body given to parallel_for may write only to slots owned by the indices
// of its range, and must not reduce floating-point values across indices. Reductions are done
// afterwards, serially, in index order. Nesting (a parallel_for inside a parallel_for body) is
// allowed; TBB runs the inner loop on the same arena.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace sixparty {

// calls body(begin, end) over disjoint subranges covering [0, n); grain is the smallest chunk
void parallel_for(std::size_t n, std::size_t grain,
                  const std::function<void(std::size_t, std::size_t)>& body);

// runs fn inside an arena limited to `threads` worker threads (0 = all hardware threads)
class ThreadScope {
 public:
  explicit ThreadScope(int threads);
  ~ThreadScope();
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;
  void run(const std::function<void()>& fn);
  int threads() const { return threads_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int threads_;
};

int hardware_threads();

}  // namespace sixparty
