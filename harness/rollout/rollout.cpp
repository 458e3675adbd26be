#include "harness/rollout/rollout.hpp"

#include <cstdio>
#include <thread>

#include "common/bounded_json.hpp"
#include "harness/rollout/handles.hpp"

namespace mcpgym::harness {

namespace {

// Generic on purpose: nothing in the rollout knows which environment it drives.
std::string system_prompt(const std::string& tool) {
  return "You act in an MCP-Gym environment through its " + tool +
         " tool. Observations come back as tool results; reward and termination are read from "
         "the control plane.";
}

// A control-plane read, by resource or by the HTTP form.
Result<json> read_control(McpClient& client, ControlPlaneForm form, const std::string& name) {
  if (form == ControlPlaneForm::kHttp) return client.read_control_http(name);
  return client.read_resource(name == "initial_state" ? "game://initial_state"
                                                      : "control://" + name);
}

std::string format_double(double value) {
  // json's own rendering, so "1.0" reads the same here as in the recording.
  return json(value).dump();
}

class Env {
 public:
  Env(int index, const EnvironmentSpec& spec, const RolloutOptions& options,
      std::mutex& report_mutex)
      : options_(options),
        report_mutex_(report_mutex),
        tool_(options.tool),
        actions_(options.actions) {
    out_.env_index = index;
    out_.seed = spec.seed;
  }

  EnvOutcome run(Connector& connector, const EnvironmentSpec& spec, const PolicyFactory& factory) {
    auto connected = connector.connect(out_.env_index, spec);
    if (!connected) return fail(connected.error());
    client_ = std::move(*connected);
    const json extra =
        options_.over_handles ? json() : json{{"seed", spec.seed}, {"config", spec.config}};
    if (auto init = client_->initialize(extra); !init) return fail(init.error().message());
    if (options_.over_handles) {
      auto created = create_env(*client_, spec.seed, spec.config);
      if (!created) return fail(created.error().message());
      env_id_ = created->env_id;
    }
    auto policy_factory = options_.policy_for_game ? play_discovered_game()
                                                   : Expected<PolicyFactory, std::string>(factory);
    if (!policy_factory) return fail(policy_factory.error());
    auto initial = read("initial_state");
    if (!initial) return fail(initial.error().message());
    if (!initial->is_object())
      return fail("game://initial_state is not a JSON object: " + initial->dump());

    json messages =
        json::array({{{"role", "system"}, {"content", system_prompt(tool_)}},
                     {{"role", "user"},
                      {"content", "Initial state (game://initial_state): " + initial->dump()}}});
    auto policy = (*policy_factory)(out_.env_index, spec.seed);
    std::optional<json> last_observation;

    for (int step = 1; step <= options_.max_steps; ++step) {
      const PolicyView view{out_.env_index,
                            spec.seed,
                            step - 1,
                            &*initial,
                            last_observation ? &*last_observation : nullptr,
                            actions_};
      const json arguments = {{"action", policy->next_action(view)}};
      const std::string call_id =
          "call_" + std::to_string(out_.env_index) + "_" + std::to_string(step);
      messages.push_back(
          {{"role", "assistant"},
           {"content", nullptr},
           {"tool_calls",
            json::array({{{"id", call_id},
                          {"type", "function"},
                          {"function", {{"name", tool_}, {"arguments", arguments.dump()}}}}})}});

      auto result =
          client_->call_tool(tool_, env_id_ ? with_env_id(arguments, *env_id_) : arguments);
      if (!result) return fail(result.error().message());
      const std::string text = first_text(*result);
      // The server is untrusted: a non-object result or a non-boolean isError
      // is judged, never a thrown type_error.
      const auto is_error = result->is_object() ? result->find("isError") : result->end();
      if (is_error != result->end() && !is_error->is_boolean()) {
        return fail("step " + std::to_string(step) + ": " + tool_ +
                    " answered isError that is not a boolean: " + is_error->dump().substr(0, 80));
      }
      if (is_error != result->end() && is_error->get<bool>()) {
        return fail("step " + std::to_string(step) + ": " + tool_ + " " + arguments.dump() +
                    " was refused on a live episode: " + text.substr(0, 200));
      }
      auto control = read_control_plane(step);
      if (!control) return fail(control.error());

      messages.push_back({{"role", "tool"},
                          {"tool_call_id", call_id},
                          {"content", text},
                          {"metadata", {{"control_plane", *control}}}});
      if (options_.record) record_line({out_.env_index, spec.seed, step, messages});
      out_.steps = step;
      out_.terminated = (*control)["terminated"].get<bool>();
      out_.truncated = (*control)["truncated"].get<bool>();
      out_.total_reward = (*control)["total_reward"].get<double>();
      auto observation = parse_json(text);  // the server's text: bounded
      last_observation = observation ? std::optional<json>(std::move(*observation)) : std::nullopt;
      if (out_.terminated || out_.truncated) break;
    }
    if (env_id_) {
      auto ended = close_env(*client_, *env_id_);
      env_id_.reset();
      if (!ended) return fail(ended.error().message());
    }
    if (auto closed = client_->close(); !closed) return fail(closed.error().message());
    return std::move(out_);
  }

 private:
  EnvOutcome fail(std::string why) {
    out_.error = std::move(why);
    // Best effort: a handle left open would only expire (HANDLE-006).
    if (client_ && env_id_) (void)close_env(*client_, *env_id_);
    if (client_) (void)client_->close();
    return std::move(out_);
  }

  // A control-plane read: by handle over handles, else by session.
  Result<json> read(std::string_view name) {
    if (env_id_) return read_env_control(*client_, options_.control_plane, *env_id_, name);
    return read_control(*client_, options_.control_plane, std::string(name));
  }

  // The game of this session's own tools/list, and the policy for it.
  Expected<PolicyFactory, std::string> play_discovered_game() {
    auto game = discover_game(*client_);
    if (!game) return unexpected(game.error());
    tool_ = game->tool;
    actions_ = game->actions;
    std::lock_guard lock(report_mutex_);
    return options_.policy_for_game(out_.env_index, *game);
  }

  void record_line(RecordedStep line) {
    if (options_.on_step) {
      std::lock_guard lock(report_mutex_);
      options_.on_step(line);
    }
    out_.lines.push_back(std::move(line));
  }

  static std::string first_text(const json& result) {
    if (!result.is_object()) return {};
    const auto content = result.find("content");
    if (content == result.end() || !content->is_array()) return {};
    for (const auto& block : *content) {
      if (block.is_object() && block.contains("type") && block["type"] == "text" &&
          block.contains("text") && block["text"].is_string()) {
        return block["text"].get<std::string>();
      }
    }
    return {};
  }

  // control://reward and control://status, checked for shape and for being
  // current: a control plane one step behind (CTRL-007) is a failure here.
  Expected<json, std::string> read_control_plane(int step) {
    auto reward = read("reward");
    if (!reward) return unexpected(reward.error().message());
    auto status = read("status");
    if (!status) return unexpected(status.error().message());
    const auto number = [](const json& j, const char* key) {
      return j.is_object() && j.contains(key) && j[key].is_number();
    };
    const auto boolean = [](const json& j, const char* key) {
      return j.is_object() && j.contains(key) && j[key].is_boolean();
    };
    if (!number(*reward, "reward")) {
      return unexpected("step " + std::to_string(step) +
                        ": control://reward has no numeric \"reward\": " + reward->dump());
    }
    if (!boolean(*status, "terminated") || !boolean(*status, "truncated") ||
        !number(*status, "step_count") || !number(*status, "total_reward")) {
      return unexpected("step " + std::to_string(step) +
                        ": control://status lacks terminated/truncated (booleans) or "
                        "step_count/total_reward (numbers): " +
                        status->dump());
    }
    const int step_count = (*status)["step_count"].get<int>();
    if (step_count != step) {
      return unexpected("step " + std::to_string(step) + ": control://status says step_count " +
                        std::to_string(step_count) + " right after tool call " +
                        std::to_string(step) +
                        ": the control plane is stale or miscounts (CTRL-007)");
    }
    // Numbers are stored as doubles so that 1 and 1.0 record alike.
    return json{{"reward", (*reward)["reward"].get<double>()},
                {"terminated", (*status)["terminated"].get<bool>()},
                {"truncated", (*status)["truncated"].get<bool>()},
                {"step", step_count},
                {"total_reward", (*status)["total_reward"].get<double>()}};
  }

  const RolloutOptions& options_;
  std::mutex& report_mutex_;
  std::string tool_;                  // the game's data-plane tool
  std::vector<std::string> actions_;  // and its actions
  EnvOutcome out_;
  std::unique_ptr<McpClient> client_;
  std::optional<std::string> env_id_;  // over handles: the environment's handle
};

class UrlConnector final : public Connector {
 public:
  UrlConnector(std::string url, ClientOptions options)
      : url_(std::move(url)), options_(std::move(options)) {}
  Expected<std::unique_ptr<McpClient>, std::string> connect(int, const EnvironmentSpec&) override {
    return connect_http(url_, options_);
  }

 private:
  std::string url_;
  ClientOptions options_;
};

class ProcessPerEnvConnector final : public Connector {
 public:
  ProcessPerEnvConnector(LaunchSpec base, ClientOptions options)
      : base_(std::move(base)), options_(std::move(options)) {}

  Expected<std::unique_ptr<McpClient>, std::string> connect(int env_index,
                                                            const EnvironmentSpec& env) override {
    LaunchSpec spec = base_;
    spec.values["seed"] = std::to_string(env.seed);
    spec.values["config"] = env.config.dump();
    spec.name = base_.name + "-env" + std::to_string(env_index);
    auto process = launch(spec);
    if (!process) return unexpected(process.error());
    Process& running = **process;
    {
      std::lock_guard lock(mutex_);
      if (stopped_) {
        (*process)->stop();
        return unexpected(
            std::string("[mcpgym.record.run_deadline] not started: the run was "
                        "stopped at its deadline"));
      }
      processes_.push_back(std::move(*process));
    }
    if (spec.stdio_pipes) return connect_stdio(running, options_);
    return connect_http(running.url(), options_);
  }

  void stop_all() override {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    for (auto& process : processes_)
      process->stop(std::chrono::milliseconds(500));
  }

 private:
  LaunchSpec base_;
  ClientOptions options_;
  std::mutex mutex_;
  bool stopped_ = false;
  std::vector<std::unique_ptr<Process>> processes_;
};

}  // namespace

std::unique_ptr<Connector> url_connector(std::string url, ClientOptions options) {
  return std::make_unique<UrlConnector>(std::move(url), std::move(options));
}

std::unique_ptr<Connector> process_per_env_connector(LaunchSpec base, ClientOptions options) {
  return std::make_unique<ProcessPerEnvConnector>(std::move(base), std::move(options));
}

Expected<GameSpec, std::string> discover_game(McpClient& client) {
  // A server may page its tools (MCP's nextCursor); a bound keeps a server
  // that pages forever from holding the harness.
  constexpr int kMaxPages = 100;
  json tools = json::array();
  json params = json::object();
  for (int page = 0; page < kMaxPages; ++page) {
    auto listed = client.request("tools/list", params);
    if (!listed) return unexpected(listed.error().message());
    const auto page_tools = listed->find("tools");  // end() for a non-object too
    if (page_tools == listed->end() || !page_tools->is_array()) return recognise_game(*listed);
    for (const auto& tool : *page_tools)
      tools.push_back(tool);
    const auto next = listed->find("nextCursor");
    if (next == listed->end() || !next->is_string()) return recognise_game({{"tools", tools}});
    params = {{"cursor", *next}};
  }
  return unexpected("[mcpgym.rollout.bad_tools_list] tools/list still had a nextCursor after " +
                    std::to_string(kMaxPages) + " pages");
}

std::string EnvOutcome::describe() const {
  std::string text = "env " + std::to_string(env_index) + " (seed " + std::to_string(seed) + "): ";
  if (error) return text + "FAILED after " + std::to_string(steps) + " step(s): " + *error;
  if (terminated)
    text += "terminated at step " + std::to_string(steps);
  else if (truncated)
    text += "truncated at step " + std::to_string(steps);
  else
    text += "still running after " + std::to_string(steps) + " step(s) (max steps)";
  return text + ", total reward " + format_double(total_reward);
}

bool RolloutResult::ok() const {
  for (const auto& env : envs) {
    if (env.error) return false;
  }
  return true;
}

std::vector<RecordedStep> RolloutResult::recording() const {
  std::vector<RecordedStep> lines;
  for (const auto& env : envs)
    lines.insert(lines.end(), env.lines.begin(), env.lines.end());
  return lines;
}

RolloutResult run_rollout(Connector& connector, const std::vector<EnvironmentSpec>& envs,
                          const PolicyFactory& policy, const RolloutOptions& options) {
  RolloutResult result;
  result.envs.resize(envs.size());
  std::mutex report_mutex;
  std::vector<std::thread> threads;
  threads.reserve(envs.size());
  for (std::size_t i = 0; i < envs.size(); ++i) {
    threads.emplace_back([&, i] {
      Env env(static_cast<int>(i), envs[i], options, report_mutex);
      result.envs[i] = env.run(connector, envs[i], policy);
      if (options.on_env_done) {
        std::lock_guard lock(report_mutex);
        options.on_env_done(result.envs[i]);
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  return result;
}

}  // namespace mcpgym::harness
