#include "core/files.hpp"

#include "../test_support.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

using namespace sixparty;
using namespace sixparty::test;

namespace {
std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("TempFile: the final path changes only at commit; without commit the temporary goes") {
  TempDir dir;
  const std::string out = dir.write("out.txt", "old");
  {
    files::TempFile t(out);
    CHECK(t.path() == out + ".tmp-" + std::to_string(::getpid()));
    std::ofstream(t.path()) << "new";
    CHECK(slurp(out) == "old");
    t.commit();
  }
  CHECK(slurp(out) == "new");
  CHECK(!std::filesystem::exists(files::temp_path(out)));
  {
    files::TempFile t(out);
    std::ofstream(t.path()) << "abandoned";
  }  // an error before the commit: the temporary is removed, the file untouched
  CHECK(slurp(out) == "new");
  CHECK(!std::filesystem::exists(files::temp_path(out)));
}

TEST_CASE("write_atomically writes whole files and reports an unwritable place") {
  TempDir dir;
  files::write_atomically(dir.path("a.txt"), "text\n");
  CHECK(slurp(dir.path("a.txt")) == "text\n");
  CHECK_THROWS_AS(files::write_atomically(dir.path("missing/a.txt"), "x"), files::WriteError);
}

TEST_CASE("OutputLock: a second lock on one output is refused until the first is gone") {
  TempDir dir;
  const std::string out = dir.path("r.h5");
  {
    files::OutputLock a(out);
    CHECK(std::filesystem::exists(out + ".lock"));
    CHECK_THROWS_AS(files::OutputLock(out), files::Busy);
  }
  CHECK(!std::filesystem::exists(out + ".lock"));
  files::OutputLock again(out);  // free again
}

TEST_CASE("remove_stale_temporaries removes only the output's own temporaries") {
  TempDir dir;
  const std::string out = dir.path("r.h5");
  dir.write("r.h5.tmp-123", "");
  dir.write("r.h5.journal.tmp-9", "");
  dir.write("r.h5.journal", "keep");
  dir.write("other.h5.tmp-1", "keep");
  files::remove_stale_temporaries(out, {".", ".journal."});
  CHECK(!std::filesystem::exists(dir.path("r.h5.tmp-123")));
  CHECK(!std::filesystem::exists(dir.path("r.h5.journal.tmp-9")));
  CHECK(std::filesystem::exists(dir.path("r.h5.journal")));
  CHECK(std::filesystem::exists(dir.path("other.h5.tmp-1")));
}

TEST_CASE("run_isolated returns the child's answer and contains its failures") {
#if !defined(__SANITIZE_THREAD__)  // fork in a threaded process under TSan is not supported
  CHECK(files::run_isolated([] { return std::string("answer"); }, 5) == "answer");
  try {
    files::run_isolated([]() -> std::string { throw std::runtime_error("bad input"); }, 5);
    FAIL("no exception");
  } catch (const files::Isolated& e) {
    CHECK(e.why == files::Isolated::Why::failed);
    CHECK(std::string(e.what()) == "bad input");
  }
#if !defined(SIXPARTY_FUZZ_BUILD) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  // a crash in the child (as a damaged file can cause in a C library) and a loop (ended by the
  // alarm) are reported, not fatal; not under sanitizers, which report the child's abort
  try {
    files::run_isolated([]() -> std::string { std::raise(SIGSEGV); return ""; }, 5);
    FAIL("no exception");
  } catch (const files::Isolated& e) {
    CHECK(e.why == files::Isolated::Why::crashed);
  }
  try {
    files::run_isolated([]() -> std::string { for (;;) ::pause(); }, 1);
    FAIL("no exception");
  } catch (const files::Isolated& e) {
    CHECK(e.why == files::Isolated::Why::timed_out);
  }
#endif
#endif
}
