#pragma once
// Shared verifiers: the judgements many checks make ("HTTP 202 with no body",
// "JSON-RPC error -32602", "HTTP 400 carrying error -32600"), each returning
// an Outcome whose expected/actual say what was wanted and what came, so a
// check file holds only its checks (as h2spec's do). Also the small pieces
// those checks share to get there: a harness-client session that ends itself,
// a paged list, a JSON excerpt.
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "conformance/core/check.hpp"
#include "conformance/core/context.hpp"
#include "harness/http/raw_http.hpp"
#include "harness/mcp/client.hpp"

namespace mcpgym::conformance::verify {

using json = nlohmann::json;

// `value` as JSON text cut to about `max` bytes, for expected/actual.
std::string show(const json& value, std::size_t max = 200);

// --- HTTP answers -----------------------------------------------------------

// HTTP `status` (any body); `expected` says what was wanted and why.
Outcome expect_status(const harness::HttpExchange& x, int status, const std::string& expected);
// The same for an exchange that may have failed on the wire (broken, saying how).
Outcome expect_status(const Expected<harness::HttpExchange, std::string>& x, int status,
                      const std::string& expected);
// "HTTP 202 with no body for <what>": the answer a POST of notifications alone gets.
Outcome expect_accepted(const harness::HttpExchange& x, const std::string& what);
// HTTP `status` whose body is a JSON-RPC error with `code`.
Outcome expect_http_rpc_error(const harness::HttpExchange& x, int status, int code,
                              const std::string& expected);

// --- JSON-RPC answers -------------------------------------------------------

// A harness-client call (`sent` says which) that must fail with JSON-RPC error
// `code`. Notes the answer in `ctx`. Held means r.error().rpc_error is set.
Outcome expect_rpc_error(Context& ctx, const std::string& sent, const harness::Result<json>& r,
                         int code);
// A JSON-RPC message (nullopt: none came) that must be error `code` carrying `id`.
Outcome expect_error_message(const std::optional<json>& m, int code, const json& id,
                             const std::string& what);

// --- JSON in answers --------------------------------------------------------

// The `result` of the JSON-RPC answer in `x` (HTTP 200, JSON or SSE), or why there is none.
Expected<json, std::string> rpc_result(const harness::HttpExchange& x);
// The JSON object in the text of the first element of `holder[key]` (tool
// results: "content"; resources/read: "contents"), parsed with its bounds, or why not.
Expected<json, std::string> first_text_json(const json& holder, const char* key);
// `j[key]` when `j` is an object whose `key` is an integer.
std::optional<int> int_field(const json& j, const char* key);

// --- a session of the harness client ----------------------------------------

// A session from the harness client, ended (DELETE / end of stdin) when it goes
// out of scope: a proxy runs one backend per session and may have a small --max-envs.
class ClientSession {
 public:
  explicit ClientSession(std::unique_ptr<harness::McpClient> client) : client_(std::move(client)) {}
  ClientSession(ClientSession&&) = default;
  ~ClientSession();
  harness::McpClient* operator->() { return client_.get(); }
  harness::McpClient& get() { return *client_; }

 private:
  std::unique_ptr<harness::McpClient> client_;
};
// An initialized session of the harness client (ctx.session), or why not.
Expected<ClientSession, std::string> open_client_session(Context& ctx);

// A list method's items (`key`: "tools", "resources"), following nextCursor for a few pages.
Expected<json, std::string> list_all(Context& ctx, harness::McpClient& client,
                                     const std::string& method, const std::string& key);
// The items of a list method in a fresh session of the harness client (ended
// again), or the Outcome that ends the check there: could not run without a
// session, broken (`expected`) when the list fails.
Expected<json, Outcome> list_in_new_session(Context& ctx, const std::string& method,
                                            const std::string& key, const std::string& expected);
// The first object of `items` whose `key` equals `value`, or nullptr.
const json* find_by(const json& items, const std::string& key, const std::string& value);

}  // namespace mcpgym::conformance::verify
