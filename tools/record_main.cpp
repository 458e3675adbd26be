// mcpgym-record: runs a multi-environment rollout against an MCP-Gym
// implementation and writes the recording (JSONL, one line per environment
// step) in the format --format names (mcpgym, the default; reward-kit;
// eval-protocol). Exit status: 0 every environment ran cleanly, 1 the
// implementation misbehaved (or could not be started, or the run passed its
// deadline), 2 bad flags.
// With --convert FILE it runs nothing: it reads FILE (any format, detected)
// and writes it to --out in --format. Exit status: 0 written, 1 --out could
// not be written, 2 bad flags or FILE unreadable or not a recording.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/bounded_json.hpp"
#include "common/cli.hpp"
#include "common/protocol.hpp"
#include "harness/mcp/client.hpp"
#include "harness/process/supervisor.hpp"
#include "harness/record/recording.hpp"
#include "harness/rollout/policy.hpp"
#include "harness/rollout/rollout.hpp"

namespace {

using namespace mcpgym;
using json = nlohmann::json;
constexpr int kExitMisbehaved = 1;

cli::Parser make_parser() {
  cli::Parser parser(
      "mcpgym-record", "(--cmd TEMPLATE | --url URL | --convert FILE) [flags]",
      "Runs one environment per seed concurrently against an MCP-Gym implementation and records\n"
      "the rollout. With --cmd, a template using {seed} starts one process per environment\n"
      "(single-environment servers such as reward-kit's server.py --seed); otherwise one process\n"
      "serves every environment as its own session. Placeholders: {port} (a free port), {seed},\n"
      "{config} (JSON). The game (its tool and actions) is --game's, or else recognised from\n"
      "the implementation's tools/list: the one tool whose inputSchema has a string \"action\"\n"
      "enum. A tool the harness does not know is played by name with scripted, random and\n"
      "replay policies. Exit status: 0 clean, 1 the implementation misbehaved, 2 bad flags.\n"
      "The recording is written in --format's format (default mcpgym). With --convert FILE,\n"
      "nothing runs: FILE (any format, detected) is rewritten to --out in --format; exit 0\n"
      "written, 1 --out not written, 2 bad flags or FILE not a readable recording.");
  parser.option("cmd", "TEMPLATE", "command that starts the implementation")
      .option("url", "URL", "MCP endpoint of a running implementation")
      .option("transport", "http|stdio", "with --cmd: how to talk to it (default http)")
      .option("seeds", "N,N,...", "one environment per seed (default 42)")
      .option("config", "JSON", "environment config for every environment (default {})")
      .option("game", "NAME",
              "the game: " + harness::known_game_names() +
                  " (default: recognised from tools/list, said on stderr)")
      .option("policy", "SPEC",
              "scripted:<actions> (names separated by commas, e.g. RIGHT,RIGHT,DOWN, or first "
              "letters, e.g. RRDD), random:<seed>, shortest (the game's goal-seeking policy), "
              "replay:<file> (default shortest)")
      .option("max-steps", "N", "stop each environment after N steps (default 100)")
      .option("era", "legacy|modern",
              "legacy (default): each environment is an MCP session, seed and config at "
              "initialize; modern: MCP 2026-07-28, each environment an env_create handle "
              "(docs/spec.md HANDLE-*), its tools and control plane called with the env_id")
      .option("control-plane", "resources|http",
              "how to read reward and status (default resources)")
      .option("out", "FILE", "write the recording here (atomically)")
      .option("format", "mcpgym|reward-kit|eval-protocol",
              "the recording's format (default mcpgym; docs/spec.md, \"Recordings\")")
      .option("convert", "FILE",
              "run nothing: read the recording FILE (any format) and write it to --out in "
              "--format")
      .option("timeout", "MS", "deadline of each MCP call (default 10000)")
      .option("run-timeout", "MS",
              "deadline of the whole run (default 600000): then every environment is stopped, "
              "the steps recorded so far are written, the cut environments are named, exit 1")
      .option("ready-timeout", "MS",
              "deadline for a started implementation to be ready (default 10000)")
      .option("log-dir", "DIR",
              "where started processes' stdout/stderr logs go (default: a temp dir)");
  return parser;
}

Expected<std::vector<std::uint64_t>, std::string> parse_seeds(const std::string& text) {
  std::vector<std::uint64_t> seeds;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    auto seed = cli::to_integer("seeds", text.substr(start, comma - start), 0,
                                static_cast<long long>(mcp::kMaxSeed));
    if (!seed) return unexpected(seed.error());
    seeds.push_back(static_cast<std::uint64_t>(*seed));
    start = comma + 1;
  }
  return seeds;
}

int usage_error(const std::string& message) {
  std::cerr << "mcpgym-record: " << message << "\n";
  return cli::kExitUsage;
}

// What the rollout has done so far, kept as it happens so that a run stopped
// at its deadline still writes every finished step. The rollout runs on its
// own thread; main waits here with the run's deadline.
class RunProgress {
 public:
  void add_line(const harness::RecordedStep& line) {
    std::lock_guard lock(mutex_);
    lines_.push_back(line);
  }
  void env_done(int env_index) {
    std::lock_guard lock(mutex_);
    done_.insert(env_index);
  }
  void finish() {
    std::lock_guard lock(mutex_);
    finished_ = true;
    changed_.notify_all();
  }
  bool wait_until_finished(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] { return finished_; });
  }
  bool env_is_done(int env_index) {
    std::lock_guard lock(mutex_);
    return done_.contains(env_index);
  }
  int steps_of(int env_index) {
    std::lock_guard lock(mutex_);
    return static_cast<int>(std::count_if(lines_.begin(), lines_.end(), [&](const auto& line) {
      return line.env_index == env_index;
    }));
  }
  // Ordered by (env_index, step): the same bytes whatever order steps came in.
  std::vector<harness::RecordedStep> lines() {
    std::lock_guard lock(mutex_);
    std::vector<harness::RecordedStep> sorted = lines_;
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      return std::pair(a.env_index, a.step) < std::pair(b.env_index, b.step);
    });
    return sorted;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<harness::RecordedStep> lines_;
  std::set<int> done_;
  bool finished_ = false;
};

// Names every environment still running at the run's deadline.
void report_cut_envs(RunProgress& progress, const std::vector<harness::EnvironmentSpec>& envs,
                     long long run_timeout_ms, bool started_by_us) {
  for (std::size_t i = 0; i < envs.size(); ++i) {
    const int index = static_cast<int>(i);
    if (progress.env_is_done(index)) continue;
    std::cerr << "mcpgym-record: [mcpgym.record.run_deadline] env " << index << " (seed "
              << envs[i].seed << ") cut after " << progress.steps_of(index)
              << " step(s): the run passed its deadline (--run-timeout " << run_timeout_ms
              << " ms); "
              << (started_by_us ? "the implementation is stopped" : "its calls are abandoned")
              << " and the steps so far are kept\n";
  }
}

// Says on stderr which game tools/list showed, once per game (every
// environment asks its own session).
void announce_game(const harness::GameSpec& game, std::string& said) {
  const std::string what = game.describe();
  if (what == said) return;
  said = what;
  if (game.known()) {
    std::cerr << "mcpgym-record: recognised " << what << " from tools/list (--game " << game.name
              << " skips the question)\n";
  } else {
    std::cerr << "mcpgym-record: tools/list offers " << what
              << ", which the harness does not know: it is played by name (scripted, random "
                 "and replay policies; known games: "
              << harness::known_game_names() << ")\n";
  }
}

bool write_recording(const std::string& path, const std::vector<harness::RecordedStep>& lines,
                     harness::RecordingFormat format) {
  // What was recorded is written even when an environment failed, so the
  // misbehaviour can be inspected. Whole lines only: the file is renamed into
  // place once complete.
  auto writer = harness::RecordingWriter::open(path, format);
  if (!writer) {
    std::cerr << "mcpgym-record: " << writer.error() << "\n";
    return false;
  }
  for (const auto& line : lines) {
    if (auto written = writer->write(line); !written) {
      std::cerr << "mcpgym-record: " << written.error() << "\n";
      return false;
    }
  }
  if (auto committed = writer->commit(); !committed) {
    std::cerr << "mcpgym-record: " << committed.error() << "\n";
    return false;
  }
  std::cerr << "mcpgym-record: wrote " << lines.size() << " line(s) to " << path << " ("
            << harness::format_name(format) << ")\n";
  return true;
}

// --convert: one recording rewritten in another format; nothing runs.
int convert_recording(const cli::Args& args, harness::RecordingFormat format) {
  if (args.get("cmd") || args.get("url")) {
    return usage_error("[mcpgym.cli.invalid_value] --convert runs nothing; give no --cmd or --url");
  }
  const auto out = args.get("out");
  if (!out) return usage_error("[mcpgym.cli.missing_argument] --convert needs --out FILE");
  auto lines = harness::read_recording(*args.get("convert"));
  if (!lines) return usage_error(lines.error());
  if (!lines->empty()) {
    std::cerr << "mcpgym-record: read " << lines->size() << " line(s) in "
              << harness::format_name(lines->front().format) << " from " << *args.get("convert")
              << "\n";
  }
  return write_recording(*out, *lines, format) ? 0 : kExitMisbehaved;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = make_parser().parse_command_line(argc, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  const cli::Args& args = std::get<cli::Args>(parsed);

  auto format_text =
      cli::to_choice("format", args.get("format").value_or("mcpgym"), harness::format_names());
  if (!format_text) return usage_error(format_text.error());
  const harness::RecordingFormat format = *harness::format_named(*format_text);
  if (args.get("convert")) return convert_recording(args, format);

  const auto cmd = args.get("cmd");
  const auto url = args.get("url");
  if (cmd.has_value() == url.has_value()) {
    return usage_error("[mcpgym.cli.invalid_value] give exactly one of --cmd and --url");
  }
  auto seeds = parse_seeds(args.get("seeds").value_or("42"));
  if (!seeds) return usage_error(seeds.error());
  const json config = parse_json_or_discarded(args.get("config").value_or("{}"));
  if (!config.is_object()) {
    return usage_error("[mcpgym.cli.invalid_value] --config expects a JSON object; got '" +
                       args.get("config").value_or("") + "'");
  }
  // The policy's form now, its actions once the game is known: bad flags
  // are refused before anything starts.
  auto policy_spec = harness::parse_policy_spec(args.get("policy").value_or("shortest"));
  if (!policy_spec) return usage_error(policy_spec.error());
  const harness::GameSpec* named_game = nullptr;
  harness::PolicyFactory policy;  // a named game's; else each environment's game decides
  if (const auto name = args.get("game")) {
    named_game = harness::find_game(*name);
    if (named_game == nullptr) {
      return usage_error("[mcpgym.cli.invalid_value] --game '" + *name +
                         "' is not a game the harness knows; expected one of " +
                         harness::known_game_names());
    }
    auto made = harness::make_policy(*policy_spec, *named_game);
    if (!made) return usage_error(made.error());
    policy = *made;
  }
  auto max_steps = cli::to_integer("max-steps", args.get("max-steps").value_or("100"), 1, 100000);
  if (!max_steps) return usage_error(max_steps.error());
  auto timeout = cli::to_integer("timeout", args.get("timeout").value_or("10000"), 1, 3'600'000);
  if (!timeout) return usage_error(timeout.error());
  auto run_timeout =
      cli::to_integer("run-timeout", args.get("run-timeout").value_or("600000"), 1, 86'400'000);
  if (!run_timeout) return usage_error(run_timeout.error());
  const auto run_deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(*run_timeout);
  auto ready_timeout =
      cli::to_integer("ready-timeout", args.get("ready-timeout").value_or("10000"), 1, 3'600'000);
  if (!ready_timeout) return usage_error(ready_timeout.error());
  auto form = cli::to_choice("control-plane", args.get("control-plane").value_or("resources"),
                             {"resources", "http"});
  if (!form) return usage_error(form.error());
  auto transport =
      cli::to_choice("transport", args.get("transport").value_or("http"), {"http", "stdio"});
  if (!transport) return usage_error(transport.error());

  auto era = cli::to_choice("era", args.get("era").value_or("legacy"), {"legacy", "modern"});
  if (!era) return usage_error(era.error());
  const bool over_handles = *era == "modern";

  harness::ClientOptions client_options;
  client_options.timeout = std::chrono::milliseconds(*timeout);
  // The modern era has no session to key an environment by: handles do (HANDLE-001).
  client_options.era = over_handles ? harness::Era::kModern : harness::Era::kLegacy;

  std::unique_ptr<harness::Process> shared;  // outlives the connector that uses its URL
  std::unique_ptr<harness::Connector> connector;
  if (url) {
    connector = harness::url_connector(*url, client_options);
  } else {
    harness::LaunchSpec spec;
    spec.command = *cmd;
    spec.name = "impl";
    spec.ready_timeout = std::chrono::milliseconds(*ready_timeout);
    spec.log_directory = args.get("log-dir").value_or(
        (std::filesystem::temp_directory_path() / ("mcpgym-record-" + std::to_string(::getpid())))
            .string());
    spec.stdio_pipes = *transport == "stdio";
    if (spec.stdio_pipes) spec.readiness.kind = harness::ReadinessKind::kNone;
    if (spec.stdio_pipes || harness::uses_placeholder(*cmd, "seed")) {
      connector = harness::process_per_env_connector(spec, client_options);
    } else {
      spec.values["config"] = config.dump();
      auto process = harness::launch(spec);
      if (!process) {
        std::cerr << "mcpgym-record: " << process.error() << "\n";
        // An empty recording still says, to whoever reads --out, that nothing ran.
        if (const auto out = args.get("out")) write_recording(*out, {}, format);
        return kExitMisbehaved;
      }
      shared = std::move(*process);
      std::cerr << "mcpgym-record: started " << shared->url() << " (pid " << shared->pid()
                << ", logs in " << spec.log_directory.string() << ")\n";
      connector = harness::url_connector(shared->url(), client_options);
    }
  }

  std::vector<harness::EnvironmentSpec> envs;
  for (auto seed : *seeds)
    envs.push_back({seed, config});
  harness::RolloutOptions options;
  std::atomic<bool> policy_refused = false;  // a usage error found once the game was known
  if (named_game != nullptr) {
    options.use_game(*named_game);
  } else {
    options.policy_for_game = [&policy_spec, &policy_refused, said = std::string()](
                                  int, const harness::GameSpec& game) mutable {
      announce_game(game, said);
      auto made = harness::make_policy(*policy_spec, game);
      if (!made) policy_refused = true;
      return made;
    };
  }
  options.max_steps = static_cast<int>(*max_steps);
  options.over_handles = over_handles;
  options.control_plane =
      *form == "http" ? harness::ControlPlaneForm::kHttp : harness::ControlPlaneForm::kResources;
  RunProgress progress;
  options.on_env_done = [&progress](const harness::EnvOutcome& env) {
    std::cerr << "mcpgym-record: " << env.describe() << "\n";
    progress.env_done(env.env_index);
  };
  options.on_step = [&progress](const harness::RecordedStep& line) { progress.add_line(line); };
  harness::RolloutResult result;
  std::thread runner([&] {
    result = harness::run_rollout(*connector, envs, policy, options);
    progress.finish();
  });

  bool cut = false;
  if (!progress.wait_until_finished(run_deadline)) {
    cut = true;
    report_cut_envs(progress, envs, *run_timeout, !url);
    // Calls blocked on a stopped implementation end at once (closed socket or pipe).
    connector->stop_all();
    if (shared) shared->stop(std::chrono::milliseconds(500));
  }
  // A call blocked on a server that cannot be stopped (--url) or whose pipe a
  // leftover process still holds: give up on it after a short grace.
  const bool finished =
      progress.wait_until_finished(std::chrono::steady_clock::now() + std::chrono::seconds(3));
  const bool written =
      !args.get("out") || write_recording(*args.get("out"), progress.lines(), format);
  if (!finished) {
    std::cerr
        << "mcpgym-record: [mcpgym.record.run_deadline] calls still blocked 3 s after the run's "
           "deadline; exiting without waiting for them\n";
    std::cerr.flush();
    std::_Exit(kExitMisbehaved);
  }
  runner.join();
  if (policy_refused) return cli::kExitUsage;
  return result.ok() && !cut && written ? 0 : kExitMisbehaved;
}
