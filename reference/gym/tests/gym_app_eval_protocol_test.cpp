// The eval-protocol convention (docs/spec.md EVP-001..EVP-005) through the
// Application interface, for every game in the registry: the convention is
// the application's, so every game serves it without knowing of it.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "reference/gym/games/registry.hpp"
#include "reference/gym/gym_app.hpp"
#include "reference/mcp/tests/printers.hpp"

namespace mcpgym::gym {
namespace {

const std::string kKey = "0123456789abcdef0123456789abcdef";

class EvalProtocolConvention : public testing::TestWithParam<const Game*> {
 protected:
  const Game& game() const { return *GetParam(); }

  // initialize's params as eval-protocol's client sends them.
  static json keyed_params(std::uint64_t seed) {
    return {{"protocolVersion", "2025-11-25"},
            {"capabilities", json::object()},
            {"clientInfo",
             {{"name", "reward-kit"},
              {"version", "1.0.0"},
              {"_extra", {{"session_id", kKey}, {"seed", seed}}}}}};
  }

  // The game's own observation at the start of an episode on `seed`, plus the seed (EVP-005).
  json start_state(std::uint64_t seed) const {
    auto env = game().make(json::object(), seed, {});
    json state = (*env)->observation();
    state["seed"] = seed;
    return state;
  }
};

mcp::ControlReply control(GymApp& app, std::string_view name, const std::string& key,
                          std::string_view body = "") {
  auto reply = app.serve_control({name, key, body});
  if (!reply) throw std::runtime_error("the eval-protocol app left a control route to the core");
  return *reply;
}

TEST_P(EvalProtocolConvention, TheKeyedControlPlaneServesEveryGame_EVP003_EVP005_EVP006) {
  GymApp app(game(), {.convention = Convention::kEvalProtocol});
  auto session = app.create_session(keyed_params(42), "2025-11-25");
  ASSERT_TRUE(session);
  const auto initial = control(app, "initial_state", kKey);
  EXPECT_EQ(initial.status, 200);
  EXPECT_EQ(initial.body, start_state(42));
  const auto& info = game().info();
  auto moved = (*session)->handle(
      "tools/call", {{"name", info.tool}, {"arguments", {{"action", info.actions.front()}}}});
  ASSERT_TRUE(moved);
  EXPECT_EQ(control(app, "status", kKey).body["step_count"], 1);
  EXPECT_EQ(control(app, "initial_state", kKey).body, start_state(42));
  const auto reset = control(app, "reset_session", kKey, R"({"seed": 7})");
  EXPECT_EQ(reset.status, 200);
  EXPECT_EQ(reset.body, json({{"message", "Session reset successfully"}}));
  EXPECT_EQ(control(app, "status", kKey).body["step_count"], 0);
  EXPECT_EQ(control(app, "initial_state", kKey).body, start_state(7));
}

TEST_P(EvalProtocolConvention, TheKeyLivesAsLongAsItsSession_EVP004) {
  GymApp app(game(), {.convention = Convention::kEvalProtocol});
  {
    auto session = app.create_session(keyed_params(42), "2025-11-25");
    ASSERT_TRUE(session);
    EXPECT_EQ(control(app, "status", kKey).status, 200);
  }
  const auto gone = control(app, "status", kKey);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.body,
            json({{"error", "[mcpgym.http.unknown_key] Session \"" + kKey +
                                "\" not found: no environment has this key (never initialized, "
                                "deleted or expired); initialize with "
                                "clientInfo._extra.session_id first"}}));
}

TEST_P(EvalProtocolConvention, TheDefaultConventionLeavesTheControlPlaneToTheCore) {
  GymApp app(game());
  auto session = app.create_session(keyed_params(42), "2025-11-25");
  ASSERT_TRUE(session);
  EXPECT_FALSE(app.serve_control({"status", kKey, ""}).has_value());
}

INSTANTIATE_TEST_SUITE_P(Games, EvalProtocolConvention, testing::ValuesIn(all_games()),
                         [](const testing::TestParamInfo<const Game*>& info) {
                           return info.param->info().name;
                         });

}  // namespace
}  // namespace mcpgym::gym
