#pragma once
// A log file that never grows past its cap by more than one write and keeps
// the newest output: once a write takes it over the cap, the log is rewritten
// (into a temporary file renamed over it, so readers always see a whole file)
// as one line saying how many bytes were dropped so far, followed by the
// newest half of the cap, cut at a line start when one is near.
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/expected.hpp"

namespace mcpgym::harness::internal {

class BoundedLog {
 public:
  // Creates (truncates) `path`.
  static Expected<BoundedLog, std::string> open(const std::filesystem::path& path,
                                                std::size_t cap_bytes);
  BoundedLog() = default;
  BoundedLog(BoundedLog&& other) noexcept;
  BoundedLog& operator=(BoundedLog&& other) noexcept;
  BoundedLog(const BoundedLog&) = delete;
  BoundedLog& operator=(const BoundedLog&) = delete;
  ~BoundedLog();

  explicit operator bool() const { return fd_ >= 0; }
  // Appends `data`; a failing disk is ignored (the output is still consumed).
  void write(std::string_view data);
  std::uint64_t dropped_bytes() const { return dropped_; }

  // The first line of a log that lost `dropped` bytes, newline included.
  static std::string truncation_line(std::uint64_t dropped, std::size_t cap_bytes);

 private:
  void compact();

  int fd_ = -1;
  std::filesystem::path path_;
  std::size_t cap_ = 0;
  std::uint64_t size_ = 0;         // bytes in the file
  std::uint64_t marker_size_ = 0;  // of the truncation line at its start, 0 before any
  std::uint64_t dropped_ = 0;
};

}  // namespace mcpgym::harness::internal
