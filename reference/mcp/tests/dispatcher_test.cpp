#include "reference/mcp/dispatcher.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "reference/mcp/tests/fakes.hpp"

namespace mcpgym::mcp {
namespace {

using namespace std::chrono_literals;
using ::testing::_;
using ::testing::Eq;
using testing::FakeApplication;
using ::testing::Invoke;
using testing::MockSession;
using ::testing::Return;
using ::testing::StrictMock;

// Keeps the parsed document alive as long as the Message that borrows from it.
struct Parsed {
  explicit Parsed(std::string_view text) : doc(json::parse(text)), message(classify(doc).value()) {}
  Parsed(const Parsed&) = delete;  // a copy's Message would point into the original
  Parsed& operator=(const Parsed&) = delete;
  json doc;
  Message message;
};

json error_response(const json& id, int code, const std::string& message, json data = nullptr) {
  json error = {{"code", code}, {"message", message}};
  if (!data.is_null()) error["data"] = std::move(data);
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

json initialize_request(const std::string& version, int id = 1) {
  return {{"jsonrpc", "2.0"},
          {"id", id},
          {"method", "initialize"},
          {"params", {{"protocolVersion", version}, {"capabilities", json::object()}}}};
}

class DispatcherTest : public ::testing::Test {
 protected:
  Dispatcher::Initialized initialize(std::string_view text) {
    const Parsed p(text);
    return dispatcher.initialize(p.message);
  }
  Dispatcher::Initialized initialize_version(const std::string& version) {
    return initialize(initialize_request(version).dump());
  }

  FakeApplication app;
  SessionStore store{0ms};
  Dispatcher dispatcher{app, store};
};

TEST_F(DispatcherTest, SupportedVersionsAreEchoed_LIFE001) {
  for (const char* version : {"2025-03-26", "2025-06-18", "2025-11-25"}) {
    auto init = initialize_version(version);
    ASSERT_TRUE(init.session_id) << version;
    EXPECT_EQ(init.response.at("result").at("protocolVersion"), version);
    EXPECT_EQ(app.last_negotiated, version);
    // The session remembers the negotiated version (HTTP-013, HTTP-014 depend on it).
    EXPECT_EQ(store.find(*init.session_id)->protocol_version, version);
  }
  EXPECT_EQ(store.size(), 3u);
}

TEST_F(DispatcherTest, OtherVersionsGetTheNewest_LIFE002) {
  for (const char* version : {"2024-11-05", "banana", "", "2099-01-01"}) {
    auto init = initialize_version(version);
    ASSERT_TRUE(init.session_id) << version;
    EXPECT_EQ(init.response.at("result").at("protocolVersion"), "2025-11-25") << version;
    EXPECT_EQ(app.last_negotiated, "2025-11-25");
    EXPECT_EQ(store.find(*init.session_id)->protocol_version, "2025-11-25");
  }
}

TEST_F(DispatcherTest, ResultShapeWithoutInstructions_LIFE003_LIFE009) {
  auto init = initialize_version("2025-06-18");
  ASSERT_TRUE(init.session_id);
  EXPECT_EQ(init.response,
            json::parse(R"({"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18",)"
                        R"("capabilities":{"tools":{},"resources":{}},)"
                        R"("serverInfo":{"name":"fake-server","version":"9.8.7"}}})"));
}

TEST_F(DispatcherTest, InstructionsSentWhenNotEmpty) {
  app.info.instructions = "Play nicely.";
  auto init = initialize_version("2025-11-25");
  EXPECT_EQ(init.response.at("result").at("instructions"), "Play nicely.");
  EXPECT_EQ(init.response.at("result").size(), 4u);
}

TEST_F(DispatcherTest, ApplicationSeesTheWholeParams) {
  auto init = initialize(
      R"({"jsonrpc":"2.0","id":"s","method":"initialize","params":{"protocolVersion":"2025-11-25",)"
      R"("clientInfo":{"name":"c","_extra":{"seed":3}}}})");
  ASSERT_TRUE(init.session_id);
  EXPECT_EQ(init.response.at("id"), "s");
  EXPECT_EQ(app.last_params.at("clientInfo").at("_extra").at("seed"), 3);
}

TEST_F(DispatcherTest, MissingProtocolVersionIsInvalidParams_LIFE007) {
  const json expected =
      error_response(5, -32602,
                     "[mcpgym.rpc.invalid_params] Invalid params: initialize needs a string "
                     "\"protocolVersion\"");
  auto init = initialize(R"({"jsonrpc":"2.0","id":5,"method":"initialize","params":{}})");
  EXPECT_EQ(init.response, expected);
  EXPECT_FALSE(init.session_id);
  // No params at all reads as an empty object: still no protocolVersion.
  EXPECT_EQ(initialize(R"({"jsonrpc":"2.0","id":5,"method":"initialize"})").response, expected);
  EXPECT_EQ(app.create_calls, 0);
  EXPECT_EQ(store.size(), 0u);
}

TEST_F(DispatcherTest, NonStringProtocolVersionIsInvalidParams_LIFE007) {
  for (const char* version : {"20250618", "null", "[\"2025-06-18\"]", "{}", "true"}) {
    auto init = initialize(std::string(R"({"jsonrpc":"2.0","id":6,"method":"initialize",)") +
                           R"("params":{"protocolVersion":)" + version + "}}");
    EXPECT_EQ(init.response,
              error_response(6, -32602,
                             "[mcpgym.rpc.invalid_params] Invalid params: initialize needs a "
                             "string \"protocolVersion\""))
        << version;
    EXPECT_FALSE(init.session_id);
  }
  EXPECT_EQ(app.create_calls, 0);
  EXPECT_EQ(store.size(), 0u);
}

TEST_F(DispatcherTest, ParamsNotAnObjectIsInvalidParams_LIFE007) {
  auto init = initialize(R"({"jsonrpc":"2.0","id":7,"method":"initialize","params":["x"]})");
  EXPECT_EQ(init.response,
            error_response(7, -32602,
                           "[mcpgym.rpc.invalid_params] Invalid params: \"params\" of initialize "
                           "must be an object, got array"));
  EXPECT_FALSE(init.session_id);
  auto init2 = initialize(R"({"jsonrpc":"2.0","id":8,"method":"initialize","params":"x"})");
  EXPECT_EQ(init2.response.at("error").at("message"),
            "[mcpgym.rpc.invalid_params] Invalid params: \"params\" of initialize must be an "
            "object, got string");
  EXPECT_EQ(store.size(), 0u);
}

TEST_F(DispatcherTest, RefusedSessionPassesErrorThroughAndStoresNothing_SESS001_CONF002) {
  app.factory = [](const json&, std::string_view) -> Expected<std::unique_ptr<Session>, RpcError> {
    return unexpected(
        RpcError{-32602, "[mcpgym.config.invalid_value] Invalid params: bad", json{{"key", "k"}}});
  };
  auto init = initialize_version("2025-11-25");
  EXPECT_EQ(init.response,
            error_response(1, -32602, "[mcpgym.config.invalid_value] Invalid params: bad",
                           json{{"key", "k"}}));
  EXPECT_FALSE(init.session_id);
  EXPECT_EQ(store.size(), 0u);
}

TEST_F(DispatcherTest, ThrowingApplicationIsInternalErrorAndServerSurvives_CONF002) {
  int calls = 0;
  app.factory = [&calls](const json&,
                         std::string_view) -> Expected<std::unique_ptr<Session>, RpcError> {
    if (++calls == 1) throw std::runtime_error("no memory for you");
    return std::unique_ptr<Session>(std::make_unique<testing::EchoSession>());
  };
  auto failed = initialize_version("2025-11-25");
  EXPECT_EQ(failed.response,
            error_response(1, -32603,
                           "[mcpgym.rpc.internal_error] Internal error while creating the "
                           "session: no memory for you"));
  EXPECT_FALSE(failed.session_id);
  EXPECT_EQ(store.size(), 0u);
  auto ok = initialize_version("2025-11-25");
  EXPECT_TRUE(ok.session_id);
  EXPECT_EQ(store.size(), 1u);
}

// The Session-level tests below drive a StrictMock through one stored slot.
class DispatcherSessionTest : public ::testing::Test {
 protected:
  DispatcherSessionTest() {
    auto owned = std::make_unique<StrictMock<MockSession>>();
    session = owned.get();
    app.factory = [&owned](const json&,
                           std::string_view) -> Expected<std::unique_ptr<Session>, RpcError> {
      return std::unique_ptr<Session>(std::move(owned));
    };
    auto init = dispatcher.initialize(Parsed(initialize_request("2025-11-25").dump()).message);
    slot = store.find(init.session_id.value());
    // `owned` is gone now; a further initialize must not reach this factory.
    app.factory = nullptr;
  }

  std::optional<json> handle(std::string_view text) {
    const Parsed p(text);
    return dispatcher.handle(*slot, p.message);
  }

  FakeApplication app;
  SessionStore store{0ms};
  Dispatcher dispatcher{app, store};
  StrictMock<MockSession>* session = nullptr;
  std::shared_ptr<SessionSlot> slot;
};

TEST_F(DispatcherSessionTest, RequestResultIsWrapped_LIFE009) {
  EXPECT_CALL(*session, handle(Eq("tools/list"), Eq(json{{"cursor", "c"}})))
      .WillOnce(Return(Outcome(json{{"tools", json::array()}})));
  EXPECT_EQ(handle(R"({"jsonrpc":"2.0","id":"r1","method":"tools/list","params":{"cursor":"c"}})"),
            json::parse(R"({"jsonrpc":"2.0","id":"r1","result":{"tools":[]}})"));
}

TEST_F(DispatcherSessionTest, MissingParamsArePassedAsEmptyObject) {
  EXPECT_CALL(*session, handle(Eq("ping"), Eq(json::object())))
      .WillOnce(Return(Outcome(json::object())));
  EXPECT_EQ(handle(R"({"jsonrpc":"2.0","id":2,"method":"ping"})"),
            json::parse(R"({"jsonrpc":"2.0","id":2,"result":{}})"));
}

TEST_F(DispatcherSessionTest, SessionErrorIsWrappedWithData) {
  EXPECT_CALL(*session, handle(Eq("resources/read"), _))
      .WillOnce(Return(Outcome(unexpected(RpcError{-32002, "[x] gone", json{{"uri", "u"}}}))));
  EXPECT_EQ(handle(R"({"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":"u"}})"),
            error_response(3, -32002, "[x] gone", json{{"uri", "u"}}));
}

TEST_F(DispatcherSessionTest, ParamsNotAnObjectIsInvalidParams_LIFE007) {
  // StrictMock: the session is never called.
  EXPECT_EQ(handle(R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":[1]})"),
            error_response(4, -32602,
                           "[mcpgym.rpc.invalid_params] Invalid params: \"params\" of tools/call "
                           "must be an object, got array"));
  EXPECT_EQ(handle(R"({"jsonrpc":"2.0","id":4,"method":"ping","params":null})"),
            error_response(4, -32602,
                           "[mcpgym.rpc.invalid_params] Invalid params: \"params\" of ping must "
                           "be an object, got null"));
}

TEST_F(DispatcherSessionTest, SecondInitializeIsAlreadyInitialized) {
  EXPECT_EQ(handle(initialize_request("2025-11-25", 9).dump()),
            error_response(9, -32600,
                           "[mcpgym.rpc.already_initialized] Invalid Request: this session is "
                           "already initialized; start a new session to initialize again"));
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(app.create_calls, 1);
}

TEST_F(DispatcherSessionTest, NotificationsAreDeliveredNeverAnswered_LIFE004) {
  EXPECT_CALL(*session, notify(Eq("notifications/initialized"), Eq(json::object())));
  EXPECT_CALL(*session, notify(Eq("notifications/cancelled"), Eq(json{{"requestId", 1}})));
  EXPECT_EQ(handle(R"({"jsonrpc":"2.0","method":"notifications/initialized"})"), std::nullopt);
  EXPECT_EQ(handle(R"({"jsonrpc":"2.0","method":"notifications/cancelled",)"
                   R"("params":{"requestId":1}})"),
            std::nullopt);
}

TEST_F(DispatcherSessionTest, MalformedNotificationIsDroppedSilently_LIFE004) {
  // StrictMock: notify is not called, and nothing is answered.
  EXPECT_EQ(handle(R"({"jsonrpc":"2.0","method":"notifications/x","params":[1]})"), std::nullopt);
  EXPECT_EQ(handle(R"({"jsonrpc":"2.0","method":"initialize","params":"x"})"), std::nullopt);
}

// Regression: Session::notify once ran without the guard that requests have, so a
// throwing notify escaped the dispatcher and ended a stdio server.
TEST_F(DispatcherSessionTest, ThrowingNotifyIsContained_LIFE004) {
  EXPECT_CALL(*session, notify(Eq("notifications/cancelled"), _))
      .WillOnce(Invoke([](std::string_view, const json&) { throw std::runtime_error("kaput"); }));
  std::optional<json> answer = json("not set");
  EXPECT_NO_THROW(answer = handle(R"({"jsonrpc":"2.0","method":"notifications/cancelled"})"));
  EXPECT_EQ(answer, std::nullopt);
}

TEST_F(DispatcherSessionTest, ResponsesAreIgnored) {
  EXPECT_EQ(handle(R"({"jsonrpc":"2.0","id":1,"result":{}})"), std::nullopt);
  EXPECT_EQ(handle(R"({"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"m"}})"), std::nullopt);
}

TEST_F(DispatcherSessionTest, ThrowingSessionIsInternalErrorAndSurvives) {
  EXPECT_CALL(*session, handle(Eq("tools/call"), _))
      .WillOnce(Invoke(
          [](std::string_view, const json&) -> Outcome { throw std::runtime_error("kaput"); }))
      .WillOnce(Return(Outcome(json{{"ok", true}})));
  EXPECT_EQ(handle(R"({"jsonrpc":"2.0","id":11,"method":"tools/call","params":{}})"),
            error_response(11, -32603,
                           "[mcpgym.rpc.internal_error] Internal error while handling tools/call: "
                           "kaput"));
  // The slot's lock was released while unwinding: the next call goes through.
  EXPECT_EQ(handle(R"({"jsonrpc":"2.0","id":12,"method":"tools/call","params":{}})"),
            json::parse(R"({"jsonrpc":"2.0","id":12,"result":{"ok":true}})"));
}

// The core serializes calls into a session (application.hpp): the slot is locked while the
// session handles a request. Checked from another thread, where try_lock is well defined.
TEST_F(DispatcherSessionTest, SessionIsCalledUnderTheSlotLock) {
  bool locked_during_call = false;
  EXPECT_CALL(*session, handle(Eq("ping"), _)).WillOnce(Invoke([&](std::string_view, const json&) {
    locked_during_call = !std::async(std::launch::async, [this] {
                            const bool got = slot->mutex.try_lock();
                            if (got) slot->mutex.unlock();
                            return got;
                          }).get();
    return Outcome(json::object());
  }));
  handle(R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
  EXPECT_TRUE(locked_during_call);
}

TEST(DispatcherUninitialized, PingIsAnsweredWithEmptyResult_LIFE005_STDIO003) {
  FakeApplication app;
  SessionStore store(0ms);
  Dispatcher dispatcher(app, store);
  EXPECT_EQ(dispatcher.handle_uninitialized(
                Parsed(R"({"jsonrpc":"2.0","id":7,"method":"ping"})").message),
            json::parse(R"({"jsonrpc":"2.0","id":7,"result":{}})"));
}

TEST(DispatcherUninitialized, OtherRequestsAreNotInitialized_STDIO003) {
  FakeApplication app;
  SessionStore store(0ms);
  Dispatcher dispatcher(app, store);
  EXPECT_EQ(dispatcher.handle_uninitialized(
                Parsed(R"({"jsonrpc":"2.0","id":"a","method":"tools/list"})").message),
            error_response("a", -32600,
                           "[mcpgym.rpc.not_initialized] Invalid Request: tools/list before "
                           "initialize; send initialize first"));
  EXPECT_EQ(app.create_calls, 0);
}

TEST(DispatcherUninitialized, NotificationsAndResponsesAreIgnored_LIFE004) {
  FakeApplication app;
  SessionStore store(0ms);
  Dispatcher dispatcher(app, store);
  EXPECT_EQ(dispatcher.handle_uninitialized(
                Parsed(R"({"jsonrpc":"2.0","method":"notifications/initialized"})").message),
            std::nullopt);
  EXPECT_EQ(
      dispatcher.handle_uninitialized(Parsed(R"({"jsonrpc":"2.0","id":1,"result":{}})").message),
      std::nullopt);
}

TEST(BatchRejected, NamesTheVersion_HTTP014) {
  EXPECT_EQ(batch_rejected("2025-06-18"),
            (RpcError{-32600,
                      "[mcpgym.rpc.batch_rejected] Invalid Request: JSON-RPC batches are not "
                      "supported in protocol version 2025-06-18 (MCP removed them in 2025-06-18); "
                      "send one message per request",
                      nullptr}));
}

}  // namespace
}  // namespace mcpgym::mcp
