#pragma once
// What the hostile-server tests of harness/http (RawHttpClient) and
// harness/mcp (the MCP client) share: the call's deadline and the bound on its
// overrun, the prefix their error messages name the exchange with, and the
// masking of the timing-dependent counts in a deadline message.
#include <chrono>
#include <regex>
#include <string>

namespace mcpgym::harness::testing {

using Clock = std::chrono::steady_clock;

inline constexpr std::chrono::milliseconds kDeadline{1000};
// A bound, not a timing target: the call must not run far past its deadline.
inline constexpr std::chrono::milliseconds kMargin{2000};

// "POST http://127.0.0.1:<port>/mcp: ", as an error message names the exchange.
inline std::string on(int port) {
  return "POST http://127.0.0.1:" + std::to_string(port) + "/mcp: ";
}

// Timing-dependent counts ("37 bytes in 1000 ms, the last 12 ms") become "#".
inline std::string counts_masked(const std::string& message) {
  static const std::regex kCounts(R"(\(\d+ bytes in (\d+) ms, the last \d+ ms)");
  return std::regex_replace(message, kCounts, "(# bytes in $1 ms, the last # ms");
}

// The [mcpgym.http_client.deadline] error on port `port` after counts_masked:
// kDeadline passed while bytes were still arriving.
inline std::string deadline_passed_masked(int port) {
  return "[mcpgym.http_client.deadline] " + on(port) +
         "the call's deadline of 1000 ms passed while the answer was still arriving (# bytes "
         "in 1000 ms, the last # ms before the deadline: a drip, a stall or an endless "
         "stream, not a hang); the rest was not read";
}

}  // namespace mcpgym::harness::testing
