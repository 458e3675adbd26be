#pragma once
// A small modern-era Application for the core's tests: one tool whose env_id
// argument carries x-mcp-header, one resource, a control plane by handle.
#include <atomic>
#include <string>

#include "common/error_ids.hpp"
#include "common/protocol.hpp"
#include "reference/mcp/tests/fakes.hpp"

namespace mcpgym::mcp::testing {

class FakeModernApplication : public FakeApplication {
 public:
  bool serves_modern() const override { return modern; }

  Outcome handle_modern(std::string_view method, const json& params) override {
    if (method == "tools/list") {
      ++tools_list_calls;
      return json{{"tools", json::array({move_tool()})}};
    }
    if (method == "tools/call") {
      return json{{"content", json::array({{{"type", "text"}, {"text", "moved"}}})},
                  {"arguments", params.value("arguments", json::object())}};
    }
    if (method == "resources/read") return read(params.value("uri", ""));
    if (method == "resources/list") {
      return json{{"resources", json::array({{{"uri", kKnownUri}, {"name", "known"}}})}};
    }
    if (method == "boom") throw std::runtime_error("kaput");
    return Application::handle_modern(method, params);
  }

  Outcome read_control_by_handle(std::string_view name, std::string_view handle) override {
    if (handle == "env-1" && name == "reward") return json{{"reward", 1.5}};
    return Application::read_control_by_handle(name, handle);
  }

  static json move_tool() {
    return {{"name", "move"},
            {"inputSchema",
             {{"type", "object"},
              {"properties",
               {{"env_id", {{"type", "string"}, {"x-mcp-header", "Env-Id"}}},
                {"count", {{"type", "integer"}, {"x-mcp-header", "Count"}}},
                {"action", {{"type", "string"}}}}},
              {"required", {"env_id", "action"}}}}};
  }

  static constexpr const char* kKnownUri = "res://known";
  bool modern = true;
  std::atomic<int> tools_list_calls{0};

 private:
  static Outcome read(const std::string& uri) {
    if (uri == kKnownUri) {
      return json{{"contents", json::array({{{"uri", uri}, {"text", "hello"}}})}};
    }
    // The legacy code on purpose: the core must turn it into -32602 (MODERN-009).
    return unexpected(rpc_error(code::kResourceNotFound, err::kResourceNotFound,
                                "Resource not found: " + uri, json{{"uri", uri}}));
  }
};

}  // namespace mcpgym::mcp::testing
