// The harness's Server-Sent Events parser on arbitrary streams: no crash,
// events that only the stream's own bytes could make, and the property that
// streaming relies on: the events of a prefix of a stream are a prefix of the
// events of the whole stream (bytes arriving later never change or remove an
// event already dispatched).
#include "fuzz/fuzz_check.hpp"
#include "harness/mcp/sse.hpp"

namespace {

using mcpgym::fuzz::require;
using mcpgym::harness::SseEvent;

bool same(const SseEvent& a, const SseEvent& b) {
  return a.event == b.event && a.data == b.data && a.id == b.id;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view stream = mcpgym::fuzz::as_text(data, size);
  const auto events = mcpgym::harness::parse_sse(stream);
  std::size_t data_bytes = 0;
  for (const auto& event : events) {
    require(event.data.find('\r') == std::string::npos, "data holds no CR (a line end)");
    require(event.event.find_first_of("\r\n") == std::string::npos, "event name is one line");
    require(!event.event.empty(), "event name defaults to message");
    data_bytes += event.data.size();
  }
  require(data_bytes <= stream.size(), "events hold no more data than the stream");

  // The split point comes from the stream's length, so every prefix length is reached.
  const std::size_t cut = size == 0 ? 0 : (size * 7919) % (size + 1);
  const auto early = mcpgym::harness::parse_sse(stream.substr(0, cut));
  require(early.size() <= events.size(), "a prefix has no more events than the stream");
  for (std::size_t i = 0; i < early.size(); ++i) {
    require(same(early[i], events[i]), "a prefix's events are the stream's first events");
  }
  return 0;
}
