// error: what the io layer throws when a results file cannot be read or written; callers above
// io (the CLI, Python bindings) catch it without seeing the HDF5 library.
#pragma once

#include <stdexcept>

namespace sixparty::h5 {

// a results file cannot be read (missing, damaged, not ours) or written (disk full, no
// permission); what() says which file and why, for the user
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace sixparty::h5

namespace sixparty {

// an experiment, a batch file or a journal that cannot be used as asked, for a reason in the
// user's hands (exit 2): an output or journal of another experiment, an unknown shard, shards
// that do not fit together, a file that is not a batch file
struct BatchError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace sixparty
