#include "core/parallel.hpp"

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

namespace sixparty {

void parallel_for(std::size_t n, std::size_t grain,
                  const std::function<void(std::size_t, std::size_t)>& body) {
  if (n == 0) return;
  if (grain == 0) grain = 1;
  if (n <= grain) {
    body(0, n);
    return;
  }
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, grain),
                    [&](const tbb::blocked_range<std::size_t>& r) { body(r.begin(), r.end()); });
}

struct ThreadScope::Impl {
  // lets an arena have more workers than cores when asked (oversubscription is the user's call)
  tbb::global_control limit;
  tbb::task_arena arena;
  explicit Impl(int t) : limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(t)), arena(t) {}
};

ThreadScope::ThreadScope(int threads)
    : impl_(std::make_unique<Impl>(threads > 0 ? threads : hardware_threads())),
      threads_(threads > 0 ? threads : hardware_threads()) {}

ThreadScope::~ThreadScope() = default;

void ThreadScope::run(const std::function<void()>& fn) { impl_->arena.execute(fn); }

int hardware_threads() { return tbb::info::default_concurrency(); }

}  // namespace sixparty
