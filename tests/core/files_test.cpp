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
// true if no file of `dir` starts with "<name>.tmp-"
bool no_temporaries(const TempDir& dir, const std::string& name) {
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(dir.path(name)).parent_path()))
    if (e.path().filename().string().rfind(name + ".tmp-", 0) == 0) return false;
  return true;
}

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("TempFile: the final path changes only at commit, without commit the temporary goes") {
  TempDir dir;
  const std::string out = dir.write("out.txt", "old");
  {
    files::TempFile t(out);
    CHECK(t.path().rfind(out + ".tmp-" + std::to_string(::getpid()) + "-", 0) == 0);
    CHECK(std::filesystem::is_regular_file(std::filesystem::symlink_status(t.path())));  // created at once, exclusively
    std::ofstream(t.path()) << "new";
    CHECK(slurp(out) == "old");
    t.commit();
  }
  CHECK(slurp(out) == "new");
  CHECK(no_temporaries(dir, "out.txt"));
  {
    files::TempFile t(out);
    std::ofstream(t.path()) << "abandoned";
  }  // an error before the commit: the temporary is removed, the file untouched
  CHECK(slurp(out) == "new");
  CHECK(no_temporaries(dir, "out.txt"));
}

TEST_CASE("TempFile: names are unpredictable, and a legal long output name keeps a legal temporary (issue 19)") {
  TempDir dir;
  const std::string out = dir.path("r.h5");
  files::TempFile a(out), b(out);
  CHECK(a.path() != b.path());
  const std::string long_name(250, 'x');
  files::TempFile t(dir.path(long_name));
  CHECK(std::filesystem::path(t.path()).filename().string().size() <= 255);
  CHECK(std::filesystem::exists(t.path()));
  std::ofstream(t.path()) << "long";
  t.commit();
  CHECK(slurp(dir.path(long_name)) == "long");
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
  // a living writer's temporary (our parent's pid) and a link are left alone
  const std::string living = "r.h5.tmp-" + std::to_string(::getppid()) + "-0000abcd";
  dir.write(living, "");
  std::filesystem::create_symlink(dir.path("other.h5.tmp-1"), dir.path("r.h5.tmp-1-deadbeef"));
  dir.write("r.h5.tmp-4194305-00000000", "");  // a pid that is gone
  files::remove_stale_temporaries(out, {".", ".journal."});
  CHECK(std::filesystem::exists(dir.path(living)));
  CHECK(std::filesystem::is_symlink(dir.path("r.h5.tmp-1-deadbeef")));
  CHECK(!std::filesystem::exists(dir.path("r.h5.tmp-4194305-00000000")));
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
