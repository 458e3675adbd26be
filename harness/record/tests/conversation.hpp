#pragma once
// Test data: FrozenLake conversations in the recording format, and a private
// temporary directory.
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "common/testing/temp_dir.hpp"
#include "harness/record/recording.hpp"

namespace mcpgym::harness {
// So that gtest shows a Divergence (and std::optional<Divergence>) readably.
inline void PrintTo(const Divergence& d, std::ostream* out) {
  *out << d.describe();
}
}  // namespace mcpgym::harness

namespace mcpgym::harness::testing_support {

// The conversation of `steps` moves RIGHT: system, user, then per step an
// assistant message with one tool call (ids "<call_prefix><k>") and the tool
// message with metadata.control_plane; the last step reaches the goal with
// reward 1.0 when `reach_goal`. The tool metadata carries `session_id`.
json conversation(int steps, const std::string& call_prefix = "call_abc",
                  const std::string& session_id = "0f8fad5b-d9cb-469f-a165-70867728950e",
                  bool reach_goal = false);

// One line per step 0..steps for each env (messages up to that step).
std::vector<RecordedStep> recording(
    int envs, int steps, const std::string& call_prefix = "call_abc",
    const std::string& session_id = "0f8fad5b-d9cb-469f-a165-70867728950e");

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& text);
std::string jsonl(const std::vector<RecordedStep>& steps);  // as RecordingWriter writes them

using mcpgym::test_support::TempDir;
}  // namespace mcpgym::harness::testing_support
