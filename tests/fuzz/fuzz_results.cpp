// libFuzzer target: `sixparty info` on arbitrary bytes. The bytes are written to a file and
// read the way `info` reads them (in a child process): the answer is a description or an
// error, never a crash of the caller.
#include "io/error.hpp"
#include "io/results_info.hpp"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/sixparty-fuzz-" + std::to_string(::getpid()) + ".h5";
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  try {
    (void)sixparty::describe_results_isolated(path, 3);  // below the fuzzer's own time limit
  } catch (const sixparty::h5::Error&) {
  }
  return 0;
}
