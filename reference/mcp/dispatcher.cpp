#include "reference/mcp/dispatcher.hpp"

#include <exception>

#include "common/error_ids.hpp"
#include "common/log.hpp"
#include "common/protocol.hpp"

namespace mcpgym::mcp {

namespace {

const json& empty_object() {
  static const json kEmpty = json::object();
  return kEmpty;
}

// Params are optional; when present MCP requires an object.
Expected<const json*, RpcError> params_object(const Message& m) {
  if (m.params == nullptr) return &empty_object();
  if (!m.params->is_object()) {
    return unexpected(rpc_error(code::kInvalidParams, err::kInvalidParams,
                                "Invalid params: \"params\" of " + excerpt(m.method) +
                                    " must be an object, got " + m.params->type_name()));
  }
  return m.params;
}

// A session implementation that throws must not take the server down: the
// client gets -32603 and the exception text, the process keeps serving.
Outcome call_guarded(SessionSlot& slot, const std::string& method, const json& params) {
  try {
    std::lock_guard lock(slot.mutex);
    return slot.session->handle(method, params);
  } catch (const std::exception& e) {
    log_error("internal error in " + excerpt(method) + ": " + e.what());
    return unexpected(
        rpc_error(code::kInternalError, err::kInternalError,
                  "Internal error while handling " + excerpt(method) + ": " + e.what()));
  }
}

}  // namespace

Dispatcher::Initialized Dispatcher::initialize(const Message& request) {
  auto params = params_object(request);
  if (!params) return {make_error(request.id, params.error()), std::nullopt};
  const json& p = **params;
  const auto version = p.find("protocolVersion");
  if (version == p.end() || !version->is_string()) {
    return {make_error(request.id,
                       rpc_error(code::kInvalidParams, err::kInvalidParams,
                                 "Invalid params: initialize needs a string \"protocolVersion\"")),
            std::nullopt};
  }
  const std::string requested = version->get<std::string>();
  const std::string negotiated =
      is_supported_version(requested) ? requested : std::string(kNewestVersion);

  Expected<std::unique_ptr<Session>, RpcError> session = unexpected(RpcError{});
  try {
    session = app_.create_session(p, negotiated);
  } catch (const std::exception& e) {
    session = unexpected(
        rpc_error(code::kInternalError, err::kInternalError,
                  std::string("Internal error while creating the session: ") + e.what()));
  }
  if (!session) return {make_error(request.id, session.error()), std::nullopt};

  const ServerInfo info = app_.server_info();
  json result = {{"protocolVersion", negotiated},
                 {"capabilities", app_.capabilities()},
                 {"serverInfo", {{"name", info.name}, {"version", info.version}}}};
  if (!info.instructions.empty()) result["instructions"] = info.instructions;
  Session& created = **session;
  std::string id = store_.add(std::move(*session), negotiated);
  created.opened(id);
  return {make_result(request.id, std::move(result)), std::move(id)};
}

std::optional<json> Dispatcher::handle(SessionSlot& slot, const Message& message) {
  switch (message.kind) {
    case MessageKind::kResponse:
      return std::nullopt;  // this server sends no requests, so nothing awaits an answer
    case MessageKind::kNotification: {
      auto params = params_object(message);
      if (!params) return std::nullopt;  // notifications are never answered, even when malformed
      try {
        std::lock_guard lock(slot.mutex);
        slot.session->notify(message.method, **params);
      } catch (const std::exception& e) {
        // Nobody awaits an answer to a notification; the failure is only logged.
        log_error("internal error in notification " + excerpt(message.method) + ": " + e.what());
      }
      return std::nullopt;
    }
    case MessageKind::kRequest:
      break;
  }
  if (message.method == "initialize") {
    return make_error(message.id,
                      rpc_error(code::kInvalidRequest, err::kAlreadyInitialized,
                                "Invalid Request: this session is already initialized; start a "
                                "new session to initialize again"));
  }
  auto params = params_object(message);
  if (!params) return make_error(message.id, params.error());
  Outcome outcome = call_guarded(slot, message.method, **params);
  if (!outcome) return make_error(message.id, outcome.error());
  return make_result(message.id, std::move(*outcome));
}

std::optional<json> Dispatcher::handle_uninitialized(const Message& message) {
  if (message.kind != MessageKind::kRequest) return std::nullopt;
  if (message.method == "ping") return make_result(message.id, json::object());
  return make_error(message.id, rpc_error(code::kInvalidRequest, err::kNotInitialized,
                                          "Invalid Request: " + excerpt(message.method) +
                                              " before initialize; send initialize first"));
}

Expected<std::optional<json>, RpcError> Dispatcher::handle_batch(SessionSlot& slot,
                                                                 const json& batch) {
  if (!allows_batches(slot.protocol_version)) {
    return unexpected(batch_rejected(slot.protocol_version));
  }
  if (batch.empty()) {
    return unexpected(
        rpc_error(code::kInvalidRequest, err::kInvalidRequest, "Invalid Request: an empty batch"));
  }
  json answers = json::array();
  for (const auto& element : batch) {
    auto message = classify(element);
    if (!message) {
      answers.push_back(make_error(message.error().id, message.error().error));
    } else if (message->kind == MessageKind::kRequest && message->method == "initialize") {
      answers.push_back(make_error(
          message->id, rpc_error(code::kInvalidRequest, err::kInvalidRequest,
                                 "Invalid Request: initialize must not be part of a batch")));
    } else if (auto answer = handle(slot, *message)) {
      answers.push_back(std::move(*answer));
    }
  }
  if (answers.empty()) return std::optional<json>();
  return std::optional<json>(std::move(answers));
}

RpcError batch_rejected(std::string_view negotiated_version) {
  return rpc_error(code::kInvalidRequest, err::kBatchRejected,
                   "Invalid Request: JSON-RPC batches are not supported in protocol version " +
                       std::string(negotiated_version) +
                       " (MCP removed them in 2025-06-18); send one message per request");
}

}  // namespace mcpgym::mcp
