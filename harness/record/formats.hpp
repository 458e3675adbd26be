#pragma once
// What the three recording formats share and how they differ, for the
// reader (detection) and the comparison (internal to the record library).
#include <optional>
#include <string>
#include <vector>

#include "harness/record/recording.hpp"

namespace mcpgym::harness::record_detail {

// The format one line's shape shows, or nothing when it shows none (a line
// with no seed and no control-plane data on any message).
std::optional<RecordingFormat> format_shown_by(const json& line);

// A tool message's control-plane values in this project's names, holding
// only what `format` records: reward and terminated always (terminated as the
// format means it), truncated and total_reward in mcpgym, step (moves made)
// in mcpgym and eval-protocol (eval-protocol's control_plane_step.step + 1).
// A value the message does not hold is left out.
json control_plane_of(const json& tool_message, RecordingFormat format);

// The control-plane value names `format` records, a subset of
// {"reward", "terminated", "truncated", "step", "total_reward"}.
const std::vector<std::string>& control_plane_fields(RecordingFormat format);

// Every field, in a fixed order, that `has` records and `lacks` does not:
// seed, truncated, total_reward, step (the control plane's), info, tool_calls,
// num_tool_calls, termination_reason.
std::vector<std::string> fields_absent(RecordingFormat has, RecordingFormat lacks);

bool is_tool_message(const json& message);

}  // namespace mcpgym::harness::record_detail
