// Shared verifiers (verify.hpp).
#include "conformance/checks/verify.hpp"

#include "common/bounded_json.hpp"
#include "common/text.hpp"
#include "conformance/checks/wire.hpp"

namespace mcpgym::conformance::verify {

std::string show(const json& value, std::size_t max) {
  return excerpt(value.dump(), max);
}

Outcome expect_status(const harness::HttpExchange& x, int status, const std::string& expected) {
  if (x.status != status) return Outcome::broken(expected, wire::status_and_body(x));
  return Outcome::held(expected, wire::status_and_body(x));
}

Outcome expect_status(const Expected<harness::HttpExchange, std::string>& x, int status,
                      const std::string& expected) {
  if (!x) return Outcome::broken(expected, x.error());
  return expect_status(*x, status, expected);
}

Outcome expect_accepted(const harness::HttpExchange& x, const std::string& what) {
  const std::string expected = "HTTP 202 with no body for " + what;
  if (x.status != 202 || !x.body.empty())
    return Outcome::broken(expected, wire::status_and_body(x));
  return Outcome::held(expected, "HTTP 202 with an empty body");
}

Outcome expect_http_rpc_error(const harness::HttpExchange& x, int status, int code,
                              const std::string& expected) {
  const auto got = wire::rpc_error_code(x);
  if (x.status != status || got != code) return Outcome::broken(expected, wire::status_and_body(x));
  return Outcome::held(expected, wire::status_and_body(x));
}

Outcome expect_rpc_error(Context& ctx, const std::string& sent, const harness::Result<json>& r,
                         int code) {
  const std::string expected = "JSON-RPC error " + std::to_string(code) + " for " + sent;
  if (r) {
    ctx.note(sent + " -> result " + show(*r));
    return Outcome::broken(expected, "a result: " + show(*r));
  }
  const auto& e = r.error();
  ctx.note(sent + " -> " + excerpt(e.message(), 400));
  if (!e.rpc_error || !e.rpc_error->is_object() || !e.rpc_error->contains("code")) {
    return Outcome::broken(expected, "no JSON-RPC error: " + excerpt(e.message(), 300));
  }
  const json& got = (*e.rpc_error)["code"];
  if (got != code) return Outcome::broken(expected, "error " + show(*e.rpc_error, 300));
  return Outcome::held(expected, "error " + show(*e.rpc_error, 200));
}

Outcome expect_error_message(const std::optional<json>& m, int code, const json& id,
                             const std::string& what) {
  const std::string expected =
      "error " + std::to_string(code) + " with id " + id.dump() + " for " + what;
  if (!m) return Outcome::broken(expected, "no JSON answer line");
  const bool is_error = m->is_object() && m->contains("error") && (*m)["error"].is_object() &&
                        (*m)["error"].contains("code") && (*m)["error"]["code"] == code;
  if (!is_error || !m->contains("id") || (*m)["id"] != id) {
    return Outcome::broken(expected, "the answer " + show(*m, 300));
  }
  return Outcome::held(expected, "the answer " + show(*m, 200));
}

Expected<json, std::string> rpc_result(const harness::HttpExchange& x) {
  if (x.status != 200) return unexpected(wire::status_and_body(x));
  auto m = wire::rpc_message(x);
  if (!m || !m->is_object() || !m->contains("result")) {
    return unexpected("no JSON-RPC result: " + wire::status_and_body(x));
  }
  return (*m)["result"];
}

Expected<json, std::string> first_text_json(const json& holder, const char* key) {
  if (!holder.is_object() || !holder.contains(key) || !holder[key].is_array() ||
      holder[key].empty() || !holder[key][0].is_object() || !holder[key][0].contains("text") ||
      !holder[key][0]["text"].is_string()) {
    return unexpected(std::string("no text in ") + key + "[0]: " + excerpt(holder.dump(), 200));
  }
  const std::string& text = holder[key][0]["text"].get_ref<const std::string&>();
  json j = parse_json_or_discarded(text);
  if (j.is_discarded() || !j.is_object()) {
    return unexpected(std::string("the text of ") + key +
                      "[0] is not a JSON object: " + excerpt(text, 200));
  }
  return j;
}

std::optional<int> int_field(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number_integer()) return std::nullopt;
  return j[key].get<int>();
}

ClientSession::~ClientSession() {
  if (client_) (void)client_->close();
}

Expected<ClientSession, std::string> open_client_session(Context& ctx) {
  auto c = ctx.session(nullptr);
  if (!c) return unexpected(c.error());
  return ClientSession(std::move(c).value());
}

Expected<json, std::string> list_all(Context& ctx, harness::McpClient& client,
                                     const std::string& method, const std::string& key) {
  json items = json::array();
  json params = json::object();
  for (int page = 0; page < 5; ++page) {
    auto r = client.request(method, params);
    if (!r) {
      ctx.note(method + " -> " + excerpt(r.error().message(), 300));
      return unexpected(method + " failed: " + excerpt(r.error().message(), 300));
    }
    ctx.note(method + " -> " + show(*r, 400));
    if (!r->is_object() || !r->contains(key) || !(*r)[key].is_array()) {
      return unexpected("the " + method + " result has no \"" + key + "\" array: " + show(*r));
    }
    for (const auto& item : (*r)[key])
      items.push_back(item);
    const auto cursor = r->find("nextCursor");
    if (cursor == r->end() || !cursor->is_string()) break;
    params = {{"cursor", *cursor}};
  }
  return items;
}

Expected<json, Outcome> list_in_new_session(Context& ctx, const std::string& method,
                                            const std::string& key, const std::string& expected) {
  auto s = open_client_session(ctx);
  if (!s) return unexpected(Outcome::could_not_run(s.error()));
  auto items = list_all(ctx, s->get(), method, key);
  if (!items) return unexpected(Outcome::broken(expected, items.error()));
  return std::move(items).value();
}

const json* find_by(const json& items, const std::string& key, const std::string& value) {
  for (const auto& item : items) {
    if (item.is_object() && item.contains(key) && item[key] == value) return &item;
  }
  return nullptr;
}

}  // namespace mcpgym::conformance::verify
