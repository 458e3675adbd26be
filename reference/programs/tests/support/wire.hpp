#pragma once
// Over-the-wire helpers for the backend's tests: JSON-RPC messages, exchanges
// through harness::RawHttpClient, and assertions on whole responses. Helpers
// that return a value throw WireFailure (a std::runtime_error naming what was
// sent and what came back) when the exchange is not what they need; GoogleTest
// reports the exception as the test's failure.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "harness/http/raw_http.hpp"

namespace mcpgym::wiretest {

using json = nlohmann::json;
using harness::HeaderList;
using harness::HttpExchange;
using harness::HttpRequest;
using harness::RawHttpClient;

inline constexpr std::chrono::milliseconds kIoTimeout{10'000};
inline constexpr std::string_view kLatestVersion = "2025-11-25";
inline const std::vector<std::string> kSupportedVersions = {"2025-03-26", "2025-06-18",
                                                            "2025-11-25"};
// gymnasium's fixed 4x4 map; DOWN DOWN RIGHT RIGHT DOWN RIGHT walks 0 4 8 9 10 14 15 (the goal).
inline const std::vector<std::string> kClassicMap = {"SFFF", "FHFH", "FFFH", "HFFG"};

struct WireFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// ---- JSON-RPC messages -------------------------------------------------------------------

json rpc_request(const json& id, std::string_view method);
json rpc_request(const json& id, std::string_view method, const json& params);
json rpc_notification(std::string_view method);
// The reward-kit convention: clientInfo._extra = extra (omitted when null).
json initialize_params(std::string_view version = kLatestVersion, const json& extra = nullptr);
json initialize_request(const json& id, std::string_view version = kLatestVersion,
                        const json& extra = nullptr);
// {"seed": seed, "config": config}
json seeded_extra(std::uint64_t seed, const json& config = json::object());
// config.desc = kClassicMap, is_slippery as given, max_episode_steps when set.
json classic_config(bool is_slippery = false, std::optional<int> max_episode_steps = std::nullopt);
// The body of a JSON-RPC error response.
json error_body(const json& id, int code, std::string_view message, const json& data = nullptr);

// ---- HTTP exchanges -------------------------------------------------------------------------

// Headers of a well-behaved MCP POST, with the session header when given.
HeaderList post_headers(const std::optional<std::string>& session = std::nullopt);
HttpExchange send(RawHttpClient& client, HttpRequest request);
HttpExchange post_text(RawHttpClient& client, std::string body, HeaderList headers);
HttpExchange post_json(RawHttpClient& client, const json& body,
                       const std::optional<std::string>& session = std::nullopt,
                       const HeaderList& extra_headers = {});
HttpExchange get(RawHttpClient& client, std::string path, HeaderList headers = {});
HttpExchange delete_session(RawHttpClient& client, const std::optional<std::string>& session,
                            const HeaderList& extra_headers = {});
// GET /control/<name> for a session.
HttpExchange get_control(RawHttpClient& client, std::string_view name,
                         const std::optional<std::string>& session);
json parse_body(const HttpExchange& exchange);
std::string describe(const HttpExchange& exchange);

// ---- assertions -----------------------------------------------------------------------------

// Status, Content-Type application/json, and a body equal to `expected` as JSON.
testing::AssertionResult IsJsonReply(const HttpExchange& exchange, int status,
                                     const json& expected);
// An HTTP-015 rejection: `status` and exactly error_body(id, code, message).
testing::AssertionResult IsRejection(const HttpExchange& exchange, int status, int code,
                                     std::string_view message, const json& id = nullptr);
// HTTP-007: 202 with an empty body.
testing::AssertionResult IsAccepted202(const HttpExchange& exchange);

// ---- MCP conveniences -----------------------------------------------------------------------

struct OpenedSession {
  std::string id;
  json result;  // the initialize result
};
// initialize (+ notifications/initialized); throws unless it succeeds with a session header.
OpenedSession open_session(RawHttpClient& client, const json& init_params = initialize_params());
std::string open(RawHttpClient& client, const json& extra = nullptr,
                 std::string_view version = kLatestVersion);

// A request in a session that must answer HTTP 200 with a JSON-RPC response; returns the body.
json call(RawHttpClient& client, const std::string& session, std::string_view method,
          const json& params = json::object());
// The same, returning "result" and throwing on an error response.
json call_result(RawHttpClient& client, const std::string& session, std::string_view method,
                 const json& params = json::object());
// tools/call lake_move; returns the tool result.
json lake_move(RawHttpClient& client, const std::string& session, std::string_view action);
// resources/read; returns the parsed payload of contents[0].text.
json read_payload(RawHttpClient& client, const std::string& session, std::string_view uri);
// GET /control/<name>; must be 200 application/json; returns the parsed body.
json control_payload(RawHttpClient& client, const std::string& session, std::string_view name);

}  // namespace mcpgym::wiretest
