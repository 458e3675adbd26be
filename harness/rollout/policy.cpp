#include "harness/rollout/policy.hpp"

#include <array>
#include <map>
#include <optional>
#include <set>

#include "common/bounded_json.hpp"
#include "common/text.hpp"
#include "games/numpy/pcg64.hpp"
#include "harness/rollout/games.hpp"

namespace mcpgym::harness {

namespace {

// The view's actions, or FrozenLake's for a caller that gave none.
std::span<const std::string> actions_of(const PolicyView& view) {
  return view.actions.empty() ? std::span<const std::string>(frozenlake_game().actions)
                              : view.actions;
}

class ScriptedPolicy final : public Policy {
 public:
  explicit ScriptedPolicy(std::vector<std::string> actions) : actions_(std::move(actions)) {}
  std::string next_action(const PolicyView& view) override {
    if (actions_.empty()) return actions_of(view).front();
    const auto i = std::min<std::size_t>(static_cast<std::size_t>(view.step), actions_.size() - 1);
    return actions_[i];
  }

 private:
  std::vector<std::string> actions_;
};

class RandomPolicy final : public Policy {
 public:
  explicit RandomPolicy(std::uint64_t seed) : rng_(seed) {}
  std::string next_action(const PolicyView& view) override {
    const auto actions = actions_of(view);
    return actions[rng_.next_uint64() % actions.size()];
  }

 private:
  numpy::Pcg64 rng_;
};

std::string joined(std::span<const std::string> words, std::string_view separator = ", ") {
  std::string text;
  for (const auto& word : words)
    text += (text.empty() ? "" : std::string(separator)) + word;
  return text;
}

// The first letters of the names, when no two names share one.
std::optional<std::string> distinct_letters(std::span<const std::string> actions) {
  std::string letters;
  for (const auto& name : actions) {
    if (name.empty()) return std::nullopt;
    const char letter = name.front();
    if (letters.find(letter) != std::string::npos) return std::nullopt;
    letters += letter;
  }
  return letters;
}

std::optional<std::string> name_matching(std::string_view word,
                                         std::span<const std::string> actions) {
  for (const auto& name : actions) {
    if (iequals(word, name)) return name;
  }
  return std::nullopt;
}

// One comma-separated word of a script: a name, or a run of first letters.
bool append_word(std::string_view word, std::span<const std::string> actions,
                 const std::optional<std::string>& letters, std::vector<std::string>& out) {
  if (auto name = name_matching(word, actions)) {
    out.push_back(*name);
    return true;
  }
  if (!letters || word.empty()) return false;
  for (char c : word) {
    const auto at = letters->find(c);
    if (at == std::string::npos) return false;
    out.push_back(actions[at]);
  }
  return true;
}

std::string script_forms(std::span<const std::string> actions,
                         const std::optional<std::string>& letters) {
  std::string forms =
      "scripted policy actions are " + joined(actions) + " (names separated by commas)";
  if (letters) {
    std::vector<std::string> each;
    for (char c : *letters)
      each.emplace_back(1, c);
    forms += " or their letters " + joined(each);
  }
  return forms;
}

constexpr std::string_view kPolicyForms =
    "; expected scripted:<actions>, random:<seed>, shortest or replay:<file>";

Expected<PolicySpec, std::string> parse_random(std::string_view spec) {
  const std::string digits(spec.substr(7));
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos ||
      digits.size() > 19) {
    return unexpected("[mcpgym.cli.invalid_value] --policy random needs a seed: '" +
                      std::string(spec) + "'" + std::string(kPolicyForms));
  }
  PolicySpec parsed;
  parsed.kind = PolicySpec::Kind::kRandom;
  parsed.seed = std::stoull(digits);
  return parsed;
}

}  // namespace

std::optional<std::string> action_of_letter(char c) {
  const auto letters = distinct_letters(frozenlake_game().actions);
  const auto at = letters->find(c);
  if (at == std::string::npos) return std::nullopt;
  return frozenlake_game().actions[at];
}

Expected<std::vector<std::string>, std::string> parse_script(std::string_view script,
                                                             std::span<const std::string> actions) {
  const auto letters = distinct_letters(actions);
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= script.size()) {
    const std::size_t comma = std::min(script.find(',', start), script.size());
    if (!append_word(trim_ows(script.substr(start, comma - start)), actions, letters, out)) {
      return unexpected("[mcpgym.cli.invalid_value] " + script_forms(actions, letters) + "; got '" +
                        std::string(script) + "'");
    }
    start = comma + 1;
  }
  return out;
}

Expected<PolicyFactory, std::string> scripted_policy(std::string_view script,
                                                     std::span<const std::string> actions) {
  if (script.empty()) {
    return unexpected(
        std::string("[mcpgym.cli.invalid_value] scripted policy needs at least one action, e.g. "
                    "scripted:RRDD or scripted:RIGHT,DOWN"));
  }
  auto parsed = parse_script(script, actions);
  if (!parsed) return unexpected(parsed.error());
  return PolicyFactory([list = *parsed](int, std::uint64_t) -> std::unique_ptr<Policy> {
    return std::make_unique<ScriptedPolicy>(list);
  });
}

Expected<PolicyFactory, std::string> scripted_policy(std::string_view script) {
  return scripted_policy(script, frozenlake_game().actions);
}

PolicyFactory random_policy(std::uint64_t seed) {
  return [seed](int env_index, std::uint64_t) -> std::unique_ptr<Policy> {
    // Distinct, reproducible streams per environment.
    return std::make_unique<RandomPolicy>(seed * 1'000'003 + static_cast<std::uint64_t>(env_index));
  };
}

std::vector<std::string> actions_in(const json& messages) {
  std::vector<std::string> actions;
  if (!messages.is_array()) return actions;
  for (const auto& message : messages) {
    if (!message.is_object() || !message.contains("role") || message["role"] != "assistant")
      continue;
    const auto calls = message.find("tool_calls");
    if (calls == message.end() || !calls->is_array()) continue;
    for (const auto& call : *calls) {
      if (!call.is_object() || !call.contains("function") || !call["function"].is_object())
        continue;
      const json& text =
          call["function"].contains("arguments") ? call["function"]["arguments"] : json();
      if (!text.is_string()) continue;
      const auto args = parse_json(text.get_ref<const std::string&>());  // a recording's text
      if (args && args->is_object() && args->contains("action") && (*args)["action"].is_string()) {
        actions.push_back((*args)["action"].get<std::string>());
      }
    }
  }
  return actions;
}

Expected<PolicyFactory, std::string> replay_policy(const std::vector<RecordedStep>& recording) {
  // The longest conversation of each environment holds all its actions.
  std::map<int, const RecordedStep*> last;
  for (const auto& line : recording) {
    auto& slot = last[line.env_index];
    if (slot == nullptr || line.step > slot->step) slot = &line;
  }
  std::map<int, std::vector<std::string>> actions;
  for (const auto& [env, line] : last)
    actions[env] = actions_in(line->messages);
  return PolicyFactory([actions](int env_index, std::uint64_t) -> std::unique_ptr<Policy> {
    auto it = actions.find(env_index);
    return std::make_unique<ScriptedPolicy>(it == actions.end() ? std::vector<std::string>{}
                                                                : it->second);
  });
}

Expected<PolicySpec, std::string> parse_policy_spec(std::string_view spec) {
  PolicySpec parsed;
  if (spec == "shortest") return parsed;
  if (spec.starts_with("scripted:")) {
    parsed.kind = PolicySpec::Kind::kScripted;
    parsed.script = spec.substr(9);
    if (parsed.script.empty()) return unexpected(scripted_policy("").error());
    return parsed;
  }
  if (spec.starts_with("random:")) return parse_random(spec);
  if (spec.starts_with("replay:")) {
    auto recording = read_recording(std::string(spec.substr(7)));
    if (!recording) return unexpected(recording.error());
    parsed.kind = PolicySpec::Kind::kReplay;
    parsed.recording = std::move(*recording);
    return parsed;
  }
  return unexpected("[mcpgym.cli.invalid_value] --policy '" + std::string(spec) +
                    "' is not a policy" + std::string(kPolicyForms));
}

Expected<PolicyFactory, std::string> make_policy(const PolicySpec& spec, const GameSpec& game) {
  switch (spec.kind) {
    case PolicySpec::Kind::kScripted:
      return scripted_policy(spec.script, game.actions);
    case PolicySpec::Kind::kRandom:
      return random_policy(spec.seed);
    case PolicySpec::Kind::kReplay:
      return replay_policy(spec.recording);
    case PolicySpec::Kind::kShortest:
      break;
  }
  if (!game.goal_policy) {
    return unexpected(
        "[mcpgym.cli.invalid_value] --policy shortest needs a goal-seeking policy, "
        "and the harness has none for " +
        game.describe() + "; use scripted:<actions>, random:<seed> or replay:<file>");
  }
  return game.goal_policy;
}

Expected<PolicyFactory, std::string> parse_policy(std::string_view spec) {
  auto parsed = parse_policy_spec(spec);
  if (!parsed) return unexpected(parsed.error());
  return make_policy(*parsed, frozenlake_game());
}

}  // namespace mcpgym::harness
