// The testing-only flags of mcpgym-frozenlake over the wire: --audit-dir (the
// JSON-lines trail another process reads while the server runs),
// --lenient-accept, and --fault reaching both the application and the HTTP
// server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "reference/programs/tests/support/child_process.hpp"
#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kBinary = MCPGYM_FROZENLAKE_BIN;

// A started HTTP server process and the port its readiness line named.
struct Server {
  explicit Server(const std::vector<std::string>& args) : args(args), process(kBinary, args) {
    port = wait_for_listening_line(process, 10s);
  }
  RawHttpClient client() const { return RawHttpClient("127.0.0.1", port, kIoTimeout); }
  ExitStatus terminate() {
    process.send_signal(SIGTERM);
    const auto status = process.wait_for_exit(10s);
    if (!status) throw WireFailure("waited 10 s for the server to exit after SIGTERM");
    return *status;
  }
  std::vector<std::string> args;
  ChildProcess process;
  int port = 0;
};

// Every line of the audit file, parsed.
std::vector<json> audit_lines(const fs::path& file) {
  std::ifstream in(file);
  std::vector<json> lines;
  for (std::string line; std::getline(in, line);) {
    json parsed = json::parse(line, nullptr, false);
    if (parsed.is_discarded()) throw WireFailure("audit line is not JSON: " + line);
    lines.push_back(std::move(parsed));
  }
  return lines;
}

std::vector<json> events_of(const std::vector<json>& lines, const std::string& event) {
  std::vector<json> found;
  for (const auto& line : lines) {
    if (line.value("event", "") == event) found.push_back(line);
  }
  return found;
}

class ProgramAudit : public testing::Test {
 protected:
  // A directory that does not exist yet: the server creates it.
  fs::path audit_dir() const { return temp_.path() / "audit" / "nested"; }
  fs::path audit_file(const Server& server) const {
    return audit_dir() / ("backend-" + std::to_string(server.process.pid()) + ".jsonl");
  }

 private:
  TempDir temp_;
};

TEST_F(ProgramAudit, StartLineIsWrittenBeforeTheReadinessLine) {
  Server server({"--port", "0", "--audit-dir", audit_dir().string(), "--seed", "9"});
  // Read right after the readiness line, with no request sent yet.
  const auto lines = audit_lines(audit_file(server));
  ASSERT_EQ(lines.size(), 1U);
  std::vector<std::string> argv = {kBinary};
  argv.insert(argv.end(), server.args.begin(), server.args.end());
  EXPECT_EQ(lines[0], json({{"event", "start"},
                            {"pid", server.process.pid()},
                            {"ppid", ::getpid()},  // this test started it
                            {"cwd", fs::current_path().string()},
                            {"argv", argv}}));
  EXPECT_EQ(server.terminate(), Exited(0));
}

TEST_F(ProgramAudit, EveryRequestAndSessionIsOnFileBeforeItsAnswerArrives) {
  Server server({"--port", "0", "--audit-dir", audit_dir().string(), "--seed", "9"});
  std::string seeded, unseeded;
  {
    auto client = server.client();
    seeded = open(client, seeded_extra(42));
    unseeded = open(client);
    lake_move(client, seeded, "DOWN");
    EXPECT_EQ(get_control(client, "status", unseeded).status, 200);
  }

  // No shutdown first: the lines are already in the file (flushed one by one).
  const auto lines = audit_lines(audit_file(server));
  const auto sessions = events_of(lines, "session");
  ASSERT_EQ(sessions.size(), 2U);
  EXPECT_EQ(sessions[0], json({{"event", "session"}, {"session_id", seeded}, {"seed", 42}}));
  EXPECT_EQ(sessions[1], json({{"event", "session"}, {"session_id", unseeded}, {"seed", 9}}));

  const auto requests = events_of(lines, "request");
  ASSERT_EQ(requests.size(), 6U);  // 2 x (initialize, initialized), tools/call, GET
  std::vector<json> methods;
  for (const auto& r : requests)
    methods.push_back(r["rpc_method"]);
  EXPECT_EQ(json(methods), json({"initialize", "notifications/initialized", "initialize",
                                 "notifications/initialized", "tools/call", nullptr}));
  const json& first = requests[0];
  EXPECT_EQ(first["method"], "POST");
  EXPECT_EQ(first["path"], "/mcp");
  EXPECT_EQ(first["headers"]["accept"], "application/json, text/event-stream");
  EXPECT_EQ(first["headers"]["content-type"], "application/json");
  EXPECT_FALSE(first["headers"].contains("mcp-session-id"));
  EXPECT_EQ(requests[4]["headers"]["mcp-session-id"], seeded);
  EXPECT_EQ(requests[5]["method"], "GET");
  EXPECT_EQ(requests[5]["path"], "/control/status");
  EXPECT_EQ(requests[5]["headers"]["mcp-session-id"], unseeded);

  // The order of events: each session line follows its initialize's request line.
  EXPECT_EQ(lines[0]["event"], "start");
  EXPECT_EQ(lines[1]["rpc_method"], "initialize");
  EXPECT_EQ(lines[2]["event"], "session");
  EXPECT_EQ(server.terminate(), Exited(0));
}

TEST(ProgramLenientAccept, AcceptsAPostWithoutEventStreamInAccept) {
  for (const bool lenient : {false, true}) {
    Server server(lenient ? std::vector<std::string>{"--port", "0", "--lenient-accept"}
                          : std::vector<std::string>{"--port", "0"});
    {
      auto client = server.client();
      const auto exchange =
          post_text(client, initialize_request(1).dump(),
                    {{"Accept", "application/json"}, {"Content-Type", "application/json"}});
      EXPECT_EQ(exchange.status, lenient ? 200 : 406) << describe(exchange);
    }
    EXPECT_EQ(server.terminate(), Exited(0));
  }
}

TEST(ProgramStrictGet, RefusesAHeaderPoorGetAsAStrictServerDoes) {
  Server server({"--port", "0", "--strict-get"});
  {
    auto client = server.client();
    const std::string session = open(client, seeded_extra(42));
    const auto control_get = [&](HeaderList headers) {
      headers.emplace_back("Mcp-Session-Id", session);
      return get(client, "/control/reward", std::move(headers));
    };
    // Field report 004's GET: the HTTP library's Accept */* and a Content-Type.
    EXPECT_TRUE(IsRejection(control_get({{"Accept", "*/*"}, {"Content-Type", "application/json"}}),
                            406, -32000,
                            "[mcpgym.http.not_acceptable] Not Acceptable: the Accept header of a "
                            "GET must list application/json; got \"*/*\""));
    EXPECT_TRUE(IsRejection(
        control_get({{"Accept", "application/json"}, {"Content-Type", "application/json"}}), 415,
        -32000,
        "[mcpgym.http.unsupported_media_type] Unsupported Media Type: a GET carries no body, so "
        "no Content-Type; got \"application/json\""));
    const auto fine = control_get({{"Accept", "application/json"}});
    EXPECT_EQ(fine.status, 200) << describe(fine);
  }
  EXPECT_EQ(server.terminate(), Exited(0));
}

TEST(ProgramFaults, ApplicationFaultsGivenAsACommaList) {
  Server server({"--port", "0", "--seed", "7", "--fault", "ignore-seed,stale-status"});
  {
    auto client = server.client();
    const std::string session = open(client, seeded_extra(42, classic_config()));
    EXPECT_EQ(read_payload(client, session, "game://initial_state")["seed"], 7);
    lake_move(client, session, "DOWN");
    lake_move(client, session, "DOWN");
    EXPECT_EQ(control_payload(client, session, "status")["step_count"], 1);
  }
  EXPECT_EQ(server.terminate(), Exited(0));
}

TEST(ProgramFaults, RepeatedFaultFlagsReachTheHttpServerAndTheApplication) {
  Server server(
      {"--port", "0", "--fault", "new-session-per-request", "--fault", "empty-control-plane"});
  {
    auto client = server.client();
    const std::string session = open(client, seeded_extra(3));
    const auto moved = post_json(
        client,
        rpc_request(2, "tools/call", {{"name", "lake_move"}, {"arguments", {{"action", "DOWN"}}}}),
        session);
    ASSERT_EQ(moved.status, 200) << describe(moved);
    const std::string fresh = moved.header("Mcp-Session-Id");
    EXPECT_FALSE(fresh.empty());
    EXPECT_NE(fresh, session);
    EXPECT_EQ(control_payload(client, fresh, "status"), json::object());
  }
  EXPECT_EQ(server.terminate(), Exited(0));
}

}  // namespace
}  // namespace mcpgym::wiretest
