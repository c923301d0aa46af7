// farm: work handed to other processes (the ranks of an MPI job) and their results gathered.
//
// The batch and ensemble loops take a Farm in place of running their work themselves: they cut
// the work into tasks, send each to an idle worker, and consume the results as they come back.
// A worker serves tasks with the same code the single-process loop runs, so a task's result
// depends only on the task, never on which worker ran it or when: the output is the same, bit
// for bit, at any number of workers. The loops know nothing of MPI; sim/mpi/ implements these
// two classes over MPI, and the tests implement them over threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace sixparty {

using Bytes = std::vector<std::uint8_t>;

// the coordinating side (rank 0)
class Farm {
 public:
  virtual ~Farm() = default;
  virtual std::size_t workers() const = 0;
  // sends a task to worker w (0-based); returns once the task is on its way
  virtual void send(std::size_t w, const Bytes& task) = 0;
  // waits for the next result of any worker; returns that worker
  virtual std::size_t receive(Bytes& result) = 0;
  // what went over the wire so far (the coordinator's side of the communication volume)
  std::uint64_t bytes_sent = 0, bytes_received = 0;
};

// the serving side (every other rank)
class FarmWorker {
 public:
  virtual ~FarmWorker() = default;
  // waits for the next task; false when the coordinator says the work is over
  virtual bool receive(Bytes& task) = 0;
  virtual void send(const Bytes& result) = 0;
};

// a task or result in bytes: trivially copyable values and length-prefixed strings, in order
class ByteWriter {
 public:
  explicit ByteWriter(Bytes& out) : out_(out) { out_.clear(); }
  template <class T>
  void put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    put_raw(&v, sizeof(T));
  }
  template <class T>
  void put_array(const T* v, std::size_t n) {
    static_assert(std::is_trivially_copyable_v<T>);
    put<std::uint64_t>(n);
    put_raw(v, n * sizeof(T));
  }
  void put_string(const std::string& s) { put_array(s.data(), s.size()); }

 private:
  void put_raw(const void* p, std::size_t n) {
    if (n == 0) return;
    const std::size_t at = out_.size();
    out_.resize(at + n);
    std::memcpy(out_.data() + at, p, n);
  }
  Bytes& out_;
};

class ByteReader {
 public:
  explicit ByteReader(const Bytes& in) : in_(in) {}
  template <class T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T v;
    get_raw(&v, sizeof(T));
    return v;
  }
  // n values into `v`, which must hold the count the writer put (checked)
  template <class T>
  void get_array(T* v, std::size_t n) {
    if (get<std::uint64_t>() != n) throw std::runtime_error("farm message: an array of unexpected length");
    get_raw(v, n * sizeof(T));
  }
  template <class T>
  std::vector<T> get_vector() {
    std::vector<T> v(static_cast<std::size_t>(peek_count()));
    get_array(v.data(), v.size());
    return v;
  }
  std::string get_string() {
    std::string s(static_cast<std::size_t>(peek_count()), '\0');
    get_array(s.data(), s.size());
    return s;
  }

 private:
  std::uint64_t peek_count() const {
    std::uint64_t n = 0;
    if (at_ + sizeof n > in_.size()) throw std::runtime_error("farm message: truncated");
    std::memcpy(&n, in_.data() + at_, sizeof n);
    if (n > in_.size()) throw std::runtime_error("farm message: an array longer than the message");
    return n;
  }
  void get_raw(void* p, std::size_t n) {
    if (n > in_.size() - at_) throw std::runtime_error("farm message: truncated");
    if (n) std::memcpy(p, in_.data() + at_, n);
    at_ += n;
  }
  const Bytes& in_;
  std::size_t at_ = 0;
};

}  // namespace sixparty
