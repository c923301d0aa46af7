// The farm loops of run_ensemble and run_batch (core/farm.hpp) over worker threads in place of
// MPI ranks: the same results as one process, bit for bit, whatever the number of workers; a
// worker's failure reaches the coordinator; an interrupted farm batch resumes anywhere. The MPI
// transport itself is tested end to end by tests/cli/mpi.sh.
#include "batch/batch.hpp"

#include "core/farm.hpp"
#include "core/parallel.hpp"
#include "engine/step.hpp"
#include "io/batch_file.hpp"
#include "io/h5.hpp"
#include "scenario/load.hpp"
#include "state/run_state.hpp"

#include "../test_support.hpp"

#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

using namespace sixparty;
using namespace sixparty::test;

namespace {

// a mailbox of messages (an empty optional: the end of the work)
template <class T>
class Mailbox {
 public:
  void put(T v) {
    {
      std::lock_guard<std::mutex> l(m_);
      q_.push_back(std::move(v));
    }
    cv_.notify_one();
  }
  T take() {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [&] { return !q_.empty(); });
    T v = std::move(q_.front());
    q_.pop_front();
    return v;
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<T> q_;
};

struct Task {
  bool stop = false;
  Bytes bytes;
};
struct Result {
  std::size_t worker;
  Bytes bytes;
};

// W worker threads, each serving with `serve`; results in the order they finish
class ThreadFarm : public Farm {
 public:
  using Serve = std::function<void(FarmWorker&)>;
  ThreadFarm(std::size_t workers, const Serve& serve) : tasks_(workers) {
    for (std::size_t w = 0; w < workers; ++w)
      threads_.emplace_back([this, w, serve] {
        Worker me(*this, w);
        serve(me);
      });
  }
  ~ThreadFarm() override {
    Bytes drop;
    for (; outstanding_ > 0;) receive(drop);
    for (auto& t : tasks_) t.put(Task{true, {}});
    for (auto& t : threads_) t.join();
  }
  std::size_t workers() const override { return tasks_.size(); }
  void send(std::size_t w, const Bytes& task) override {
    ++outstanding_;
    ++sent;
    tasks_[w].put(Task{false, task});
  }
  std::size_t receive(Bytes& result) override {
    Result r = results_.take();
    --outstanding_;
    result = std::move(r.bytes);
    return r.worker;
  }
  std::size_t sent = 0;

 private:
  class Worker : public FarmWorker {
   public:
    Worker(ThreadFarm& f, std::size_t w) : f_(f), w_(w) {}
    bool receive(Bytes& task) override {
      Task t = f_.tasks_[w_].take();
      task = std::move(t.bytes);
      return !t.stop;
    }
    void send(const Bytes& result) override { f_.results_.put(Result{w_, result}); }

   private:
    ThreadFarm& f_;
    std::size_t w_;
  };
  std::vector<Mailbox<Task>> tasks_;
  Mailbox<Result> results_;
  std::size_t outstanding_ = 0;
  std::vector<std::thread> threads_;
};

Scenario status_quo_scenario() {
  Diagnostics d;
  auto sc = load_scenario(source_dir() + "/scenarios/status_quo.yaml", {}, d);
  INFO(d.format());
  REQUIRE(sc);
  return std::move(*sc);
}

std::uint64_t farm_hash(const std::vector<Scenario>& scenarios, std::size_t workers, EnsembleOptions opt, std::size_t* tasks = nullptr) {
  ThreadFarm farm(workers, [&](FarmWorker& w) { serve_ensembles(scenarios, w); });
  opt.farm = &farm;
  HashSink sink(scenarios[opt.scenario_index]);
  ThreadScope scope(1);
  scope.run([&] { run_ensemble(scenarios[opt.scenario_index], opt, sink, nullptr, nullptr); });
  CHECK(sink.completed == opt.runs);
  if (tasks) *tasks = farm.sent;
  return sink.hash;
}

std::vector<double> batch_data(const std::string& path) {
  h5::Handle f = h5::open_file_read(path);
  std::vector<double> all;
  h5::Handle runs = h5::open_group(f.id(), "runs");
  for (const char* name : {"run", "point", "replicate", "status"})
    for (auto v : h5::read_ints(runs.id(), name)) all.push_back(static_cast<double>(v));
  const auto sc = status_quo_scenario();
  h5::Handle mean = h5::open_group(f.id(), "points/mean");
  for (const auto& c : outcome_columns(sc))
    for (hid_t g : {runs.id(), mean.id()}) {
      auto v = h5::read_doubles(g, c.name);
      all.insert(all.end(), v.begin(), v.end());
    }
  h5::Handle draws = h5::open_group(f.id(), "draws");
  const auto v = h5::read_doubles(draws.id(), "value");
  all.insert(all.end(), v.begin(), v.end());
  for (const auto& m : h5::read_strings(h5::open_group(f.id(), "failures").id(), "message")) all.push_back(static_cast<double>(m.size()));
  return all;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

Experiment experiment(TempDir& dir) {
  const std::string path = dir.write("e.yaml", "name: farm\nscenarios: " + source_dir() + "/scenarios/status_quo.yaml\nseed: 3\n"
                                               "runs_per_point: 6\ndesign: {kind: sobol, base_rows: 4}\nfactors:\n"
                                               "  - {path: parameters.leverage.value, range: [5, 20]}\n"
                                               "  - {path: actors.DPRK.stability.repression, range: [0.3, 0.9]}\n"
                                               "outcomes: [collapsed.DPRK]\n");
  Diagnostics d;
  auto ex = load_experiment(path, d);
  INFO(d.format());
  REQUIRE(ex);
  return std::move(*ex);
}

// one run of point 5 fails (a broken state), so failures travel through the farm too
void break_one(BatchOptions& opt) {
  opt.on_run_start = [](std::size_t point, std::uint32_t replicate, RunState& s) {
    if (point == 5 && replicate == 1) s.world.stability[1] = std::nan("");
  };
}

}  // namespace

TEST_CASE("an ensemble over a farm of workers is the ensemble of one process, bit for bit", "[farm]") {
  const std::vector<Scenario> scenarios{status_quo_scenario()};
  EnsembleOptions opt;
  opt.runs = 24;
  opt.seed = 77;
  opt.level = RecordLevel::traces;
  opt.state_budget_bytes = 1;  // blocks of one run: many tasks, out of order
  HashSink local(scenarios[0]);
  {
    ThreadScope scope(2);
    scope.run([&] { run_ensemble(scenarios[0], opt, local, nullptr, nullptr); });
  }
  std::size_t tasks = 0;
  CHECK(farm_hash(scenarios, 1, opt) == local.hash);
  CHECK(farm_hash(scenarios, 3, opt, &tasks) == local.hash);
  CHECK(tasks == 24);
  opt.level = RecordLevel::summary;
  opt.state_budget_bytes = 64u << 20;
  HashSink summary(scenarios[0]);
  {
    ThreadScope scope(2);
    scope.run([&] { run_ensemble(scenarios[0], opt, summary, nullptr, nullptr); });
  }
  CHECK(farm_hash(scenarios, 2, opt) == summary.hash);
}

TEST_CASE("a farm worker's failure ends the ensemble with its message, after every block in flight is back", "[farm]") {
  const std::vector<Scenario> scenarios{status_quo_scenario()};
  ThreadFarm farm(2, [&](FarmWorker& w) { serve_ensembles(scenarios, w); });
  EnsembleOptions opt;
  opt.runs = 10;
  opt.farm = &farm;
  opt.scenario_index = 3;  // the workers have one scenario
  HashSink sink(scenarios[0]);
  CHECK_THROWS_WITH(run_ensemble(scenarios[0], opt, sink, nullptr, nullptr), Catch::Contains("does not have"));
}

TEST_CASE("a stopped farm ensemble keeps a whole prefix of runs", "[farm]") {
  const std::vector<Scenario> scenarios{status_quo_scenario()};
  ThreadFarm farm(2, [&](FarmWorker& w) { serve_ensembles(scenarios, w); });
  EnsembleOptions opt;
  opt.runs = 40;
  opt.level = RecordLevel::outcomes;
  opt.state_budget_bytes = 1;
  opt.farm = &farm;
  std::atomic<bool> stop{false};
  HashSink sink(scenarios[0]);  // checks that blocks come in run order
  const auto res = run_ensemble(scenarios[0], opt, sink, [&](std::int64_t done, std::int64_t) {
    if (done >= 3) stop = true;
  }, &stop);
  CHECK(res.interrupted);
  CHECK(sink.interrupted);
  CHECK(res.runs_completed >= 3);
  CHECK(res.runs_completed < 40);
}

TEST_CASE("a batch over a farm of workers writes the file of one process, failures included, and resumes anywhere", "[farm]") {
  TempDir dir;
  const Experiment ex = experiment(dir);
  BatchOptions local;
  break_one(local);
  {
    ThreadScope scope(2);
    scope.run([&] { run_batch(ex, dir.path("local.h5"), local, RunMetadata{"t", utc_now(), 2}, nullptr, nullptr); });
  }
  CHECK(batch_file_failed_runs(dir.path("local.h5")) == 1);
  for (std::size_t workers : {1, 3}) {
    BatchOptions opt;
    break_one(opt);
    ThreadFarm farm(workers, [&](FarmWorker& w) { serve_batch(ex, opt, w); });
    opt.farm = &farm;
    const std::string out = dir.path("farm" + std::to_string(workers) + ".h5");
    BatchStatus st;
    ThreadScope scope(1);
    scope.run([&] { st = run_batch(ex, out, opt, RunMetadata{"t", utc_now(), 1}, nullptr, nullptr); });
    CHECK(st.runs_done == ex.runs());
    CHECK(st.runs_failed == 1);
    CHECK(same_bits(batch_data(out), batch_data(dir.path("local.h5"))));
  }
  // stopped over a farm after a few chunks, then finished by one process from the journal
  {
    BatchOptions opt;
    break_one(opt);
    ThreadFarm farm(2, [&](FarmWorker& w) { serve_batch(ex, opt, w); });
    opt.farm = &farm;
    std::atomic<bool> stop{false};
    BatchStatus st;
    ThreadScope scope(1);
    scope.run([&] {
      st = run_batch(ex, dir.path("resumed.h5"), opt, RunMetadata{"t", utc_now(), 1}, [&](const BatchStatus& s) {
        if (s.runs_done >= 20) stop = true;
      }, &stop);
    });
    CHECK(st.interrupted);
    CHECK(st.runs_done < ex.runs());
    CHECK(std::filesystem::exists(st.journal));
  }
  BatchStatus rest;
  ThreadScope scope(2);
  scope.run([&] { rest = run_batch(ex, dir.path("resumed.h5"), local, RunMetadata{"t", utc_now(), 2}, nullptr, nullptr); });
  CHECK(rest.runs_resumed >= 20);
  CHECK(same_bits(batch_data(dir.path("resumed.h5")), batch_data(dir.path("local.h5"))));
}

TEST_CASE("farm chunks are small enough to balance and never larger than asked", "[farm]") {
  CHECK(farm_chunk_runs(1600, 2, 512) == 100);
  CHECK(farm_chunk_runs(10'000'000, 100, 512) == 512);
  CHECK(farm_chunk_runs(3, 8, 512) == 1);
  CHECK(farm_chunk_runs(0, 2, 512) == 1);
}
