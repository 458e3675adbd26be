#pragma once
// Test doubles for the Application seam: the core's tests must not depend on FrozenLake.
#include <gmock/gmock.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "reference/mcp/application.hpp"
#include "reference/mcp/tests/printers.hpp"

namespace mcpgym::mcp::testing {

class MockSession : public Session {
 public:
  MOCK_METHOD(Outcome, handle, (std::string_view method, const json& params), (override));
  MOCK_METHOD(Outcome, read_control, (std::string_view name), (override));
  MOCK_METHOD(void, notify, (std::string_view method, const json& params), (override));
};

// A session that answers every method with {"method": m, "params": p}, except "boom", which
// throws, and "fail", which answers an error. Notifications are recorded.
class EchoSession : public Session {
 public:
  explicit EchoSession(std::vector<std::string>* notified = nullptr) : notified_(notified) {}

  Outcome handle(std::string_view method, const json& params) override {
    if (method == "boom") throw std::runtime_error("kaput");
    if (method == "fail") return unexpected(RpcError{-32099, "[test.fail] failed", json{{"k", 1}}});
    return json{{"method", method}, {"params", params}};
  }
  Outcome read_control(std::string_view name) override { return json{{"control", name}}; }
  void notify(std::string_view method, const json& /*params*/) override {
    if (notified_ != nullptr) notified_->emplace_back(method);
  }

 private:
  std::vector<std::string>* notified_;
};

// An Application whose create_session is whatever the test says; by default an EchoSession.
class FakeApplication : public Application {
 public:
  using Factory = std::function<Expected<std::unique_ptr<Session>, RpcError>(
      const json& params, std::string_view negotiated)>;

  FakeApplication() {
    factory = [this](const json&,
                     std::string_view) -> Expected<std::unique_ptr<Session>, RpcError> {
      return std::unique_ptr<Session>(std::make_unique<EchoSession>(&notified));
    };
  }

  ServerInfo server_info() const override { return info; }
  json capabilities() const override { return caps; }
  Expected<std::unique_ptr<Session>, RpcError> create_session(
      const json& params, std::string_view negotiated) override {
    ++create_calls;
    last_params = params;
    last_negotiated = std::string(negotiated);
    return factory(params, negotiated);
  }

  ServerInfo info{"fake-server", "9.8.7", ""};
  json caps = {{"tools", json::object()}, {"resources", json::object()}};
  Factory factory;
  int create_calls = 0;
  json last_params;
  std::string last_negotiated;
  std::vector<std::string> notified;
};

}  // namespace mcpgym::mcp::testing
