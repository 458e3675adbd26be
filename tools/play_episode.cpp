// mcpgym-play: plays one seeded FrozenLake episode against a running MCP-Gym
// server and prints every step: the action, the observation from the data
// plane, then reward and status from the control plane. README's main job
// until the conformance suite exists.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "harness/http/raw_http.hpp"
#include "reference/common/cli.hpp"

namespace {

using json = nlohmann::json;
using namespace mcpgym;

constexpr int kExitMisbehaved = 1;

struct Endpoint {
  std::string host;
  int port = 0;
  std::string path;
};

std::optional<Endpoint> parse_url(const std::string& url) {
  const std::string prefix = "http://";
  if (url.rfind(prefix, 0) != 0) return std::nullopt;
  const std::string rest = url.substr(prefix.size());
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  const auto colon = authority.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  auto port = cli::to_integer("url", authority.substr(colon + 1), 1, 65535);
  if (!port) return std::nullopt;
  return Endpoint{authority.substr(0, colon), static_cast<int>(*port),
                  slash == std::string::npos ? "/mcp" : rest.substr(slash)};
}

// One MCP session over raw exchanges; every failure ends the program with a
// sentence saying what was sent and what came back.
class Session {
 public:
  Session(const Endpoint& e) : endpoint_(e), client_(e.host, e.port, std::chrono::seconds(10)) {}

  json call(const std::string& method, json params) {
    harness::HttpRequest req{"POST", endpoint_.path,
                             harness::mcp_post_headers(session_id_, version_),
                             json{{"jsonrpc", "2.0"},
                                  {"id", ++next_id_},
                                  {"method", method},
                                  {"params", std::move(params)}}
                                 .dump()};
    auto exchange = client_.send(req);
    if (!exchange) fail(method + ": " + exchange.error());
    const json body = json::parse(exchange->body, nullptr, false);
    if (exchange->status != 200 || body.is_discarded() || !body.contains("result")) {
      fail(method + " answered HTTP " + std::to_string(exchange->status) + ": " +
           exchange->body.substr(0, 300));
    }
    if (method == "initialize") {
      session_id_ = exchange->header("Mcp-Session-Id");
      if (session_id_->empty()) fail("initialize answered without an Mcp-Session-Id header");
      version_ = body["result"].value("protocolVersion", "");
    }
    return body["result"];
  }

  void notify(const std::string& method) {
    harness::HttpRequest req{"POST", endpoint_.path,
                             harness::mcp_post_headers(session_id_, version_),
                             json{{"jsonrpc", "2.0"}, {"method", method}}.dump()};
    auto exchange = client_.send(req);
    if (!exchange || exchange->status != 202) fail(method + " was not accepted with 202");
  }

  json read(const std::string& uri) {
    const json result = call("resources/read", {{"uri", uri}});
    const json payload = json::parse(result["contents"][0].value("text", ""), nullptr, false);
    if (payload.is_discarded()) fail(uri + " is not JSON: " + result.dump());
    return payload;
  }

  void close() {
    if (!session_id_) return;
    (void)client_.send({"DELETE", endpoint_.path, {{"Mcp-Session-Id", *session_id_}}, ""});
  }

  [[noreturn]] static void fail(const std::string& why) {
    std::cerr << "mcpgym-play: the server misbehaved: " << why << "\n";
    std::exit(kExitMisbehaved);
  }

 private:
  Endpoint endpoint_;
  harness::RawHttpClient client_;
  std::optional<std::string> session_id_;
  std::optional<std::string> version_;
  int next_id_ = 0;
};

std::string action_for(char c) {
  switch (c) {
    case 'L':
      return "LEFT";
    case 'D':
      return "DOWN";
    case 'R':
      return "RIGHT";
    case 'U':
      return "UP";
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  cli::Parser parser("mcpgym-play", "--url URL [flags]",
                     "Plays one seeded episode against a running MCP-Gym server and prints each "
                     "step.\nExit status: 0 played, 1 the server misbehaved, 2 bad flags.");
  parser.option("url", "URL", "the server's MCP endpoint, e.g. http://127.0.0.1:8000/mcp")
      .option("seed", "N", "environment seed sent in clientInfo._extra (default 42)")
      .option("config", "JSON", "environment config sent in clientInfo._extra (default {})")
      .option("actions", "LDRU...", "actions, one letter each (default DDRRDR)");
  auto parsed = parser.parse_command_line(argc, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  const cli::Args* args = &std::get<cli::Args>(parsed);
  const auto url = args->get("url");
  const auto endpoint = url ? parse_url(*url) : std::nullopt;
  if (!endpoint) {
    std::cerr
        << "mcpgym-play: [mcpgym.cli.invalid_value] --url expects http://HOST:PORT/PATH; got '"
        << url.value_or("") << "'\n";
    return cli::kExitUsage;
  }
  auto seed = cli::to_integer("seed", args->get("seed").value_or("42"), 0, (1LL << 53) - 1);
  const json config = json::parse(args->get("config").value_or("{}"), nullptr, false);
  const std::string actions = args->get("actions").value_or("DDRRDR");
  if (!seed || !config.is_object() || actions.find_first_not_of("LDRU") != std::string::npos) {
    std::cerr << "mcpgym-play: [mcpgym.cli.invalid_value] "
              << (!seed                 ? seed.error()
                  : !config.is_object() ? "--config expects a JSON object"
                                        : "--actions expects letters L, D, R, U")
              << "\n";
    return cli::kExitUsage;
  }

  Session session(*endpoint);
  const json init =
      session.call("initialize", {{"protocolVersion", "2025-11-25"},
                                  {"capabilities", json::object()},
                                  {"clientInfo",
                                   {{"name", "mcpgym-play"},
                                    {"version", "0.1.0"},
                                    {"_extra", {{"seed", *seed}, {"config", config}}}}}});
  session.notify("notifications/initialized");
  const json start = session.read("game://initial_state");
  std::printf("server %s, protocol %s, seed %s\n%s\n\n",
              init["serverInfo"].value("name", "?").c_str(),
              init.value("protocolVersion", "?").c_str(), start["seed"].dump().c_str(),
              start.value("grid", "").c_str());
  int step = 0;
  for (char c : actions) {
    const json result = session.call(
        "tools/call", {{"name", "lake_move"}, {"arguments", {{"action", action_for(c)}}}});
    if (result.value("isError", false)) Session::fail("lake_move failed: " + result.dump());
    const json observation = json::parse(result["content"][0].value("text", ""), nullptr, false);
    const json reward = session.read("control://reward");
    const json status = session.read("control://status");
    std::printf("step %d: %-5s -> position %s  reward %s  terminated %s  truncated %s\n%s\n\n",
                ++step, action_for(c).c_str(), observation["position"].dump().c_str(),
                reward["reward"].dump().c_str(), status["terminated"].dump().c_str(),
                status["truncated"].dump().c_str(), observation.value("grid", "").c_str());
    if (status.value("terminated", false) || status.value("truncated", false)) break;
  }
  const json status = session.read("control://status");
  std::printf("episode over after %s steps, total reward %s\n", status["step_count"].dump().c_str(),
              status["total_reward"].dump().c_str());
  session.close();
  return 0;
}
