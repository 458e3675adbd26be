#include <errno.h>
#include <pthread.h>
#include <time.h>

#include <algorithm>
#include <cctype>

#include "common/bounded_json.hpp"
#include "common/protocol.hpp"
#include "common/random_id.hpp"
#include "harness/mcp/client.hpp"
#include "harness/mcp/client_internal.hpp"
#include "harness/mcp/eval_protocol.hpp"

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

std::string_view era_name(Era era) {
  switch (era) {
    case Era::kLegacy:
      return "legacy";
    case Era::kModern:
      return "modern";
    case Era::kAuto:
      return "auto";
  }
  return "unknown";
}

Result<json> McpClient::read_env_control_http(const std::string& name, const std::string&) {
  return unexpected(detail::make_error(CallErrorKind::kUnsupported, "GET /control/" + name,
                                       "the HTTP control plane needs the HTTP transport; on stdio "
                                       "read the control:// resources"));
}

Result<json> McpClient::post_control_http(const std::string& name, const json&) {
  return unexpected(detail::make_error(CallErrorKind::kUnsupported, "POST /control/" + name,
                                       "the HTTP control plane needs the HTTP transport"));
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

bool says_why_in_data(const json& error) {
  if (!error.is_object()) return false;
  const json code = error.value("code", json());
  return code == mcp::code::kHeaderMismatch || code == mcp::code::kUnsupportedProtocolVersion;
}

std::string rpc_error_summary(const json& error) {
  const json code = error.is_object() ? error.value("code", json()) : json();
  const json text = error.is_object() ? error.value("message", json()) : json();
  std::string out = "JSON-RPC error " + dump(code) + ": " +
                    (text.is_string() ? excerpt(text.get<std::string>(), 200) : dump(text));
  if (says_why_in_data(error)) {
    const auto data = error.find("data");
    out += data == error.end() ? ", no data" : ", data " + excerpt(dump(*data), 300);
  }
  return out;
}

std::optional<std::string> modern_version_of(const json& params) {
  if (!params.is_object()) return std::nullopt;
  const auto meta = params.find("_meta");
  if (meta == params.end() || !meta->is_object()) return std::nullopt;
  const auto version = meta->find(mcp::kMetaProtocolVersion);
  if (version == meta->end() || !version->is_string()) return std::nullopt;
  return version->get<std::string>();
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
  CallError e =
      make_error(CallErrorKind::kRpcError, {}, "the server answered " + rpc_error_summary(*error));
  e.rpc_error = *error;
  return unexpected(std::move(e));
}

CallError ClientBase::answer_error(CallErrorKind kind, const std::string& method, std::string why,
                                   const Answer& answer) const {
  return make_error(kind, method, std::move(why), answer.sent, answer.http_status, answer.received);
}

ClientBase::ClientBase(ClientOptions options)
    : options_(std::move(options)), era_(options_.era), tool_headers_(options_.param_headers) {
  if (era_ == Era::kModern) negotiated_ = std::string(mcp::kModernVersion);
}

const ParamHeaders& ClientBase::param_headers_for(const std::string& tool) const {
  static const ParamHeaders kNone;
  const auto found = tool_headers_.find(tool);
  return found == tool_headers_.end() ? kNone : found->second;
}

Expected<Answer, CallError> ClientBase::send(const std::string& method, const json& params) {
  if (era_ != Era::kModern) return roundtrip(method, params);
  const json client_info = {{"name", options_.client_name}, {"version", options_.client_version}};
  auto answer = roundtrip(
      method, with_modern_meta(
                  params, modern_meta(negotiated_, client_info, options_.client_capabilities)));
  if (answer && method == "tools/list") learn_tools(answer->result);
  return answer;
}

Result<json> ClientBase::initialize(const json& extra) {
  if (era_ == Era::kLegacy) return legacy_initialize(extra);
  const bool required = era_ == Era::kModern;
  auto discovered = discover(required);
  if (!discovered) return unexpected(std::move(discovered).error());
  if (!discovered->has_value()) {
    era_ = Era::kLegacy;
    negotiated_.clear();
    return legacy_initialize(extra);
  }
  era_ = Era::kModern;
  negotiated_ = std::string(mcp::kModernVersion);
  if (!extra.is_null()) {
    return unexpected(make_error(
        CallErrorKind::kUnsupported, "initialize",
        "the server speaks " + negotiated_ +
            ", which has no initialize to carry clientInfo._extra; create the environment with "
            "env_create (create_env) instead"));
  }
  return std::move(**discovered);
}

json ClientBase::keyed_extra(const json& extra) {
  // An _extra that is not an object is the caller's test of the server: sent as it is.
  if (!extra.is_null() && !extra.is_object()) return extra;
  json keyed = extra.is_object() ? extra : json::object();
  const auto named = keyed.find("session_id");
  if (named != keyed.end() && named->is_string()) {
    options_.control_key = named->get<std::string>();
    return keyed;
  }
  EvalProtocolRow row;
  if (const auto seed = keyed.find("seed"); seed != keyed.end() && seed->is_number_integer()) {
    row.seed = seed->get<std::int64_t>();
  }
  if (const auto config = keyed.find("config"); config != keyed.end()) row.config = *config;
  row.row_id = "mcpgym-" + random_uuid_v4();  // distinct clients, distinct keys
  // The caller's members stay as they are (a check may send a bad seed on purpose).
  const json minted = eval_protocol_extra(row);
  for (const char* member : {"session_id", "dataset_row_id", "model_id"}) {
    keyed[member] = minted[member];
  }
  options_.control_key = minted["session_id"].get<std::string>();
  return keyed;
}

Result<std::optional<json>> ClientBase::discover(bool required) {
  const std::string method(mcp::kDiscoverMethod);
  const json client_info = {{"name", options_.client_name}, {"version", options_.client_version}};
  const json params = with_modern_meta(
      nullptr, modern_meta(mcp::kModernVersion, client_info, options_.client_capabilities));
  auto answer = roundtrip(method, params);
  if (!answer) {
    // A legacy server answers a modern request with some error; only
    // silence (no answer at all) or a required modern era stops here.
    if (required || answer.error().kind == CallErrorKind::kTransport) {
      return unexpected(std::move(answer).error());
    }
    return std::optional<json>();
  }
  const json& result = answer->result;
  const auto versions = result.is_object() ? result.find("supportedVersions") : result.end();
  const bool lists_modern =
      versions != result.end() && versions->is_array() &&
      std::find(versions->begin(), versions->end(), json(mcp::kModernVersion)) != versions->end();
  if (lists_modern) return std::optional<json>(std::move(answer->result));
  if (!required) return std::optional<json>();
  return unexpected(answer_error(CallErrorKind::kBadResponse, method,
                                 "the result's \"supportedVersions\" does not list " +
                                     std::string(mcp::kModernVersion) +
                                     ", the version a modern client speaks",
                                 *answer));
}

std::optional<CallError> ClientBase::settle_era() {
  if (era_ != Era::kAuto) return std::nullopt;
  auto discovered = discover(false);
  if (!discovered) return std::move(discovered).error();
  era_ = discovered->has_value() ? Era::kModern : Era::kLegacy;
  if (era_ == Era::kModern) negotiated_ = std::string(mcp::kModernVersion);
  return std::nullopt;
}

Result<json> ClientBase::legacy_initialize(const json& given_extra) {
  const json extra = options_.eval_protocol_keys ? keyed_extra(given_extra) : given_extra;
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

void ClientBase::learn_tools(const json& list_result) {
  const auto tools = list_result.is_object() ? list_result.find("tools") : list_result.end();
  if (tools == list_result.end() || !tools->is_array()) return;
  for (const auto& tool : *tools) {
    if (!tool.is_object() || !tool.contains("name") || !tool["name"].is_string()) continue;
    const std::string name = tool["name"].get<std::string>();
    auto headers = param_headers_of(tool.value("inputSchema", json::object()));
    if (headers) {
      tool_headers_[name] = std::move(*headers);
      invalid_tools_.erase(name);
    } else {
      tool_headers_.erase(name);
      invalid_tools_[name] = std::move(headers).error();
    }
  }
}

std::optional<CallError> ClientBase::list_all_tools() {
  json params = nullptr;
  for (;;) {
    auto answer = send("tools/list", params);
    if (!answer) return std::move(answer).error();
    const json& result = answer->result;
    const auto cursor = result.is_object() ? result.find("nextCursor") : result.end();
    if (cursor == result.end() || !cursor->is_string()) break;
    params = {{"cursor", *cursor}};
  }
  tools_listed_ = true;
  return std::nullopt;
}

Result<json> ClientBase::request(const std::string& method, const json& params) {
  if (auto error = settle_era()) return unexpected(std::move(*error));
  auto answer = send(method, params);
  if (!answer) return unexpected(std::move(answer).error());
  return std::move(answer->result);
}

Result<json> ClientBase::call_tool(const std::string& name, const json& arguments) {
  if (auto error = settle_era()) return unexpected(std::move(*error));
  const bool mirrors = era_ == Era::kModern && mirrors_param_headers();
  if (mirrors && !tools_listed_ && !tool_headers_.contains(name) &&
      !invalid_tools_.contains(name)) {
    if (auto error = list_all_tools()) return unexpected(std::move(*error));
  }
  if (const auto invalid = invalid_tools_.find(name); mirrors && invalid != invalid_tools_.end()) {
    return unexpected(
        make_error(CallErrorKind::kBadResponse, "tools/call",
                   "tools/list gave \"" + excerpt(name, 100) +
                       "\" an unusable inputSchema, so it cannot be called: " + invalid->second));
  }
  auto answer = send("tools/call", {{"name", name}, {"arguments", arguments}});
  if (!answer) return unexpected(std::move(answer).error());
  if (!answer->result.is_object()) {
    return unexpected(answer_error(
        CallErrorKind::kBadResponse, "tools/call",
        "the tools/call result is " + describe(answer->result) + ", not an object", *answer));
  }
  return std::move(answer->result);
}

Result<json> ClientBase::read_resource(const std::string& uri) {
  if (auto error = settle_era()) return unexpected(std::move(*error));
  auto answer = send("resources/read", {{"uri", uri}});
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
