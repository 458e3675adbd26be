#pragma once
// A game the harness does not know, served in-process: the reference
// FrozenLake behind a data-plane tool `maze_walk` whose actions are WEST,
// SOUTH, EAST and NORTH (LEFT, DOWN, RIGHT and UP underneath). The harness
// can only learn its tool and actions from tools/list; the control plane is
// the reference's own.
#include <array>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "reference/gym/games/frozenlake/frozenlake_game.hpp"
#include "reference/gym/gym_app.hpp"
#include "reference/mcp/application.hpp"
#include "reference/mcp/http_server.hpp"
#include "reference/testkit/in_process_backend.hpp"

namespace mcpgym::harness::testing_disguise {

using json = nlohmann::json;

inline constexpr const char* kTool = "maze_walk";
inline const std::array<std::string, 4> kActions = {"WEST", "SOUTH", "EAST", "NORTH"};
inline const std::array<std::string, 4> kUnderneath = {"LEFT", "DOWN", "RIGHT", "UP"};

class DisguisedSession final : public mcp::Session {
 public:
  explicit DisguisedSession(std::unique_ptr<mcp::Session> inner) : inner_(std::move(inner)) {}

  mcp::Outcome handle(std::string_view method, const json& params) override {
    if (method == "tools/call") return inner_->handle(method, undisguised_call(params));
    auto outcome = inner_->handle(method, params);
    if (method == "tools/list" && outcome) disguise_tools(*outcome);
    return outcome;
  }
  mcp::Outcome read_control(std::string_view name) override { return inner_->read_control(name); }
  void notify(std::string_view method, const json& params) override {
    inner_->notify(method, params);
  }

 private:
  static void disguise_tools(json& listed) {
    for (auto& tool : listed["tools"]) {
      if (tool.value("name", "") != "lake_move") continue;
      tool["name"] = kTool;
      tool["inputSchema"]["properties"]["action"]["enum"] = kActions;
    }
  }
  static json undisguised_call(json params) {
    if (params.value("name", "") != kTool) return params;
    params["name"] = "lake_move";
    auto& arguments = params["arguments"];
    for (std::size_t i = 0; i < kActions.size(); ++i) {
      if (arguments.is_object() && arguments.value("action", "") == kActions[i])
        arguments["action"] = kUnderneath[i];
    }
    return params;
  }

  std::unique_ptr<mcp::Session> inner_;
};

class DisguisedApp final : public mcp::Application {
 public:
  mcp::ServerInfo server_info() const override { return inner_.server_info(); }
  json capabilities() const override { return inner_.capabilities(); }
  Expected<std::unique_ptr<mcp::Session>, mcp::RpcError> create_session(
      const json& params, std::string_view negotiated) override {
    auto session = inner_.create_session(params, negotiated);
    if (!session) return unexpected(session.error());
    return std::unique_ptr<mcp::Session>(std::make_unique<DisguisedSession>(std::move(*session)));
  }

 private:
  gym::GymApp inner_{gym::frozenlake_game()};
};

// Served on 127.0.0.1, port 0, until destroyed.
class DisguisedBackend {
 public:
  DisguisedBackend()
      : server_(
            std::make_unique<mcp::HttpServer>(app_, testkit::InProcessBackend::default_options())) {
    auto port = server_->bind();
    if (!port) throw std::runtime_error("the disguised backend did not bind: " + port.error());
    port_ = *port;
    thread_ = std::thread([this] { server_->serve(); });
  }
  ~DisguisedBackend() {
    server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  DisguisedBackend(const DisguisedBackend&) = delete;
  DisguisedBackend& operator=(const DisguisedBackend&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/mcp"; }

 private:
  DisguisedApp app_;
  std::unique_ptr<mcp::HttpServer> server_;
  std::thread thread_;
  int port_ = -1;
};

}  // namespace mcpgym::harness::testing_disguise
