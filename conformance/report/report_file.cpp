// Writing a report file atomically, for every file reporter.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

#include "common/fd_io.hpp"
#include "common/random_id.hpp"
#include "conformance/report/reporters.hpp"

namespace mcpgym::conformance {

namespace fs = std::filesystem;

namespace {

std::string io_error(const std::string& what, const fs::path& path, int error) {
  return "[mcpgym.conform.io] " + what + " " + path.string() + ": " +
         std::system_category().message(error);
}

}  // namespace

Expected<void, std::string> write_report_file(const fs::path& path, const std::string& text) {
  if (path.filename().empty()) return unexpected(io_error("cannot write", path, EISDIR));
  const fs::path parent = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return unexpected(io_error("cannot create directory", parent, ec.value()));
  // A temporary name of our own beside the file, so the rename is atomic.
  char suffix[40];
  std::snprintf(suffix, sizeof suffix, ".tmp.%d.%016llx", static_cast<int>(::getpid()),
                static_cast<unsigned long long>(random_below_or_equal(~std::uint64_t{0})));
  const fs::path temp = parent / (path.filename().string() + suffix);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) return unexpected(io_error("cannot write", path, errno));
  const bool written = write_all(fd, text) && ::fsync(fd) == 0;
  const int error = errno;
  ::close(fd);
  if (!written || ::rename(temp.c_str(), path.c_str()) != 0) {
    const int failure = written ? errno : error;
    ::unlink(temp.c_str());
    return unexpected(io_error("cannot write", path, failure));
  }
  return {};
}

}  // namespace mcpgym::conformance
