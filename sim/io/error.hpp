// error: what the io layer throws when a results file cannot be read or written; callers above
// io (the CLI, Python bindings) catch it without seeing the HDF5 library.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace sixparty::h5 {

// a results file cannot be read (missing, damaged, not ours) or written (disk full, no
// permission); what() says which file and why, for the user
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// the most memory a reader allocates from what a file declares (compare's outcome columns, a
// batch file's design and point tables): 4096 MiB, or SIXPARTY_READ_LIMIT_MB where set. A file
// that would need more is refused with a message that names this way out.
std::size_t read_limit_bytes();
// "<what> would need N MiB, over the readers' limit of M MiB (raise it with SIXPARTY_READ_LIMIT_MB)"
std::string over_read_limit(const std::string& what, double bytes);

}  // namespace sixparty::h5

namespace sixparty {

// an experiment, a batch file or a journal that cannot be used as asked, for a reason in the
// user's hands (exit 2): an output or journal of another experiment, an unknown shard, shards
// that do not fit together, a file that is not a batch file
struct BatchError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace sixparty
