#include <errno.h>
#include <pthread.h>
#include <time.h>

#include <cctype>

#include "common/bounded_json.hpp"
#include "harness/mcp/client.hpp"
#include "harness/mcp/client_internal.hpp"

namespace mcpgym::harness {

std::string_view call_error_id(CallErrorKind kind) {
  switch (kind) {
    case CallErrorKind::kTransport:
      return "mcpgym.client.transport";
    case CallErrorKind::kHttpStatus:
      return "mcpgym.client.http_status";
    case CallErrorKind::kBadResponse:
      return "mcpgym.client.bad_response";
    case CallErrorKind::kRpcError:
      return "mcpgym.client.rpc_error";
    case CallErrorKind::kClosed:
      return "mcpgym.client.closed";
    case CallErrorKind::kUnsupported:
      return "mcpgym.client.unsupported";
  }
  return "mcpgym.client.unknown";
}

std::string CallError::message() const {
  std::string out = "[";
  out += call_error_id(kind);
  out += "] ";
  out += method;
  out += ": ";
  out += why;
  if (sent.empty() && received.empty() && http_status == 0) return out;
  out += " (sent ";
  out += sent.empty() ? "nothing" : sent;
  out += ", got ";
  if (http_status != 0) {
    out += "HTTP " + std::to_string(http_status);
    out += received.empty() ? " with an empty body" : ": " + received;
  } else {
    out += received.empty() ? "nothing" : received;
  }
  out += ")";
  return out;
}

namespace detail {

std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

CallError make_error(CallErrorKind kind, std::string method, std::string why, std::string sent,
                     int http_status, std::string received) {
  CallError e;
  e.kind = kind;
  e.method = std::move(method);
  e.why = std::move(why);
  e.sent = std::move(sent);
  e.http_status = http_status;
  e.received = std::move(received);
  return e;
}

std::string message_text(const std::string& method, const json& params,
                         std::optional<std::int64_t> id) {
  std::string text = R"({"jsonrpc":"2.0",)";
  if (id) text += R"("id":)" + std::to_string(*id) + ",";
  text += R"("method":)" + dump(method);
  if (!params.is_null()) text += R"(,"params":)" + dump(params);
  text += "}";
  return text;
}

Expected<json, std::string> parse_untrusted(std::string_view text, std::string_view what,
                                            const JsonLimits& limits) {
  auto parsed = parse_json(text, limits);
  if (parsed) return std::move(*parsed);
  if (parsed.error().problem == JsonProblem::kInvalid)
    return unexpected(std::string(what) + " is not JSON");
  return unexpected(std::string(what) + " is refused: " + parsed.error().message);
}

bool is_server_message(const json& message) {
  return message.is_object() && message.contains("method");
}

namespace {

CallError bad(std::string why) {
  return make_error(CallErrorKind::kBadResponse, {}, std::move(why));
}

}  // namespace

Expected<json, CallError> check_response(json message, std::int64_t id) {
  if (!message.is_object()) {
    return unexpected(bad("the answer is " + describe(message) + ", not a JSON-RPC response"));
  }
  const auto jsonrpc = message.find("jsonrpc");
  if (jsonrpc == message.end() || *jsonrpc != "2.0") {
    return unexpected(bad("the answer's \"jsonrpc\" is " +
                          (jsonrpc == message.end() ? std::string("missing") : describe(*jsonrpc)) +
                          ", not \"2.0\""));
  }
  const auto answer_id = message.find("id");
  if (answer_id == message.end()) {
    return unexpected(bad("the answer has no id; expected " + std::to_string(id)));
  }
  if (!answer_id->is_number_integer() || *answer_id != id) {
    return unexpected(bad("the answer's id is " + describe(*answer_id) + ", not " +
                          std::to_string(id) + " (the request's)"));
  }
  const bool has_result = message.contains("result");
  const auto error = message.find("error");
  if (has_result == (error != message.end())) {
    return unexpected(bad(has_result ? "the answer has both \"result\" and \"error\""
                                     : "the answer has neither \"result\" nor \"error\""));
  }
  if (has_result) return std::move(message.at("result"));
  const auto code = error->is_object() ? error->find("code") : error->end();
  const auto text = error->is_object() ? error->find("message") : error->end();
  if (!error->is_object() || code == error->end() || !code->is_number_integer() ||
      text == error->end() || !text->is_string()) {
    return unexpected(
        bad("the answer's \"error\" is not a JSON-RPC error object "
            "(an integer \"code\" and a string \"message\")"));
  }
  CallError e = make_error(CallErrorKind::kRpcError, {},
                           "the server answered JSON-RPC error " + dump(*code) + ": " +
                               excerpt(text->get<std::string>(), 200));
  e.rpc_error = *error;
  return unexpected(std::move(e));
}

CallError ClientBase::answer_error(CallErrorKind kind, const std::string& method, std::string why,
                                   const Answer& answer) const {
  return make_error(kind, method, std::move(why), answer.sent, answer.http_status, answer.received);
}

Result<json> ClientBase::initialize(const json& extra) {
  json client_info = {{"name", options_.client_name}, {"version", options_.client_version}};
  if (!extra.is_null()) client_info["_extra"] = extra;
  const json params = {{"protocolVersion", options_.protocol_version},
                       {"capabilities", json::object()},
                       {"clientInfo", std::move(client_info)}};
  auto answer = roundtrip("initialize", params);
  if (!answer) return unexpected(std::move(answer).error());
  if (auto error = on_initialize_answer(*answer)) return unexpected(std::move(*error));
  const json& result = answer->result;
  const auto version = result.is_object() ? result.find("protocolVersion") : result.end();
  if (!result.is_object() || version == result.end() || !version->is_string()) {
    return unexpected(answer_error(CallErrorKind::kBadResponse, "initialize",
                                   "the initialize result has no string \"protocolVersion\"",
                                   *answer));
  }
  negotiated_ = version->get<std::string>();
  auto initialized = notify("notifications/initialized", nullptr);
  if (!initialized) return unexpected(std::move(initialized).error());
  return std::move(answer->result);
}

Result<json> ClientBase::request(const std::string& method, const json& params) {
  auto answer = roundtrip(method, params);
  if (!answer) return unexpected(std::move(answer).error());
  return std::move(answer->result);
}

Result<json> ClientBase::call_tool(const std::string& name, const json& arguments) {
  auto answer = roundtrip("tools/call", {{"name", name}, {"arguments", arguments}});
  if (!answer) return unexpected(std::move(answer).error());
  if (!answer->result.is_object()) {
    return unexpected(answer_error(
        CallErrorKind::kBadResponse, "tools/call",
        "the tools/call result is " + describe(answer->result) + ", not an object", *answer));
  }
  return std::move(answer->result);
}

Result<json> ClientBase::read_resource(const std::string& uri) {
  auto answer = roundtrip("resources/read", {{"uri", uri}});
  if (!answer) return unexpected(std::move(answer).error());
  const json& result = answer->result;
  const json* text = nullptr;
  if (result.is_object()) {
    const auto contents = result.find("contents");
    if (contents != result.end() && contents->is_array() && !contents->empty() &&
        contents->front().is_object()) {
      const auto t = contents->front().find("text");
      if (t != contents->front().end() && t->is_string()) text = &*t;
    }
  }
  if (text == nullptr) {
    return unexpected(answer_error(
        CallErrorKind::kBadResponse, "resources/read",
        "the result for " + excerpt(uri, 100) + " has no string \"contents[0].text\"", *answer));
  }
  const std::string& payload_text = text->get_ref<const std::string&>();
  auto payload = parse_untrusted(payload_text, "\"contents[0].text\" of " + excerpt(uri, 100),
                                 options_.json_limits);
  if (!payload) {
    std::string why = std::move(payload).error();
    // An invalid text is quoted; a refused one is described by its limit.
    if (why.ends_with(" is not JSON")) why += ": " + excerpt(payload_text, 100);
    return unexpected(
        answer_error(CallErrorKind::kBadResponse, "resources/read", std::move(why), *answer));
  }
  return std::move(*payload);
}

}  // namespace detail
}  // namespace mcpgym::harness
