// _sixparty: the C++ half of the Python module `sixparty` (python/sixparty/__init__.py is the
// half users call). It loads scenarios and experiments with the program's own readers and runs
// ensembles and batches with the program's own code (batch/scenario_runs.hpp, batch/batch.hpp), so
// a file written from Python holds the same data as one written by `sixparty run` or `batch`.
//
// Long work runs on a worker thread while the calling Python thread waits with the GIL released,
// waking every 100 ms to pass progress to a Python callback and to check for Ctrl-C
// (PyErr_CheckSignals): a KeyboardInterrupt sets the stop flag the engine polls between blocks,
// the work ends cleanly (a run file marked "interrupted", a batch's journal kept) and the
// KeyboardInterrupt is raised once the worker has finished.
#include "analysis/compare.hpp"
#include "batch/batch.hpp"
#include "batch/scenario_runs.hpp"
#include "core/files.hpp"
#include "core/parallel.hpp"
#include "core/text.hpp"
#include "engine/step.hpp"
#include "experiment/experiment.hpp"
#include "io/error.hpp"
#include "io/batch_file.hpp"
#include "io/outcomes.hpp"
#include "io/results_file.hpp"
#include "io/tables.hpp"
#include "scenario/load.hpp"
#include "version.hpp"

#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace py = pybind11;
namespace sp = sixparty;

namespace {

// the Python exceptions the module raises (set in PYBIND11_MODULE)
PyObject* g_input_error = nullptr;  // sixparty.InputError(ValueError): located messages
PyObject* g_run_error = nullptr;    // sixparty.RunError(RuntimeError): a run failed

[[noreturn]] void raise(PyObject* type, const std::string& message) {
  PyErr_SetString(type, message.c_str());
  throw py::error_already_set();
}

std::string count_errors(const sp::Diagnostics& d) {
  return std::to_string(d.size()) + (d.size() == 1 ? " error" : " errors");
}

// Runs `work` on a worker thread; the calling (Python) thread waits without the GIL and, every
// 100 ms, checks for signals and calls `poll` (with the GIL held). A Python exception from either
// sets `stop` and is raised after the worker ends; the worker's own exception is rethrown.
void run_released(const std::function<void()>& work, std::atomic<bool>& stop, const std::function<void()>& poll) {
  std::mutex m;
  std::condition_variable cv;
  bool finished = false;
  std::exception_ptr failure;
  std::thread worker([&] {
    try {
      work();
    } catch (...) {
      failure = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(m);
    finished = true;
    cv.notify_all();
  });
  std::optional<py::error_already_set> pending;
  for (;;) {
    {
      py::gil_scoped_release nogil;
      std::unique_lock<std::mutex> lock(m);
      if (cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return finished; })) break;
    }
    if (pending) continue;  // stopping: wait for the worker, nothing more to report
    try {
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
      if (poll) poll();
    } catch (py::error_already_set& e) {
      pending.emplace(std::move(e));
      stop = true;
    }
  }
  worker.join();
  if (failure) std::rethrow_exception(failure);
  if (pending) throw std::move(*pending);
  if (poll) poll();
}

// what a failure of the work becomes in Python
template <class F>
auto translated(const char* what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (py::error_already_set&) {
    throw;
  } catch (const sp::InvariantViolation& e) {
    raise(g_run_error, std::string(what) + ": " + e.what());
  } catch (const sp::BatchError& e) {
    raise(g_input_error, std::string(what) + ": " + e.what());
  } catch (const sp::h5::Error& e) {
    raise(PyExc_OSError, std::string(what) + ": cannot write results: " + e.what());
  } catch (const sp::files::Busy&) {
    raise(PyExc_OSError, std::string(what) + ": another sixparty process is writing the output; expected one writer per output");
  } catch (const sp::files::WriteError& e) {
    raise(PyExc_OSError, std::string(what) + ": cannot write results: " + e.what());
  } catch (const std::system_error& e) {
    raise(PyExc_OSError, std::string(what) + ": " + e.what());
  }
}

sp::Scenario load(const std::string& path, const std::vector<std::string>& sets) {
  sp::Diagnostics diags;
  auto sc = sp::load_scenario(path, sets, diags);
  if (sc) {
    sp::PatternEvaluator patterns;
    if (!patterns.add(*sc, diags)) sc.reset();
  }
  if (!sc) raise(g_input_error, diags.format() + path + ": " + count_errors(diags));
  return std::move(*sc);
}

sp::RecordLevel level_of(const std::string& record) {
  if (record == "outcomes") return sp::RecordLevel::outcomes;
  if (record == "summary") return sp::RecordLevel::summary;
  if (record == "traces") return sp::RecordLevel::traces;
  raise(PyExc_ValueError, "record='" + record + "'; expected 'outcomes', 'summary' or 'traces'");
}

// the ensembles of `scenarios` into a new file `out` (as `sixparty run` writes it)
py::dict run(const std::vector<sp::Scenario>& scenarios, const std::string& out, std::int64_t runs, std::optional<std::uint64_t> seed,
             int threads, const std::string& record, bool check, const std::string& command, const py::object& progress) {
  if (scenarios.empty()) raise(PyExc_ValueError, "no scenario to run");
  if (runs < 0 || runs > 100000000) raise(PyExc_ValueError, "runs=" + std::to_string(runs) + "; expected 1 to 100000000 (0: the scenario's run.runs)");
  if (threads < 0) raise(PyExc_ValueError, "threads=" + std::to_string(threads) + "; expected 0 (all cores) or more");
  if (seed && *seed > 9223372036854775807ull) raise(PyExc_ValueError, "seed=" + std::to_string(*seed) + "; expected a whole number in [0, 2^63)");
  const sp::RecordLevel level = level_of(record);
  sp::Diagnostics diags;
  sp::PatternEvaluator patterns;
  for (const auto& sc : scenarios) patterns.add(sc, diags);
  if (diags.has_errors()) raise(g_input_error, diags.format() + count_errors(diags) + "; nothing was run");
  patterns.link();
  for (const auto& sc : scenarios)
    if (const std::string why = sp::summary_guard(sc, level); !why.empty()) raise(PyExc_ValueError, why + " (record='outcomes')");

  sp::ScenarioRunsOptions opt;
  opt.runs = runs;
  opt.seed = seed;
  opt.level = level;
  opt.check_invariants = check;

  // what the worker reports, read by the Python thread
  struct Watch : sp::ScenarioRunsObserver {
    std::atomic<std::int64_t> done{0}, total{0};
    std::atomic<std::size_t> scenario{0};
    void begin(std::size_t k, const sp::EnsembleOptions& o) override {
      done = 0;
      total = o.runs;
      scenario = k;
    }
    void progress(std::int64_t d, std::int64_t t) override {
      done = d;
      total = t;
    }
  } watch;
  std::atomic<bool> stop{false};
  sp::ScenarioRunsResult result;
  int used_threads = 0;
  translated("sixparty.run", [&] {
    std::unique_ptr<sp::files::OutputLock> lock = std::make_unique<sp::files::OutputLock>(out);
    sp::files::remove_stale_temporaries(out, {"."});
    run_released(
        [&] {
          sp::ThreadScope scope(threads);
          used_threads = scope.threads();
          sp::ResultsFile file(out, sp::RunMetadata{command, sp::utc_now(), scope.threads()});
          result = sp::run_scenarios(file, scenarios, patterns, opt, scope, watch, &stop);
          file.commit(result.interrupted ? "interrupted" : "complete");
        },
        stop,
        [&] {
          if (progress.is_none()) return;
          const std::size_t k = watch.scenario;
          progress(py::dict(py::arg("scenario") = scenarios[k].name, py::arg("index") = k, py::arg("scenarios") = scenarios.size(),
                            py::arg("done") = watch.done.load(), py::arg("total") = watch.total.load()));
        });
  });
  py::list ensembles;
  for (std::size_t k = 0; k < result.ensembles.size(); ++k)
    ensembles.append(py::dict(py::arg("scenario") = scenarios[k].name, py::arg("runs") = result.ensembles[k].runs_completed,
                              py::arg("seconds") = result.ensembles[k].seconds));
  return py::dict(py::arg("interrupted") = result.interrupted, py::arg("unmet_patterns") = result.unmet,
                  py::arg("threads") = used_threads, py::arg("ensembles") = ensembles);
}

// the comparison of two stored ensembles (as `sixparty compare FILE:A FILE:B` computes it), stored
// into `store` (an existing results file) when given; returns compare's JSON
std::string compare(const std::string& file_a, const std::string& group_a, const std::string& file_b, const std::string& group_b,
                    std::optional<std::uint64_t> seed, const std::string& store) {
  return translated("sixparty.compare", [&] {
    sp::OutcomeTable A, B;
    try {
      A = sp::read_outcomes(file_a, group_a);
      B = sp::read_outcomes(file_b, group_b);
    } catch (const sp::h5::Error& e) {
      raise(g_input_error, std::string("sixparty.compare: ") + e.what());
    }
    if (const std::string why = sp::comparable(A, B); !why.empty()) raise(g_input_error, "sixparty.compare: " + why);
    const sp::Comparison c = sp::compare_outcomes(A, B, seed ? *seed : A.seed);
    if (!store.empty()) {
      sp::files::OutputLock lock(store);
      sp::store_tables(store, {sp::comparison_table(c)});
    }
    sp::ComparisonView view;  // every row, in file order (as compare --format json)
    view.sort = "file";
    return sp::format_comparison_json(c, view);
  });
}

py::dict experiment_info(const sp::Experiment& ex) {
  py::list factors;
  for (const auto& f : ex.factors) factors.append(py::dict(py::arg("name") = f.name, py::arg("path") = f.path));
  return py::dict(py::arg("name") = ex.name, py::arg("design") = sp::design_kind_name(ex.design.kind), py::arg("points") = ex.points(),
                  py::arg("runs_per_point") = ex.runs_per_point, py::arg("runs") = ex.runs(), py::arg("seed") = ex.seed,
                  py::arg("factors") = factors, py::arg("scenarios") = ex.scenario_files);
}

sp::Experiment load_experiment(const std::string& path) {
  sp::Diagnostics diags;
  auto ex = sp::load_experiment(path, diags);
  if (!ex) raise(g_input_error, diags.format() + path + ": " + count_errors(diags));
  return std::move(*ex);
}

// an experiment's batch into `out` (as `sixparty batch` runs it: resumable from its journal)
py::dict batch(const std::string& path, const std::string& out, int threads, bool fresh, std::size_t shard, std::size_t shards,
               bool check, const std::string& command, const py::object& progress) {
  const sp::Experiment ex = load_experiment(path);
  if (threads < 0) raise(PyExc_ValueError, "threads=" + std::to_string(threads) + "; expected 0 (all cores) or more");
  if (shards < 1 || shard >= shards) raise(PyExc_ValueError, "shard " + std::to_string(shard + 1) + " of " + std::to_string(shards) + "; expected 1 <= K <= N");
  sp::BatchOptions opt;
  opt.shard = shard;
  opt.shards = shards;
  opt.fresh = fresh;
  opt.check_invariants = check;
  std::mutex m;
  sp::BatchStatus last, st;
  std::atomic<bool> stop{false};
  translated("sixparty.batch", [&] {
    run_released(
        [&] {
          sp::ThreadScope scope(threads);
          scope.run([&] {
            st = sp::run_batch(ex, out, opt, sp::RunMetadata{command, sp::utc_now(), scope.threads()}, [&](const sp::BatchStatus& s) {
              std::lock_guard<std::mutex> lock(m);
              last = s;
            }, &stop);
          });
        },
        stop,
        [&] {
          if (progress.is_none()) return;
          sp::BatchStatus s;
          {
            std::lock_guard<std::mutex> lock(m);
            s = last;
          }
          progress(py::dict(py::arg("runs_done") = s.runs_done, py::arg("runs_total") = s.runs_total, py::arg("runs_resumed") = s.runs_resumed,
                            py::arg("points_done") = s.points_done, py::arg("points_total") = s.points_total, py::arg("writing") = s.writing,
                            py::arg("rows_written") = s.rows_written));
        });
  });
  if (st.already_complete) st.empty_points = sp::batch_file_empty_points(out);
  py::list empty;
  for (const auto& [point, why] : st.empty_points) empty.append(py::make_tuple(point, why));
  return py::dict(py::arg("interrupted") = st.interrupted, py::arg("already_complete") = st.already_complete,
                  py::arg("runs_total") = st.runs_total, py::arg("runs_done") = st.runs_done, py::arg("runs_resumed") = st.runs_resumed,
                  py::arg("runs_failed") = st.runs_failed, py::arg("seconds") = st.seconds, py::arg("journal") = st.journal,
                  py::arg("empty_points") = empty, py::arg("experiment") = experiment_info(ex));
}

}  // namespace

PYBIND11_MODULE(_sixparty, m) {
  m.doc() = "The C++ core of the sixparty module: scenarios, ensembles and batches as the program runs them.";
  g_input_error = PyErr_NewExceptionWithDoc("sixparty.InputError",
                                            "A scenario, experiment or results file is not as expected; the message says where "
                                            "(file:line:column, key) and what was expected, as the program does.",
                                            PyExc_ValueError, nullptr);
  g_run_error = PyErr_NewExceptionWithDoc("sixparty.RunError", "A run failed (a violated invariant); the message names the run.",
                                          PyExc_RuntimeError, nullptr);
  m.attr("InputError") = py::handle(g_input_error);
  m.attr("RunError") = py::handle(g_run_error);
  m.attr("__version__") = sp::kVersion;
  m.attr("git_revision") = sp::kGitRevision;

  py::class_<sp::Scenario>(m, "Scenario", "A validated, compiled scenario (sixparty.load).")
      .def_readonly("name", &sp::Scenario::name)
      .def_readonly("description", &sp::Scenario::description)
      .def_readonly("actors", &sp::Scenario::actor_ids)
      .def_readonly("actor_names", &sp::Scenario::actor_names)
      .def_readonly("dimensions", &sp::Scenario::dimensions)
      .def_readonly("resources", &sp::Scenario::resource_names)
      .def_readonly("start_year", &sp::Scenario::start_year)
      .def_readonly("end_year", &sp::Scenario::end_year)
      .def_readonly("steps", &sp::Scenario::steps)
      .def_readonly("steps_per_year", &sp::Scenario::steps_per_year)
      .def_readonly("runs", &sp::Scenario::runs, "run.runs: the ensemble's default size")
      .def_readonly("seed", &sp::Scenario::seed, "run.seed: the ensemble's default seed")
      .def_readonly("files", &sp::Scenario::source_files, "the files it was read from (extends first)")
      .def_readonly("resolved_yaml", &sp::Scenario::resolved_yaml, "the scenario after extends and --set, as YAML")
      .def_property_readonly("events", [](const sp::Scenario& s) { return s.events.size(); })
      .def_property_readonly("patterns", [](const sp::Scenario& s) { return s.pattern_count(); })
      .def_property_readonly("uncertain_inputs", [](const sp::Scenario& s) {
        std::vector<std::string> names;
        for (const auto& v : s.uncertainty.values) names.push_back(v.name);
        return names;
      })
      .def("__repr__", [](const sp::Scenario& s) {
        return "<sixparty.Scenario '" + s.name + "': " + std::to_string(s.n()) + " actors, " + sp::format_number(s.start_year) + "-" +
               sp::format_number(s.end_year) + ", " + std::to_string(s.steps) + " steps, " + std::to_string(s.events.size()) + " events, " +
               std::to_string(s.pattern_count()) + " patterns>";
      });

  m.def("load", &load, py::arg("path"), py::arg("sets") = std::vector<std::string>{},
        "Reads and validates a scenario file with PATH=VALUE overrides; raises InputError with every located error.");
  m.def("run", &run, py::arg("scenarios"), py::arg("output"), py::arg("runs") = 0, py::arg("seed") = py::none(), py::arg("threads") = 0,
        py::arg("record") = "summary", py::arg("check") = false, py::arg("command") = "", py::arg("progress") = py::none(),
        "Runs each scenario's ensemble into a new results file, as `sixparty run` does.");
  m.def("compare", &compare, py::arg("file_a"), py::arg("group_a"), py::arg("file_b"), py::arg("group_b"), py::arg("seed") = py::none(),
        py::arg("store") = "", "Compares two stored ensembles as `sixparty compare` does; returns its JSON.");
  m.def("load_experiment", [](const std::string& path) { return experiment_info(load_experiment(path)); }, py::arg("path"),
        "Reads and validates an experiment file; returns its name, design, points, runs and factors.");
  m.def("batch", &batch, py::arg("experiment"), py::arg("output"), py::arg("threads") = 0, py::arg("fresh") = false, py::arg("shard") = 0,
        py::arg("shards") = 1, py::arg("check") = false, py::arg("command") = "", py::arg("progress") = py::none(),
        "Runs (or resumes) an experiment's batch into a results file, as `sixparty batch` does.");
}
