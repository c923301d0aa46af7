// libFuzzer targets for the readers of results and batch files that commands other than `info`
// use, one executable per reader (SIXPARTY_FUZZ_READER):
//   1 compare      read_outcomes of a results file's scenario group
//   2 sensitivity  read_batch_design and every /points/mean variable
//   3 replay       read_batch_file_info and recorded_failure
//   4 merge        read_batch_shard and every row of the shard
// The bytes are written to a file and read the way the command reads them (the public readers
// check a file in a child process first): the answer is data or an exception, never a crash, a
// hang or an allocation past the fuzzer's limit.
#include "io/batch_file.hpp"
#include "io/error.hpp"
#include "io/outcomes.hpp"
#include "io/results_info.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#ifndef SIXPARTY_FUZZ_READER
#error "define SIXPARTY_FUZZ_READER (1 compare, 2 sensitivity, 3 replay, 4 merge)"
#endif

namespace {

void read_as_command(const std::string& path) {
  using namespace sixparty;
#if SIXPARTY_FUZZ_READER == 1
  const OutcomeTable t = read_outcomes(path, "status_quo");
  (void)t;
#elif SIXPARTY_FUZZ_READER == 2
  const BatchDesignTable t = read_batch_design(path);
  for (const auto& v : t.mean_variables) (void)read_point_means(path, v, static_cast<std::size_t>(t.points), t.actors.size());
#elif SIXPARTY_FUZZ_READER == 3
  const BatchFileInfo f = read_batch_file_info(path);
  for (std::size_t p = 0; p < f.points && p < 4; ++p) (void)recorded_failure(path, p, 0);
#elif SIXPARTY_FUZZ_READER == 4
  BatchFileInfo f = read_batch_shard(path);
  const std::size_t width = row_width(f), rows = (f.end_point - f.first_point) * static_cast<std::size_t>(f.runs_per_point);
  std::vector<std::pair<BatchFileInfo, std::string>> shards{{f, path}};
  const auto src = shard_rows(shards, shape_only(f));
  const std::size_t block = 64;
  std::vector<double> values(block * width);
  std::vector<std::uint8_t> status(block);
  std::vector<std::string> messages;
  for (std::size_t first = 0; first < rows; first += block) {
    const std::size_t count = std::min(block, rows - first);
    messages.assign(count, std::string());  // as write_batch_file does: one message per row
    src->read(first, count, values.data(), status.data(), messages);
  }
#endif
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/sixparty-fuzz-reader-" + std::to_string(::getpid()) + ".h5";
  // the readers give the HDF5 library 60 s (merge 600 s) before a file counts as damaged; the
  // fuzzer calls an input that takes 10 s a timeout, so the limit is 3 s here (as fuzz_results)
  sixparty::cap_read_check_seconds(3);
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  try {
    read_as_command(path);
  } catch (const sixparty::h5::Error&) {
  } catch (const sixparty::BatchError&) {
  }
  return 0;
}
