// read_recording / parse_recording: a depth-limited SAX parse of each line,
// then the checks of the line format.

#include <cerrno>
#include <limits>
#include <map>
#include <system_error>

#include "common/fd_io.hpp"
#include "harness/record/excerpt.hpp"
#include "harness/record/formats.hpp"
#include "harness/record/recording.hpp"

namespace mcpgym::harness {

namespace {

using record_detail::excerpt;

// Builds the DOM like nlohmann's own SAX DOM parser, but stops (returns
// false) as soon as arrays and objects nest deeper than kMaxRecordingDepth,
// so a hostile line is never built, let alone walked recursively.
class BoundedDomBuilder {
 public:
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;

  json root;
  bool too_deep = false;
  bool syntax_error = false;
  std::size_t error_position = 0;

  bool null() { return add(nullptr); }
  bool boolean(bool value) { return add(value); }
  bool number_integer(number_integer_t value) { return add(value); }
  bool number_unsigned(number_unsigned_t value) { return add(value); }
  bool number_float(number_float_t value, const string_t&) { return add(value); }
  bool string(string_t& value) { return add(std::move(value)); }
  bool binary(binary_t& value) { return add(json::binary(std::move(value))); }
  bool start_object(std::size_t) { return open(json::value_t::object); }
  bool start_array(std::size_t) { return open(json::value_t::array); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(string_t& name) {
    member_ = &(*stack_.back())[name];
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) {
    syntax_error = true;
    error_position = position;
    return false;
  }

 private:
  template <class Value>
  json* place(Value&& value) {
    if (stack_.empty()) {
      root = json(std::forward<Value>(value));
      return &root;
    }
    json* top = stack_.back();
    if (top->is_array()) {
      auto& array = top->get_ref<json::array_t&>();
      array.emplace_back(std::forward<Value>(value));
      return &array.back();
    }
    *member_ = json(std::forward<Value>(value));
    return member_;
  }
  template <class Value>
  bool add(Value&& value) {
    place(std::forward<Value>(value));
    return true;
  }
  bool open(json::value_t type) {
    if (static_cast<int>(stack_.size()) + 1 > kMaxRecordingDepth) {
      too_deep = true;
      return false;
    }
    // A pointer into an array stays valid: nothing is appended to that array
    // until this value is closed.
    stack_.push_back(place(type));
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }

  std::vector<json*> stack_;
  json* member_ = nullptr;
};

// An integer from 0 to `max`, or nullopt (floats such as 1.0 do not count).
std::optional<std::uint64_t> whole_number(const json& value, std::uint64_t max) {
  if (value.is_number_unsigned()) {
    const auto n = value.get<std::uint64_t>();
    if (n <= max) return n;
  } else if (value.is_number_integer()) {
    const auto n = value.get<std::int64_t>();
    if (n >= 0 && static_cast<std::uint64_t>(n) <= max) return static_cast<std::uint64_t>(n);
  }
  return std::nullopt;
}

bool blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

Expected<std::vector<RecordedStep>, std::string> parse_recording(std::string_view text,
                                                                 const std::string& source) {
  std::vector<RecordedStep> steps;
  std::map<std::pair<int, int>, std::size_t> first_line;         // (env_index, step) -> line number
  std::optional<std::pair<RecordingFormat, std::size_t>> shown;  // the format, the line showing it
  std::size_t number = 0;
  constexpr auto kIntMax = static_cast<std::uint64_t>(std::numeric_limits<int>::max());
  while (!text.empty()) {
    ++number;
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (blank(line)) continue;
    if (line.back() == '\r') line.remove_suffix(1);

    const std::string where = source + ":" + std::to_string(number) + ": ";
    const auto bad = [&](const std::string& reason) {
      return unexpected("[mcpgym.record.bad_line] " + where + reason);
    };
    BoundedDomBuilder builder;
    const bool parsed = json::sax_parse(line, &builder);  // bounded-json-ok: depth-limited builder
    if (builder.too_deep) {
      return bad("nested deeper than " + std::to_string(kMaxRecordingDepth) + " levels");
    }
    if (!parsed) {
      const std::size_t at = builder.error_position > 0 ? builder.error_position - 1 : 0;
      return unexpected("[mcpgym.record.parse_error] " + where +
                        "not JSON: " + record_detail::window(line, at));
    }
    const json& value = builder.root;
    if (!value.is_object()) return bad("not a JSON object: " + excerpt(value));

    RecordedStep step;
    const auto index_field = [&](const char* name) -> Expected<int, std::string> {
      const auto it = value.find(name);
      if (it == value.end()) return bad(std::string(name) + " is missing");
      const auto n = whole_number(*it, kIntMax);
      if (!n) {
        return bad(std::string(name) + " must be an integer from 0 to " + std::to_string(kIntMax) +
                   "; got " + excerpt(*it));
      }
      return static_cast<int>(*n);
    };
    auto env_index = index_field("env_index");
    if (!env_index) return unexpected(std::move(env_index).error());
    step.env_index = *env_index;
    if (const auto it = value.find("seed"); it != value.end()) {
      const auto seed = whole_number(*it, std::numeric_limits<std::uint64_t>::max());
      if (!seed) {
        return bad("seed must be absent or an integer from 0 to " +
                   std::to_string(std::numeric_limits<std::uint64_t>::max()) + "; got " +
                   excerpt(*it));
      }
      step.seed = *seed;
    }
    auto step_index = index_field("step");
    if (!step_index) return unexpected(std::move(step_index).error());
    step.step = *step_index;
    const auto messages = value.find("messages");
    if (messages == value.end()) return bad("messages is missing");
    if (!messages->is_array()) return bad("messages must be an array; got " + excerpt(*messages));
    if (const auto format = record_detail::format_shown_by(value)) {
      if (shown && shown->first != *format) {
        return unexpected("[mcpgym.record.mixed_formats] " + where + "a line in " +
                          format_name(*format) + ", but line " + std::to_string(shown->second) +
                          " is in " + format_name(shown->first) +
                          "; write one format per file (mcpgym-record --convert converts)");
      }
      if (!shown) shown.emplace(*format, number);
    }
    step.messages = std::move(builder.root["messages"]);

    const auto [previous, inserted] =
        first_line.emplace(std::pair{step.env_index, step.step}, number);
    if (!inserted) {
      return bad("a second line for env " + std::to_string(step.env_index) + ", step " +
                 std::to_string(step.step) + " (the first is line " +
                 std::to_string(previous->second) + ")");
    }
    steps.push_back(std::move(step));
  }
  const RecordingFormat format = shown ? shown->first : RecordingFormat::kMcpgym;
  for (auto& step : steps)
    step.format = format;
  return steps;
}

Expected<std::vector<RecordedStep>, std::string> read_recording(const std::filesystem::path& path) {
  const auto fail = [&](int error) {
    return unexpected("[mcpgym.record.io] cannot read " + path.string() + ": " +
                      std::system_category().message(error));
  };
  auto text = read_whole_file(path);
  if (!text) return fail(text.error());
  return parse_recording(*text, path.string());
}

}  // namespace mcpgym::harness
