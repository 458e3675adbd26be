#include "conformance/programs/suite_options.hpp"

#include <unistd.h>

#include <system_error>

#include "conformance/report/reporter.hpp"

namespace mcpgym::conformance {
namespace {

namespace fs = std::filesystem;

fs::path executable_directory() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path() : exe.parent_path();
}

// Installed: <prefix>/share/mcpgym-conformance/fixtures; in a build tree: the sources' fixtures/.
fs::path default_fixtures() {
  fs::path installed =
      executable_directory().parent_path() / "share" / "mcpgym-conformance" / "fixtures";
  std::error_code ec;
  if (fs::is_directory(installed, ec)) return installed;
  return fs::path(MCPGYM_SOURCE_DIR) / "fixtures";
}

std::vector<std::string> split_globs(const std::vector<std::string>& values) {
  std::vector<std::string> globs;
  for (const std::string& v : values) {
    std::size_t start = 0;
    while (start <= v.size()) {
      std::size_t comma = v.find(',', start);
      std::string g =
          v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!g.empty()) globs.push_back(g);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return globs;
}

Expected<std::chrono::milliseconds, std::string> seconds_flag(const cli::Args& args,
                                                              const char* name,
                                                              std::chrono::milliseconds fallback) {
  auto v = args.get(name);
  if (!v) return fallback;
  auto n = cli::to_integer(name, *v, 1, 86'400);
  if (!n) return unexpected(n.error());
  return std::chrono::milliseconds(*n * 1000);
}

}  // namespace

namespace {

// --report-dir, then --<format> FILE for every file reporter, from the registry.
void add_report_flags(cli::Parser& parser) {
  std::string files;
  const auto& formats = report_formats();
  for (std::size_t i = 0; i < formats.size(); ++i) {
    files += (i == 0 ? "" : i + 1 == formats.size() ? " and " : ", ");
    files += formats[i]->file_name();
  }
  parser.option("report-dir", "DIR", "write " + files + " there");
  for (const Reporter* format : formats)
    parser.option(std::string(format->name()), "FILE", std::string(format->help()));
}

}  // namespace

void add_suite_flags(cli::Parser& parser) {
  parser.heading("the implementation (none: the reference backend and the reference proxy)")
      .option("profile", "backend|proxy|mcp",
              "what it is: one environment per session, a multi-environment proxy, or any MCP "
              "server (transport, lifecycle, header and session checks only); default backend")
      .option("cmd", "TEMPLATE",
              "start it with this command: {port} (required), {seed}, {config}, and for a proxy "
              "{backend}, the suite's instrumented backend script")
      .option("url", "URL", "judge a server that is already running (no restarts)")
      .option("stdio", "COMMAND", "start COMMAND once per MCP session and speak over stdin/stdout")
      .option("control-plane", "resources|http|both",
              "control-plane forms it offers (default resources)")
      .option(
          "features", "LIST",
          "optional features it claims, comma-separated: slippery, truncation, gymnasium-maps, 8x8")
      .option("game", "NAME",
              "the game it serves: frozenlake, cliffwalking, taxi or blackjack (default: "
              "recognised from the "
              "data-plane tool in tools/list)")
      .option("max-envs", "N", "a proxy's live-session limit, to check PROXY-008")
      .option("ready-pattern", "REGEX",
              "stdout line that says it is ready (default 'listening on (http://\\S+)'); empty: "
              "wait until initialize succeeds")
      .option("profile-file", "FILE",
              "the same as JSON (docs/conformance.md); flags above override nothing, give one or "
              "the other")
      .heading("checks")
      .option("era", "legacy|modern|both|auto",
              "the MCP eras to judge (default auto: ask the server with server/discover, then "
              "initialize); overrides a profile file's \"era\"")
      .option("convention", "mcpgym|eval-protocol",
              "the wire convention to judge by (default mcpgym; docs/spec.md \"Conventions\"); "
              "overrides a profile file's \"convention\"")
      .flag("list", "list the checks (id, rule, level) and exit")
      .option("only", "GLOBS", "run only checks whose id matches (comma-separated, repeatable)")
      .option("exclude", "GLOBS", "skip checks whose id matches (comma-separated, repeatable)")
      .option("baseline", "FILE", "expected failures (YAML, as the official MCP conformance suite)")
      .flag("strict", "fail on SHOULD warnings too")
      .option("check-timeout", "SECONDS", "longest a check may take (default 30)")
      .option("timeout", "SECONDS", "longest the whole run may take (default 300)")
      .heading("reports");
  add_report_flags(parser);
  parser
      .option("work-dir", "DIR",
              "keep logs and temporary files there (default: a temporary directory, kept only when "
              "a run fails)")
      .flag("quiet", "print only the summary")
      .heading("the suite's own programs (default: next to this program)")
      .option("reference-backend", "PATH", "mcpgym-frozenlake, handed to a proxy as its backend")
      .option("reference-proxy", "PATH", "mcpgym-proxy, for the default run")
      .option("fixtures", "DIR", "fixtures/ with the golden recordings");
}

Profile default_backend_profile(const fs::path& backend) {
  Profile p;
  p.name = "reference backend";
  p.kind = ProfileKind::kBackend;
  p.launch = LaunchMode::kSpawn;
  p.command = harness::template_word(backend.string()) + " --port {port}";
  p.control = {ControlPlane::kResources, ControlPlane::kHttp};
  p.features = {Feature::kSlippery, Feature::kTruncation, Feature::kGymnasiumMaps, Feature::k8x8};
  return p;
}

Profile default_proxy_profile(const fs::path& proxy) {
  Profile p = default_backend_profile(proxy);
  p.name = "reference proxy";
  p.kind = ProfileKind::kProxy;
  p.command = harness::template_word(proxy.string()) +
              " --port {port} --server-script {backend} --interpreter /bin/sh --max-envs 8";
  p.max_envs = 8;
  return p;
}

namespace {

// --era applies to every profile of the run (the default ones included).
Expected<SuiteOptions, std::string> with_era_flag(SuiteOptions o, const cli::Args& args) {
  auto flag = args.get("era");
  if (!flag) return o;
  auto era = parse_era_choice(*flag);
  if (!era) return unexpected(era.error());
  for (Profile& p : o.profiles)
    p.era = *era;
  return o;
}

// --convention applies to every profile of the run, as --era does.
Expected<SuiteOptions, std::string> with_convention_flag(SuiteOptions o, const cli::Args& args) {
  auto flag = args.get("convention");
  if (!flag) return o;
  auto convention = parse_convention(*flag);
  if (!convention) return unexpected(convention.error());
  for (Profile& p : o.profiles)
    p.convention = *convention;
  return o;
}

Expected<SuiteOptions, std::string> options_without_era(const cli::Args& args);

}  // namespace

Expected<SuiteOptions, std::string> suite_options_from(const cli::Args& args) {
  auto o = options_without_era(args);
  if (!o) return o;
  auto with_era = with_era_flag(std::move(o).value(), args);
  if (!with_era) return with_era;
  return with_convention_flag(std::move(with_era).value(), args);
}

namespace {

Expected<SuiteOptions, std::string> options_without_era(const cli::Args& args) {
  SuiteOptions o;
  const fs::path here = executable_directory();
  o.reference_backend =
      args.get("reference-backend").value_or((here / "mcpgym-frozenlake").string());
  o.reference_proxy = args.get("reference-proxy").value_or((here / "mcpgym-proxy").string());
  o.fixtures = args.has("fixtures") ? fs::path(*args.get("fixtures")) : default_fixtures();
  o.strict = args.has("strict");
  o.list = args.has("list");
  o.quiet = args.has("quiet");
  o.selection.only = split_globs(args.get_all("only"));
  o.selection.exclude = split_globs(args.get_all("exclude"));
  auto ct = seconds_flag(args, "check-timeout", o.check_timeout);
  if (!ct) return unexpected(ct.error());
  o.check_timeout = *ct;
  auto rt = seconds_flag(args, "timeout", o.run_timeout);
  if (!rt) return unexpected(rt.error());
  o.run_timeout = *rt;
  for (auto [flag, field] : {std::pair{"report-dir", &o.report_dir}, {"work-dir", &o.work_dir}}) {
    if (auto v = args.get(flag)) *field = fs::path(*v);
  }
  for (const Reporter* format : report_formats()) {
    if (auto v = args.get(std::string(format->name())))
      o.report_files[std::string(format->name())] = fs::path(*v);
  }
  if (auto b = args.get("baseline")) {
    auto baseline = read_baseline(*b);
    if (!baseline) return unexpected(baseline.error());
    o.baseline = std::move(baseline).value();
  }

  const bool by_flags = args.has("cmd") || args.has("url") || args.has("stdio");
  if (args.has("profile-file")) {
    if (by_flags) {
      return unexpected(std::string(
          "[mcpgym.conform.bad_profile] give --profile-file or --cmd/--url/--stdio, not both"));
    }
    auto p = read_profile_file(*args.get("profile-file"));
    if (!p) return unexpected(p.error());
    o.profiles.push_back(std::move(p).value());
    return o;
  }
  if (!by_flags) {
    for (const char* flag :
         {"profile", "control-plane", "features", "game", "max-envs", "ready-pattern"}) {
      if (args.has(flag)) {
        return unexpected("[mcpgym.conform.bad_profile] --" + std::string(flag) +
                          " describes an implementation: also give --cmd, --url or --stdio "
                          "(without them the suite judges the reference programs)");
      }
    }
    o.profiles.push_back(default_backend_profile(o.reference_backend));
    o.profiles.push_back(default_proxy_profile(o.reference_proxy));
    return o;
  }
  if ((args.has("cmd") + args.has("url") + args.has("stdio")) != 1) {
    return unexpected(
        std::string("[mcpgym.conform.bad_profile] give one of --cmd, --url and --stdio"));
  }
  json doc = json::object();
  if (auto v = args.get("profile")) doc["kind"] = *v;
  if (auto v = args.get("cmd")) doc["command"] = *v;
  if (auto v = args.get("url")) doc["url"] = *v;
  if (auto v = args.get("stdio")) doc["stdio"] = *v;
  if (auto v = args.get("control-plane")) doc["control_plane"] = *v;
  if (auto v = args.get("features")) doc["features"] = json::array({*v});
  if (auto v = args.get("ready-pattern")) doc["ready_pattern"] = *v;
  if (auto v = args.get("game")) doc["game"] = *v;
  if (auto v = args.get("max-envs")) {
    auto n = cli::to_integer("max-envs", *v, 1, 100'000);
    if (!n) return unexpected(n.error());
    doc["max_envs"] = *n;
  }
  auto p = profile_from_json(doc);
  if (!p) return unexpected(p.error());
  p->name = args.get("cmd").value_or(args.get("url").value_or(args.get("stdio").value_or("")));
  o.profiles.push_back(std::move(p).value());
  return o;
}

}  // namespace

}  // namespace mcpgym::conformance
