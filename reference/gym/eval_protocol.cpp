#include "reference/gym/eval_protocol.hpp"

#include <exception>

#include "common/bounded_json.hpp"
#include "common/error_ids.hpp"
#include "common/random_id.hpp"
#include "common/text.hpp"
#include "reference/gym/episode.hpp"
#include "reference/gym/session_config.hpp"

namespace mcpgym::gym {

namespace {

using mcp::ControlReply;
using mcp::json;

constexpr std::size_t kMaxKeyLength = 256;  // EVP-001
constexpr std::string_view kKeyName = "clientInfo._extra.session_id";

bool is_visible_ascii(std::string_view text) {
  for (const char c : text) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

const json* non_null_member(const json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

// EVP-004: eval-protocol says no with {"error": <text>}; ours carries its identifier.
ControlReply refuse(int status, std::string_view id, const std::string& text) {
  return {status, json{{"error", err::message(id, text)}}};
}

// An error the episode or the reset produced, already a whole message.
ControlReply refuse(int status, const mcp::RpcError& error) {
  return {status, json{{"error", error.message}}};
}

ControlReply read_keyed(Episode& episode, std::string_view name) {
  std::lock_guard lock(episode.mutex);
  if (name == "initial_state") return {200, episode.start_observation_payload()};
  if (auto payload = episode.payload(name)) return {200, *std::move(payload)};
  return refuse(404, err::kUnknownControl,
                "Not Found: no control " + quoted_excerpt(name) +
                    "; expected one of reward, status, info, initial_state");
}

ControlReply reset_keyed(Episode& episode, std::string_view raw_body, const ResetContext& context) {
  auto body = parse_json(raw_body);
  if (!body || !body->is_object()) {
    return refuse(400, err::kInvalidResetBody,
                  "Bad Request: the body of POST /control/reset_session must be a JSON object "
                  "such as {\"seed\": 42}");
  }
  auto outcome = reset_episode(episode, *body, context);
  if (!outcome) return refuse(400, outcome.error());
  return {200, *std::move(outcome)};
}

ControlReply serve_found(const mcp::ControlRequest& request, const EnvironmentKeys& keys,
                         const ResetContext& context) {
  if (!request.key) {
    return refuse(400, err::kMissingKey,
                  "Missing mcp-session-id header; send the key your initialize carried in "
                  "clientInfo._extra.session_id (without one, the Mcp-Session-Id it returned)");
  }
  auto episode = keys.find(*request.key);
  if (!episode && request.name == "reset_session" && context.lenient) {
    return {200, json{{"message", "Session reset successfully"}}};  // nothing was reset
  }
  if (!episode) {
    return refuse(404, err::kUnknownKey,
                  "Session " + quoted_excerpt(*request.key) +
                      " not found: no environment has this key (never initialized, deleted or "
                      "expired); initialize with clientInfo._extra.session_id first");
  }
  if (request.name == "reset_session") return reset_keyed(*episode, request.body, context);
  return read_keyed(*episode, request.name);
}

}  // namespace

Expected<std::optional<std::string>, mcp::RpcError> client_key(const json& params) {
  const json* info = non_null_member(params, "clientInfo");
  const json* extra = info == nullptr ? nullptr : non_null_member(*info, "_extra");
  const json* key = extra == nullptr ? nullptr : non_null_member(*extra, "session_id");
  if (key == nullptr) return std::optional<std::string>();
  if (key->is_string()) {
    const auto& text = key->get_ref<const std::string&>();
    if (!text.empty() && text.size() <= kMaxKeyLength && is_visible_ascii(text)) {
      return std::optional<std::string>(text);
    }
  }
  return unexpected(mcp::rpc_error(
      mcp::code::kInvalidParams, err::kInvalidClientKey,
      "Invalid params: " + std::string(kKeyName) +
          " must be a string of 1 to 256 visible ASCII characters (0x21 to 0x7E); got " +
          mcp::describe(*key),
      json{{"key", kKeyName}}));
}

void EnvironmentKeys::bind(const std::string& key, const std::shared_ptr<Episode>& episode) {
  std::lock_guard lock(mutex_);
  std::erase_if(episodes_, [](const auto& entry) { return entry.second.expired(); });
  episodes_[key] = episode;
}

std::shared_ptr<Episode> EnvironmentKeys::find(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = episodes_.find(key);
  return it == episodes_.end() ? nullptr : it->second.lock();
}

mcp::Outcome reset_episode(Episode& episode, const json& body, const ResetContext& context) {
  auto requested = seed_from_reset_body(body);
  if (!requested) return unexpected(requested.error());
  // Under the lenient-reset fault seed 0 seeds nothing, as eval-protocol's `if seed:`.
  const bool given = *requested && !(context.lenient && **requested == 0);
  const std::optional<std::uint64_t> seed = given ? *requested : context.server_seed;
  const std::uint64_t chosen = seed ? *seed : random_below_or_equal(kMaxSeed);
  std::lock_guard lock(episode.mutex);
  auto env = remake_env(context.game, episode.game_config(), chosen, context.game_faults);
  if (!env) return unexpected(env.error());
  episode.restart(std::move(*env), chosen);
  return json{{"message", "Session reset successfully"}};
}

ControlReply serve_keyed_control(const mcp::ControlRequest& request, const EnvironmentKeys& keys,
                                 const ResetContext& context) {
  try {
    return serve_found(request, keys, context);
  } catch (const std::exception& e) {
    return refuse(
        500, err::kInternalError,
        "Internal error while serving /control/" + excerpt(request.name) + ": " + e.what());
  }
}

}  // namespace mcpgym::gym
