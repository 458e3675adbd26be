#include "harness/process/bounded_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "common/fd_io.hpp"

namespace mcpgym::harness::internal {

namespace {

constexpr std::size_t kLineSearch =
    64 * 1024;  // how far the kept part may start later to start a line

int open_for_log(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0 && fd <= 2) {  // never on a standard descriptor (see supervisor.cpp)
    const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    ::close(fd);
    fd = moved;
  }
  return fd;
}

bool pread_all(int fd, char* data, std::size_t size, off_t offset) {
  while (size > 0) {
    const ssize_t n = ::pread(fd, data, size, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
    offset += n;
  }
  return true;
}

}  // namespace

Expected<BoundedLog, std::string> BoundedLog::open(const std::filesystem::path& path,
                                                   std::size_t cap_bytes) {
  BoundedLog log;
  log.fd_ = open_for_log(path);
  if (log.fd_ < 0) {
    return unexpected("cannot open '" + path.string() + "': " + std::strerror(errno));
  }
  log.path_ = path;
  log.cap_ = cap_bytes;
  return log;
}

BoundedLog::BoundedLog(BoundedLog&& other) noexcept {
  *this = std::move(other);
}

BoundedLog& BoundedLog::operator=(BoundedLog&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    cap_ = other.cap_;
    size_ = other.size_;
    marker_size_ = other.marker_size_;
    dropped_ = other.dropped_;
  }
  return *this;
}

BoundedLog::~BoundedLog() {
  if (fd_ >= 0) ::close(fd_);
}

std::string BoundedLog::truncation_line(std::uint64_t dropped, std::size_t cap_bytes) {
  return "[mcpgym.process.log_truncated] " + std::to_string(dropped) +
         " earlier bytes of this log were dropped to keep it under " + std::to_string(cap_bytes) +
         " bytes; the newest output follows\n";
}

void BoundedLog::write(std::string_view data) {
  if (fd_ < 0 || data.empty()) return;
  if (::pwrite(fd_, data.data(), data.size(), static_cast<off_t>(size_)) < 0) return;
  // pwrite to a regular file writes everything or fails (short only on a full disk).
  size_ += data.size();
  if (size_ > cap_) compact();
}

void BoundedLog::compact() {
  // Keep the newest half of the cap, starting at a line when one starts near.
  const std::uint64_t content = size_ - marker_size_;
  std::uint64_t keep = std::min<std::uint64_t>(cap_ / 2, content);
  std::vector<char> kept(static_cast<std::size_t>(keep));
  if (!pread_all(fd_, kept.data(), kept.size(), static_cast<off_t>(size_ - keep))) kept.clear();
  const auto search_end =
      kept.begin() + static_cast<std::ptrdiff_t>(std::min(kLineSearch, kept.size()));
  if (const auto nl = std::find(kept.begin(), search_end, '\n'); nl != search_end) {
    kept.erase(kept.begin(), nl + 1);
  }
  keep = kept.size();
  std::string marker = truncation_line(dropped_ + content - keep, cap_);

  // A whole new file, renamed over the old one: a reader never sees half of it.
  std::filesystem::path temporary = path_;
  temporary += ".tmp";
  const int fresh = open_for_log(temporary);
  if (fresh >= 0 && write_all(fresh, marker) &&
      write_all(fresh, std::string_view(kept.data(), kept.size())) &&
      ::rename(temporary.c_str(), path_.c_str()) == 0) {
    ::close(fd_);
    fd_ = fresh;
  } else {
    // No room for a second file: drop everything rather than exceed the cap.
    if (fresh >= 0) ::close(fresh);
    ::unlink(temporary.c_str());
    keep = 0;
    marker = truncation_line(dropped_ + content, cap_);
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, marker.data(), marker.size(), 0) < 0) {
      // Nothing more can be done: the next write tries again.
    }
  }
  dropped_ = dropped_ + content - keep;
  marker_size_ = marker.size();
  size_ = marker.size() + keep;
}

}  // namespace mcpgym::harness::internal
