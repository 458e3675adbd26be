// normalize_messages, compare_recordings and Divergence::describe.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <numeric>

#include "common/bounded_json.hpp"
#include "harness/record/excerpt.hpp"
#include "harness/record/formats.hpp"
#include "harness/record/recording.hpp"

namespace mcpgym::harness {

namespace {

bool is_hex(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}
bool is_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// A UUID-shaped run (8-4-4-4-12 hex digits) at text[i].
bool uuid_at(const std::string& text, std::size_t i) {
  static constexpr std::size_t kGroups[] = {8, 4, 4, 4, 12};
  if (i + 36 > text.size()) return false;
  if (i > 0 && is_alnum(text[i - 1])) return false;
  if (i + 36 < text.size() && is_alnum(text[i + 36])) return false;
  std::size_t at = i;
  for (std::size_t g = 0; g < 5; ++g) {
    if (g > 0 && text[at++] != '-') return false;
    for (std::size_t k = 0; k < kGroups[g]; ++k) {
      if (!is_hex(text[at++])) return false;
    }
  }
  return true;
}

void replace_uuids(std::string& text) {
  if (text.size() < 36) return;
  std::string out;
  std::size_t copied = 0;
  for (std::size_t i = 0; i + 36 <= text.size();) {
    if (uuid_at(text, i)) {
      out.append(text, copied, i - copied);
      out += "<uuid>";
      i += 36;
      copied = i;
    } else {
      ++i;
    }
  }
  if (copied == 0) return;
  out.append(text, copied, std::string::npos);
  text = std::move(out);
}

// Step 3 of the normalization, over every string value.
void replace_uuids_everywhere(json& value) {
  std::vector<json*> stack{&value};
  while (!stack.empty()) {
    json* v = stack.back();
    stack.pop_back();
    if (v->is_string()) {
      replace_uuids(v->get_ref<std::string&>());
    } else if (v->is_structured()) {
      for (auto& child : *v)
        stack.push_back(&child);
    }
  }
}

std::string canonical_name(const std::string& name) {
  std::string out = name;
  for (char& c : out)
    c = c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Step 2, inside one message's metadata.
void replace_volatile_members(json& metadata) {
  std::vector<json*> stack{&metadata};
  while (!stack.empty()) {
    json* v = stack.back();
    stack.pop_back();
    if (v->is_object()) {
      for (auto it = v->begin(); it != v->end(); ++it) {
        const std::string name = canonical_name(it.key());
        if (name == "session_id" || name == "mcp_session_id") {
          it.value() = "<session-id>";
        } else if (name == "timestamp" || name == "created" || name == "time") {
          it.value() = "<time>";
        } else {
          stack.push_back(&it.value());
        }
      }
    } else if (v->is_array()) {
      for (auto& child : *v)
        stack.push_back(&child);
    }
  }
}

// Step 1: tool-call ids, in order of appearance.
void replace_call_ids(json& messages) {
  std::map<std::string, std::string> ids;
  const auto rename = [&](json& id) {
    if (!id.is_string()) return;
    auto [it, inserted] = ids.try_emplace(id.get<std::string>());
    if (inserted) it->second = "call_" + std::to_string(ids.size());
    id = it->second;
  };
  for (auto& message : messages) {
    if (!message.is_object()) continue;
    if (auto calls = message.find("tool_calls"); calls != message.end() && calls->is_array()) {
      for (auto& call : *calls) {
        if (!call.is_object()) continue;
        if (auto id = call.find("id"); id != call.end()) rename(*id);
      }
    }
    if (auto id = message.find("tool_call_id"); id != message.end()) rename(*id);
  }
}

std::string pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

// Numbers compare by value inside JSON held by a tool text (REC-010), and
// strictly everywhere else (an integer never equals a float there).
enum class Numbers { kStrict, kByValue };

bool same_number_by_value(const json& a, const json& b) {
  const auto value = [](const json& n) -> long double {
    if (n.is_number_unsigned()) return static_cast<long double>(n.get<std::uint64_t>());
    if (n.is_number_integer()) return static_cast<long double>(n.get<std::int64_t>());
    return static_cast<long double>(n.get<double>());
  };
  return value(a) == value(b);  // long double holds every int64 and uint64 exactly
}

bool same_scalar(const json& a, const json& b, Numbers numbers) {
  if (numbers == Numbers::kByValue && a.is_number() && b.is_number()) {
    return same_number_by_value(a, b);
  }
  const bool a_int = a.is_number_integer();  // true for unsigned too
  const bool b_int = b.is_number_integer();
  if (a_int && b_int) {
    if (a.is_number_unsigned() == b.is_number_unsigned()) return a == b;
    const json& s = a.is_number_unsigned() ? b : a;  // the signed one
    const json& u = a.is_number_unsigned() ? a : b;
    return s.get<std::int64_t>() >= 0 &&
           static_cast<std::uint64_t>(s.get<std::int64_t>()) == u.get<std::uint64_t>();
  }
  if (a.type() != b.type()) return false;
  if (a.is_number_float()) {
    const double x = a.get<double>(), y = b.get<double>();
    if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
    return x == y && std::signbit(x) == std::signbit(y);
  }
  return a == b;
}

// The two values at a difference, copied: a value inside a tool text's JSON
// lives only while that text is being compared. nullopt: absent.
struct Difference {
  std::string pointer;
  std::optional<json> expected;
  std::optional<json> actual;
};

// Where in a line's messages a value sits, so that tool texts are found.
enum class Where {
  kMessages,     // the messages array
  kToolMessage,  // a message whose role is "tool" on both sides
  kToolContent,  // a tool message's content
  kContentPart,  // an element of a tool message's content array
  kToolText,     // a tool text: content itself, or a content part's "text"
  kOther,
};

Where member_where(Where parent, const std::string& key) {
  if (parent == Where::kToolMessage && key == "content") return Where::kToolContent;
  if (parent == Where::kContentPart && key == "text") return Where::kToolText;
  return Where::kOther;
}

Where element_where(Where parent, const json& e, const json& a) {
  if (parent == Where::kMessages && record_detail::is_tool_message(e) &&
      record_detail::is_tool_message(a)) {
    return Where::kToolMessage;
  }
  if (parent == Where::kToolContent) return Where::kContentPart;
  return Where::kOther;
}

std::optional<Difference> first_difference(const json& e, const json& a, const std::string& at,
                                           Where where, Numbers numbers);

// Two tool texts: as JSON values when both parse as JSON, else as text.
std::optional<Difference> text_difference(const std::string& e, const std::string& a,
                                          const std::string& at) {
  if (e == a) return std::nullopt;
  const json e_value = parse_json_or_discarded(e);
  const json a_value = parse_json_or_discarded(a);
  if (e_value.is_discarded() || a_value.is_discarded()) return Difference{at, json(e), json(a)};
  return first_difference(e_value, a_value, at + "#", Where::kOther, Numbers::kByValue);
}

// The first difference in document order, depth first.
std::optional<Difference> first_difference(const json& e, const json& a, const std::string& at,
                                           Where where, Numbers numbers) {
  if ((where == Where::kToolContent || where == Where::kToolText) && e.is_string() &&
      a.is_string()) {
    return text_difference(e.get_ref<const std::string&>(), a.get_ref<const std::string&>(), at);
  }
  if (e.is_array() && a.is_array()) {
    const std::size_t common = std::min(e.size(), a.size());
    for (std::size_t i = 0; i < common; ++i) {
      if (auto d = first_difference(e[i], a[i], at + "/" + std::to_string(i),
                                    element_where(where, e[i], a[i]), numbers)) {
        return d;
      }
    }
    if (e.size() == a.size()) return std::nullopt;
    const std::string pointer = at + "/" + std::to_string(common);
    return e.size() > common ? Difference{pointer, e[common], std::nullopt}
                             : Difference{pointer, std::nullopt, a[common]};
  }
  if (e.is_object() && a.is_object()) {
    auto ei = e.begin();
    auto ai = a.begin();
    while (ei != e.end() || ai != a.end()) {
      if (ai == a.end() || (ei != e.end() && ei.key() < ai.key())) {
        return Difference{at + "/" + pointer_token(ei.key()), ei.value(), std::nullopt};
      }
      if (ei == e.end() || ai.key() < ei.key()) {
        return Difference{at + "/" + pointer_token(ai.key()), std::nullopt, ai.value()};
      }
      if (auto d = first_difference(ei.value(), ai.value(), at + "/" + pointer_token(ei.key()),
                                    member_where(where, ei.key()), numbers)) {
        return d;
      }
      ++ei;
      ++ai;
    }
    return std::nullopt;
  }
  if (e.is_structured() || a.is_structured() || !same_scalar(e, a, numbers)) {
    return Difference{at, e, a};
  }
  return std::nullopt;
}

std::string show(const std::optional<json>& value) {
  return value ? record_detail::excerpt(*value) : "(absent)";
}

// The messages of a line as compared against another format (REC-009): each
// tool message's metadata and control_plane_step replaced by its control-plane
// values under "control_plane", only those `shared` names, with terminated
// read as terminated or truncated when truncated is not shared.
json meeting_form(const json& messages, RecordingFormat format,
                  const std::vector<std::string>& shared) {
  if (!messages.is_array()) return messages;
  const bool fold_truncated = std::find(shared.begin(), shared.end(), "truncated") == shared.end();
  json out = messages;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!out[i].is_object()) continue;
    out[i].erase("control_plane_step");
    if (!record_detail::is_tool_message(out[i])) continue;
    json control = record_detail::control_plane_of(messages[i], format);
    if (fold_truncated && control.value("truncated", json(false)) == json(true)) {
      control["terminated"] = true;
    }
    json kept = json::object();
    for (const auto& name : shared) {
      if (control.contains(name)) kept[name] = control[name];
    }
    out[i].erase("metadata");
    out[i]["control_plane"] = std::move(kept);
  }
  return out;
}

// How the two sides of a comparison are read.
struct Sides {
  RecordingFormat expected = RecordingFormat::kMcpgym;
  RecordingFormat actual = RecordingFormat::kMcpgym;
  bool same() const { return expected == actual; }
  std::vector<std::string> shared_control_plane() const {
    std::vector<std::string> shared;
    for (const auto& name : record_detail::control_plane_fields(expected)) {
      const auto& other = record_detail::control_plane_fields(actual);
      if (std::find(other.begin(), other.end(), name) != other.end()) shared.push_back(name);
    }
    return shared;
  }
  // A line's key: its own number in one format, moves made across formats.
  int step_key(const RecordedStep& line) const {
    return same() ? line.step : moves_of(line.step, line.format);
  }
};

json compared_messages(const RecordedStep& line, const Sides& sides) {
  json normalized = normalize_messages(line.messages);
  if (sides.same()) return normalized;
  return meeting_form(normalized, line.format, sides.shared_control_plane());
}

std::optional<Divergence> compare_lines(const RecordedStep& e, const RecordedStep& a,
                                        const Sides& sides) {
  Divergence d{e.env_index, sides.step_key(e), "", "", ""};
  if (sides.same() && e.seed != a.seed) {
    d.field = "/seed";
    d.expected = e.seed ? std::to_string(*e.seed) : "(absent)";
    d.actual = a.seed ? std::to_string(*a.seed) : "(absent)";
    return d;
  }
  const json expected = compared_messages(e, sides);
  const json actual = compared_messages(a, sides);
  const auto difference =
      first_difference(expected, actual, "/messages", Where::kMessages, Numbers::kStrict);
  if (!difference) return std::nullopt;
  d.field = difference->pointer;
  if (difference->expected && difference->actual && difference->expected->is_string() &&
      difference->actual->is_string()) {
    std::tie(d.expected, d.actual) =
        record_detail::windows_of_difference(difference->expected->get_ref<const std::string&>(),
                                             difference->actual->get_ref<const std::string&>());
  } else {
    d.expected = show(difference->expected);
    d.actual = show(difference->actual);
  }
  return d;
}

// Indices of `steps` in (env_index, step key) order, ties in input order.
std::vector<std::size_t> by_key(const std::vector<RecordedStep>& steps, const Sides& sides) {
  std::vector<std::size_t> order(steps.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return std::pair(steps[x].env_index, sides.step_key(steps[x])) <
           std::pair(steps[y].env_index, sides.step_key(steps[y]));
  });
  return order;
}

RecordingFormat format_of(const std::vector<RecordedStep>& steps) {
  return steps.empty() ? RecordingFormat::kMcpgym : steps.front().format;
}

std::vector<std::string> not_comparable(const Sides& sides) {
  std::vector<std::string> notes;
  const auto note = [&](RecordingFormat has, RecordingFormat lacks) {
    for (const auto& field : record_detail::fields_absent(has, lacks))
      notes.push_back("not comparable: " + field + " absent in " + format_name(lacks));
  };
  note(sides.expected, sides.actual);
  note(sides.actual, sides.expected);
  return notes;
}

}  // namespace

json normalize_messages(const json& messages) {
  json out = messages;
  if (out.is_array()) {
    replace_call_ids(out);
    for (auto& message : out) {
      if (!message.is_object()) continue;
      if (auto metadata = message.find("metadata"); metadata != message.end()) {
        replace_volatile_members(*metadata);
      }
    }
  }
  replace_uuids_everywhere(out);
  return out;
}

std::string Divergence::describe() const {
  return "env " + std::to_string(env_index) + ", step " + std::to_string(step) + ": " + field +
         " differs: expected " + expected + ", got " + actual;
}

std::optional<Divergence> compare_recordings(const std::vector<RecordedStep>& expected,
                                             const std::vector<RecordedStep>& actual) {
  return compare_recordings_by_meaning(expected, actual).divergence;
}

RecordingComparison compare_recordings_by_meaning(const std::vector<RecordedStep>& expected,
                                                  const std::vector<RecordedStep>& actual) {
  const Sides sides{format_of(expected), format_of(actual)};
  RecordingComparison result{std::nullopt, not_comparable(sides)};
  const auto e_order = by_key(expected, sides);
  const auto a_order = by_key(actual, sides);
  const auto key = [&](const RecordedStep* s) {
    return std::pair(s->env_index, sides.step_key(*s));
  };
  std::size_t i = 0, j = 0;
  while (i < e_order.size() || j < a_order.size()) {
    const RecordedStep* e = i < e_order.size() ? &expected[e_order[i]] : nullptr;
    const RecordedStep* a = j < a_order.size() ? &actual[a_order[j]] : nullptr;
    if (a == nullptr || (e != nullptr && key(e) < key(a))) {
      result.divergence = Divergence{e->env_index, key(e).second, "(line)", "a line", "none"};
      return result;
    }
    if (e == nullptr || key(a) < key(e)) {
      result.divergence = Divergence{a->env_index, key(a).second, "(line)", "none", "a line"};
      return result;
    }
    if (auto d = compare_lines(*e, *a, sides)) {
      result.divergence = std::move(d);
      return result;
    }
    ++i;
    ++j;
  }
  return result;
}

}  // namespace mcpgym::harness
