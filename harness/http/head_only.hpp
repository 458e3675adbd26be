#pragma once
// An HTTP request that reads only the answer's head (and a short,
// Content-Length-bounded body): for a GET that a server may answer with a
// stream it holds open, where RawHttpClient would wait for the whole body.
#include <chrono>
#include <string>

#include "common/expected.hpp"
#include "harness/http/raw_http.hpp"

namespace mcpgym::harness {

// One HTTP request over a fresh socket that does not wait for a streamed body:
// it returns once the head has come and, for a body with Content-Length, that
// body (at most 64 KiB). A text/event-stream answer or a chunked one is
// returned with the body read so far: a server may hold a GET stream open.
// Errors start with "<method> <path>: " and say what went wrong (cannot
// resolve, cannot connect, could not send, a malformed status line, no complete
// head within the timeout).
Expected<HttpExchange, std::string> send_head_only(const std::string& host, int port,
                                                   HttpRequest request,
                                                   std::chrono::milliseconds timeout);

}  // namespace mcpgym::harness
