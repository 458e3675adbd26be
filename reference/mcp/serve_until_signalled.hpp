#pragma once
// How a server program runs an HttpServer: bind, print the readiness line
// (docs/spec.md REF-001), serve until SIGTERM or SIGINT, stop within a bounded
// grace (REF-002). Shared by every server program so they stop alike.
#include <functional>

#include "reference/mcp/http_server.hpp"

namespace mcpgym::mcp {

// Returns the process exit status: 0 after a signal, 1 if it cannot listen.
// `on_stop` runs once the server no longer accepts, before the program ends
// (the proxy stops its backends there). Call before anything else starts
// threads: SIGTERM and SIGINT are blocked in threads created from here on.
int serve_until_signalled(HttpServer& server, const std::function<void()>& on_stop = {});

}  // namespace mcpgym::mcp
