// files: writing outputs so that a reader never sees half a file, and guarding them.
//
// Every output of sixparty (results files, batch files, journals, exported designs, generated
// scenarios) is written to "<final>.tmp-<pid>-<random>" next to its final path (created
// exclusively, never through a symbolic link), flushed to the disk
// (fsync), renamed into place and the directory entry synced, so that after a crash or power
// loss the final path holds either the old file or the whole new one.
//
//   files::TempFile t(out);          // t.path() is the temporary
//   ... write t.path() ...
//   t.commit();                      // fsync, rename over `out`, fsync the directory
//   // (if t dies uncommitted, by an exception, the temporary is removed)
#pragma once

#include <functional>
#include <stdexcept>
#include <string>

namespace sixparty::files {

// an output could not be written (disk full, no permission, ...); what() says which and why
struct WriteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// "<final>.tmp-": the start of every temporary of a final path (its name shortened when a long
// legal name would make the temporary's name too long)
std::string temp_prefix(const std::string& final_path);
// "<final>.tmp-<pid>-<8 random hex digits>": a fresh, unpredictable temporary name
std::string temp_path(const std::string& final_path);

// flush a file's (or a directory's) data to the disk; false if it cannot be opened or synced
bool sync(const std::string& path);

// the temporary of one output; see the top of this file
class TempFile {
 public:
  explicit TempFile(std::string final_path);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return temp_; }
  const std::string& final_path() const { return final_; }
  // fsync the temporary, rename it over the final path, fsync the directory; throws WriteError
  void commit();

 private:
  std::string final_, temp_;
  bool committed_ = false;
};

// writes `contents` to `path` through a TempFile; throws WriteError
void write_atomically(const std::string& path, const std::string& contents);

// another process holds an output's lock
struct Busy : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// an exclusive lock on "<out>.lock" for the life of the object (flock: the kernel drops it when
// the process dies), so that two processes never write one output; the lock file is removed
// afterwards. Throws Busy when another process holds it, WriteError when it cannot be created.
class OutputLock {
 public:
  explicit OutputLock(const std::string& out);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
};

// removes the temporaries a killed writer of `out` left behind ("<out>.tmp-PID-..." whose process
// is gone; regular files only), for each suffix ("." for the output's own temporaries,
// ".journal." for a journal's); call with the output's lock held
void remove_stale_temporaries(const std::string& out, std::initializer_list<const char*> suffixes);

// runs `work` in a forked child with a time limit and returns what it returned. A crash of the
// child (a damaged file can crash a C library), or `seconds` passing, throws Isolated with the
// reason; an exception in the child is rethrown in the parent as Isolated with its message and
// `failed` set. Falls back to running `work` in this process when fork is unavailable.
struct Isolated : std::runtime_error {
  enum class Why { failed, crashed, timed_out };
  Isolated(Why w, const std::string& what) : std::runtime_error(what), why(w) {}
  Why why;
};
std::string run_isolated(const std::function<std::string()>& work, unsigned seconds);

}  // namespace sixparty::files
