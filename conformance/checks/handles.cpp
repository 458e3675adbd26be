// MCP-Gym over environment handles in the modern era (docs/spec.md
// HANDLE-001..013, MCP 2026-07-28 server/tools §Stateful Tools): env_create's
// answer, the handle itself, tool errors for bad arguments and dead handles,
// the Mcp-Param-Env-Id header, the per-handle control plane (templates, cache
// fields, unknown URIs, GET /control/<name>?env_id=) and the generic MCP-Gym
// rules per handle (isolation, one environment for a whole episode,
// determinism, expiry). Every request is a raw modern POST (wire::post_modern)
// so that the report shows the wire traffic; handles a check creates are
// closed again when it ends.
#include "harness/rollout/handles.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/bounded_json.hpp"
#include "common/protocol.hpp"
#include "common/text.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/checks/id_statistics.hpp"
#include "conformance/checks/verify.hpp"
#include "conformance/checks/wire.hpp"
#include "conformance/core/context.hpp"
#include "harness/http/modern_headers.hpp"

namespace mcpgym::conformance {
namespace {

using json = nlohmann::json;
using harness::HttpExchange;
using verify::expect_http_rpc_error;
using verify::show;

const std::string kCreate(harness::kEnvCreateTool);
const std::string kClose(harness::kEnvCloseTool);
const std::string kEnvId(harness::kEnvIdArgument);

// Every handle check: an MCP-Gym server over HTTP, judged in the modern era.
Needs handle_needs(std::set<ControlPlane> control = {}, bool model = false) {
  return Needs{.kinds = kGymKinds,
               .features = {},
               .control = std::move(control),
               .transport = Transport::kHttp,
               .model = model,
               .games = {},
               .era = CheckEra::kModern};
}

// One seed per check: a server that derives handles from seeds (the
// handle-from-seed fault) then mixes environments within a check, never
// between checks running at the same time, so that what each check finds is
// reproducible.
constexpr struct {
  std::uint64_t create_shape = 101, not_from_seed = 102, unpredictable = 103, isolated = 104,
                templates = 105, control_http = 106, whole_episode = 107, same_trajectory = 108;
} kSeeds;

// What env_create answered (HANDLE-001), with the whole tool result.
struct Created {
  std::string env_id;
  json seed;
  json initial_state;
  json result;
};

// The text of a tool result's text blocks, joined.
std::string tool_text(const json& result) {
  std::string text;
  if (!result.is_object() || !result.contains("content") || !result["content"].is_array())
    return text;
  for (const json& block : result["content"]) {
    if (block.is_object() && block.value("type", "") == "text" && block.contains("text") &&
        block["text"].is_string()) {
      text += (text.empty() ? "" : " ") + block["text"].get<std::string>();
    }
  }
  return text;
}

bool is_tool_error(const json& result) {
  return result.is_object() && result.value("isError", false) == true;
}

// The payload of a successful tool result: structuredContent, else its text's JSON object.
std::optional<json> tool_payload(const json& result) {
  if (result.is_object() && result.contains("structuredContent") &&
      result["structuredContent"].is_object()) {
    return result["structuredContent"];
  }
  auto parsed = verify::first_text_json(result, "content");
  if (!parsed) return std::nullopt;
  return *parsed;
}

// A modern client of one check: tools/call and resources/read as raw modern
// POSTs, each tools/call carrying the Mcp-Param-* headers its tool's
// inputSchema annotates (HANDLE-007), as a well-behaved client sends them.
// Closes every environment it created when it goes out of scope.
class HandleClient {
 public:
  explicit HandleClient(Context& ctx) : ctx_(ctx) {}
  ~HandleClient() { close_created(); }
  HandleClient(const HandleClient&) = delete;
  HandleClient& operator=(const HandleClient&) = delete;

  // The tool's x-mcp-header annotations, from one tools/list (none when it fails).
  harness::ParamHeaders annotations(const std::string& tool) {
    if (!annotations_) annotations_ = list_annotations();
    const auto found = annotations_->find(tool);
    return found == annotations_->end() ? harness::ParamHeaders{} : found->second;
  }
  // The tools/list tools (empty when it fails).
  const json& tools() {
    if (!annotations_) annotations_ = list_annotations();
    return tools_;
  }

  Expected<HttpExchange, std::string> call_exchange(const std::string& tool, const json& arguments,
                                                    const wire::HeaderEdit& edit = {}) {
    return wire::post_modern(
        ctx_,
        wire::modern_request(next_id_++, "tools/call", {{"name", tool}, {"arguments", arguments}}),
        edit, annotations(tool));
  }
  // The tool result of a call (a JSON-RPC error or no answer: the error says what came).
  Expected<json, std::string> call(const std::string& tool, const json& arguments) {
    auto x = call_exchange(tool, arguments);
    if (!x) return unexpected(x.error());
    auto result = wire::modern_result(*x);
    if (!result) return unexpected("tools/call of " + tool + ": " + result.error());
    return *result;
  }

  // env_create with `arguments`; an error says why there is no handle.
  Expected<Created, std::string> create(const json& arguments) {
    auto result = call(kCreate, arguments);
    if (!result) return unexpected(result.error());
    auto payload = tool_payload(*result);
    if (is_tool_error(*result) || !payload || !payload->contains(kEnvId) ||
        !(*payload)[kEnvId].is_string()) {
      return unexpected("env_create " + show(arguments, 100) +
                        " gave no env_id: " + show(*result, 300));
    }
    Created c{(*payload)[kEnvId].get<std::string>(), payload->value("seed", json()),
              payload->value("initial_state", json()), *result};
    created_.push_back(c.env_id);
    return c;
  }

  // The game's tool for `env_id` with the game's action `action` (an index).
  Expected<json, std::string> move(const std::string& env_id, std::size_t action = 0) {
    const auto actions = ctx_.game().actions();
    return call(ctx_.game().tool(),
                {{kEnvId, env_id}, {"action", actions.at(action % actions.size())}});
  }

  Expected<HttpExchange, std::string> read_exchange(const std::string& uri) {
    return wire::post_modern(ctx_,
                             wire::modern_request(next_id_++, "resources/read", {{"uri", uri}}));
  }
  // The read result of `uri` (a JSON-RPC error: the error says what came).
  Expected<json, std::string> read(const std::string& uri) {
    auto x = read_exchange(uri);
    if (!x) return unexpected(x.error());
    auto result = wire::modern_result(*x);
    if (!result) return unexpected("resources/read of " + uri + ": " + result.error());
    return *result;
  }
  // The JSON object a read of `uri` holds.
  Expected<json, std::string> read_payload(const std::string& uri) {
    auto result = read(uri);
    if (!result) return unexpected(result.error());
    auto payload = verify::first_text_json(*result, "contents");
    if (!payload) return unexpected("resources/read of " + uri + ": " + payload.error());
    return *payload;
  }

  // GET /control/<name>?<query> (query empty: none), as the harness client sends it.
  Expected<HttpExchange, std::string> get_control(const std::string& name,
                                                  const std::string& query) {
    auto http = ctx_.raw();
    return wire::send(ctx_, http,
                      {.method = "GET",
                       .path = "/control/" + name + (query.empty() ? "" : "?" + query),
                       .headers = {{"Accept", std::string(mcp::kJsonMediaType)}},
                       .body = ""});
  }

  // env_close of every handle created, quietly (cleanup, not evidence).
  void close_created() {
    for (const std::string& id : created_)
      close_quietly(id);
    created_.clear();
  }
  void close_quietly(const std::string& env_id) {
    const json message = wire::modern_request(
        next_id_++, "tools/call", {{"name", kClose}, {"arguments", {{kEnvId, env_id}}}});
    auto request =
        harness::modern_post(mcp::kModernVersion, message, annotations(kClose), ctx_.path());
    auto http = ctx_.raw();
    (void)http.send(std::move(request));
  }

 private:
  std::map<std::string, harness::ParamHeaders> list_annotations() {
    std::map<std::string, harness::ParamHeaders> out;
    auto x = wire::post_modern(ctx_, wire::modern_request(next_id_++, "tools/list"));
    if (!x) return out;
    auto result = wire::modern_result(*x);
    if (!result || !result->contains("tools") || !(*result)["tools"].is_array()) return out;
    tools_ = (*result)["tools"];
    for (const json& tool : tools_) {
      if (!tool.is_object() || !tool.contains("name") || !tool["name"].is_string()) continue;
      auto headers = harness::param_headers_of(tool.value("inputSchema", json::object()));
      if (headers) out[tool["name"].get<std::string>()] = *headers;
    }
    return out;
  }

  Context& ctx_;
  int next_id_ = 1;
  std::optional<std::map<std::string, harness::ParamHeaders>> annotations_;
  json tools_ = json::array();
  std::vector<std::string> created_;
};

// The per-handle URIs of `env_id` that the profile's forms make readable (HANDLE-008).
std::vector<std::string> handle_uris(const Profile& profile, const std::string& env_id) {
  std::vector<std::string> uris;
  if (profile.offers(ControlPlane::kResources)) {
    for (const char* name : {"reward", "status", "info"})
      uris.push_back(harness::env_control_uri(env_id, name));
  }
  uris.push_back(harness::env_control_uri(env_id, "initial_state"));
  return uris;
}

// The status of `env_id` through the profile's first form (resources, else http).
Expected<json, std::string> read_status(Context& ctx, HandleClient& client,
                                        const std::string& env_id) {
  if (ctx.profile().offers(ControlPlane::kResources)) {
    return client.read_payload(harness::env_control_uri(env_id, "status"));
  }
  auto x = client.get_control("status", "env_id=" + env_id);
  if (!x) return unexpected(x.error());
  json j = parse_json_or_discarded(x->body);
  if (x->status != 200 || !j.is_object()) return unexpected(wire::status_and_body(*x));
  return j;
}

// A handle no environment has, shaped like a live one.
std::string unissued_handle(HandleClient& client) {
  auto c = client.create(json::object());
  return id_statistics::unissued_like(c ? c->env_id : "mcpgym-conform-no-such-handle");
}

// Why `result` is not a tool error naming `env_id`; nothing when it is.
std::optional<std::string> not_an_error_naming(const Expected<json, std::string>& result,
                                               const std::string& env_id) {
  if (!result) return result.error();
  if (!is_tool_error(*result)) return "a result that is not a tool error: " + show(*result, 300);
  if (tool_text(*result).find(env_id) == std::string::npos)
    return "a tool error whose text does not name the handle: " + show(*result, 300);
  return std::nullopt;
}

// --- HANDLE-001 ---------------------------------------------------------------

// Why env_create's result for seed `seed` breaks HANDLE-001's shape; nothing when it holds.
std::optional<std::string> create_shape_problem(Context& ctx, const Created& c,
                                                std::optional<std::uint64_t> seed) {
  const json& result = c.result;
  auto text = verify::first_text_json(result, "content");
  if (!text) return text.error();
  if (!result.contains("structuredContent") || result["structuredContent"] != *text)
    return "structuredContent differs from the text block's JSON: " + show(result, 400);
  if (!c.seed.is_number_unsigned() && !c.seed.is_number_integer())
    return "seed is not an integer: " + show(*text, 300);
  if (seed && c.seed != *seed)
    return "seed " + show(c.seed) + " is not the seed sent, " + std::to_string(*seed);
  if (!c.initial_state.is_object()) return "initial_state is not an object: " + show(*text, 300);
  const GameDriver& game = ctx.game();
  if (game.has_model()) {
    auto model = game.model(c.seed.get<std::uint64_t>(), json::object(), c.initial_state);
    if (!model) return "initial_state is not " + game.name() + "'s initial state: " + model.error();
  }
  return std::nullopt;
}

Outcome create_shape(Context& ctx) {
  const std::string expected =
      "env_create with seed " + std::to_string(kSeeds.create_shape) +
      ", and without a seed, each answers a text block's JSON object "
      "{env_id, seed, initial_state} equal to structuredContent, the seed sent echoed, the "
      "game's initial state";
  HandleClient client(ctx);
  std::string seen;
  for (std::optional<std::uint64_t> seed :
       {std::optional<std::uint64_t>(kSeeds.create_shape), std::optional<std::uint64_t>()}) {
    auto c = client.create(seed ? json{{"seed", *seed}} : json::object());
    if (!c) return Outcome::broken(expected, c.error());
    if (auto why = create_shape_problem(ctx, *c, seed)) return Outcome::broken(expected, *why);
    seen += (seen.empty() ? "" : "; ") + show(c->result.value("structuredContent", json()), 150);
  }
  return Outcome::held(expected, seen);
}

// --- HANDLE-002 ---------------------------------------------------------------

// Two env_create calls with one seed get different handles.
Outcome not_from_seed(Context& ctx) {
  const std::string expected = "two env_create calls with seed " +
                               std::to_string(kSeeds.not_from_seed) + " get two different handles";
  HandleClient client(ctx);
  auto a = client.create({{"seed", kSeeds.not_from_seed}});
  if (!a) return Outcome::could_not_run(a.error());
  auto b = client.create({{"seed", kSeeds.not_from_seed}});
  if (!b) return Outcome::could_not_run(b.error());
  if (a->env_id == b->env_id)
    return Outcome::broken(expected, "both got \"" + excerpt(a->env_id, 80) + "\"");
  return Outcome::held(expected,
                       "\"" + excerpt(a->env_id, 80) + "\" and \"" + excerpt(b->env_id, 80) + "\"");
}

// Handles a sample takes (each starts a backend behind a proxy).
int sample_size(const Profile& profile) {
  return id_statistics::sample_size(profile.kind == ProfileKind::kProxy, 128);
}

// `count` handles from env_create with one seed, each closed at once.
Expected<id_statistics::IdSample, std::string> sample_handles(Context& ctx, int count) {
  HandleClient client(ctx);
  id_statistics::IdSample sample;
  sample.start_ms = id_statistics::unix_ms();
  for (int i = 0; i < count; ++i) {
    auto c = client.create({{"seed", kSeeds.unpredictable}});
    if (!c) return unexpected("env_create " + std::to_string(i + 1) + ": " + c.error());
    sample.ids.push_back(c->env_id);
    client.close_created();
    if (i == 0)
      ctx.note("(the other " + std::to_string(count - 1) + " env_create calls are alike)");
  }
  sample.end_ms = id_statistics::unix_ms();
  return sample;
}

// The first character of `ids` outside visible ASCII, as a sentence; nothing when none.
std::optional<std::string> invisible_character(const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    for (std::size_t k = 0; k < id.size(); ++k) {
      const auto c = static_cast<unsigned char>(id[k]);
      if (c < 0x21 || c > 0x7E) {
        char code[8];
        std::snprintf(code, sizeof code, "0x%02X", c);
        return "the handle \"" + excerpt(id, 80) + "\" has byte " + code + " at offset " +
               std::to_string(k);
      }
    }
    if (id.empty()) return std::string("an empty handle");
  }
  return std::nullopt;
}

// Handles drawn like session ids: visible ASCII, distinct, no counter or clock, 122 bits.
Outcome handles_unpredictable(Context& ctx) {
  auto sample = sample_handles(ctx, sample_size(ctx.profile()));
  if (!sample) return Outcome::could_not_run(sample.error());
  const auto& ids = sample->ids;
  const std::string n = std::to_string(ids.size());
  const std::string expected =
      n +
      " handles from env_create with one seed: visible ASCII, distinct, no counter or clock, "
      "at least 122 random bits";
  if (auto bad = invisible_character(ids)) return Outcome::broken(expected, *bad);
  std::map<std::string, std::size_t> first_seen;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto [it, fresh] = first_seen.emplace(ids[i], i);
    if (!fresh) {
      return Outcome::broken(expected, "env_create " + std::to_string(it->second + 1) + " and " +
                                           std::to_string(i + 1) + " of " + n +
                                           " got the same handle \"" + excerpt(ids[i], 80) + "\"");
    }
  }
  if (auto seq = id_statistics::find_sequence(ids)) return Outcome::broken(expected, *seq);
  if (auto clock = id_statistics::find_clock(*sample)) return Outcome::broken(expected, *clock);
  const auto bits = id_statistics::estimate_bits(ids);
  const std::string actual =
      id_statistics::describe_bits(bits, ids.size()) + ", e.g. " + id_statistics::show_ids(ids, 2);
  if (bits.bits + 1e-9 < 122.0) return Outcome::broken(expected, actual);
  return Outcome::held(expected, actual);
}

// --- HANDLE-003 ---------------------------------------------------------------

struct BadArguments {
  json arguments;
  std::string names;  // what the error text must name
};

Outcome bad_arguments(Context& ctx) {
  const std::vector<BadArguments> cases = {
      {{{"seed", -1}}, "seed"},
      {{{"seed", 1.5}}, "seed"},
      {{{"seed", "seven"}}, "seed"},
      {{{"config", {{"mcpgym_conform_no_such_key", 1}}}}, "config.mcpgym_conform_no_such_key"},
      {{{"config", "small"}}, "config"},
  };
  const std::string expected =
      "env_create with each of " + std::to_string(cases.size()) +
      " bad seeds or configs answers a tool error (isError true) naming the argument";
  HandleClient client(ctx);
  std::string seen;
  for (const BadArguments& c : cases) {
    auto result = client.call(kCreate, c.arguments);
    if (!result)
      return Outcome::broken(expected,
                             "env_create " + show(c.arguments, 100) + ": " + result.error());
    const std::string text = tool_text(*result);
    if (!is_tool_error(*result) || text.find(c.names) == std::string::npos) {
      return Outcome::broken(
          expected, "env_create " + show(c.arguments, 100) + " answered " + show(*result, 300));
    }
    seen += (seen.empty() ? "" : "; ") + show(c.arguments, 60) + ": " + excerpt(text, 100);
  }
  return Outcome::held(expected, seen);
}

// --- HANDLE-004 ---------------------------------------------------------------

// Why `tool`'s inputSchema does not require the string `env_id` and `also`; nothing when it does.
std::optional<std::string> takes_handle_problem(const json& tool, const std::string& also) {
  const json schema = tool.value("inputSchema", json::object());
  const json props = schema.is_object() ? schema.value("properties", json::object()) : json();
  const json required = schema.is_object() ? schema.value("required", json::array()) : json();
  const auto requires_member = [&](const std::string& name) {
    return required.is_array() &&
           std::find(required.begin(), required.end(), name) != required.end();
  };
  if (!props.is_object() || !props.contains(kEnvId) || !props[kEnvId].is_object() ||
      props[kEnvId].value("type", "") != "string" || !requires_member(kEnvId) ||
      (!also.empty() && !requires_member(also))) {
    return tool.value("name", "") + "'s inputSchema: " + show(schema, 300);
  }
  return std::nullopt;
}

Outcome tools_listed(Context& ctx) {
  const std::string game_tool = ctx.game().tool();
  const std::string expected = "tools/list lists env_create, " + game_tool +
                               " (requiring the string env_id and action) and env_close "
                               "(requiring env_id)";
  HandleClient client(ctx);
  const json& tools = client.tools();
  for (const std::string& name : {kCreate, game_tool, kClose}) {
    if (verify::find_by(tools, "name", name) == nullptr)
      return Outcome::broken(expected, "no " + name + " in " + show(tools, 300));
  }
  if (auto why = takes_handle_problem(*verify::find_by(tools, "name", game_tool), "action"))
    return Outcome::broken(expected, *why);
  if (auto why = takes_handle_problem(*verify::find_by(tools, "name", kClose), ""))
    return Outcome::broken(expected, *why);
  return Outcome::held(expected, "so it does");
}

// --- HANDLE-005 ---------------------------------------------------------------

Outcome dead_handles(Context& ctx) {
  const std::string expected =
      "the game's tool with a never-issued handle (twice) and with a closed one, and env_close "
      "of the closed one, each answer a tool error naming the handle";
  HandleClient client(ctx);
  const std::string unknown = unissued_handle(client);
  for (int attempt = 1; attempt <= 2; ++attempt) {
    if (auto why = not_an_error_naming(client.move(unknown), unknown)) {
      return Outcome::broken(expected, "move " + std::to_string(attempt) +
                                           " with the unknown handle \"" + excerpt(unknown, 80) +
                                           "\": " + *why);
    }
  }
  auto c = client.create(json::object());
  if (!c) return Outcome::could_not_run(c.error());
  auto closed = client.call(kClose, {{kEnvId, c->env_id}});
  if (!closed || is_tool_error(*closed))
    return Outcome::could_not_run("env_close of a live handle failed: " +
                                  (closed ? show(*closed, 300) : closed.error()));
  if (auto why = not_an_error_naming(client.move(c->env_id), c->env_id))
    return Outcome::broken(expected, "a move with the closed handle: " + *why);
  if (auto why = not_an_error_naming(client.call(kClose, {{kEnvId, c->env_id}}), c->env_id))
    return Outcome::broken(expected, "env_close of the closed handle: " + *why);
  return Outcome::held(expected, "tool errors naming \"" + excerpt(unknown, 60) + "\" and \"" +
                                     excerpt(c->env_id, 60) + "\"");
}

// --- HANDLE-006 ---------------------------------------------------------------

Outcome expiry_described(Context& ctx) {
  const std::string expected = "env_create's description says when an environment expires";
  HandleClient client(ctx);
  const json* tool = verify::find_by(client.tools(), "name", kCreate);
  if (tool == nullptr) return Outcome::broken(expected, "tools/list has no env_create");
  const std::string description = tool->value("description", "");
  const std::string lowered = lower(description);
  if (lowered.find("expire") == std::string::npos)
    return Outcome::broken(expected, "description: " + show(description, 300));
  return Outcome::held(expected, "description: " + show(description, 300));
}

Outcome idle_expiry(Context& ctx) {
  const auto timeout = ctx.profile().idle_timeout;
  if (!timeout) {
    return Outcome::not_applicable(
        "the profile gives no idle timeout (idle_timeout_ms): the suite does not know how long "
        "to leave a handle idle");
  }
  const std::string expected = "a handle left idle for the profile's idle timeout (" +
                               std::to_string(timeout->count()) +
                               " ms) and a margin is expired: a tool error naming it";
  HandleClient client(ctx);
  auto c = client.create(json::object());
  if (!c) return Outcome::could_not_run(c.error());
  // Nothing may name the handle meanwhile: any call would keep it alive.
  std::this_thread::sleep_for(*timeout + std::chrono::milliseconds(1500));
  if (auto why = not_an_error_naming(client.move(c->env_id), c->env_id))
    return Outcome::broken(expected, *why);
  return Outcome::held(expected, "the idle handle \"" + excerpt(c->env_id, 60) + "\" is expired");
}

// --- HANDLE-014 ---------------------------------------------------------------

// The header name `tool` mirrors env_id into, when its inputSchema annotates it.
std::optional<std::string> env_id_header(HandleClient& client, const std::string& tool) {
  for (const auto& h : client.annotations(tool)) {
    if (h.path == std::vector<std::string>{kEnvId})
      return std::string(mcp::kParamHeaderPrefix) + h.name;
  }
  return std::nullopt;
}

// Whether a tool's inputSchema takes env_id.
bool takes_env_id(const json& tool) {
  const json schema = tool.is_object() ? tool.value("inputSchema", json::object()) : json();
  return schema.is_object() && schema.contains("properties") && schema["properties"].is_object() &&
         schema["properties"].contains(kEnvId);
}

Outcome env_id_annotated(Context& ctx) {
  HandleClient client(ctx);
  const std::string expected =
      "every tool whose inputSchema takes env_id annotates it with \"x-mcp-header\": \"Env-Id\"";
  std::string annotated, not_annotated;  // "name (header)", comma-separated
  for (const json& tool : client.tools()) {
    if (!takes_env_id(tool) || !tool["name"].is_string()) continue;
    const std::string name = tool["name"].get<std::string>();
    const auto header = env_id_header(client, name);
    const bool right = header && iequals(*header, std::string(mcp::kParamHeaderPrefix) + "Env-Id");
    std::string& list = right ? annotated : not_annotated;
    list +=
        (list.empty() ? "" : ", ") + name + (header ? " (" + *header + ")" : " (no x-mcp-header)");
  }
  if (annotated.empty() && not_annotated.empty()) {
    return Outcome::could_not_run("tools/list listed no tool that takes env_id");
  }
  if (!not_annotated.empty()) {
    return Outcome::broken(expected, "not annotated as Env-Id: " + not_annotated);
  }
  return Outcome::held(expected, "annotated: " + annotated);
}

// --- HANDLE-007 ---------------------------------------------------------------

Outcome env_id_header_validated(Context& ctx) {
  HandleClient client(ctx);
  const std::string tool = ctx.game().tool();
  const auto header = env_id_header(client, tool);
  if (!header) {
    return Outcome::not_applicable(tool +
                                   "'s inputSchema does not annotate env_id with "
                                   "x-mcp-header, so no header is validated");
  }
  const std::string expected = "HTTP 400 and error -32020 for " + tool + " without " + *header +
                               " and with a " + *header + " naming another live handle";
  auto a = client.create(json::object());
  auto b = client.create(json::object());
  if (!a || !b) return Outcome::could_not_run(a ? b.error() : a.error());
  const json arguments = {{kEnvId, a->env_id}, {"action", ctx.game().actions().at(0)}};
  const std::string other = b->env_id;
  const std::vector<std::pair<std::string, wire::HeaderEdit>> cases = {
      {"without " + *header, [&](harness::HeaderList& h) { harness::remove_header(h, *header); }},
      {"with " + *header + " naming another handle",
       [&](harness::HeaderList& h) { harness::set_header(h, *header, other); }}};
  std::string held;
  for (const auto& [what, edit] : cases) {
    auto x = client.call_exchange(tool, arguments, edit);
    if (!x) return Outcome::broken(expected, x.error());
    Outcome o = expect_http_rpc_error(*x, 400, mcp::code::kHeaderMismatch, expected);
    if (o.kind != Outcome::Kind::kHeld) return Outcome::broken(expected, what + ": " + o.actual);
    held += (held.empty() ? "" : "; ") + what + ": " + o.actual;
  }
  return Outcome::held(expected, held);
}

// --- HANDLE-008..011 ------------------------------------------------------------

// The templates the profile's forms make listed (HANDLE-008).
std::vector<std::string> expected_templates(const Profile& profile) {
  std::vector<std::string> templates = {"game://{env_id}/initial_state"};
  if (profile.offers(ControlPlane::kResources)) {
    for (const char* name : {"reward", "status", "info"})
      templates.push_back("control://{env_id}/" + std::string(name));
  }
  return templates;
}

// Why the listed templates lack one of `wanted` with mimeType application/json.
std::optional<std::string> templates_problem(const json& listed,
                                             const std::vector<std::string>& wanted) {
  for (const std::string& uri_template : wanted) {
    const json* t = verify::find_by(listed, "uriTemplate", uri_template);
    if (t == nullptr) return "no template " + uri_template + " in " + show(listed, 300);
    if (t->value("mimeType", "") != mcp::kJsonMediaType)
      return uri_template + "'s mimeType is not application/json: " + show(*t, 200);
  }
  return std::nullopt;
}

// resources/list naming `env_id` anywhere is a leak.
std::optional<std::string> listed_handle(HandleClient&, Context& ctx, const std::string& env_id) {
  auto x = wire::post_modern(ctx, wire::modern_request(90, "resources/list"));
  if (!x) return x.error();
  auto result = wire::modern_result(*x);
  if (!result) return "resources/list: " + result.error();
  if (result->dump().find(env_id) != std::string::npos)
    return "resources/list names the live handle: " + show(*result, 300);
  return std::nullopt;
}

Outcome templates_listed(Context& ctx) {
  const auto wanted = expected_templates(ctx.profile());
  const std::string expected =
      "resources/templates/list lists " + std::to_string(wanted.size()) +
      " per-handle templates (application/json), reads of them answer the environment's "
      "payloads, and resources/list names no handle";
  HandleClient client(ctx);
  auto templates = wire::post_modern(ctx, wire::modern_request(1, "resources/templates/list"));
  if (!templates) return Outcome::broken(expected, templates.error());
  auto listed = wire::modern_result(*templates);
  if (!listed) return Outcome::broken(expected, listed.error());
  if (auto why = templates_problem(listed->value("resourceTemplates", json::array()), wanted))
    return Outcome::broken(expected, *why);
  auto c = client.create({{"seed", kSeeds.templates}});
  if (!c) return Outcome::could_not_run(c.error());
  if (auto why = listed_handle(client, ctx, c->env_id)) return Outcome::broken(expected, *why);
  for (const std::string& uri : handle_uris(ctx.profile(), c->env_id)) {
    auto payload = client.read_payload(uri);
    if (!payload) return Outcome::broken(expected, payload.error());
    if (uri.rfind("game://", 0) == 0 && *payload != c->initial_state) {
      return Outcome::broken(expected, uri + " holds " + show(*payload, 200) +
                                           ", not env_create's initial_state " +
                                           show(c->initial_state, 200));
    }
  }
  return Outcome::held(expected, "templates " + show(json(wanted), 200) + ", every read answered");
}

Outcome reads_not_cacheable(Context& ctx) {
  const std::string expected =
      "every per-handle read result carries ttlMs 0 and cacheScope "
      "\"private\"";
  HandleClient client(ctx);
  auto c = client.create(json::object());
  if (!c) return Outcome::could_not_run(c.error());
  std::string seen;
  for (const std::string& uri : handle_uris(ctx.profile(), c->env_id)) {
    auto result = client.read(uri);
    if (!result) return Outcome::broken(expected, result.error());
    if (result->value("ttlMs", json()) != 0 || result->value("cacheScope", json()) != "private") {
      return Outcome::broken(expected, uri + ": ttlMs " + show(result->value("ttlMs", json())) +
                                           ", cacheScope " +
                                           show(result->value("cacheScope", json())));
    }
    seen += (seen.empty() ? "" : ", ") + uri;
  }
  return Outcome::held(expected, "so did " + seen);
}

Outcome unknown_handle_uris(Context& ctx) {
  HandleClient client(ctx);
  const std::string unknown = unissued_handle(client);
  auto live = client.create(json::object());
  if (!live) return Outcome::could_not_run(live.error());
  std::vector<std::string> uris = {harness::env_control_uri(unknown, "initial_state"),
                                   "game://" + live->env_id + "/mcpgym_conform_no_such_name",
                                   harness::env_control_uri(unknown, "initial_state")};
  if (ctx.profile().offers(ControlPlane::kResources))
    uris.insert(uris.begin() + 1, harness::env_control_uri(unknown, "status"));
  const std::string expected = "error -32602 with data.uri for each of " +
                               std::to_string(uris.size()) +
                               " reads of an unknown handle or name (the first read again last)";
  std::string seen;
  for (const std::string& uri : uris) {
    auto x = client.read_exchange(uri);
    if (!x) return Outcome::broken(expected, x.error());
    auto m = wire::rpc_message(*x);
    const json error = m && m->is_object() ? m->value("error", json()) : json();
    const json data = error.is_object() ? error.value("data", json()) : json();
    if (!error.is_object() || error.value("code", 0) != -32602 || !data.is_object() ||
        data.value("uri", json()) != uri) {
      return Outcome::broken(expected, uri + ": " + wire::status_and_body(*x));
    }
    seen += (seen.empty() ? "" : "; ") + uri;
  }
  return Outcome::held(expected, seen);
}

// What GET /control/<name>?<query> must answer, and the body it must hold (null: any).
struct ControlGet {
  std::string name, query;
  int status;
  json body = nullptr;
};

Outcome control_http(Context& ctx) {
  HandleClient client(ctx);
  auto c = client.create({{"seed", kSeeds.control_http}});
  if (!c) return Outcome::could_not_run(c.error());
  auto moved = client.move(c->env_id);
  if (!moved || is_tool_error(*moved))
    return Outcome::could_not_run("a move failed: " + (moved ? show(*moved, 300) : moved.error()));
  std::optional<json> status;
  if (ctx.profile().offers(ControlPlane::kResources)) {
    auto read = client.read_payload(harness::env_control_uri(c->env_id, "status"));
    if (!read) return Outcome::could_not_run(read.error());
    status = *read;
  }
  const std::string unknown = id_statistics::unissued_like(c->env_id);
  const std::vector<ControlGet> gets = {
      {"status", "env_id=" + c->env_id, 200, status ? *status : json(nullptr)},
      {"initial_state", "env_id=" + c->env_id, 200, c->initial_state},
      {"status", "", 400},
      {"status", "env_id=" + unknown, 404},
      {"mcpgym_conform_no_such_name", "env_id=" + c->env_id, 404}};
  const std::string expected =
      "GET /control/status and /control/initial_state with env_id answer the resources' payloads; "
      "without env_id 400; an unknown handle or name 404";
  std::string seen;
  for (const ControlGet& g : gets) {
    auto x = client.get_control(g.name, g.query);
    if (!x) return Outcome::broken(expected, x.error());
    const std::string what = "GET /control/" + g.name + (g.query.empty() ? "" : "?" + g.query);
    if (x->status != g.status)
      return Outcome::broken(expected, what + ": " + wire::status_and_body(*x));
    if (g.status == 200) {
      json body = parse_json_or_discarded(x->body);
      if (!body.is_object() || (!g.body.is_null() && body != g.body)) {
        return Outcome::broken(expected,
                               what + ": " + wire::status_and_body(*x) +
                                   (g.body.is_null() ? "" : ", not " + show(g.body, 200)));
      }
    }
    seen += (seen.empty() ? "" : "; ") + what + " -> " + std::to_string(x->status);
  }
  return Outcome::held(expected, seen);
}

// --- HANDLE-012 ---------------------------------------------------------------

// The step_count of `env_id`'s status, or why there is none.
Expected<int, std::string> step_count(Context& ctx, HandleClient& client,
                                      const std::string& env_id) {
  auto status = read_status(ctx, client, env_id);
  if (!status) return unexpected(status.error());
  auto steps = verify::int_field(*status, "step_count");
  if (!steps) return unexpected("status without step_count: " + show(*status, 200));
  return *steps;
}

// Why `env_id`'s step count is not `want`; nothing when it is.
std::optional<std::string> step_count_problem(Context& ctx, HandleClient& client,
                                              const std::string& env_id, int want,
                                              const std::string& which) {
  auto steps = step_count(ctx, client, env_id);
  if (!steps) return which + ": " + steps.error();
  if (*steps != want)
    return which + "'s step_count is " + std::to_string(*steps) + ", not " + std::to_string(want);
  return std::nullopt;
}

Outcome isolated_handles(Context& ctx) {
  const std::string expected =
      "two handles from env_create with one seed: one initial state, and a move on either "
      "leaves the other's step_count alone";
  HandleClient client(ctx);
  const json arguments = {{"seed", kSeeds.isolated}, {"config", ctx.game().long_episode_config()}};
  auto a = client.create(arguments);
  auto b = client.create(arguments);
  if (!a || !b) return Outcome::could_not_run(a ? b.error() : a.error());
  if (a->env_id == b->env_id)
    return Outcome::broken(expected, "both got the handle \"" + excerpt(a->env_id, 80) + "\"");
  if (a->initial_state != b->initial_state) {
    return Outcome::broken(expected, "initial states " + show(a->initial_state, 150) + " and " +
                                         show(b->initial_state, 150));
  }
  auto moved = client.move(a->env_id);
  if (!moved || is_tool_error(*moved))
    return Outcome::broken(expected,
                           "a move on the first: " + (moved ? show(*moved, 300) : moved.error()));
  if (auto why =
          step_count_problem(ctx, client, b->env_id, 0, "the second (after a move on the first)"))
    return Outcome::broken(expected, *why);
  moved = client.move(b->env_id);
  if (!moved || is_tool_error(*moved))
    return Outcome::broken(expected,
                           "a move on the second: " + (moved ? show(*moved, 300) : moved.error()));
  if (auto why = step_count_problem(ctx, client, a->env_id, 1, "the first (after one move each)"))
    return Outcome::broken(expected, *why);
  return Outcome::held(expected, "\"" + excerpt(a->env_id, 60) + "\" and \"" +
                                     excerpt(b->env_id, 60) + "\" evolved independently");
}

// Whether `status` says the episode has ended.
bool ended(const json& status) {
  return status.value("terminated", false) == true || status.value("truncated", false) == true;
}

Outcome whole_episode(Context& ctx) {
  const std::string expected =
      "one handle plays the game's way to the end: the status after each move counts it, the "
      "last says the episode ended, a move after the end is a tool error and changes nothing";
  HandleClient client(ctx);
  auto c = client.create(
      {{"seed", kSeeds.whole_episode}, {"config", ctx.game().short_episode_config()}});
  if (!c) return Outcome::could_not_run(c.error());
  const auto plan = ctx.game().actions_to_end(c->initial_state);
  if (!plan) return Outcome::could_not_run("no way to the end from " + show(c->initial_state, 200));
  json status;
  for (std::size_t i = 0; i < plan->size(); ++i) {
    auto moved = client.move(c->env_id, static_cast<std::size_t>((*plan)[i]));
    if (!moved || is_tool_error(*moved)) {
      return Outcome::broken(expected, "move " + std::to_string(i + 1) + ": " +
                                           (moved ? show(*moved, 300) : moved.error()));
    }
    auto read = read_status(ctx, client, c->env_id);
    if (!read) return Outcome::broken(expected, read.error());
    status = *read;
    if (verify::int_field(status, "step_count") != static_cast<int>(i + 1)) {
      return Outcome::broken(
          expected, "after move " + std::to_string(i + 1) + " the status is " + show(status, 200));
    }
  }
  if (!ended(status))
    return Outcome::broken(expected,
                           "after the plan's last move the status is " + show(status, 200));
  auto after = client.move(c->env_id);
  if (!after || !is_tool_error(*after))
    return Outcome::broken(expected,
                           "a move after the end: " + (after ? show(*after, 300) : after.error()));
  auto again = read_status(ctx, client, c->env_id);
  if (!again || *again != status) {
    return Outcome::broken(expected, "the status after a move after the end: " +
                                         (again ? show(*again, 200) : again.error()));
  }
  return Outcome::held(expected,
                       std::to_string(plan->size()) + " moves, then " + show(status, 200));
}

constexpr int kTrajectoryMoves = 8;

Outcome same_seed_same_trajectory(Context& ctx) {
  // Slippery only where the profile claims it: a server without it refuses the
  // config, and a deterministic episode still tells one environment from two.
  const bool slippery =
      ctx.profile().claims(Feature::kSlippery) && !ctx.game().slippery_config().is_null();
  const json config = slippery ? ctx.game().slippery_config() : ctx.game().long_episode_config();
  const std::string expected = "two handles with seed " + std::to_string(kSeeds.same_trajectory) +
                               " and config " + show(config, 100) + " answer the same " +
                               std::to_string(kTrajectoryMoves) + " moves alike";
  HandleClient client(ctx);
  const json arguments = {{"seed", kSeeds.same_trajectory}, {"config", config}};
  auto a = client.create(arguments);
  auto b = client.create(arguments);
  if (!a || !b) return Outcome::could_not_run(a ? b.error() : a.error());
  for (int i = 0; i < kTrajectoryMoves; ++i) {
    const auto action = static_cast<std::size_t>(i);
    auto first = client.move(a->env_id, action);
    auto second = client.move(b->env_id, action);
    if (!first || !second) return Outcome::broken(expected, first ? second.error() : first.error());
    if (is_tool_error(*first) != is_tool_error(*second) ||
        (!is_tool_error(*first) && tool_payload(*first) != tool_payload(*second))) {
      return Outcome::broken(expected, "move " + std::to_string(i + 1) + ": " + show(*first, 200) +
                                           " and " + show(*second, 200));
    }
    if (is_tool_error(*first)) break;  // both episodes ended
  }
  return Outcome::held(expected, "the same answers");
}

Check handle_check(std::string id, std::string spec_id, Level level, std::string rule,
                   Outcome (*run)(Context&), Needs needs = handle_needs()) {
  return Check{.id = "handles." + std::move(id),
               .spec_id = std::move(spec_id),
               .level = level,
               .rule = std::move(rule),
               .needs = std::move(needs),
               .fresh_process = false,
               .run = run};
}

// `check`, which opens at most `sessions` environments (its deadline grows
// with them behind a proxy).
Check opening(Check check, int sessions) {
  check.sessions = sessions;
  return check;
}

}  // namespace

std::vector<Check> handle_checks() {
  return {
      handle_check("create-shape", "HANDLE-001", Level::kMust,
                   "It creates one environment and returns one text content block "
                   "holding the JSON object `{\"env_id\": <handle>, \"seed\": <seed in "
                   "use>, \"initial_state\": <the game's initial-state payload, "
                   "CTRL-011>}`, and `structuredContent` with the same object.",
                   create_shape),
      handle_check("not-from-seed", "HANDLE-002", Level::kMust,
                   "never derived from the seed, the configuration, the time, a counter "
                   "or an address. No two environments share one, live or ended.",
                   not_from_seed),
      opening(handle_check("unpredictable", "HANDLE-002", Level::kMust,
                           "The handle (`env_id`) is an opaque string of visible ASCII (0x21 "
                           "to 0x7E) carrying at least 122 random bits from a "
                           "cryptographically secure source",
                           handles_unpredictable),
              id_statistics::kProxySample),
      handle_check("bad-arguments", "HANDLE-003", Level::kMust,
                   "is a tool execution error: a result with `isError: true` and a text "
                   "block naming the argument at fault (`seed`, `config.p`), never a "
                   "JSON-RPC error. No environment is created.",
                   bad_arguments),
      handle_check("tools", "HANDLE-004", Level::kMust,
                   "`tools/list` lists `env_create`, the game's tool and `env_close`.",
                   tools_listed),
      handle_check("dead-handle", "HANDLE-005", Level::kMust,
                   "A handle that is unknown, closed or expired, given to any tool "
                   "(`<game>_move`, `env_close`), gets a tool execution error "
                   "(`isError: true`) whose text names the handle",
                   dead_handles),
      handle_check("expiry-described", "HANDLE-006", Level::kShould,
                   "`env_create`'s `description` states the expiry", expiry_described),
      handle_check("idle-expiry", "HANDLE-006", Level::kShould,
                   "An environment that no request has named for longer than a "
                   "configurable idle time expires; its handle is then expired "
                   "(HANDLE-005).",
                   idle_expiry),
      handle_check("env-id-annotated", "HANDLE-014", Level::kShould,
                   "`env_id` in the `inputSchema` of every tool that takes it carries "
                   "`\"x-mcp-header\": \"Env-Id\"` (the name compared ignoring ASCII case), so "
                   "that clients mirror it into the header `Mcp-Param-Env-Id` and a router or "
                   "proxy can place a request without parsing its body",
                   env_id_annotated),
      handle_check("env-id-header", "HANDLE-007", Level::kMust,
                   "A server that annotates an argument with `x-mcp-header` (HANDLE-014) MUST "
                   "validate its header against "
                   "the body: a `tools/call` whose body has the argument while the "
                   "header is missing, whose header differs from the body",
                   env_id_header_validated),
      handle_check("templates", "HANDLE-008", Level::kMust,
                   "The control plane per handle is four resource templates, listed by "
                   "`resources/templates/list` with `mimeType` `application/json`",
                   templates_listed),
      handle_check("reads-not-cacheable", "HANDLE-009", Level::kMust,
                   "The read result of every per-handle resource carries `ttlMs: 0` and "
                   "`cacheScope: \"private\"`",
                   reads_not_cacheable),
      handle_check("unknown-handle-uri", "HANDLE-010", Level::kMust,
                   "`resources/read` of a per-handle URI whose handle is unknown, closed "
                   "or expired, or whose name is none of the four, gets -32602 with "
                   "`data.uri` naming the URI (MODERN-009); it never creates an "
                   "environment.",
                   unknown_handle_uris),
      handle_check("control-http", "HANDLE-011", Level::kMust,
                   "A missing `env_id` gets 400. An unknown, closed or expired handle, "
                   "or an unknown name, gets 404.",
                   control_http, handle_needs({ControlPlane::kHttp})),
      handle_check("isolated", "HANDLE-012", Level::kMust,
                   "two handles with one seed and configuration evolve independently "
                   "(SESS-008)",
                   isolated_handles),
      handle_check("whole-episode", "HANDLE-012", Level::kMust,
                   "every call and read naming a handle reaches its environment for its "
                   "whole life (SESS-007)",
                   whole_episode, handle_needs({}, /*model=*/true)),
      handle_check("same-seed-same-trajectory", "HANDLE-012", Level::kMust,
                   "seeds and configuration (SEED-002, SEED-003, CONF-001..004), "
                   "episodes (EPIS-001..003), invalid actions and moves after the end "
                   "(DATA-005, DATA-006) and the control plane reflecting the last step "
                   "(CTRL-004..007, CTRL-011) hold as written",
                   same_seed_same_trajectory),
  };
}

}  // namespace mcpgym::conformance
