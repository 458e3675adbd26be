// normalize_messages, compare_recordings and Divergence::describe.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <numeric>

#include "harness/record/excerpt.hpp"
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

bool same_scalar(const json& a, const json& b) {
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

struct Difference {
  std::string pointer;
  const json* expected = nullptr;  // nullptr: absent
  const json* actual = nullptr;
};

// The first difference in document order, depth first.
std::optional<Difference> first_difference(const json& e, const json& a, const std::string& at) {
  if (e.is_array() && a.is_array()) {
    const std::size_t common = std::min(e.size(), a.size());
    for (std::size_t i = 0; i < common; ++i) {
      if (auto d = first_difference(e[i], a[i], at + "/" + std::to_string(i))) return d;
    }
    if (e.size() == a.size()) return std::nullopt;
    const std::string pointer = at + "/" + std::to_string(common);
    return e.size() > common ? Difference{pointer, &e[common], nullptr}
                             : Difference{pointer, nullptr, &a[common]};
  }
  if (e.is_object() && a.is_object()) {
    auto ei = e.begin();
    auto ai = a.begin();
    while (ei != e.end() || ai != a.end()) {
      if (ai == a.end() || (ei != e.end() && ei.key() < ai.key())) {
        return Difference{at + "/" + pointer_token(ei.key()), &ei.value(), nullptr};
      }
      if (ei == e.end() || ai.key() < ei.key()) {
        return Difference{at + "/" + pointer_token(ai.key()), nullptr, &ai.value()};
      }
      if (auto d = first_difference(ei.value(), ai.value(), at + "/" + pointer_token(ei.key()))) {
        return d;
      }
      ++ei;
      ++ai;
    }
    return std::nullopt;
  }
  if (e.is_structured() || a.is_structured() || !same_scalar(e, a)) {
    return Difference{at, &e, &a};
  }
  return std::nullopt;
}

std::string show(const json* value) {
  return value == nullptr ? "(absent)" : record_detail::excerpt(*value);
}

std::optional<Divergence> compare_lines(const RecordedStep& e, const RecordedStep& a) {
  Divergence d{e.env_index, e.step, "", "", ""};
  if (e.seed != a.seed) {
    d.field = "/seed";
    d.expected = e.seed ? std::to_string(*e.seed) : "(absent)";
    d.actual = a.seed ? std::to_string(*a.seed) : "(absent)";
    return d;
  }
  const json expected = normalize_messages(e.messages);
  const json actual = normalize_messages(a.messages);
  const auto difference = first_difference(expected, actual, "/messages");
  if (!difference) return std::nullopt;
  d.field = difference->pointer;
  if (difference->expected != nullptr && difference->actual != nullptr &&
      difference->expected->is_string() && difference->actual->is_string()) {
    std::tie(d.expected, d.actual) =
        record_detail::windows_of_difference(difference->expected->get_ref<const std::string&>(),
                                             difference->actual->get_ref<const std::string&>());
  } else {
    d.expected = show(difference->expected);
    d.actual = show(difference->actual);
  }
  return d;
}

// Indices of `steps` in (env_index, step) order, ties in input order.
std::vector<std::size_t> by_key(const std::vector<RecordedStep>& steps) {
  std::vector<std::size_t> order(steps.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return std::pair(steps[x].env_index, steps[x].step) <
           std::pair(steps[y].env_index, steps[y].step);
  });
  return order;
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
  const auto e_order = by_key(expected);
  const auto a_order = by_key(actual);
  std::size_t i = 0, j = 0;
  while (i < e_order.size() || j < a_order.size()) {
    const RecordedStep* e = i < e_order.size() ? &expected[e_order[i]] : nullptr;
    const RecordedStep* a = j < a_order.size() ? &actual[a_order[j]] : nullptr;
    const auto key = [](const RecordedStep* s) { return std::pair(s->env_index, s->step); };
    if (a == nullptr || (e != nullptr && key(e) < key(a))) {
      return Divergence{e->env_index, e->step, "(line)", "a line", "none"};
    }
    if (e == nullptr || key(a) < key(e)) {
      return Divergence{a->env_index, a->step, "(line)", "none", "a line"};
    }
    if (auto d = compare_lines(*e, *a)) return d;
    ++i;
    ++j;
  }
  return std::nullopt;
}

}  // namespace mcpgym::harness
