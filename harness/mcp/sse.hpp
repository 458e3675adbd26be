#pragma once
// Server-Sent Events, as Streamable HTTP servers send responses when they
// choose text/event-stream (the TypeScript SDK does by default).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcpgym::harness {

struct SseEvent {
  std::string event = "message";  // the "event:" field, default "message"
  std::string data;               // "data:" lines joined by "\n"
  std::optional<std::string> id;  // the "id:" field, when present
};

// Parses a complete event stream per the HTML Living Standard: LF, CR or CRLF
// line ends; "data:" lines joined with "\n"; one optional space after the
// colon removed; lines starting with ":" are comments; an event is dispatched
// at a blank line, and one whose data is empty (a priming event) is still
// returned, while a block of only comments or "retry:" returns nothing; a
// trailing event without its blank line is dropped, as a browser would at end
// of stream. A leading byte order mark is skipped; "id:" with a NUL is ignored.
std::vector<SseEvent> parse_sse(std::string_view stream);

}  // namespace mcpgym::harness
