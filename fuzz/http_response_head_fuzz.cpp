// The harness's HTTP response-head parser, body framing and chunked decoder on
// arbitrary bytes (what a hostile implementation may send): no crash, a head
// that lies within the bytes and the limits, every shorter prefix of a complete
// head still incomplete (the client parses after every read), and a chunked
// decoder that never outputs more than it consumed.
#include "fuzz/fuzz_check.hpp"
#include "harness/http/chunked_body.hpp"
#include "harness/http/response_head.hpp"

namespace {

using mcpgym::fuzz::require;
using mcpgym::harness::HeadLimits;
using mcpgym::harness::HeadParse;

void check_chunked_body(std::string_view rest) {
  mcpgym::harness::ChunkedDecoder decoder;
  std::string body;
  const std::size_t given = rest.size();
  const auto status = decoder.feed(rest, body);
  require(rest.size() <= given, "the decoder only consumes");
  require(body.size() <= given - rest.size(), "output never exceeds the input consumed");
  if (status == mcpgym::harness::ChunkedDecoder::Status::kFailed) {
    require(!decoder.fault().empty(), "a broken framing says why");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = mcpgym::fuzz::as_text(data, size);
  HeadLimits limits;
  limits.max_bytes = 4096;
  limits.max_fields = 16;
  const HeadParse parse = mcpgym::harness::parse_response_head(bytes, limits);
  if (parse.state == HeadParse::State::kFailed) {
    require(mcpgym::fuzz::starts_with(parse.fault.id, "mcpgym.http_client."),
            "a fault carries an http_client identifier");
    return 0;
  }
  if (parse.state != HeadParse::State::kComplete) return 0;
  const auto& head = parse.head;
  require(head.size > 0 && head.size <= size && head.size <= limits.max_bytes,
          "the head lies within the bytes and the limit");
  require(head.headers.size() <= limits.max_fields, "no more fields than the limit");
  require(head.status >= 100 && head.status <= 999, "a three-digit status");
  const std::size_t cut = (size * 7919) % head.size;
  const HeadParse early = mcpgym::harness::parse_response_head(bytes.substr(0, cut), limits);
  require(early.state == HeadParse::State::kIncomplete, "a prefix of a head is incomplete");
  const auto framing = mcpgym::harness::body_framing(head, "POST");
  if (framing.ok && framing.framing.kind == mcpgym::harness::BodyFraming::Kind::kChunked) {
    check_chunked_body(bytes.substr(head.size));
  }
  return 0;
}
