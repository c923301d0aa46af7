// journal: the batch's record of finished runs, "<out>.journal", so a batch can be resumed.
//
// A header (the experiment's fingerprint, shard, sizes, check mode), then one record per run:
// [head: tag, point, replicate, status, payload bytes][payload][FNV-1a checksum], appended in
// one write() per chunk of runs. The kernel keeps what was written, so even SIGKILL loses at
// most the runs in flight; a torn last record fails its checksum and is cut off on resume.
#pragma once

#include "io/batch_file.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sixparty {

struct JournalHeader {
  char magic[8];
  std::uint64_t fingerprint;
  std::uint64_t shard, shards;
  std::uint64_t first_point, end_point;
  std::uint64_t runs_per_point;
  std::uint64_t values_per_run;
  std::uint64_t check_every_step;  // 1 if invariants are checked after every step (--check, debug builds)
};

// a header with the magic set
JournalHeader journal_header(std::uint64_t fingerprint, std::size_t shard, std::size_t shards, std::size_t first_point,
                             std::size_t end_point, std::size_t runs_per_point, std::size_t values_per_run, bool check_every_step);

class Journal {
 public:
  Journal(std::string path, const JournalHeader& h);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // runs of the shard; row = (point - first_point) * runs_per_point + replicate
  std::size_t runs() const;
  std::size_t row(std::uint64_t point, std::uint64_t replicate) const;

  // opens an existing journal of this experiment (reading its records; a torn tail is cut off)
  // or creates one (through a synced temporary); returns the number of runs found. BatchError
  // when the journal belongs to another experiment or split, std::system_error on I/O errors.
  std::int64_t open(bool fresh);

  // appends the records of `rows` in one write and marks them done: run k has status[k]; its
  // values are values[k * values_per_run ...] when it finished, its message messages[k] if not
  void append(const std::vector<std::size_t>& rows, const std::uint8_t* status, const double* values,
              const std::vector<std::string>& messages);

  bool done(std::size_t row) const { return offset_[row] >= 0; }

  // the record of a row: status, values (values_per_run) or message; the record is checked
  // again (tag, point, replicate, size, checksum), so a journal changed under us is a BatchError
  std::uint8_t read(std::size_t row, double* values, std::string& message) const;

  // closes and deletes the journal (once the results file is in place)
  void remove();
  const std::string& path() const { return path_; }

 private:
  [[noreturn]] void damaged(std::int64_t at, std::uint64_t point, std::uint64_t replicate) const;
  std::int64_t read_existing();

  std::string path_;
  JournalHeader h_;
  int fd_ = -1;
  std::vector<std::int64_t> offset_;  // per row: where its record starts, -1 if not yet run
  std::int64_t end_ = sizeof(JournalHeader);
  std::vector<char> bytes_;           // the chunk being appended
};

// the rows of a journal, for the file writer
class JournalSource : public RowSource {
 public:
  JournalSource(const Journal& j, std::size_t per_run) : j_(j), per_run_(per_run) {}
  void read(std::size_t first, std::size_t count, double* values, std::uint8_t* status,
            std::vector<std::string>& messages) override {
    for (std::size_t k = 0; k < count; ++k) status[k] = j_.read(first + k, values + k * per_run_, messages[k]);
  }

 private:
  const Journal& j_;
  std::size_t per_run_;
};

}  // namespace sixparty
