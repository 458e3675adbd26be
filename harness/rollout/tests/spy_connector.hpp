#pragma once
// Wraps another connector's clients to watch what the rollout sends: every
// tool call, and the status the rollout last read before it. Lets a test
// prove that no tool call ever reaches an ended environment, and inject a
// misbehaving control plane.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

#include "harness/rollout/rollout.hpp"

namespace mcpgym::harness::testing_spy {

struct Observed {
  std::mutex mutex;
  int tool_calls_after_end = 0;
  int tool_calls = 0;
};

// Rewrites a control-plane payload (name: "reward", "status", ...) or a tool
// result (name: "tools/call") before the rollout sees it.
using Tamper = std::function<void(const std::string& name, json& payload)>;

class SpyClient final : public McpClient {
 public:
  SpyClient(std::unique_ptr<McpClient> inner, Observed& observed, Tamper tamper)
      : inner_(std::move(inner)), observed_(observed), tamper_(std::move(tamper)) {}

  Result<json> initialize(const json& extra) override { return inner_->initialize(extra); }
  Result<json> request(const std::string& m, const json& p) override {
    return inner_->request(m, p);
  }
  Result<void> notify(const std::string& m, const json& p) override { return inner_->notify(m, p); }
  Result<json> call_tool(const std::string& name, const json& arguments) override {
    // Ask the server itself whether the episode had ended, independent of
    // anything the rollout read.
    auto status = inner_->read_resource("control://status");
    const bool ended = status && status->is_object() &&
                       (status->value("terminated", false) || status->value("truncated", false));
    {
      std::lock_guard lock(observed_.mutex);
      ++observed_.tool_calls;
      if (ended) ++observed_.tool_calls_after_end;
    }
    auto result = inner_->call_tool(name, arguments);
    if (result && tamper_) tamper_("tools/call", *result);
    return result;
  }
  Result<json> read_resource(const std::string& uri) override {
    auto payload = inner_->read_resource(uri);
    if (payload && tamper_) tamper_(uri.substr(uri.find("://") + 3), *payload);
    return payload;
  }
  Result<json> read_control_http(const std::string& name) override {
    auto payload = inner_->read_control_http(name);
    if (payload && tamper_) tamper_(name, *payload);
    return payload;
  }
  Result<void> close() override { return inner_->close(); }
  const std::optional<std::string>& session_id() const override { return inner_->session_id(); }
  const std::string& negotiated_version() const override { return inner_->negotiated_version(); }

 private:
  std::unique_ptr<McpClient> inner_;
  Observed& observed_;
  Tamper tamper_;
};

class SpyConnector final : public Connector {
 public:
  SpyConnector(std::unique_ptr<Connector> inner, Tamper tamper = {})
      : inner_(std::move(inner)), tamper_(std::move(tamper)) {}
  Expected<std::unique_ptr<McpClient>, std::string> connect(int i,
                                                            const EnvironmentSpec& e) override {
    auto client = inner_->connect(i, e);
    if (!client) return unexpected(client.error());
    return std::unique_ptr<McpClient>(
        std::make_unique<SpyClient>(std::move(*client), observed, tamper_));
  }
  Observed observed;

 private:
  std::unique_ptr<Connector> inner_;
  Tamper tamper_;
};

}  // namespace mcpgym::harness::testing_spy
