// fixtures/servers/ts-frozenlake (the TypeScript SDK v1 example) in its eval-protocol mode,
// `--convention eval-protocol` (docs/spec.md "Conventions", EVP-001..EVP-009): driven with raw
// HTTP as eval-protocol's client drives a server (initialize at /mcp/ with
// clientInfo._extra.session_id, GET /control/* and POST /control/reset_session keyed by it),
// and judged by the suite under the same convention. Skipped with a message where Node.js or
// npm is missing.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/bounded_json.hpp"
#include "common/protocol.hpp"
#include "common/testing/temp_dir.hpp"
#include "harness/http/raw_http.hpp"
#include "harness/process/supervisor.hpp"
#include "harness/process/tests/node_fixture.hpp"

namespace mcpgym::harness {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using mcpgym::test_support::TempDir;
using namespace std::chrono_literals;

const std::string kClassicStart = "PFFF\nFHFH\nFFFH\nHFFG";

// JSON text from the server, parsed; a JSON string saying so when it is not JSON.
json parsed(const std::string& text) {
  auto value = parse_json(text);
  return value ? value.value() : json("not JSON: " + text);
}

// The JSON-RPC message of an answer: the body itself, or the data of its SSE `message`
// event (the SDK v1 transport answers POSTs with SSE).
json message_of(const HttpExchange& exchange) {
  const auto data = exchange.body.find("data: ");
  if (data == std::string::npos) return parsed(exchange.body);
  const auto end = exchange.body.find('\n', data);
  return parsed(exchange.body.substr(data + 6, end - data - 6));
}

// One client of the server as eval-protocol's client is: an MCP session opened at /mcp/ with
// its key, the control plane read by that key.
class EvalProtocolClient {
 public:
  EvalProtocolClient(int port, std::optional<std::string> key)
      : http_("127.0.0.1", port, 10s), key_(std::move(key)) {}

  // initialize with clientInfo._extra = {session_id?, seed, config}; the JSON-RPC answer.
  json initialize(const json& seed, const json& config) {
    json extra = {{"seed", seed}, {"config", config}};
    if (key_) extra["session_id"] = *key_;
    const json request = {
        {"jsonrpc", "2.0"},
        {"id", 1},
        {"method", "initialize"},
        {"params",
         {{"protocolVersion", "2025-06-18"},
          {"capabilities", json::object()},
          {"clientInfo", {{"name", "reward-kit"}, {"version", "1.0.0"}, {"_extra", extra}}}}}};
    auto answer = post_mcp(request, std::nullopt);
    if (!answer) return answer.error();
    session_ = answer->header("Mcp-Session-Id");
    return message_of(*answer);
  }

  json move(const std::string& action) {
    const json request = {{"jsonrpc", "2.0"},
                          {"id", 2},
                          {"method", "tools/call"},
                          {"params", {{"name", "lake_move"}, {"arguments", {{"action", action}}}}}};
    auto answer = post_mcp(request, session_);
    return answer ? message_of(*answer) : json(answer.error());
  }

  // GET /control/<name> (or POST, for reset_session) with the key in mcp-session-id.
  Expected<HttpExchange, std::string> control(const std::string& method, const std::string& name,
                                              const std::string& body = {}) {
    HeaderList headers;
    if (key_) headers.emplace_back("mcp-session-id", *key_);
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return http_.send(
        {.method = method, .path = "/control/" + name, .headers = headers, .body = body});
  }

  // The payload of GET /control/<name>, or a JSON string saying what came instead.
  json read(const std::string& name) {
    auto answer = control("GET", name);
    if (!answer) return answer.error();
    if (answer->status != 200)
      return "HTTP " + std::to_string(answer->status) + ": " + answer->body;
    return parsed(answer->body);
  }

 private:
  Expected<HttpExchange, std::string> post_mcp(const json& request,
                                               const std::optional<std::string>& session) {
    auto headers = mcp_post_headers(
        session, session ? std::optional<std::string>("2025-06-18") : std::nullopt);
    return http_.send(
        {.method = "POST", .path = "/mcp/", .headers = headers, .body = request.dump()});
  }

  RawHttpClient http_;
  std::optional<std::string> key_;
  std::optional<std::string> session_;
};

// A dataset row's environment context, as eval-protocol's examples carry it.
const json kRowConfig = {{"game", "FrozenLake"}, {"map_name", "4x4"}, {"seed", 42}};

class TsFrozenLakeEvalProtocol : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!node_fixture::node_and_npm_installed()) return;
    dir_ = new TempDir;
    auto app = node_fixture::install("ts-frozenlake", dir_->path(), dir_->path() / "logs");
    if (app) {
      app_ = *app;
    } else {
      install_error_ = app.error();
    }
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    if (!node_fixture::node_and_npm_installed()) GTEST_SKIP() << node_fixture::kSkipMessage;
    ASSERT_TRUE(install_error_.empty()) << install_error_;
    auto server = node_fixture::start(app_, dir_->path() / "logs", "--convention eval-protocol");
    ASSERT_TRUE(server) << server.error();
    server_ = std::move(*server);
  }

  void TearDown() override {
    if (server_) {
      EXPECT_EQ(server_->stop(), (ExitStatus{false, 0}));
    }
  }

  EvalProtocolClient client(std::optional<std::string> key) {
    return EvalProtocolClient(*server_->port(), std::move(key));
  }

  static TempDir* dir_;
  static fs::path app_;
  static std::string install_error_;
  std::unique_ptr<Process> server_;
};

TempDir* TsFrozenLakeEvalProtocol::dir_ = nullptr;
fs::path TsFrozenLakeEvalProtocol::app_;
std::string TsFrozenLakeEvalProtocol::install_error_;

TEST_F(TsFrozenLakeEvalProtocol, ClientKeyedEpisodeThroughControlRoutes_EVP001_EVP003_EVP005) {
  auto row = client("a0f3c1d2e4b5a6978877665544332211");
  const json opened = row.initialize(42, kRowConfig);
  EXPECT_EQ(opened["result"]["serverInfo"], (json{{"name", "ts-frozenlake"}, {"version", "0.1.0"}}))
      << opened;
  EXPECT_EQ(row.move("RIGHT")["result"]["structuredContent"],
            (json{{"position", 1}, {"grid", "SPFF\nFHFH\nFFFH\nHFFG"}, {"action", "RIGHT"}}));
  EXPECT_EQ(row.read("reward"), (json{{"reward", 0}, {"step_count", 1}}));
  EXPECT_EQ(
      row.read("status"),
      (json{{"terminated", false}, {"truncated", false}, {"step_count", 1}, {"total_reward", 0}}));
  EXPECT_EQ(row.read("info"), (json{{"prob", 1}}));
  EXPECT_EQ(row.read("initial_state"),
            (json{{"position", 0}, {"grid", kClassicStart}, {"seed", 42}}));
}

TEST_F(TsFrozenLakeEvalProtocol, ResetSessionStartsANewEpisodeOnItsSeed_EVP006) {
  auto row = client("row-7");
  row.initialize(7, json::object());
  row.move("DOWN");
  const auto reset = row.control("POST", "reset_session", R"({"seed": 0})");
  ASSERT_TRUE(reset) << reset.error();
  EXPECT_EQ(reset->status, 200);
  EXPECT_EQ(parsed(reset->body), (json{{"message", "Session reset successfully"}}));
  EXPECT_EQ(
      row.read("status"),
      (json{{"terminated", false}, {"truncated", false}, {"step_count", 0}, {"total_reward", 0}}));
  EXPECT_EQ(row.read("initial_state"),
            (json{{"position", 0}, {"grid", kClassicStart}, {"seed", 0}}));
}

TEST_F(TsFrozenLakeEvalProtocol, DistinctKeysNeverShareAnEnvironment_EVP002) {
  auto first = client("key-one");
  auto second = client("key-two");
  first.initialize(42, kRowConfig);
  second.initialize(42, kRowConfig);
  first.move("DOWN");
  first.move("DOWN");
  EXPECT_EQ(first.read("reward"), (json{{"reward", 0}, {"step_count", 2}}));
  EXPECT_EQ(second.read("reward"), (json{{"reward", 0}, {"step_count", 0}}));
}

TEST_F(TsFrozenLakeEvalProtocol, ControlRoutesRefuseWithErrorBodies_EVP004_EVP006) {
  auto row = client("row-1");
  row.initialize(1, json::object());
  auto expect_refusal = [](const Expected<HttpExchange, std::string>& answer, int status,
                           const std::string& error) {
    ASSERT_TRUE(answer) << answer.error();
    EXPECT_EQ(answer->status, status);
    EXPECT_EQ(parsed(answer->body), (json{{"error", error}}));
  };
  expect_refusal(client(std::nullopt).control("GET", "reward"), 400,
                 "Missing mcp-session-id header");
  expect_refusal(client("nosuch").control("GET", "initial_state"), 404, "Session nosuch not found");
  expect_refusal(row.control("GET", "score"), 404, "Not Found: no control-plane entry \"score\"");
  expect_refusal(row.control("POST", "reset_session", R"({"seed": -4})"), 400,
                 "seed must be an integer from 0 to 9007199254740991, got -4");
  expect_refusal(row.control("POST", "reset_session", "[1]"), 400,
                 "Bad Request: the body of POST /control/reset_session must be a JSON object "
                 "such as {\"seed\": 42}");
  const auto get_reset = row.control("GET", "reset_session");
  expect_refusal(get_reset, 405, "Method not allowed.");
  EXPECT_EQ(get_reset->header("Allow"), "POST");
}

TEST_F(TsFrozenLakeEvalProtocol, InitializeRefusesABadKeyOrConfig_EVP001_EVP007_EVP008) {
  EXPECT_EQ(client("two words").initialize(1, json::object())["error"],
            (json{{"code", -32602},
                  {"message",
                   "MCP error -32602: clientInfo._extra.session_id must be a string of 1 to 256 "
                   "visible ASCII characters (0x21 to 0x7E), got \"two words\""}}));
  EXPECT_EQ(client("k").initialize(1, {{"game", "Taxi"}})["error"]["message"],
            "MCP error -32602: config.game must name the game this server serves, "
            "\"FrozenLake\" (in any case), got \"Taxi\"");
  EXPECT_EQ(client("k").initialize(5, {{"seed", 6}})["error"]["message"],
            "MCP error -32602: config.seed (6) differs from clientInfo._extra.seed (5); send one "
            "seed, or the same in both");
}

// Runs the suite under --convention eval-protocol against this mode: a server written without
// this project's code passes every MUST the convention keeps.
TEST_F(TsFrozenLakeEvalProtocol, SuitePassesItsMustsUnderTheConvention) {
  const std::string server = "node " + template_word((app_ / "server.mjs").string()) +
                             " --port {port}" + " --convention eval-protocol";
  const auto suite = node_fixture::run_to_end(
      {MCPGYM_CONFORM_BIN, "--profile", "backend", "--convention", "eval-protocol", "--cmd", server,
       "--control-plane", "http", "--features", "truncation", "--timeout", "240", "--quiet",
       "--report-dir", (dir_->path() / "evp-report").string()},
      dir_->path() / "logs", "conform-evp", 300s);
  ASSERT_TRUE(suite) << suite.error();
  EXPECT_EQ(suite->status, (ExitStatus{false, 0})) << suite->out << suite->err;
}

}  // namespace
}  // namespace mcpgym::harness
