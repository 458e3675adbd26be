#include "conformance/core/instrumented_backend.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <system_error>

#include "common/bounded_json.hpp"

namespace mcpgym::conformance {
namespace {

namespace fs = std::filesystem;

// Single-quoted for /bin/sh: ' becomes '\''.
std::string sh_quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string io_error(const std::string& what, const fs::path& path, const std::error_code& ec) {
  return "[mcpgym.conform.io] " + what + " " + path.string() + ": " + ec.message();
}

}  // namespace

Expected<void, std::string> write_backend_launcher(const LauncherSpec& spec) {
  std::error_code ec;
  fs::create_directories(spec.script.parent_path(), ec);
  if (ec) return unexpected(io_error("cannot create directory", spec.script.parent_path(), ec));
  // Appended, not `"exec " + sh_quote(...)`: g++ 12 at -O3 reports a false
  // -Wrestrict in operator+(const char*, std::string&&).
  std::string line = "exec ";
  line.append(sh_quote(spec.reference_backend.string())).append(" --audit-dir ");
  line.append(sh_quote(spec.audit_dir.string()));
  line += spec.strict ? " --strict-get" : " --lenient-accept";
  for (const std::string& arg : spec.extra_args)
    line.append(" ").append(sh_quote(arg));
  line += " \"$@\"\n";
  {
    std::ofstream out(spec.script, std::ios::trunc);
    out << "#!/bin/sh\n"
        << "# The mcpgym conformance suite's instrumented backend: the reference backend,\n"
        << "# auditing its working directory, argv and every request it receives.\n"
        << line;
    if (!out.flush()) {
      return unexpected(
          io_error("cannot write", spec.script, std::make_error_code(std::errc::io_error)));
    }
  }
  fs::permissions(spec.script, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec,
                  fs::perm_options::replace, ec);
  if (ec) return unexpected(io_error("cannot make executable", spec.script, ec));
  return {};
}

std::vector<std::string> game_args(const std::string& game) {
  if (game.empty()) return {};
  return {"--game", game};
}

std::string never_started(const std::string& launcher) {
  return "the suite's instrumented backend " + launcher +
         " was never started (its audit directory is empty): the proxy served the session from "
         "a backend of its own choosing. Have the proxy start each session's backend from "
         "{backend}, the launcher the suite writes: put {backend} in the profile's command "
         "where the proxy takes its backend, e.g. '--server-script {backend}' or "
         "\"--backend '{backend} --port {{port}}'\"";
}

Expected<std::vector<BackendAudit>, std::string> read_backend_audits(const fs::path& audit_dir) {
  std::vector<BackendAudit> audits;
  std::error_code ec;
  if (!fs::exists(audit_dir, ec)) return audits;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(audit_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("backend-", 0) == 0 && entry.path().extension() == ".jsonl") {
      files.push_back(entry.path());
    }
  }
  if (ec) return unexpected(io_error("cannot list", audit_dir, ec));
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::ifstream in(file);
    BackendAudit audit;
    audit.file = file.filename().string();
    std::string text;
    int line_no = 0;
    while (std::getline(in, text)) {
      ++line_no;
      if (text.empty()) continue;
      auto parsed = parse_json(text);
      // The last line may be half-written by a backend still running: ignore
      // a malformed final line, refuse a malformed line in the middle.
      if (!parsed || !parsed->is_object()) {
        if (in.peek() == std::char_traits<char>::eof()) break;
        return unexpected("[mcpgym.conform.bad_audit] " + file.string() + ":" +
                          std::to_string(line_no) + ": not a JSON object");
      }
      const nlohmann::json& line = *parsed;
      const std::string event = line.value("event", "");
      if (event == "start") {
        audit.pid = line.value("pid", 0);
        audit.ppid = line.value("ppid", 0);
        audit.cwd = line.value("cwd", "");
        if (line.contains("argv") && line["argv"].is_array()) {
          for (const auto& a : line["argv"]) {
            if (a.is_string()) audit.argv.push_back(a.get<std::string>());
          }
        }
      } else if (event == "request") {
        audit.requests.push_back(line);
      } else if (event == "session") {
        audit.session_ids.push_back(line.value("session_id", ""));
        if (line.contains("seed") && line["seed"].is_number_unsigned()) {
          audit.seeds.push_back(line["seed"].get<std::uint64_t>());
        }
      }
    }
    audits.push_back(std::move(audit));
  }
  return audits;
}

}  // namespace mcpgym::conformance
