// --game and the program's two names: mcpgym-frozenlake serves the game the
// registry lists first unless --game names another, mcpgym-gym (a symlink to
// it) is the same program under its game-neutral name, and --fault accepts
// the chosen game's own faults besides the generic ones.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "reference/gym/games/registry.hpp"
#include "reference/programs/tests/support/child_process.hpp"
#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {
namespace {

using namespace std::chrono_literals;
using testing::HasSubstr;
using testing::StartsWith;

const std::string kBinary = MCPGYM_FROZENLAKE_BIN;
// The symlink the build makes beside it.
const std::string kGymBinary =
    (std::filesystem::path(kBinary).parent_path() / "mcpgym-gym").string();

struct Finished {
  ExitStatus status;
  std::string out;
  std::string err;
};

Finished run_to_exit(const std::string& binary, const std::vector<std::string>& args) {
  ChildProcess process(binary, args);
  const auto status = process.wait_for_exit(10s);
  if (!status) {
    throw std::runtime_error("waited 10 s for " + binary +
                             " to exit; stderr: " + process.stderr_text());
  }
  return {*status, process.read_rest(5s), process.stderr_text()};
}

// The data-plane tool and server name a started server shows, then SIGTERM.
struct Served {
  std::string server_name;
  std::string tool;
};

Served serve_and_ask(const std::string& binary, const std::vector<std::string>& args) {
  ChildProcess process(binary, args);
  const int port = wait_for_listening_line(process, 10s);
  Served served;
  {
    RawHttpClient client("127.0.0.1", port, kIoTimeout);
    const auto opened = open_session(client);
    served.server_name = opened.result["serverInfo"]["name"];
    served.tool = call_result(client, opened.id, "tools/list")["tools"][0]["name"];
  }
  process.send_signal(SIGTERM);
  EXPECT_EQ(process.wait_for_exit(10s), Exited(0));
  return served;
}

// "frozenlake, ..." as --game's refusal lists them.
std::string game_list() {
  std::string list;
  for (const auto& name : gym::game_names())
    list += (list.empty() ? "" : ", ") + name;
  return list;
}

TEST(ProgramGame, DefaultsToFrozenLake) {
  const Served served = serve_and_ask(kBinary, {"--port", "0"});
  EXPECT_EQ(served.server_name, "mcpgym-frozenlake");
  EXPECT_EQ(served.tool, "lake_move");
}

TEST(ProgramGame, GameFrozenLakeServesFrozenLake) {
  const Served served = serve_and_ask(kBinary, {"--port", "0", "--game", "frozenlake"});
  EXPECT_EQ(served.server_name, "mcpgym-frozenlake");
  EXPECT_EQ(served.tool, "lake_move");
}

TEST(ProgramGame, EveryRegisteredGameIsServed) {
  for (const gym::Game* game : gym::all_games()) {
    const Served served = serve_and_ask(kGymBinary, {"--port", "0", "--game", game->info().name});
    EXPECT_EQ(served.server_name, game->info().server_name);
    EXPECT_EQ(served.tool, game->info().tool);
  }
}

TEST(ProgramGame, UnknownGameExits2NamingTheKnownOnes_REF003) {
  const Finished run = run_to_exit(kBinary, {"--game", "chess"});
  EXPECT_EQ(run.status, Exited(2));
  EXPECT_EQ(run.err, "mcpgym-frozenlake: [mcpgym.cli.invalid_value] --game expects one of " +
                         game_list() + "; got 'chess'\n");
  EXPECT_EQ(run.out, "");
}

TEST(ProgramGame, HelpListsTheGamesFromTheRegistry) {
  const Finished run = run_to_exit(kBinary, {"--help"});
  EXPECT_EQ(run.status, Exited(0));
  std::string choices;
  for (const auto& name : gym::game_names())
    choices += (choices.empty() ? "" : "|") + name;
  EXPECT_THAT(run.out, HasSubstr("\n  --game " + choices));
  EXPECT_THAT(run.out, HasSubstr("(frozenlake: no-hole-termination"));
}

TEST(ProgramGame, McpgymGymIsTheSameProgramUnderItsOwnName) {
  const Finished help = run_to_exit(kGymBinary, {"--help"});
  EXPECT_EQ(help.status, Exited(0));
  EXPECT_THAT(help.out, StartsWith("usage: mcpgym-gym [flags]\n"));
  const Finished bad = run_to_exit(kGymBinary, {"--game", "chess"});
  EXPECT_EQ(bad.status, Exited(2));
  EXPECT_EQ(bad.err, "mcpgym-gym: [mcpgym.cli.invalid_value] --game expects one of " + game_list() +
                         "; got 'chess'\n");
  const Served served = serve_and_ask(kGymBinary, {"--port", "0"});
  EXPECT_EQ(served.tool, "lake_move");
}

// numpy 1.24, seed 0: dealer [10, 9], player [7, 4]; a hit draws a 1, a stick
// leaves 12 against 19 (blackjack_rollouts.jsonl, line 1).
TEST(ProgramGame, BlackjackPlaysGymnasiumsEpisode) {
  ChildProcess process(kBinary, {"--port", "0", "--game", "blackjack"});
  const int port = wait_for_listening_line(process, 10s);
  {
    RawHttpClient client("127.0.0.1", port, kIoTimeout);
    const std::string session = open(client, seeded_extra(0, {{"natural", true}, {"sab", false}}));
    EXPECT_EQ(read_payload(client, session, "game://initial_state"),
              json({{"player_sum", 11}, {"dealer_card", 10}, {"usable_ace", 0}, {"seed", 0}}));
    const auto move = [&](std::string_view action) {
      return call_result(client, session, "tools/call",
                         {{"name", "blackjack_move"}, {"arguments", {{"action", action}}}})
          .at("structuredContent");
    };
    EXPECT_EQ(
        move("HIT"),
        json({{"player_sum", 12}, {"dealer_card", 10}, {"usable_ace", 0}, {"action", "HIT"}}));
    EXPECT_EQ(control_payload(client, session, "reward").dump(),
              R"({"reward":0.0,"step_count":1})");
    EXPECT_EQ(
        move("STICK"),
        json({{"player_sum", 12}, {"dealer_card", 10}, {"usable_ace", 0}, {"action", "STICK"}}));
    EXPECT_EQ(control_payload(client, session, "reward").dump(),
              R"({"reward":-1.0,"step_count":2})");
    EXPECT_EQ(control_payload(client, session, "info"), json::object());
    EXPECT_TRUE(control_payload(client, session, "status").at("terminated").get<bool>());
  }
  process.send_signal(SIGTERM);
  EXPECT_EQ(process.wait_for_exit(10s), Exited(0));
}

// --convention eval-protocol (EVP-001..EVP-005) for a game other than
// FrozenLake: the client's key reaches the environment through /control/*.
TEST(ProgramGame, ConventionEvalProtocolKeysBlackjackByTheClientsKey) {
  ChildProcess process(kBinary,
                       {"--port", "0", "--game", "blackjack", "--convention", "eval-protocol"});
  const int port = wait_for_listening_line(process, 10s);
  {
    RawHttpClient client("127.0.0.1", port, kIoTimeout);
    const std::string key = "0123456789abcdef0123456789abcdef";
    open(client, {{"session_id", key}, {"seed", 0}, {"config", {{"game", "Blackjack"}}}});
    EXPECT_TRUE(IsJsonReply(
        get(client, "/control/initial_state", {{"mcp-session-id", key}}), 200,
        json({{"player_sum", 11}, {"dealer_card", 10}, {"usable_ace", 0}, {"seed", 0}})));
    EXPECT_TRUE(IsJsonReply(get(client, "/control/status", {{"mcp-session-id", "other"}}), 404,
                            json({{"error",
                                   "[mcpgym.http.unknown_key] Session \"other\" not "
                                   "found: no environment has this key (never "
                                   "initialized, deleted or expired); initialize with "
                                   "clientInfo._extra.session_id first"}})));
  }
  process.send_signal(SIGTERM);
  EXPECT_EQ(process.wait_for_exit(10s), Exited(0));
}

TEST(ProgramGame, FaultAcceptsTheChosenGamesOwnFaults) {
  const Served served = serve_and_ask(kBinary, {"--port", "0", "--game", "frozenlake", "--fault",
                                                "no-hole-termination,ignore-seed"});
  EXPECT_EQ(served.tool, "lake_move");
}

}  // namespace
}  // namespace mcpgym::wiretest
