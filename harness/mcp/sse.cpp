#include "harness/mcp/sse.hpp"

namespace mcpgym::harness {

namespace {

// The event being assembled between blank lines.
struct Pending {
  bool has_fields = false;  // a data, event or id field was seen
  bool has_data = false;
  std::string event;
  std::string data;
  std::optional<std::string> id;
};

void process_field(Pending& pending, std::string_view line) {
  std::string_view name = line;
  std::string_view value;
  if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    name = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (name == "data") {
    if (pending.has_data) pending.data += '\n';
    pending.data += value;
    pending.has_data = true;
    pending.has_fields = true;
  } else if (name == "event") {
    pending.event = std::string(value);
    pending.has_fields = true;
  } else if (name == "id") {
    // The standard ignores an id containing NUL.
    if (value.find('\0') == std::string_view::npos) {
      pending.id = std::string(value);
      pending.has_fields = true;
    }
  }
  // "retry" and unknown fields are ignored.
}

}  // namespace

std::vector<SseEvent> parse_sse(std::string_view stream) {
  std::vector<SseEvent> events;
  // A leading byte order mark is skipped.
  if (stream.substr(0, 3) == "\xEF\xBB\xBF") stream.remove_prefix(3);
  Pending pending;
  std::size_t pos = 0;
  while (pos < stream.size()) {
    const auto end = stream.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) break;  // an unterminated last line: dropped
    const std::string_view line = stream.substr(pos, end - pos);
    pos = end + 1;
    if (stream[end] == '\r' && pos < stream.size() && stream[pos] == '\n') ++pos;
    if (line.empty()) {
      if (pending.has_fields) {
        SseEvent event;
        if (!pending.event.empty()) event.event = std::move(pending.event);
        event.data = std::move(pending.data);
        event.id = std::move(pending.id);
        events.push_back(std::move(event));
      }
      pending = Pending{};
    } else if (line.front() != ':') {
      process_field(pending, line);
    }
  }
  return events;
}

}  // namespace mcpgym::harness
