#pragma once
// The --audit-dir trail of mcpgym-frozenlake: one JSON object per line,
// appended to DIR/backend-<pid>.jsonl (-<n> added when a reused pid finds one). Another process
// (the conformance suite) reads the file while the server runs, so every line is written whole with
// one unbuffered write(2), and lines from many threads never mix.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "reference/mcp/http_server.hpp"

namespace mcpgym {

class AuditLog {
 public:
  // Creates `dir` if it is missing and opens the file for appending. The
  // error starts with [mcpgym.cli.cannot_audit] and names the path and why.
  static Expected<std::unique_ptr<AuditLog>, std::string> open(const std::filesystem::path& dir);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // {"event":"start","pid":..,"ppid":..,"cwd":"..","argv":[..]}: ppid lets a
  // suite see which process started the backend (a proxy's keeper, say).
  void start(const std::vector<std::string>& argv);
  // {"event":"request","method":..,"path":..,"headers":{..},"rpc_method":..|null}
  void request(const mcp::RequestRecord& record);
  // {"event":"session","session_id":..,"seed":..}; a null seed when unknown.
  void session(const std::string& session_id, const nlohmann::json& seed);

 private:
  AuditLog(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  void write_line(const nlohmann::json& line);

  std::filesystem::path path_;
  int fd_;
  std::mutex mutex_;
};

}  // namespace mcpgym
