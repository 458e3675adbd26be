#include "reference/proxy/backend_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <system_error>

namespace mcpgym::proxy {

namespace fs = std::filesystem;

namespace {

std::string bad(const std::string& text) {
  return "[mcpgym.proxy.bad_backend] " + text;
}

// PATH search as execvp does it.
std::optional<fs::path> find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t colon = std::min(dirs.find(':', start), dirs.size());
    const fs::path candidate = fs::path(dirs.substr(start, colon - start)) / program;
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = colon + 1;
  }
  return std::nullopt;
}

// The first word of a template and the rest, splitting as expand_command does.
std::pair<std::string, std::string> split_first_word(const std::string& text) {
  std::size_t i = text.find_first_not_of(" \t");
  if (i == std::string::npos) return {"", ""};
  const std::size_t begin = i;
  char quote = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == quote)
        quote = 0;
      else if (c == '\\' && quote == '"' && i + 1 < text.size())
        ++i;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '\\' && i + 1 < text.size()) {
      ++i;
    } else if (c == ' ' || c == '\t') {
      break;
    }
  }
  return {text.substr(begin, i - begin), text.substr(i)};
}

Expected<fs::path, std::string> resolve_program(const std::string& program, const fs::path& start) {
  if (program.find('/') == std::string::npos) {
    if (auto found = find_on_path(program)) return *found;
    return unexpected(bad("'" + program + "' is not an executable on PATH"));
  }
  const fs::path absolute = (start / program).lexically_normal();
  std::error_code ec;
  if (!fs::exists(absolute, ec)) {
    return unexpected(bad(absolute.string() + " does not exist (resolved from '" + program +
                          "' against " + start.string() + ")"));
  }
  if (!fs::is_regular_file(absolute, ec) || ::access(absolute.c_str(), X_OK) != 0) {
    return unexpected(bad(absolute.string() + " is not an executable file"));
  }
  return absolute;
}

// The template's words after the program, as the supervisor will split them.
bool gives_flag(const std::string& rest, const std::string& flag) {
  auto words = harness::expand_command(rest, {{"port", "1"}, {"seed", "0"}, {"config", "{}"}});
  if (!words) return false;
  return std::any_of(words->begin(), words->end(), [&](const std::string& w) {
    return w == flag || w.rfind(flag + "=", 0) == 0;
  });
}

}  // namespace

bool is_reference_backend(const fs::path& program) {
  const std::string name = program.filename().string();
  return name == "mcpgym-frozenlake" || name == "mcpgym-gym";
}

Expected<harness::LaunchSpec, std::string> resolve_backend(const BackendOptions& options) {
  if (options.backend_template.has_value() == options.server_script.has_value()) {
    return unexpected(bad("give exactly one of --backend and --server-script"));
  }
  harness::LaunchSpec spec;
  const fs::path base = options.resolve_against.value_or(options.start_directory);
  if (options.server_script) {
    const fs::path given = *options.server_script;
    const fs::path absolute = (base / given).lexically_normal();
    std::error_code ec;
    if (!fs::exists(absolute, ec)) {
      return unexpected(bad("server script " + absolute.string() +
                            " does not exist (resolved from '" + given.string() + "' against " +
                            base.string() + ")"));
    }
    // A symlinked script runs beside its target, where its own files are.
    const fs::path script = fs::canonical(absolute, ec);
    if (ec || !fs::is_regular_file(script, ec) || ::access(script.c_str(), R_OK) != 0) {
      return unexpected(bad("server script " + absolute.string() + " is not a readable file"));
    }
    auto interpreter = resolve_program(options.interpreter, base);
    if (!interpreter) return unexpected(interpreter.error());
    spec.command = harness::template_word(interpreter->string()) + " " +
                   harness::template_word(script.string()) + " --port {port} --seed {seed}";
    spec.working_directory = script.parent_path();
  } else {
    const auto [first, rest] = split_first_word(*options.backend_template);
    // The program word may itself be quoted; expand it alone to get its text.
    auto words = harness::expand_command(first, {});
    if (!words || words->size() != 1) {
      return unexpected(bad("cannot read the program of --backend '" + *options.backend_template +
                            "': " + (words ? std::string("empty") : words.error())));
    }
    auto program = resolve_program(words->front(), base);
    if (!program) return unexpected(program.error());
    spec.command = harness::template_word(program->string()) + rest;
    if (options.reference_backend_threads > 0 && is_reference_backend(*program) &&
        !gives_flag(rest, "--threads")) {
      spec.command += " --threads " + std::to_string(options.reference_backend_threads);
    }
    spec.working_directory = options.start_directory;
  }
  // Every placeholder must be one the proxy fills.
  if (auto check =
          harness::expand_command(spec.command, {{"port", "1"}, {"seed", "0"}, {"config", "{}"}});
      !check) {
    return unexpected(bad("--backend: " + check.error()));
  }
  if (!harness::uses_placeholder(spec.command, "port")) {
    return unexpected(
        bad("the backend command must take {port}: the proxy gives each backend "
            "its own port"));
  }
  return spec;
}

}  // namespace mcpgym::proxy
