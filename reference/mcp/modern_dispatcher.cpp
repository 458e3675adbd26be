#include "reference/mcp/modern_dispatcher.hpp"

#include <array>
#include <exception>

#include "common/error_ids.hpp"
#include "common/log.hpp"
#include "common/protocol.hpp"

namespace mcpgym::mcp {

namespace {

// Caching (2026-07-28 server/utilities/caching): results that carry ttlMs and cacheScope.
constexpr std::array<std::string_view, 6> kCacheableMethods = {
    kDiscoverMethod, "tools/list", "prompts/list", "resources/list", "resources/templates/list",
    "resources/read"};

bool is_cacheable(std::string_view method) {
  for (auto m : kCacheableMethods) {
    if (m == method) return true;
  }
  return false;
}

// The revision removed the handshake and ping: with a modern envelope they
// are unknown methods (MODERN-005).
bool is_removed_method(std::string_view method) {
  return method == "initialize" || method == "ping";
}

// What the core asks the application for itself (HANDLE-007's tools/list).
json own_request_params() {
  return {{"_meta",
           {{std::string(kMetaProtocolVersion), kModernVersion},
            {std::string(kMetaClientCapabilities), json::object()}}}};
}

int http_status_of(const RpcError& error) {
  return error.code == code::kMethodNotFound ? 404 : 200;
}

}  // namespace

std::optional<ModernAnswer> ModernDispatcher::handle(const Message& message,
                                                     const HeaderLookup* headers) {
  // The revision defines no client notifications over HTTP; on stdio only
  // cancellation, and this server answers every request before reading on.
  if (message.kind != MessageKind::kRequest) return std::nullopt;
  const json& params = *message.params;
  if (auto bad = check_envelope(params)) return refuse(message.id, 400, *bad);
  const auto& version = params["_meta"][std::string(kMetaProtocolVersion)];
  if (auto bad = check_version(version.get<std::string>(), app_.serves_modern())) {
    return refuse(message.id, 400, *bad);
  }
  if (headers != nullptr) {
    if (auto bad = check_standard_headers(*headers, message)) return refuse(message.id, 400, *bad);
  }
  Outcome outcome = serve(message, params, headers);
  if (!outcome) {
    const RpcError error = in_modern_codes(params, outcome.error());
    const int status = error.code == code::kHeaderMismatch ? 400 : http_status_of(error);
    return refuse(message.id, status, error);
  }
  return ModernAnswer{200, make_result(message.id, decorated(message.method, std::move(*outcome)))};
}

ModernAnswer ModernDispatcher::refuse(const json& id, int http_status,
                                      const RpcError& error) const {
  return {http_status, make_error(id, error)};
}

Outcome ModernDispatcher::serve(const Message& request, const json& params,
                                const HeaderLookup* headers) {
  if (is_removed_method(request.method)) {
    return unexpected(rpc_error(
        code::kMethodNotFound, err::kModernMethodRemoved,
        "Method not found: " + request.method + " is not a " + std::string(kModernVersion) +
            " method (the revision removed it); a legacy session starts with an initialize "
            "request without params._meta",
        json{{"method", request.method}}));
  }
  if (request.method == kDiscoverMethod) return discover();
  if (validate_param_headers_ && headers != nullptr && request.method == "tools/call") {
    const auto arguments = params.find("arguments");
    if (arguments != params.end() && arguments->is_object()) {
      if (auto bad = check_param_headers(param_headers_for(params), *arguments, *headers)) {
        return unexpected(*bad);
      }
    }
  }
  return call_application(request.method, params);
}

// An application that throws must not take the server down (as in the legacy era).
Outcome ModernDispatcher::call_application(const std::string& method, const json& params) {
  try {
    return app_.handle_modern(method, params);
  } catch (const std::exception& e) {
    log_error("internal error in modern " + excerpt(method) + ": " + e.what());
    return unexpected(
        rpc_error(code::kInternalError, err::kInternalError,
                  "Internal error while handling " + excerpt(method) + ": " + e.what()));
  }
}

// MODERN-006, the revision's DiscoverResult.
json ModernDispatcher::discover() const {
  const ServerInfo info = app_.server_info();
  json result = {{"supportedVersions", supported_versions(app_.serves_modern())},
                 {"capabilities", app_.capabilities()}};
  if (!info.instructions.empty()) result["instructions"] = info.instructions;
  return result;
}

// MODERN-007 (resultType), MODERN-008 (cache hints the application did not
// set: immediately stale and per caller, the safe default), and serverInfo in
// `_meta` as the revision asks of every result.
json ModernDispatcher::decorated(std::string_view method, json result) const {
  if (!result.is_object()) return result;
  if (!result.contains("resultType")) result["resultType"] = "complete";
  if (is_cacheable(method)) {
    if (!result.contains("ttlMs")) result["ttlMs"] = 0;
    if (!result.contains("cacheScope")) result["cacheScope"] = "private";
  }
  json& meta = result["_meta"];
  if (!meta.is_object()) meta = json::object();
  if (!meta.contains(server_info_key_)) meta[server_info_key_] = server_info_;
  return result;
}

// MODERN-009: 2026-07-28 retired -32002; resource not found is -32602 with data.uri.
RpcError ModernDispatcher::in_modern_codes(const json& params, RpcError error) const {
  if (error.code != code::kResourceNotFound) return error;
  error.code = code::kInvalidParams;
  if (!error.data.is_object()) error.data = json::object();
  const auto uri = params.find("uri");
  if (!error.data.contains("uri") && uri != params.end()) error.data["uri"] = *uri;
  return error;
}

// Asked once and kept; a failed tools/list is not kept, so the next call asks
// again. Once kept, the map never changes: later calls read it without the lock.
const std::vector<ParamHeader>& ModernDispatcher::param_headers_for(const json& params) {
  static const std::vector<ParamHeader> kNone;
  const auto name = params.find("name");
  if (name == params.end() || !name->is_string()) return kNone;
  const ParamHeaderMap* map = param_headers_ready_.load(std::memory_order_acquire);
  if (map == nullptr) map = list_param_headers();
  if (map == nullptr) return kNone;
  const auto found = map->find(name->get_ref<const std::string&>());
  return found == map->end() ? kNone : found->second;
}

const ParamHeaderMap* ModernDispatcher::list_param_headers() {
  std::lock_guard lock(param_headers_mutex_);
  if (param_headers_) return &*param_headers_;
  ParamHeaderMap map;
  json request = own_request_params();
  // Every page, within a bound against an application that never ends its list.
  for (int page = 0; page < 100; ++page) {
    Outcome listed = call_application("tools/list", request);
    if (!listed) {
      log_error("x-mcp-header validation skipped: tools/list failed: " + listed.error().message);
      return nullptr;
    }
    map.merge(param_headers_of(*listed));
    const auto cursor = listed->find("nextCursor");
    if (cursor == listed->end() || !cursor->is_string()) break;
    request["cursor"] = *cursor;
  }
  param_headers_ = std::move(map);
  param_headers_ready_.store(&*param_headers_, std::memory_order_release);
  return &*param_headers_;
}

}  // namespace mcpgym::mcp
