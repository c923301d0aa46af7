#include "core/files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(SIXPARTY_FUZZ_BUILD)
#include <sanitizer/common_interface_defs.h>
#endif

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <fstream>
#include <system_error>
#include <vector>

namespace sixparty::files {

namespace fs = std::filesystem;

namespace {
constexpr std::size_t kNameMax = 255;                  // longest file name (NAME_MAX on Linux)
constexpr std::size_t kTagRoom = 5 + 10 + 1 + 8;       // ".tmp-", a pid, '-', 8 hex digits

std::string random_tag() {
  std::random_device rd;
  char b[16];
  std::snprintf(b, sizeof b, "%08x", static_cast<unsigned>(rd()));
  return b;
}

// the pid in a temporary's name after its prefix, or -1
long temp_pid(const std::string& name, const std::string& prefix) {
  const std::size_t at = prefix.size(), dash = name.find('-', at);
  if (dash == std::string::npos || dash == at) return -1;
  long pid = 0;
  for (std::size_t k = at; k < dash; ++k) {
    if (name[k] < '0' || name[k] > '9' || pid > 1'000'000'000) return -1;
    pid = pid * 10 + (name[k] - '0');
  }
  return pid;
}
}  // namespace

std::string temp_prefix(const std::string& final_path) {
  const fs::path p(final_path);
  std::string name = p.filename().string();
  if (name.size() > kNameMax - kTagRoom) name.resize(kNameMax - kTagRoom);  // a legal long name keeps a legal temporary
  return (p.parent_path() / (name + ".tmp-")).string();
}

std::string temp_path(const std::string& final_path) {
  return temp_prefix(final_path) + std::to_string(::getpid()) + "-" + random_tag();
}

bool sync(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0 || errno == EINVAL;  // some file systems cannot sync a directory
  ::close(fd);
  return ok;
}

TempFile::TempFile(std::string final_path) : final_(std::move(final_path)) {
  // an unpredictable name, created exclusively and never through a link, so that nobody can make
  // the writer overwrite a file of their choosing; if the place cannot be written at all, the
  // writer's own create fails and reports it
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp_ = temp_path(final_);
    const int fd = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0) {
      ::close(fd);
      return;
    }
    if (errno != EEXIST) return;
  }
}

TempFile::~TempFile() {
  if (committed_) return;
  std::error_code ec;
  fs::remove(temp_, ec);
}

void TempFile::commit() {
  if (!sync(temp_)) throw WriteError("cannot flush '" + temp_ + "' to the disk: " + std::strerror(errno));
  std::error_code ec;
  fs::rename(temp_, final_, ec);
  if (ec) throw WriteError("cannot move '" + temp_ + "' to '" + final_ + "': " + ec.message());
  committed_ = true;
  const fs::path dir = fs::path(final_).parent_path();
  sync(dir.empty() ? std::string(".") : dir.string());
}

void write_atomically(const std::string& path, const std::string& contents) {
  TempFile t(path);
  {
    std::ofstream f(t.path(), std::ios::binary);
    f << contents;
    f.close();
    if (!f) throw WriteError("cannot write '" + path + "'");
  }
  t.commit();
}

OutputLock::OutputLock(const std::string& out) : path_(out + ".lock") {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw WriteError("cannot create the lock file '" + path_ + "': " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw Busy("another sixparty process is writing this output (it holds '" + path_ + "')");
  }
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  std::error_code ec;
  fs::remove(path_, ec);
  ::close(fd_);
}

void remove_stale_temporaries(const std::string& out, std::initializer_list<const char*> suffixes) {
  const fs::path p(out);
  const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  std::vector<std::string> prefixes;
  for (const char* s : suffixes) {
    // "." stands for the output itself, ".journal." for "<out>.journal"
    std::string final_name = p.filename().string() + s;
    final_name.pop_back();
    prefixes.push_back(fs::path(temp_prefix(final_name)).filename().string());
  }
  std::error_code ec;
  std::vector<fs::path> stale;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    for (const auto& prefix : prefixes) {
      if (name.rfind(prefix, 0) != 0) continue;
      // only a regular file whose writer is gone: never a link, never a living process's file
      const long pid = temp_pid(name, prefix);
      const bool alive = pid > 0 && pid != ::getpid() && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
      if (!alive && fs::is_regular_file(fs::symlink_status(it->path(), ec))) stale.push_back(it->path());
    }
  }
  for (const auto& f : stale) fs::remove(f, ec);
}

std::string run_isolated(const std::function<std::string()>& work, unsigned seconds) {
  int fds[2];
  if (::pipe(fds) != 0) return work();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return work();
  }
  if (pid == 0) {
    // child: a status byte ('0' result, '1' error message), then the text
    ::close(fds[0]);
#if defined(SIXPARTY_FUZZ_BUILD)
    // a sanitizer report in the child is the damage being contained, not a finding of the
    // fuzzer: die quietly, as an uninstrumented build would crash, and let the parent say so
    __sanitizer_set_death_callback(+[] { ::_exit(70); });
#endif
    // work that loops (a C library on a damaged file) is ended by the alarm (default action,
    // whatever handler the caller had installed)
    ::signal(SIGALRM, SIG_DFL);
    ::alarm(seconds);
    std::string out;
    char status = '0';
    try {
      out = work();
    } catch (const std::exception& e) {
      status = '1';
      out = e.what();
    }
    const std::string msg = std::string(1, status) + out;
    const char* p = msg.data();
    std::size_t left = msg.size();
    while (left > 0) {
      const ssize_t w = ::write(fds[1], p, left);
      if (w <= 0) break;
      p += w;
      left -= static_cast<std::size_t>(w);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string msg;
  char buf[65536];
  for (;;) {
    const ssize_t r = ::read(fds[0], buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    msg.append(buf, static_cast<std::size_t>(r));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
    throw Isolated(Isolated::Why::timed_out, "still running after " + std::to_string(seconds) + " s");
  if (WIFSIGNALED(status) || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || msg.empty())
    throw Isolated(Isolated::Why::crashed,
                   WIFSIGNALED(status) ? "crashed (signal " + std::to_string(WTERMSIG(status)) + ")" : std::string("crashed"));
  if (msg[0] == '1') throw Isolated(Isolated::Why::failed, msg.substr(1));
  return msg.substr(1);
}

}  // namespace sixparty::files
