// The recording formats: names, detection, and conversion between them
// (recording.hpp, formats.hpp; docs/spec.md REC-004..REC-007).
#include "harness/record/formats.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "common/bounded_json.hpp"

namespace mcpgym::harness {

namespace {

using record_detail::is_tool_message;

// Where eval-protocol's client records that it read the control plane
// (eval_protocol/mcp/client/connection.py: reward_source, status_source).
const json& endpoint_sources() {
  static const json sources = {{"reward_source", "control_plane_endpoint"},
                               {"status_source", "control_plane_endpoint"}};
  return sources;
}

const json* member(const json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

bool flag(const json& object, const char* name) {
  const json* value = member(object, name);
  return value != nullptr && value->is_boolean() && value->get<bool>();
}

// A Python string literal as repr() writes it (quotes chosen as Python does).
std::string python_string(const std::string& text) {
  const bool has_single = text.find('\'') != std::string::npos;
  const bool has_double = text.find('"') != std::string::npos;
  const char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == quote || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + quote;
}

// The value as Python's repr() shows what json.loads made of it: eval-protocol
// writes its tool_calls entries as f"{name}({arguments})".
std::string python_repr(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "None";
    case json::value_t::boolean:
      return value.get<bool>() ? "True" : "False";
    case json::value_t::string:
      return python_string(value.get<std::string>());
    case json::value_t::array: {
      std::string out = "[";
      for (std::size_t i = 0; i < value.size(); ++i)
        out += (i > 0 ? ", " : "") + python_repr(value[i]);
      return out + "]";
    }
    case json::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        out += (first ? "" : ", ") + python_string(key) + ": " + python_repr(item);
        first = false;
      }
      return out + "}";
    }
    default:
      return value.dump();
  }
}

// The assistant's call that `tool_message` answers: its name and its
// arguments as a JSON value (the arguments text when it is not JSON).
struct AnsweredCall {
  std::string name;
  json arguments = json::object();
};

AnsweredCall call_answered(const json& messages, std::size_t tool_index) {
  AnsweredCall call;
  const json* id = member(messages[tool_index], "tool_call_id");
  if (id == nullptr) return call;
  for (std::size_t i = tool_index; i-- > 0;) {
    const json* calls = member(messages[i], "tool_calls");
    if (calls == nullptr || !calls->is_array()) continue;
    for (const auto& candidate : *calls) {
      const json* candidate_id = member(candidate, "id");
      if (candidate_id == nullptr || *candidate_id != *id) continue;
      const json* function = member(candidate, "function");
      const json* name = function ? member(*function, "name") : nullptr;
      const json* arguments = function ? member(*function, "arguments") : nullptr;
      if (name != nullptr && name->is_string()) call.name = name->get<std::string>();
      if (arguments != nullptr && arguments->is_string()) {
        json parsed = parse_json_or_discarded(arguments->get<std::string>());
        call.arguments = parsed.is_discarded() ? *arguments : std::move(parsed);
      }
      return call;
    }
  }
  return call;
}

// eval-protocol's info.steps: observation.get("moves", observation.get("steps", 0)).
json steps_in_observation(const json& tool_message) {
  const json* content = member(tool_message, "content");
  if (content == nullptr || !content->is_string()) return 0;
  const json observation = parse_json_or_discarded(content->get<std::string>());
  if (const json* moves = member(observation, "moves")) return *moves;
  if (const json* steps = member(observation, "steps")) return *steps;
  return 0;
}

// reward-kit's and eval-protocol's tool metadata, from this project's.
json reward_kit_metadata(const json& messages, std::size_t tool_index) {
  const json control =
      record_detail::control_plane_of(messages[tool_index], RecordingFormat::kMcpgym);
  const AnsweredCall call = call_answered(messages, tool_index);
  return {{"reward", control.value("reward", json(0.0))},
          {"terminated", flag(control, "terminated") || flag(control, "truncated")},
          {"info",
           {{"steps", steps_in_observation(messages[tool_index])},
            {"tool_call", call.name},
            {"arguments", call.arguments},
            {"control_plane", endpoint_sources()}}}};
}

// eval-protocol's control_plane_step from reward-kit's metadata of the same
// message; `step` from 0.
json control_plane_step(const json& messages, std::size_t tool_index, const json& metadata,
                        int step) {
  const json* info = member(metadata, "info");
  AnsweredCall call = call_answered(messages, tool_index);
  if (const json* name = info ? member(*info, "tool_call") : nullptr; name && name->is_string())
    call.name = name->get<std::string>();
  if (const json* arguments = info ? member(*info, "arguments") : nullptr)
    call.arguments = *arguments;
  const json* sources = info ? member(*info, "control_plane") : nullptr;
  return {{"step", step},
          {"reward", metadata.value("reward", json(0.0))},
          {"terminated", flag(metadata, "terminated")},
          {"info", sources ? *sources : json::object()},
          {"tool_calls", json::array({call.name + "(" + python_repr(call.arguments) + ")"})},
          {"num_tool_calls", 1}};
}

// mcpgym -> reward-kit or eval-protocol, message by message.
json messages_from_mcpgym(const json& messages, RecordingFormat to) {
  json out = messages;
  int rank = 0;  // a step the control plane did not record: each tool call is one
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!is_tool_message(out[i])) continue;
    const json control = record_detail::control_plane_of(messages[i], RecordingFormat::kMcpgym);
    out[i]["metadata"] = reward_kit_metadata(messages, i);
    if (to == RecordingFormat::kEvalProtocol) {
      const json* step = member(control, "step");
      const int from_zero = step && step->is_number_integer() ? step->get<int>() - 1 : rank;
      out[i]["control_plane_step"] = control_plane_step(out, i, out[i]["metadata"], from_zero);
    }
    ++rank;
  }
  return out;
}

// reward-kit or eval-protocol -> mcpgym.
json messages_to_mcpgym(const json& messages, RecordingFormat from) {
  json out = messages;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!out[i].is_object()) continue;
    if (is_tool_message(out[i])) {
      out[i]["metadata"] = {{"control_plane", record_detail::control_plane_of(messages[i], from)}};
    }
    out[i].erase("control_plane_step");
  }
  return out;
}

// reward-kit <-> eval-protocol: control_plane_step added (numbered by the
// tool message's rank, each tool call a step as eval-protocol counts) or removed.
json messages_between_playback_formats(const json& messages, RecordingFormat to) {
  json out = messages;
  int rank = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!out[i].is_object()) continue;
    if (to == RecordingFormat::kRewardKit) {
      out[i].erase("control_plane_step");
    } else if (is_tool_message(out[i])) {
      const json* metadata = member(out[i], "metadata");
      out[i]["control_plane_step"] =
          control_plane_step(out, i, metadata ? *metadata : json::object(), rank++);
    }
  }
  return out;
}

}  // namespace

namespace record_detail {

bool is_tool_message(const json& message) {
  const json* role = member(message, "role");
  return role != nullptr && *role == "tool";
}

std::optional<RecordingFormat> format_shown_by(const json& line) {
  if (member(line, "seed") != nullptr) return RecordingFormat::kMcpgym;
  const json* messages = member(line, "messages");
  if (messages == nullptr || !messages->is_array()) return std::nullopt;
  std::optional<RecordingFormat> shown;
  for (const auto& message : *messages) {
    if (member(message, "control_plane_step") != nullptr) return RecordingFormat::kEvalProtocol;
    const json* metadata = is_tool_message(message) ? member(message, "metadata") : nullptr;
    if (metadata == nullptr || !metadata->is_object()) continue;
    if (member(*metadata, "control_plane") != nullptr) {
      shown = RecordingFormat::kMcpgym;
    } else if (!shown && (member(*metadata, "reward") || member(*metadata, "terminated") ||
                          member(*metadata, "info"))) {
      shown = RecordingFormat::kRewardKit;
    }
  }
  return shown;
}

json control_plane_of(const json& tool_message, RecordingFormat format) {
  json out = json::object();
  const json* metadata = member(tool_message, "metadata");
  if (format == RecordingFormat::kMcpgym) {
    const json* control = metadata ? member(*metadata, "control_plane") : nullptr;
    if (control == nullptr || !control->is_object()) return out;
    for (const auto& name : control_plane_fields(format)) {
      if (const json* value = member(*control, name.c_str())) out[name] = *value;
    }
    return out;
  }
  // reward-kit's add_tool_response leaves metadata out when reward is 0.0, not
  // terminated and info is empty: those are then the values.
  out["reward"] = metadata && member(*metadata, "reward") ? (*metadata)["reward"] : json(0.0);
  out["terminated"] =
      metadata && member(*metadata, "terminated") ? (*metadata)["terminated"] : json(false);
  if (format == RecordingFormat::kEvalProtocol) {
    const json* step_record = member(tool_message, "control_plane_step");
    const json* step = step_record ? member(*step_record, "step") : nullptr;
    if (step != nullptr && step->is_number_integer()) out["step"] = step->get<std::int64_t>() + 1;
  }
  return out;
}

const std::vector<std::string>& control_plane_fields(RecordingFormat format) {
  static const std::vector<std::string> mcpgym = {"reward", "terminated", "truncated", "step",
                                                  "total_reward"};
  static const std::vector<std::string> reward_kit = {"reward", "terminated"};
  static const std::vector<std::string> eval_protocol = {"reward", "terminated", "step"};
  switch (format) {
    case RecordingFormat::kRewardKit:
      return reward_kit;
    case RecordingFormat::kEvalProtocol:
      return eval_protocol;
    default:
      return mcpgym;
  }
}

std::vector<std::string> fields_absent(RecordingFormat has, RecordingFormat lacks) {
  // Each field and the formats that record it: mcpgym, reward-kit, eval-protocol.
  struct Field {
    const char* name;
    std::array<bool, 3> in;
  };
  static constexpr Field kFields[] = {
      {"seed", {true, false, false}},
      {"truncated", {true, false, false}},
      {"total_reward", {true, false, false}},
      {"step", {true, false, true}},
      {"info", {false, true, true}},
      {"tool_calls", {false, false, true}},
      {"num_tool_calls", {false, false, true}},
      {"termination_reason", {false, false, true}},
  };
  std::vector<std::string> out;
  for (const Field& field : kFields) {
    if (field.in[static_cast<int>(has)] && !field.in[static_cast<int>(lacks)]) {
      out.emplace_back(field.name);
    }
  }
  return out;
}

}  // namespace record_detail

std::string format_name(RecordingFormat format) {
  return format_names()[static_cast<std::size_t>(format)];
}

const std::vector<std::string>& format_names() {
  static const std::vector<std::string> names = {"mcpgym", "reward-kit", "eval-protocol"};
  return names;
}

std::optional<RecordingFormat> format_named(std::string_view name) {
  const auto& names = format_names();
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) return std::nullopt;
  return static_cast<RecordingFormat>(it - names.begin());
}

int moves_of(int step, RecordingFormat format) {
  return format == RecordingFormat::kMcpgym ? step : step + 1;
}

RecordedStep convert(const RecordedStep& step, RecordingFormat to) {
  if (step.format == to) return step;
  RecordedStep out = step;
  out.format = to;
  const bool from_mcpgym = step.format == RecordingFormat::kMcpgym;
  const bool to_mcpgym = to == RecordingFormat::kMcpgym;
  out.step = to_mcpgym ? step.step + 1 : from_mcpgym ? step.step - 1 : step.step;
  if (!to_mcpgym) out.seed.reset();
  if (!step.messages.is_array()) return out;
  if (from_mcpgym) {
    out.messages = messages_from_mcpgym(step.messages, to);
  } else if (to_mcpgym) {
    out.messages = messages_to_mcpgym(step.messages, step.format);
  } else {
    out.messages = messages_between_playback_formats(step.messages, to);
  }
  return out;
}

}  // namespace mcpgym::harness
