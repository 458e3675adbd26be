// The eval-protocol client mode (docs/spec.md EVP-001..EVP-008): the key as
// eval-protocol's gen_session_id mints it (values from Python's hashlib and
// json.dumps), and a session against the reference serving that convention.
#include "harness/mcp/eval_protocol.hpp"

#include <gtest/gtest.h>

#include "harness/mcp/tests/support.hpp"

namespace mcpgym::harness {
namespace {

using testing::ReferenceServer;

const EvalProtocolRow kRow = {.seed = 42,
                              .config = {{"game", "FrozenLake"}, {"map_name", "4x4"}, {"seed", 42}},
                              .row_id = "row-1",
                              .model_id = "m"};

TEST(EvalProtocolKey, IsTheMd5OfPythonsSortedJsonDump) {
  // hashlib.md5(json.dumps({"seed": 42, "config": {...}, "dataset_row_id": "row-1",
  // "model_id": "m"}, sort_keys=True).encode()).hexdigest()
  EXPECT_EQ(eval_protocol_key(kRow), "af314c3796ddf1c43c14631015e2d33f");
}

TEST(EvalProtocolKey, WritesAnUnsetSeedAsNullAndEscapesAsPythonDoes) {
  const EvalProtocolRow row = {
      .seed = std::nullopt,
      .config = {{"name", "\xc3\xa9\"x"}, {"list", {1, 2.5, true, nullptr}}},
      .row_id = "task_0",
      .model_id = "unknown"};
  EXPECT_EQ(python_json_dumps({{"seed", nullptr}, {"config", row.config}}),
            R"({"config": {"list": [1, 2.5, true, null], "name": "\u00e9\"x"}, "seed": null})");
  EXPECT_EQ(eval_protocol_key(row), "ae8eeda71c810217ffe74ccf15abc462");
}

TEST(EvalProtocolKey, WritesCodePointsAboveTheBmpAsSurrogatePairs) {
  EXPECT_EQ(python_json_dumps("\xf0\x9f\x98\x80\n"), R"("\ud83d\ude00\n")");
}

TEST(EvalProtocolExtra, CarriesTheKeySeedConfigRowAndModel) {
  EXPECT_EQ(eval_protocol_extra(kRow), json({{"session_id", "af314c3796ddf1c43c14631015e2d33f"},
                                             {"seed", 42},
                                             {"config", kRow.config},
                                             {"dataset_row_id", "row-1"},
                                             {"model_id", "m"}}));
}

class EvalProtocolSession : public ::testing::Test {
 protected:
  ReferenceServer server_{false, {.convention = gym::Convention::kEvalProtocol}};
};

// The control plane is reached by the minted key, not by the transport's session id.
TEST_F(EvalProtocolSession, ReadsTheControlPlaneByTheMintedKey) {
  auto client = open_eval_protocol_session(server_.url(), kRow);
  ASSERT_TRUE(client) << client.error();
  auto moved = (*client)->call_tool("lake_move", {{"action", "RIGHT"}});
  ASSERT_TRUE(moved) << moved.error().message();
  auto status = (*client)->read_control_http("status");
  ASSERT_TRUE(status) << status.error().message();
  EXPECT_EQ(status->at("step_count"), 1);
  auto initial = (*client)->read_control_http("initial_state");
  ASSERT_TRUE(initial) << initial.error().message();
  EXPECT_EQ(initial->at("position"), 0);
}

TEST_F(EvalProtocolSession, ResetsThroughTheRoute) {
  auto client = open_eval_protocol_session(server_.url(), kRow);
  ASSERT_TRUE(client) << client.error();
  ASSERT_TRUE((*client)->call_tool("lake_move", {{"action", "RIGHT"}}));
  auto reset = reset_session(**client, 0);
  ASSERT_TRUE(reset) << reset.error().message();
  EXPECT_EQ(*reset, json({{"message", "Session reset successfully"}}));
  auto status = (*client)->read_control_http("status");
  ASSERT_TRUE(status) << status.error().message();
  EXPECT_EQ(status->at("step_count"), 0);
  EXPECT_EQ((*client)->read_control_http("initial_state")->at("seed"), 0);
}

// ClientOptions::eval_protocol_keys: any caller's {seed, config} gains a key of
// its own, so two clients with one seed still name two environments.
TEST_F(EvalProtocolSession, TheKeyModeGivesEachClientItsOwnKey) {
  ClientOptions options;
  options.eval_protocol_keys = true;
  const json extra = {{"seed", 3}, {"config", json::object()}};
  auto first = connect_http(server_.url(), options);
  auto second = connect_http(server_.url(), options);
  ASSERT_TRUE(first && second);
  ASSERT_TRUE((*first)->initialize(extra));
  ASSERT_TRUE((*second)->initialize(extra));
  ASSERT_TRUE((*first)->call_tool("lake_move", {{"action", "DOWN"}}));
  EXPECT_EQ((*first)->read_control_http("status")->at("step_count"), 1);
  EXPECT_EQ((*second)->read_control_http("status")->at("step_count"), 0);
  EXPECT_EQ((*second)->read_control_http("initial_state")->at("seed"), 3);
}

// Without the key option the same reads name the transport's session id,
// which names no environment once the client brought a key of its own (EVP-004).
TEST_F(EvalProtocolSession, TheTransportSessionIdIsNotTheKey) {
  auto client = connect_http(server_.url());
  ASSERT_TRUE(client) << client.error();
  ASSERT_TRUE((*client)->initialize(eval_protocol_extra(kRow)));
  auto status = (*client)->read_control_http("status");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().http_status, 404);
}

}  // namespace
}  // namespace mcpgym::harness
