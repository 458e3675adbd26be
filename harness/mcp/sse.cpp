#include "harness/mcp/sse.hpp"

namespace mcpgym::harness {

void SseParser::process_field(std::string_view line) {
  std::string_view name = line;
  std::string_view value;
  if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    name = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (name == "data") {
    if (pending_.has_data) pending_.data += '\n';
    pending_.data += value;
    pending_.has_data = true;
    pending_.has_fields = true;
  } else if (name == "event") {
    pending_.event = std::string(value);
    pending_.has_fields = true;
  } else if (name == "id") {
    // The standard ignores an id containing NUL.
    if (value.find('\0') == std::string_view::npos) {
      pending_.id = std::string(value);
      pending_.has_fields = true;
    }
  }
  // "retry" and unknown fields are ignored.
}

void SseParser::end_line(std::vector<SseEvent>& out) {
  std::string_view line = line_;
  // A leading byte order mark is skipped.
  if (first_line_ && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
  first_line_ = false;
  if (line.empty()) {
    if (pending_.has_fields) {
      SseEvent event;
      if (!pending_.event.empty()) event.event = std::move(pending_.event);
      event.data = std::move(pending_.data);
      event.id = std::move(pending_.id);
      out.push_back(std::move(event));
    }
    pending_ = Pending{};
  } else if (line.front() != ':') {
    process_field(line);
  }
  line_.clear();
}

void SseParser::feed(std::string_view bytes, std::vector<SseEvent>& out) {
  if (skip_lf_ && !bytes.empty()) {
    if (bytes.front() == '\n') bytes.remove_prefix(1);
    skip_lf_ = false;
  }
  while (!bytes.empty()) {
    const auto end = bytes.find_first_of("\r\n");
    if (end == std::string_view::npos) {  // the line goes on in the next piece
      line_.append(bytes);
      return;
    }
    line_.append(bytes.substr(0, end));
    const bool cr = bytes[end] == '\r';
    bytes.remove_prefix(end + 1);
    if (cr) {
      if (bytes.empty()) {
        skip_lf_ = true;
      } else if (bytes.front() == '\n') {
        bytes.remove_prefix(1);
      }
    }
    end_line(out);
  }
}

std::vector<SseEvent> parse_sse(std::string_view stream) {
  std::vector<SseEvent> events;
  SseParser parser;
  parser.feed(stream, events);  // an unterminated last line or event is dropped
  return events;
}

}  // namespace mcpgym::harness
