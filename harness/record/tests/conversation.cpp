#include "harness/record/tests/conversation.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace mcpgym::harness::testing_support {

json conversation(int steps, const std::string& call_prefix, const std::string& session_id,
                  bool reach_goal) {
  json messages = json::array();
  messages.push_back({{"role", "system"}, {"content", "You play FrozenLake. Use lake_move."}});
  messages.push_back(
      {{"role", "user"}, {"content", R"({"grid":"PFFF\nFHFH\nFFFH\nHFFG","position":0})"}});
  for (int k = 1; k <= steps; ++k) {
    const std::string id = call_prefix + std::to_string(k);
    messages.push_back(
        {{"role", "assistant"},
         {"content", nullptr},
         {"tool_calls",
          json::array(
              {{{"id", id},
                {"type", "function"},
                {"function", {{"name", "lake_move"}, {"arguments", R"({"action":"RIGHT"})"}}}}})}});
    const bool goal = reach_goal && k == steps;
    messages.push_back(
        {{"role", "tool"},
         {"tool_call_id", id},
         {"content", R"({"action":"RIGHT","grid":"SFFF\nFHFH\nFFFH\nHFFG","position":)" +
                         std::to_string(k) + "}"},
         {"metadata",
          {{"control_plane",
            {{"reward", goal ? 1.0 : 0.0},
             {"terminated", goal},
             {"truncated", false},
             {"step", k},
             {"total_reward", goal ? 1.0 : 0.0}}},
           {"session_id", session_id}}}});
  }
  return messages;
}

std::vector<RecordedStep> recording(int envs, int steps, const std::string& call_prefix,
                                    const std::string& session_id) {
  std::vector<RecordedStep> out;
  for (int env = 0; env < envs; ++env) {
    for (int step = 0; step <= steps; ++step) {
      out.push_back({env, static_cast<std::uint64_t>(100 + env), step,
                     conversation(step, call_prefix, session_id)});
    }
  }
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string jsonl(const std::vector<RecordedStep>& steps) {
  std::string text;
  for (const auto& step : steps)
    text += step.to_json().dump() + "\n";
  return text;
}

}  // namespace mcpgym::harness::testing_support
