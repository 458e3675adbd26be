#include "reference/programs/audit_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "common/fd_io.hpp"
#include "common/log.hpp"

namespace mcpgym {

namespace fs = std::filesystem;
using nlohmann::json;

Expected<std::unique_ptr<AuditLog>, std::string> AuditLog::open(const fs::path& dir) {
  const auto fail = [](const fs::path& path, const std::string& why) {
    return unexpected("[mcpgym.cli.cannot_audit] cannot write the audit log " + path.string() +
                      ": " + why + "; give --audit-dir a writable directory");
  };
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail(dir, ec.message());
  // A file of its own: on a busy machine a pid comes round again while the
  // directory still holds the audit of the process that had it before, so a
  // reused pid gets backend-<pid>-<n>.jsonl rather than appending to that one.
  const fs::path base = fs::absolute(dir, ec) / ("backend-" + std::to_string(::getpid()));
  for (int n = 0; n < 1000; ++n) {
    const fs::path path = base.string() + (n == 0 ? "" : "-" + std::to_string(n)) + ".jsonl";
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) return std::unique_ptr<AuditLog>(new AuditLog(path, fd));
    if (errno != EEXIST) return fail(path, std::strerror(errno));
  }
  return fail(base.string() + ".jsonl", "1,000 audits of this pid already there");
}

AuditLog::~AuditLog() {
  ::close(fd_);
}

void AuditLog::start(const std::vector<std::string>& argv) {
  std::error_code ec;
  write_line({{"event", "start"},
              {"pid", ::getpid()},
              {"ppid", ::getppid()},
              {"cwd", fs::current_path(ec).string()},
              {"argv", argv}});
}

void AuditLog::request(const mcp::RequestRecord& record) {
  json headers = json::object();
  for (const auto& [name, value] : record.headers) {
    // A header received twice reads as one, its values joined as HTTP allows.
    auto& slot = headers[name];
    slot = slot.is_null() ? json(value) : json(slot.get<std::string>() + ", " + value);
  }
  write_line({{"event", "request"},
              {"method", record.method},
              {"path", record.path},
              {"headers", std::move(headers)},
              {"rpc_method", record.rpc_method ? json(*record.rpc_method) : json(nullptr)}});
}

void AuditLog::session(const std::string& session_id, const json& seed) {
  write_line({{"event", "session"}, {"session_id", session_id}, {"seed", seed}});
}

void AuditLog::write_line(const json& line) {
  // Header values are untrusted bytes: invalid UTF-8 is replaced, not thrown on.
  const std::string text = line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  std::lock_guard lock(mutex_);
  if (!write_all(fd_, text)) log_error("cannot append to the audit log " + path_.string());
}

}  // namespace mcpgym
