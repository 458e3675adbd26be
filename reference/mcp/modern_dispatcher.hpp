#pragma once
// Serving one MCP 2026-07-28 (modern) request, for any transport: the
// envelope, version and (on HTTP) header rules, server/discover, and the
// shape every modern result and error must have (docs/spec.md MODERN-*,
// HANDLE-007). Everything else is the Application's handle_modern().
#include <atomic>
#include <mutex>
#include <optional>

#include "reference/mcp/application.hpp"
#include "reference/mcp/json_rpc.hpp"
#include "reference/mcp/modern_request.hpp"
#include "reference/mcp/param_headers.hpp"

namespace mcpgym::mcp {

struct ModernAnswer {
  int http_status = 200;  // ignored off HTTP
  json response;          // the JSON-RPC response
};

class ModernDispatcher {
 public:
  // `validate_param_headers` false: the testing fault header-not-validated
  // (HttpServerOptions::header_not_validated).
  explicit ModernDispatcher(Application& app, bool validate_param_headers = true)
      : app_(app),
        validate_param_headers_(validate_param_headers),
        server_info_{{"name", app.server_info().name}, {"version", app.server_info().version}} {}

  // A modern message (is_modern). `headers` is the HTTP request's headers, or
  // null off HTTP (stdio has no header layer). Nothing to answer for a
  // notification. Thread-safe.
  std::optional<ModernAnswer> handle(const Message& message, const HeaderLookup* headers);

 private:
  ModernAnswer refuse(const json& id, int http_status, const RpcError& error) const;
  Outcome serve(const Message& request, const json& params, const HeaderLookup* headers);
  Outcome call_application(const std::string& method, const json& params);
  json discover() const;
  json decorated(std::string_view method, json result) const;
  RpcError in_modern_codes(const json& params, RpcError error) const;
  // The annotations of the tool `params` names (none when unknown).
  const std::vector<ParamHeader>& param_headers_for(const json& params);
  // The application's tools/list annotations, listed once; null when it failed.
  const ParamHeaderMap* list_param_headers();

  Application& app_;
  const bool validate_param_headers_;
  // serverInfo in every result's _meta (the application's is fixed), built once.
  const std::string server_info_key_{kMetaServerInfo};
  const json server_info_;
  // HANDLE-007: what the application's own tools/list annotates, asked once.
  std::mutex param_headers_mutex_;
  std::optional<ParamHeaderMap> param_headers_;  // written once, under the mutex
  std::atomic<const ParamHeaderMap*> param_headers_ready_{nullptr};
};

}  // namespace mcpgym::mcp
