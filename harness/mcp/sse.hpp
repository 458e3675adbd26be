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

// The same parser fed as bytes arrive, in pieces of any size (a CRLF or the
// byte order mark may be split between pieces): a client can act on each
// event as soon as its blank line has come, without waiting for the stream's
// end. parse_sse(s) is one feed(s).
class SseParser {
 public:
  // Appends the events completed by `bytes` to `out`.
  void feed(std::string_view bytes, std::vector<SseEvent>& out);

 private:
  struct Pending {
    bool has_fields = false;  // a data, event or id field was seen
    bool has_data = false;
    std::string event;
    std::string data;
    std::optional<std::string> id;
  };
  void end_line(std::vector<SseEvent>& out);
  void process_field(std::string_view line);

  std::string line_;        // the current line so far
  bool skip_lf_ = false;    // the last piece ended in CR: a leading LF belongs to it
  bool first_line_ = true;  // a byte order mark may start it
  Pending pending_;
};

}  // namespace mcpgym::harness
