// The modern era of the MCP-Gym application (docs/spec.md HANDLE-*), driven
// through the Application interface with no HTTP, for every game in the
// registry: env_create, moves, the per-handle control plane, env_close,
// unknown, closed and expired handles, the envelope's refusals as tool errors,
// isolation, and a handle's episode equal step for step to a legacy session's.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "reference/gym/games/registry.hpp"
#include "reference/gym/gym_app.hpp"
#include "reference/mcp/tests/printers.hpp"

namespace mcpgym::gym {
namespace {

using namespace std::chrono_literals;
using mcp::Outcome;
using mcp::RpcError;
using mcp::Session;
using Time = std::chrono::steady_clock::time_point;

json ok(const Outcome& outcome) {
  if (!outcome) {
    ADD_FAILURE() << "error: " << outcome.error().to_json().dump();
    return nullptr;
  }
  return *outcome;
}

RpcError error_of(const Outcome& outcome) {
  if (outcome) {
    ADD_FAILURE() << "answered: " << outcome->dump();
    return {};
  }
  return outcome.error();
}

json tool_error(const std::string& text) {
  return {{"content", json::array({{{"type", "text"}, {"text", text}}})}, {"isError", true}};
}

// A tool error as handle_modern answers it: resultType (MODERN-007) is the
// server core's to add (ModernDispatcher), so the application leaves it out.
json modern_tool_error(const std::string& text) {
  return tool_error(text);
}

std::string unknown_handle_text(const std::string& handle) {
  return "[mcpgym.handle.unknown] Unknown env_id \"" + handle +
         "\": it was never created, was closed or has expired; call env_create for a new "
         "environment";
}

RpcError not_found(const std::string& uri) {
  return {-32602, "[mcpgym.resource.not_found] Resource not found: " + uri, json{{"uri", uri}}};
}

// A clock the test moves by hand (HANDLE-006 without sleeping).
struct ManualClock {
  std::shared_ptr<Time> now = std::make_shared<Time>(Time{} + 1h);
  HandleStore::Clock clock() const {
    return [now = now] { return *now; };
  }
  void advance(std::chrono::milliseconds by) const { *now += by; }
};

class Modern : public testing::TestWithParam<const Game*> {
 protected:
  const Game& game() const { return *GetParam(); }
  const GameInfo& info() const { return game().info(); }

  Outcome call(GymApp& app, std::string_view tool, const json& arguments) const {
    return app.handle_modern("tools/call", {{"name", tool}, {"arguments", arguments}});
  }
  // env_create's structuredContent, after checking the result's shape.
  json create(GymApp& app, const json& arguments = json::object()) const {
    const json result = ok(call(app, "env_create", arguments));
    EXPECT_EQ(result.value("isError", true), false) << result.dump();
    EXPECT_FALSE(result.contains("resultType")) << "the server core adds it";  // MODERN-007
    const json created = result.value("structuredContent", json());
    EXPECT_EQ(json::parse(result.at("content").at(0).at("text").get<std::string>()), created);
    return created;
  }
  std::string create_handle(GymApp& app, const json& arguments = json::object()) const {
    return create(app, arguments).value("env_id", "");
  }
  json move(GymApp& app, const std::string& handle, const std::string& action) const {
    return ok(call(app, info().tool, {{"env_id", handle}, {"action", action}}));
  }
  // The payload of a per-handle resource, after checking the read's cache fields.
  json read(GymApp& app, const std::string& uri) const {
    const json result = ok(app.handle_modern("resources/read", {{"uri", uri}}));
    if (result.is_null()) return nullptr;
    EXPECT_EQ(result.value("ttlMs", -1), 0) << uri;               // HANDLE-009
    EXPECT_EQ(result.value("cacheScope", ""), "private") << uri;  // HANDLE-009
    EXPECT_FALSE(result.contains("resultType")) << uri;           // MODERN-007: the core's
    EXPECT_EQ(result.at("contents").at(0).at("uri"), uri);
    EXPECT_EQ(result.at("contents").at(0).at("mimeType"), "application/json");
    return json::parse(result.at("contents").at(0).at("text").get<std::string>());
  }
  std::string action(std::size_t i) const { return info().actions[i % info().actions.size()]; }
};

// --- Listing (HANDLE-004, HANDLE-006, HANDLE-007, HANDLE-008, MODERN-010) ------

TEST_P(Modern, ToolsListIsCreateCloseAndTheGamesToolInAFixedOrder_HANDLE004_MODERN010) {
  GymApp app(game());
  const json list = ok(app.handle_modern("tools/list", json::object()));
  EXPECT_EQ(ok(app.handle_modern("tools/list", json::object())), list);
  EXPECT_FALSE(list.contains("resultType"));  // MODERN-007: the server core's
  EXPECT_EQ(list.at("ttlMs"), 0);
  EXPECT_EQ(list.at("cacheScope"), "private");
  const json& tools = list.at("tools");
  ASSERT_EQ(tools.size(), 3u);
  EXPECT_EQ(tools[0].at("name"), "env_create");
  EXPECT_EQ(tools[1].at("name"), "env_close");
  EXPECT_EQ(tools[2].at("name"), info().tool);
  const json env_id = {{"type", "string"},
                       {"description", "The env_id that env_create returned"},
                       {"x-mcp-header", "Env-Id"}};
  EXPECT_EQ(
      tools[1].at("inputSchema"),
      (json{{"type", "object"}, {"properties", {{"env_id", env_id}}}, {"required", {"env_id"}}}));
  EXPECT_EQ(
      tools[2].at("inputSchema"),
      (json{{"type", "object"},
            {"properties",
             {{"env_id", env_id}, {"action", {{"type", "string"}, {"enum", info().actions}}}}},
            {"required", {"env_id", "action"}}}));
  EXPECT_EQ(tools[2].at("outputSchema"), info().output_schema);
  EXPECT_EQ(tools[0].at("inputSchema").at("properties").at("seed"),
            (json{{"type", "integer"}, {"minimum", 0}, {"maximum", 9007199254740991ULL}}));
}

TEST_P(Modern, EnvCreateStatesTheExpiry_HANDLE006) {
  const auto description = [&](std::chrono::milliseconds timeout) {
    GymApp app(game(), {.handle_idle_timeout = timeout});
    return ok(app.handle_modern("tools/list", json::object()))
        .at("tools")
        .at(0)
        .at("description")
        .get<std::string>();
  };
  EXPECT_TRUE(description(600s).ends_with(
      "An environment that no call or read names for 600 s expires and its env_id becomes "
      "unknown; env_close ends one at once."))
      << description(600s);
  EXPECT_TRUE(
      description(1500ms).ends_with("names for 1500 ms expires and its env_id becomes "
                                    "unknown; env_close ends one at once."));
  EXPECT_TRUE(description(0ms).ends_with("Environments never expire; env_close ends one."));
}

TEST_P(Modern, ResourcesAreListedAsTemplatesOnly_HANDLE008) {
  GymApp app(game());
  create_handle(app);  // a live handle must not show up in any list
  EXPECT_EQ(ok(app.handle_modern("resources/list", json::object())),
            (json{{"resources", json::array()}, {"ttlMs", 0}, {"cacheScope", "private"}}));
  const json templates =
      ok(app.handle_modern("resources/templates/list", json::object())).at("resourceTemplates");
  std::vector<std::string> uris;
  for (const auto& t : templates) {
    uris.push_back(t.at("uriTemplate"));
    EXPECT_EQ(t.at("mimeType"), "application/json");
  }
  EXPECT_EQ(uris,
            (std::vector<std::string>{"game://{env_id}/initial_state", "control://{env_id}/reward",
                                      "control://{env_id}/status", "control://{env_id}/info"}));
  EXPECT_EQ(templates[0].at("description"), info().initial_state_description);
}

TEST_P(Modern, WithoutControlResourcesOnlyInitialStateIsATemplate_CTRL010) {
  GymApp app(game(), {.control_resources = false});
  const std::string handle = create_handle(app, {{"seed", 3}});
  EXPECT_EQ(ok(app.handle_modern("resources/templates/list", json::object()))
                .at("resourceTemplates")
                .size(),
            1u);
  const std::string uri = "control://" + handle + "/status";
  EXPECT_EQ(error_of(app.handle_modern("resources/read", {{"uri", uri}})), not_found(uri));
  EXPECT_EQ(read(app, "game://" + handle + "/initial_state").at("seed"), 3);
  EXPECT_TRUE(app.read_control_by_handle("status", handle));  // the HTTP form still serves
}

// --- One environment's life (HANDLE-001, HANDLE-004, HANDLE-008..011) ------------

TEST_P(Modern, CreateMoveReadAndClose_HANDLE001_HANDLE004_HANDLE008_HANDLE011) {
  GymApp app(game());
  const json created = create(app, {{"seed", 42}});
  const std::string handle = created.at("env_id");
  EXPECT_EQ(created.at("seed"), 42);
  EXPECT_EQ(created.at("initial_state"), read(app, "game://" + handle + "/initial_state"));
  EXPECT_EQ(created.at("initial_state").at("seed"), 42);

  const json moved = move(app, handle, action(0));
  EXPECT_EQ(moved.at("isError"), false) << moved.dump();
  EXPECT_EQ(moved.at("structuredContent").at("action"), info().actions[0]);
  EXPECT_FALSE(moved.contains("resultType"));  // MODERN-007: the server core's
  const json status = read(app, "control://" + handle + "/status");
  EXPECT_EQ(status.at("step_count"), 1);
  for (const std::string name : {"reward", "status", "info", "initial_state"}) {
    const std::string uri =
        (name == "initial_state" ? "game://" : "control://") + handle + "/" + name;
    EXPECT_EQ(ok(app.read_control_by_handle(name, handle)), read(app, uri)) << name;
  }

  const json closed = ok(call(app, "env_close", {{"env_id", handle}}));
  const json payload = {{"env_id", handle}, {"closed", true}};
  EXPECT_EQ(closed, (json{{"content", json::array({{{"type", "text"}, {"text", payload.dump()}}})},
                          {"isError", false}}));
  // HANDLE-005, HANDLE-010, HANDLE-011: a closed handle is unknown everywhere.
  EXPECT_EQ(move(app, handle, action(0)), modern_tool_error(unknown_handle_text(handle)));
  EXPECT_EQ(ok(call(app, "env_close", {{"env_id", handle}})),
            modern_tool_error(unknown_handle_text(handle)));
  const std::string uri = "control://" + handle + "/status";
  EXPECT_EQ(error_of(app.handle_modern("resources/read", {{"uri", uri}})), not_found(uri));
  EXPECT_EQ(error_of(app.read_control_by_handle("status", handle)),
            not_found("/control/status?env_id=" + handle));
}

TEST_P(Modern, UnknownHandlesAreToolErrorsNamingThem_HANDLE005) {
  GymApp app(game());
  create_handle(app);
  EXPECT_EQ(move(app, "nope", action(0)), modern_tool_error(unknown_handle_text("nope")));
  EXPECT_EQ(ok(call(app, "env_close", {{"env_id", "nope"}})),
            modern_tool_error(unknown_handle_text("nope")));
  EXPECT_EQ(ok(call(app, info().tool, {{"action", action(0)}})),
            modern_tool_error("[mcpgym.handle.missing] Missing argument \"env_id\"; pass the "
                              "env_id that env_create returned"));
  EXPECT_EQ(ok(call(app, info().tool, {{"env_id", 7}, {"action", action(0)}})),
            modern_tool_error("[mcpgym.handle.missing] Argument \"env_id\" must be a string; "
                              "pass the env_id that env_create returned"));
}

TEST_P(Modern, UnknownHandlesAndNamesInControlUrisAreInvalidParams_HANDLE010) {
  GymApp app(game());
  const std::string handle = create_handle(app);
  for (const std::string& uri : std::vector<std::string>{
           "control://nope/status", "game://nope/initial_state", "control://" + handle + "/bogus",
           "control://" + handle + "/initial_state", "game://" + handle + "/status",
           "control://status", "game://initial_state", "control:///status"}) {
    EXPECT_EQ(error_of(app.handle_modern("resources/read", {{"uri", uri}})), not_found(uri));
  }
  EXPECT_EQ(error_of(app.read_control_by_handle("bogus", handle)),
            not_found("/control/bogus?env_id=" + handle));
  EXPECT_EQ(error_of(app.read_control_by_handle("status", "nope")),
            not_found("/control/status?env_id=nope"));
}

TEST_P(Modern, IdleHandlesExpire_HANDLE005_HANDLE006) {
  ManualClock time;
  GymAppOptions options;
  options.handle_idle_timeout = 1000ms;
  options.clock = time.clock();
  GymApp app(game(), std::move(options));
  const std::string idle = create_handle(app, {{"seed", 1}});
  const std::string busy = create_handle(app, {{"seed", 1}});
  time.advance(900ms);
  read(app, "control://" + busy + "/status");  // a read keeps a handle alive too
  time.advance(200ms);
  EXPECT_EQ(move(app, idle, action(0)), modern_tool_error(unknown_handle_text(idle)));
  EXPECT_EQ(move(app, busy, action(0)).at("isError"), false);
}

// --- The envelope (HANDLE-003) ---------------------------------------------------

TEST_P(Modern, BadSeedOrConfigIsAToolError_HANDLE003) {
  GymApp app(game());
  EXPECT_EQ(ok(call(app, "env_create", {{"seed", -1}})),
            modern_tool_error("[mcpgym.config.invalid_seed] Invalid params: seed must be an "
                              "integer from 0 to 9007199254740991 (2^53-1); got -1"));
  EXPECT_EQ(ok(call(app, "env_create", {{"seed", 9007199254740992ULL}})),
            modern_tool_error("[mcpgym.config.invalid_seed] Invalid params: seed must be an "
                              "integer from 0 to 9007199254740991 (2^53-1); got "
                              "9007199254740992"));
  EXPECT_EQ(ok(call(app, "env_create", {{"config", "x"}})),
            modern_tool_error("[mcpgym.config.invalid_value] Invalid params: config must be an "
                              "object; got \"x\""));
  std::vector<std::string> keys = info().config_keys;
  keys.push_back("max_episode_steps");
  keys.push_back("game");  // EVP-007
  keys.push_back("seed");  // EVP-008
  std::sort(keys.begin(), keys.end());
  std::string known;
  for (const auto& key : keys)
    known += (known.empty() ? "" : ", ") + key;
  EXPECT_EQ(ok(call(app, "env_create", {{"config", {{"zzz", 1}}}})),
            modern_tool_error("[mcpgym.config.unknown_key] Invalid params: unknown config key "
                              "config.zzz; known keys: " +
                              known));
  EXPECT_EQ(ok(call(app, "env_create", {{"config", {{"max_episode_steps", 0}}}})),
            modern_tool_error("[mcpgym.config.invalid_value] Invalid params: "
                              "config.max_episode_steps must be an integer from 1 to 1000000000; "
                              "got 0"));
}

TEST_P(Modern, WithoutASeedTheServerSeedOrADrawnOneIsUsed_SEED001_SEED002) {
  GymApp fallback(game(), {.default_seed = 99});
  EXPECT_EQ(create(fallback).at("seed"), 99);
  GymApp drawn(game());
  const json created = create(drawn, {{"seed", nullptr}});
  EXPECT_LE(created.at("seed").get<std::uint64_t>(), mcp::kMaxSeed);
  EXPECT_EQ(created.at("initial_state").at("seed"), created.at("seed"));
}

// --- Isolation and reuse (HANDLE-002, HANDLE-012) ---------------------------------

TEST_P(Modern, TwoHandlesWithOneSeedEvolveIndependently_HANDLE012) {
  GymApp app(game());
  const json a = create(app, {{"seed", 5}});
  const json b = create(app, {{"seed", 5}});
  ASSERT_NE(a.at("env_id"), b.at("env_id"));
  EXPECT_EQ(a.at("initial_state"), b.at("initial_state"));
  move(app, a.at("env_id"), action(1));
  const std::string b_status = "control://" + b.at("env_id").get<std::string>() + "/status";
  EXPECT_EQ(read(app, b_status).at("step_count"), 0);
  const json first_of_b = move(app, b.at("env_id"), action(1));
  EXPECT_EQ(read(app, b_status).at("step_count"), 1);
  // Same seed, same first move, same outcome: determinism per handle.
  GymApp other(game());
  const std::string c = create_handle(other, {{"seed", 5}});
  EXPECT_EQ(move(other, c, action(1)), first_of_b);
}

TEST_P(Modern, HandlesAreVisibleAsciiUuidsNeverTheSeeds_HANDLE002) {
  GymApp app(game());
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string handle = create_handle(app, {{"seed", 1}});
    ASSERT_EQ(handle.size(), 36u) << handle;  // a version-4 UUID: 122 random bits
    EXPECT_EQ(handle[14], '4') << handle;
    EXPECT_NE(std::string("89ab").find(handle[19]), std::string::npos) << handle;
    EXPECT_TRUE(std::all_of(handle.begin(), handle.end(), [](char c) {
      return c > 0x20 && c < 0x7f;
    })) << handle;
    EXPECT_TRUE(seen.insert(handle).second) << handle;
  }
}

// DATA-006's error in the modern era's words: a handle's episode is over for
// good, and the player creates a new environment rather than a new session.
json in_modern_words(json legacy_result) {
  if (!legacy_result.value("isError", false)) return legacy_result;
  json& text = legacy_result.at("content").at(0).at("text");
  const std::string legacy_words = "Start a new session to play again";
  std::string words = text.get<std::string>();
  if (const auto at = words.find(legacy_words); at != std::string::npos) {
    words.replace(at, legacy_words.size(),
                  "Create a new environment with env_create to play again");
  }
  text = words;
  return legacy_result;
}

TEST_P(Modern, AMoveAfterTheEndSaysToCreateANewEnvironment_DATA006_HANDLE012) {
  GymApp app(game());
  const std::string handle =
      create_handle(app, {{"seed", 5}, {"config", {{"max_episode_steps", 1}}}});
  move(app, handle, action(0));
  const bool terminated = read(app, "control://" + handle + "/status").at("terminated");
  EXPECT_EQ(move(app, handle, action(1)),
            modern_tool_error(std::string("[mcpgym.tool.episode_over] The episode has ended (") +
                              (terminated ? "terminated" : "truncated") +
                              " at step 1); moves change nothing now. Create a new environment "
                              "with env_create to play again"));
  EXPECT_EQ(read(app, "control://" + handle + "/status").at("step_count"), 1);
}

// A legacy session and a handle with one seed and config: the same results and
// control plane at every step, to the bit (one Episode serves both eras), but
// for how the episode-over error says to play again.
TEST_P(Modern, AHandlesEpisodeIsALegacySessionsStepForStep_HANDLE012) {
  GymApp app(game());
  const json config = {{"max_episode_steps", 12}};
  auto session = app.create_session(
      {{"protocolVersion", "2025-11-25"},
       {"capabilities", json::object()},
       {"clientInfo",
        {{"name", "t"}, {"version", "1"}, {"_extra", {{"seed", 11}, {"config", config}}}}}},
      "2025-11-25");
  ASSERT_TRUE(session);
  Session& legacy = **session;
  const std::string handle = create_handle(app, {{"seed", 11}, {"config", config}});
  const json initial = ok(legacy.read_control("initial_state"));
  EXPECT_EQ(read(app, "game://" + handle + "/initial_state"), initial);
  for (std::size_t i = 0; i < 15; ++i) {  // past truncation: the episode-over errors too
    json by_session = ok(legacy.handle(
        "tools/call", {{"name", info().tool}, {"arguments", {{"action", action(i * 7 + i / 3)}}}}));
    const json by_handle = move(app, handle, action(i * 7 + i / 3));
    EXPECT_EQ(by_handle.dump(), in_modern_words(by_session).dump()) << "step " << i;
    for (const std::string name : {"reward", "status", "info"}) {
      EXPECT_EQ(read(app, "control://" + handle + "/" + name).dump(),
                ok(legacy.read_control(name)).dump())
          << name << " after step " << i;
    }
  }
}

TEST_P(Modern, ConcurrentHandlesEachKeepTheirOwnCount_HANDLE012) {
  GymApp app(game(), {.faults = {.moves_after_end = true}});  // every move counts
  constexpr int kThreads = 4;
  constexpr int kMoves = 40;
  std::vector<std::string> handles;
  for (int t = 0; t < kThreads; ++t)
    handles.push_back(create_handle(app, {{"seed", t}}));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kMoves; ++i)
        (void)app.handle_modern("tools/call",
                                {{"name", info().tool},
                                 {"arguments", {{"env_id", handles[t]}, {"action", action(i)}}}});
    });
  }
  for (auto& thread : threads)
    thread.join();
  for (const auto& handle : handles)
    EXPECT_EQ(read(app, "control://" + handle + "/status").at("step_count"), kMoves);
}

// --- Protocol errors stay protocol errors --------------------------------------------

TEST_P(Modern, UnknownToolsAndMethodsAreProtocolErrors) {
  GymApp app(game());
  EXPECT_EQ(error_of(call(app, "env_reset", json::object())),
            (RpcError{-32602,
                      "[mcpgym.tool.unknown_tool] Unknown tool \"env_reset\"; this server has the "
                      "tools env_create, env_close, " +
                          info().tool,
                      json{{"tool", "env_reset"}}}));
  EXPECT_EQ(error_of(app.handle_modern("prompts/list", json::object())),
            (RpcError{-32601, "[mcpgym.rpc.method_not_found] Method not found: prompts/list",
                      json{{"method", "prompts/list"}}}));
  EXPECT_EQ(error_of(app.handle_modern("tools/call", {{"name", "env_create"}, {"arguments", 3}})),
            (RpcError{-32602,
                      "[mcpgym.rpc.invalid_params] Invalid params: tools/call \"arguments\" must "
                      "be an object",
                      nullptr}));
  EXPECT_TRUE(app.serves_modern());
}

// --- Faults per handle and the modern field bugs ------------------------------------

TEST_P(Modern, SessionFaultsApplyPerHandle) {
  GymApp ignore(game(), {.default_seed = 77, .faults = {.ignore_seed = true}});
  EXPECT_EQ(create(ignore, {{"seed", 5}}).at("seed"), 77);
  GymApp shared(game(), {.faults = {.shared_state = true}});
  const std::string a = create_handle(shared, {{"seed", 1}});
  const std::string b = create_handle(shared, {{"seed", 2}});
  EXPECT_NE(a, b);
  move(shared, a, action(0));
  EXPECT_EQ(read(shared, "control://" + b + "/status").at("step_count"), 1);
  GymApp empty(game(), {.faults = {.empty_control_plane = true}});
  EXPECT_EQ(read(empty, "control://" + create_handle(empty) + "/status"), json::object());
}

TEST_P(Modern, HandleFromSeedGivesOneSeedOneHandle) {
  GymApp app(game(), {.faults = {.handle_from_seed = true}});
  const std::string a = create_handle(app, {{"seed", 5}});
  const std::string b = create_handle(app, {{"seed", 5}});
  EXPECT_EQ(a, b);
  EXPECT_NE(create_handle(app, {{"seed", 6}}), a);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(move(app, a, action(0)).at("isError"), false);
}

TEST_P(Modern, HandleIgnoredSharesOneEnvironmentForEveryCall) {
  GymApp app(game(), {.faults = {.handle_ignored = true}});
  const std::string a = create_handle(app, {{"seed", 5}});
  const std::string b = create_handle(app, {{"seed", 5}});
  EXPECT_NE(a, b);
  move(app, a, action(0));
  EXPECT_EQ(read(app, "control://" + b + "/status").at("step_count"), 1);
  // Even an unknown handle reaches it (the move may find the episode over).
  EXPECT_NE(move(app, "nope", action(0)), modern_tool_error(unknown_handle_text("nope")));
}

TEST_P(Modern, ControlCacheableMarksReadsPublicForAMinute) {
  GymApp app(game(), {.faults = {.control_cacheable = true}});
  const std::string uri = "control://" + create_handle(app) + "/status";
  const json result = ok(app.handle_modern("resources/read", {{"uri", uri}}));
  EXPECT_EQ(result.at("ttlMs"), 60000);
  EXPECT_EQ(result.at("cacheScope"), "public");
}

TEST_P(Modern, UnknownHandleCreatesAFreshEnvironment) {
  GymApp app(game(), {.default_seed = 3, .faults = {.unknown_handle_creates = true}});
  EXPECT_EQ(move(app, "nope", action(0)).at("isError"), false);
  EXPECT_EQ(read(app, "control://nope/status").at("step_count"), 1);
  EXPECT_EQ(read(app, "game://fresh/initial_state").at("seed"), 3);
}

std::string game_name(const testing::TestParamInfo<const Game*>& param) {
  return param.param->info().name;
}

INSTANTIATE_TEST_SUITE_P(EveryGame, Modern, testing::ValuesIn(all_games()), game_name);

}  // namespace
}  // namespace mcpgym::gym
