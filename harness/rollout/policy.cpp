#include "harness/rollout/policy.hpp"

#include <array>
#include <deque>
#include <map>
#include <optional>

#include "common/bounded_json.hpp"
#include "games/numpy/pcg64.hpp"

namespace mcpgym::harness {

namespace {

constexpr std::array<const char*, 4> kActions = {"LEFT", "DOWN", "RIGHT", "UP"};

class ScriptedPolicy final : public Policy {
 public:
  explicit ScriptedPolicy(std::vector<std::string> actions) : actions_(std::move(actions)) {}
  std::string next_action(const PolicyView& view) override {
    const auto i = std::min<std::size_t>(static_cast<std::size_t>(view.step), actions_.size() - 1);
    return actions_[i];
  }

 private:
  std::vector<std::string> actions_;
};

class RandomPolicy final : public Policy {
 public:
  explicit RandomPolicy(std::uint64_t seed) : rng_(seed) {}
  std::string next_action(const PolicyView&) override { return kActions[rng_.next_uint64() % 4]; }

 private:
  numpy::Pcg64 rng_;
};

// The map and the agent's cell, as far as the environment shows them. A
// policy reads untrusted payloads, so anything malformed yields nullopt.
struct Board {
  std::vector<std::string> rows;
  int position = 0;
};

std::optional<Board> board_of(const PolicyView& view) {
  if (view.initial_state == nullptr || !view.initial_state->is_object()) return std::nullopt;
  const json& state = *view.initial_state;
  const auto map = state.find("map");
  if (map == state.end() || !map->is_array() || map->empty()) return std::nullopt;
  Board board;
  for (const auto& row : *map) {
    if (!row.is_string() || row.get_ref<const std::string&>().size() != map->size())
      return std::nullopt;
    board.rows.push_back(row.get<std::string>());
  }
  const json* where = view.last_observation != nullptr ? view.last_observation : &state;
  const auto position = where->find("position");
  if (position == where->end() || !position->is_number_integer()) return std::nullopt;
  board.position = position->get<int>();
  const int cells = static_cast<int>(board.rows.size() * board.rows.size());
  if (board.position < 0 || board.position >= cells) return std::nullopt;
  return board;
}

// The first move of a shortest path to a G over non-H cells (moves tried in
// action order, so ties break the same way every time).
std::optional<int> first_move_to_goal(const Board& board) {
  const int n = static_cast<int>(board.rows.size());
  auto cell = [&](int pos) { return board.rows[pos / n][pos % n]; };
  std::vector<int> first(static_cast<std::size_t>(n * n), -1);
  std::vector<bool> seen(static_cast<std::size_t>(n * n), false);
  std::deque<int> frontier = {board.position};
  seen[board.position] = true;
  while (!frontier.empty()) {
    const int pos = frontier.front();
    frontier.pop_front();
    if (pos != board.position) {
      if (cell(pos) == 'G') return first[pos];
      if (cell(pos) == 'H') continue;
    }
    const int row = pos / n, col = pos % n;
    const std::array<std::pair<int, int>, 4> next = {
        {{row, col - 1}, {row + 1, col}, {row, col + 1}, {row - 1, col}}};
    for (int action = 0; action < 4; ++action) {
      const auto [r, c] = next[action];
      if (r < 0 || r >= n || c < 0 || c >= n) continue;
      const int to = r * n + c;
      if (seen[to]) continue;
      seen[to] = true;
      first[to] = pos == board.position ? action : first[pos];
      frontier.push_back(to);
    }
  }
  return std::nullopt;
}

class ShortestPathPolicy final : public Policy {
 public:
  std::string next_action(const PolicyView& view) override {
    const auto board = board_of(view);
    if (!board) return "LEFT";  // nothing readable to plan on: a harmless move
    return kActions[first_move_to_goal(*board).value_or(0)];
  }
};

}  // namespace

std::optional<std::string> action_of_letter(char c) {
  switch (c) {
    case 'L':
      return "LEFT";
    case 'D':
      return "DOWN";
    case 'R':
      return "RIGHT";
    case 'U':
      return "UP";
  }
  return std::nullopt;
}

Expected<PolicyFactory, std::string> scripted_policy(std::string_view letters) {
  std::vector<std::string> actions;
  for (char c : letters) {
    auto action = action_of_letter(c);
    if (!action) {
      return unexpected(
          "[mcpgym.cli.invalid_value] scripted policy actions are letters L, D, R, U; got '" +
          std::string(letters) + "'");
    }
    actions.push_back(*action);
  }
  if (actions.empty()) {
    return unexpected(
        std::string("[mcpgym.cli.invalid_value] scripted policy needs at least one action, e.g. "
                    "scripted:RRDD"));
  }
  return PolicyFactory([actions](int, std::uint64_t) -> std::unique_ptr<Policy> {
    return std::make_unique<ScriptedPolicy>(actions);
  });
}

PolicyFactory random_policy(std::uint64_t seed) {
  return [seed](int env_index, std::uint64_t) -> std::unique_ptr<Policy> {
    // Distinct, reproducible streams per environment.
    return std::make_unique<RandomPolicy>(seed * 1'000'003 + static_cast<std::uint64_t>(env_index));
  };
}

PolicyFactory shortest_path_policy() {
  return [](int, std::uint64_t) -> std::unique_ptr<Policy> {
    return std::make_unique<ShortestPathPolicy>();
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
    std::vector<std::string> list =
        it == actions.end() || it->second.empty() ? std::vector<std::string>{"LEFT"} : it->second;
    return std::make_unique<ScriptedPolicy>(std::move(list));
  });
}

Expected<PolicyFactory, std::string> parse_policy(std::string_view spec) {
  const std::string forms = "; expected scripted:LDRU..., random:<seed>, shortest or replay:<file>";
  if (spec == "shortest") return shortest_path_policy();
  if (spec.starts_with("scripted:")) return scripted_policy(spec.substr(9));
  if (spec.starts_with("random:")) {
    const std::string digits(spec.substr(7));
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos ||
        digits.size() > 19) {
      return unexpected("[mcpgym.cli.invalid_value] --policy random needs a seed: '" +
                        std::string(spec) + "'" + forms);
    }
    return random_policy(std::stoull(digits));
  }
  if (spec.starts_with("replay:")) {
    auto recording = read_recording(std::string(spec.substr(7)));
    if (!recording) return unexpected(recording.error());
    return replay_policy(*recording);
  }
  return unexpected("[mcpgym.cli.invalid_value] --policy '" + std::string(spec) +
                    "' is not a policy" + forms);
}

}  // namespace mcpgym::harness
