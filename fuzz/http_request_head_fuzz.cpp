// The reference server's HTTP request-head parser and chunked-body decoder on
// arbitrary bytes: no crash, and the properties the transport relies on when
// it calls the parser after every read: a complete head is complete from its
// own bytes on, every shorter prefix of it is still incomplete (never refused,
// never complete early), and an announced body never exceeds the limit.
#include "fuzz/fuzz_check.hpp"
#include "reference/mcp/http_request_head.hpp"
#include "reference/mcp/http_wire.hpp"

namespace {

using mcpgym::fuzz::require;
using mcpgym::mcp::HeadParse;
using mcpgym::mcp::RequestHeadLimits;

void check_chunked_body(std::string_view rest, std::size_t max_body_bytes) {
  mcpgym::mcp::ChunkedBodyDecoder decoder(max_body_bytes);
  const auto state = decoder.feed(rest);
  require(decoder.consumed() <= rest.size(), "the decoder consumes no more than it was given");
  require(decoder.body().size() <= max_body_bytes, "a chunked body stays within the limit");
  if (state == mcpgym::mcp::ChunkedBodyDecoder::State::kRejected) {
    const int status = decoder.rejection().status;
    require(status == 400 || status == 413, "a refused chunked body is 400 or 413");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = mcpgym::fuzz::as_text(data, size);
  RequestHeadLimits limits;
  limits.max_head_bytes = 4096;
  limits.max_header_count = 16;
  limits.max_body_bytes = 1024;
  const HeadParse parse = mcpgym::mcp::parse_request_head(bytes, limits);
  if (parse.state == HeadParse::State::kRejected) {
    require(parse.rejection.status >= 400 && parse.rejection.status < 600,
            "a refusal is an HTTP error status");
    require(!parse.rejection.error_id.empty(), "a refusal carries an error identifier");
    return 0;
  }
  if (parse.state != HeadParse::State::kComplete) return 0;
  const auto& head = parse.head;
  require(head.head_bytes > 0 && head.head_bytes <= size, "the head lies within the bytes");
  require(head.headers.size() <= limits.max_header_count, "no more fields than the limit");
  require(head.head_bytes <= limits.max_head_bytes, "no larger head than the limit");
  if (head.framing == mcpgym::mcp::BodyFraming::kLength) {
    require(head.content_length <= limits.max_body_bytes, "an announced body within the limit");
  }
  const HeadParse own = mcpgym::mcp::parse_request_head(bytes.substr(0, head.head_bytes), limits);
  require(own.state == HeadParse::State::kComplete && own.head.head_bytes == head.head_bytes,
          "a head is complete from its own bytes");
  const std::size_t cut = (size * 7919) % head.head_bytes;
  const HeadParse early = mcpgym::mcp::parse_request_head(bytes.substr(0, cut), limits);
  require(early.state == HeadParse::State::kIncomplete, "a prefix of a head is incomplete");
  if (head.framing == mcpgym::mcp::BodyFraming::kChunked) {
    check_chunked_body(bytes.substr(head.head_bytes), limits.max_body_bytes);
  }
  return 0;
}
