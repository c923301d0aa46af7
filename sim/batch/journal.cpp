#include "batch/journal.hpp"

#include "core/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <system_error>

namespace sixparty {

namespace fs = std::filesystem;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

constexpr char kJournalMagic[8] = {'S', 'I', 'X', 'P', 'J', 'R', 'N', '1'};
constexpr std::uint32_t kRecordTag = 0x314e5552;  // "RUN1"


struct RecordHead {
  std::uint32_t tag;
  std::uint32_t point;
  std::uint32_t replicate;
  std::uint32_t status;
  std::uint64_t payload;  // bytes
};

std::uint64_t checksum(const void* a, std::size_t na, const void* b, std::size_t nb) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const auto* p = static_cast<const unsigned char*>(a); na--; ++p) h = (h ^ *p) * 0x100000001b3ULL;
  for (const auto* p = static_cast<const unsigned char*>(b); nb--; ++p) h = (h ^ *p) * 0x100000001b3ULL;
  return h;
}

[[noreturn]] void io_error(const std::string& what, const std::string& path) {
  throw std::system_error(errno, std::generic_category(), what + " '" + path + "'");
}

void write_all(int fd, const char* data, std::size_t n, const std::string& path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      io_error("cannot write the journal", path);
    }
    data += w;
    n -= static_cast<std::size_t>(w);
  }
}

}  // namespace

JournalHeader journal_header(std::uint64_t fingerprint, std::size_t shard, std::size_t shards, std::size_t first_point,
                             std::size_t end_point, std::size_t runs_per_point, std::size_t values_per_run, bool check_every_step) {
  JournalHeader h{};
  std::memcpy(h.magic, kJournalMagic, 8);
  h.fingerprint = fingerprint;
  h.shard = shard;
  h.shards = shards;
  h.first_point = first_point;
  h.end_point = end_point;
  h.runs_per_point = runs_per_point;
  h.values_per_run = values_per_run;
  h.check_every_step = check_every_step ? 1 : 0;
  return h;
}

Journal::Journal(std::string path, const JournalHeader& h) : path_(std::move(path)), h_(h) {}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t Journal::runs() const { return static_cast<std::size_t>((h_.end_point - h_.first_point) * h_.runs_per_point); }
std::size_t Journal::row(std::uint64_t point, std::uint64_t replicate) const {
  return static_cast<std::size_t>((point - h_.first_point) * h_.runs_per_point + replicate);
}

std::int64_t Journal::open(bool fresh) {
  offset_.assign(runs(), -1);
  std::error_code ec;
  if (fresh) fs::remove(path_, ec);
  if (fs::exists(path_, ec)) return read_existing();
  // a new journal: the header goes to a temporary file, synced and renamed into place
  {
    files::TempFile temp(path_);
    int fd = ::open(temp.path().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) io_error("cannot create the journal", temp.path());
    try {
      write_all(fd, reinterpret_cast<const char*>(&h_), sizeof h_, temp.path());
    } catch (...) {
      ::close(fd);
      throw;
    }
    ::close(fd);
    try {
      temp.commit();
    } catch (const files::WriteError& e) {
      throw std::system_error(errno, std::generic_category(), std::string("cannot create the journal: ") + e.what());
    }
  }
  fd_ = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) io_error("cannot open the journal", path_);
  return 0;
}

void Journal::append(const std::vector<std::size_t>& rows, const std::uint8_t* status, const double* values,
                     const std::vector<std::string>& messages) {
  const std::size_t per_run = h_.values_per_run;
  bytes_.clear();
  std::vector<std::int64_t> offsets(rows.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const std::size_t row = rows[k];
    RecordHead head{kRecordTag, static_cast<std::uint32_t>(h_.first_point + row / h_.runs_per_point),
                    static_cast<std::uint32_t>(row % h_.runs_per_point), status[k], 0};
    const char* payload = status[k] == kRunOk ? reinterpret_cast<const char*>(values + k * per_run) : messages[k].data();
    head.payload = status[k] == kRunOk ? per_run * sizeof(double) : messages[k].size();
    const std::uint64_t sum = checksum(&head, sizeof head, payload, head.payload);
    offsets[k] = end_ + static_cast<std::int64_t>(bytes_.size());
    bytes_.insert(bytes_.end(), reinterpret_cast<const char*>(&head), reinterpret_cast<const char*>(&head) + sizeof head);
    bytes_.insert(bytes_.end(), payload, payload + head.payload);
    bytes_.insert(bytes_.end(), reinterpret_cast<const char*>(&sum), reinterpret_cast<const char*>(&sum) + sizeof sum);
  }
  write_all(fd_, bytes_.data(), bytes_.size(), path_);
  end_ += static_cast<std::int64_t>(bytes_.size());
  for (std::size_t k = 0; k < rows.size(); ++k) offset_[rows[k]] = offsets[k];
}

std::uint8_t Journal::read(std::size_t row, double* values, std::string& message) const {
  RecordHead head{};
  const std::int64_t at = offset_[row];
  const std::uint64_t point = h_.first_point + row / h_.runs_per_point, replicate = row % h_.runs_per_point;
  if (::pread(fd_, &head, sizeof head, at) != static_cast<ssize_t>(sizeof head) || head.tag != kRecordTag ||
      head.point != point || head.replicate != replicate || head.status > kRunFailed ||
      (head.status == kRunOk ? head.payload != h_.values_per_run * sizeof(double) : head.payload > kMaxRunMessage))
    damaged(at, point, replicate);
  std::vector<char> payload(head.payload + sizeof(std::uint64_t));
  if (::pread(fd_, payload.data(), payload.size(), at + static_cast<std::int64_t>(sizeof head)) != static_cast<ssize_t>(payload.size()))
    damaged(at, point, replicate);
  std::uint64_t sum = 0;
  std::memcpy(&sum, payload.data() + head.payload, sizeof sum);
  if (sum != checksum(&head, sizeof head, payload.data(), head.payload)) damaged(at, point, replicate);
  if (head.status == kRunOk) {
    std::memcpy(values, payload.data(), head.payload);
    message.clear();
  } else {
    message.assign(payload.data(), head.payload);
    std::fill_n(values, h_.values_per_run, kNaN);
  }
  return static_cast<std::uint8_t>(head.status);
}

void Journal::remove() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  std::error_code ec;
  fs::remove(path_, ec);
}

void Journal::damaged(std::int64_t at, std::uint64_t point, std::uint64_t replicate) const {
  throw BatchError("the journal '" + path_ + "' changed under this batch at byte " + std::to_string(at) +
                   " (expected the record of point " + std::to_string(point) + ", run " + std::to_string(replicate) +
                   "); was another process writing it? Rerun the command to resume from the records that are whole");
}

std::int64_t Journal::read_existing() {
  fd_ = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) io_error("cannot open the journal", path_);
  JournalHeader h{};
  if (::pread(fd_, &h, sizeof h, 0) != static_cast<ssize_t>(sizeof h) || std::memcmp(h.magic, kJournalMagic, 8) != 0)
    throw BatchError("'" + path_ + "' is not a sixparty journal; expected to resume from one (or --fresh to start over)");
  if (h.fingerprint != h_.fingerprint)
    throw BatchError("the journal '" + path_ + "' belongs to another experiment, other scenario files or another sixparty build; "
                     "expected the same command as before (or --fresh to start over)");
  if (h.shard != h_.shard || h.shards != h_.shards || h.first_point != h_.first_point || h.end_point != h_.end_point ||
      h.runs_per_point != h_.runs_per_point || h.values_per_run != h_.values_per_run || h.check_every_step != h_.check_every_step)
    throw BatchError("the journal '" + path_ + "' was written for shard " + std::to_string(h.shard + 1) + "/" +
                     std::to_string(h.shards) + (h.check_every_step ? " with checks after every step" : " with checks at the end of runs") +
                     "; expected the same --shard and --check (and build type) as before (or --fresh)");
  // scan the records; the first bad one (a torn write) and everything after it is cut off
  struct stat st {};
  if (::fstat(fd_, &st) != 0) io_error("cannot read the journal", path_);
  const std::int64_t size = st.st_size;
  std::int64_t at = sizeof h;
  std::int64_t found = 0;
  std::vector<char> payload;
  const std::uint64_t ok_bytes = h_.values_per_run * sizeof(double);
  while (at + static_cast<std::int64_t>(sizeof(RecordHead)) <= size) {
    RecordHead head{};
    const ssize_t got = ::pread(fd_, &head, sizeof head, at);
    if (got < 0) io_error("cannot read the journal", path_);
    if (got != static_cast<ssize_t>(sizeof head)) break;
    if (head.tag != kRecordTag || head.point < h_.first_point || head.point >= h_.end_point ||
        head.replicate >= h_.runs_per_point || head.status > kRunFailed ||
        (head.status == kRunOk ? head.payload != ok_bytes : head.payload > kMaxRunMessage))
      break;
    const std::int64_t need = static_cast<std::int64_t>(sizeof head + head.payload + sizeof(std::uint64_t));
    if (at + need > size) break;
    payload.resize(head.payload + sizeof(std::uint64_t));
    const ssize_t got_payload = ::pread(fd_, payload.data(), payload.size(), at + static_cast<std::int64_t>(sizeof head));
    if (got_payload < 0) io_error("cannot read the journal", path_);
    if (got_payload != static_cast<ssize_t>(payload.size())) break;
    std::uint64_t sum = 0;
    std::memcpy(&sum, payload.data() + head.payload, sizeof sum);
    if (sum != checksum(&head, sizeof head, payload.data(), head.payload)) break;
    const std::size_t r = row(head.point, head.replicate);
    if (offset_[r] < 0) ++found;
    offset_[r] = at;
    at += need;
  }
  if (at < size && ::ftruncate(fd_, at) != 0) io_error("cannot repair the journal", path_);
  end_ = at;
  return found;
}

}  // namespace sixparty
