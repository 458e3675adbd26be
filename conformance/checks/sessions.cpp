// Sessions (docs/spec.md, SESS-): session ids (issued at initialize, never on
// a failed one, visible ASCII, unpredictable, long enough), the session
// header's status codes (400 without it, 404 for an unknown or ended id, 400
// on a re-initialize), and sessions as environments (one per session, the
// same one for the session's whole life, many at once).
//
// Every check here speaks raw HTTP (wire.hpp) so it sees each response's
// headers; the harness McpClient would hide a changed Mcp-Session-Id.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <latch>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/bounded_json.hpp"
#include "common/text.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/checks/driven.hpp"
#include "conformance/checks/id_statistics.hpp"
#include "conformance/checks/verify.hpp"
#include "conformance/checks/wire.hpp"
#include "conformance/core/context.hpp"

namespace mcpgym::conformance {
namespace {

using namespace id_statistics;
using verify::first_text_json;
using verify::int_field;
using verify::rpc_result;
using json = nlohmann::json;
using harness::HttpExchange;
using harness::RawHttpClient;

constexpr const char* kSessionHeader = "mcp-session-id";
constexpr const char* kActionNames[4] = {"LEFT", "DOWN", "RIGHT", "UP"};

// gymnasium's 4x4 map, given explicitly (CONF-001 `desc`), non-slippery: every
// implementation plays it deterministically (LAKE-004). Its shortest path is
// DOWN DOWN RIGHT DOWN RIGHT RIGHT (positions 4 8 9 13 14 15).
const std::vector<std::string> kDesc = {"SFFF", "FHFH", "FFFH", "HFFG"};
const std::vector<int> kDescPath = {1, 1, 2, 1, 2, 2};
const std::vector<int> kDescPositions = {4, 8, 9, 13, 14, 15};

json lake_extra(int seed) {
  return {{"seed", seed}, {"config", {{"is_slippery", false}, {"desc", kDesc}}}};
}

// ---------------------------------------------------------------------------
// Notes: long checks keep the first and the last exchanges only.

void keep_notes(Context& ctx, std::size_t first, std::size_t last) {
  auto notes = ctx.take_notes();
  if (notes.size() <= first + last) {
    for (auto& n : notes)
      ctx.note(std::move(n));
    return;
  }
  for (std::size_t i = 0; i < first; ++i)
    ctx.note(std::move(notes[i]));
  ctx.note("(" + std::to_string(notes.size() - first - last) + " more exchanges)");
  for (std::size_t i = notes.size() - last; i < notes.size(); ++i)
    ctx.note(std::move(notes[i]));
}

// ---------------------------------------------------------------------------
// Answers.

// A lake_move result's payload, or why it is not one (a tool error included).
Expected<json, std::string> move_payload(const HttpExchange& x) {
  auto r = rpc_result(x);
  if (!r) return unexpected(r.error());
  if (r->is_object() && r->value("isError", false)) {
    return unexpected("a tool error: " + excerpt(r->dump(), 200));
  }
  return first_text_json(*r, "content");
}

std::string json_excerpt(const json& j) {
  return excerpt(j.dump(), 200);
}

// ---------------------------------------------------------------------------
// Requests.

// POST initialize outside any session (the well-behaved client's headers).
Expected<HttpExchange, std::string> post_initialize(Context& ctx, RawHttpClient& http,
                                                    const json& params) {
  return wire::post(ctx, http, wire::request(1, "initialize", params).dump(),
                    harness::mcp_post_headers());
}

// DELETE /mcp for `session` (noted).
Expected<HttpExchange, std::string> delete_session(Context& ctx, RawHttpClient& http,
                                                   const wire::RawSession& session) {
  return wire::send(
      ctx, http,
      {.method = "DELETE",
       .path = ctx.path(),
       .headers = {{"Mcp-Session-Id", session.id}, {"MCP-Protocol-Version", session.version}},
       .body = ""});
}

using wire::OpenSession;

// The control-plane forms a check reads: resources and/or GET /control/*.
using Via = ControlPlane;

std::vector<Via> control_forms(const Profile& profile) {
  std::vector<Via> forms;
  if (profile.offers(ControlPlane::kResources)) forms.push_back(ControlPlane::kResources);
  if (profile.offers(ControlPlane::kHttp)) forms.push_back(ControlPlane::kHttp);
  return forms;
}

std::string via_name(Via via, const std::string& name) {
  return via == ControlPlane::kResources ? "control://" + name : "GET /control/" + name;
}

// Reads control-plane `name` (reward, status, info) in `s`: the exchange.
Expected<HttpExchange, std::string> control_exchange(Context& ctx, OpenSession& s,
                                                     const std::string& name, Via via, int id) {
  if (via == ControlPlane::kResources) {
    return wire::post_in(ctx, s.http, s.session,
                         wire::request(id, "resources/read", {{"uri", "control://" + name}}));
  }
  return wire::send(
      ctx, s.http,
      {.method = "GET",
       .path = "/control/" + name,
       .headers = {{"Mcp-Session-Id", s.session.id}, {"MCP-Protocol-Version", s.session.version}},
       .body = ""});
}

// The payload of a control-plane read.
Expected<json, std::string> control_payload(const HttpExchange& x, Via via) {
  if (via == ControlPlane::kResources) {
    auto r = rpc_result(x);
    if (!r) return unexpected(r.error());
    return first_text_json(*r, "contents");
  }
  if (x.status != 200) return unexpected(wire::status_and_body(x));
  json j = parse_json_or_discarded(x.body);
  if (j.is_discarded() || !j.is_object()) {
    return unexpected("a body that is not a JSON object: " + excerpt(x.body, 200));
  }
  return j;
}

// A call of the game's data-plane tool with its action number `action`.
Expected<HttpExchange, std::string> move_exchange(Context& ctx, OpenSession& s, int action,
                                                  int id) {
  const GameDriver& game = ctx.game();
  return wire::post_in(
      ctx, s.http, s.session,
      wire::request(
          id, "tools/call",
          {{"name", game.tool()},
           {"arguments", {{"action", game.actions()[static_cast<std::size_t>(action)]}}}}));
}

Expected<json, std::string> read_initial_state(Context& ctx, OpenSession& s, int id,
                                               HttpExchange* exchange = nullptr) {
  auto x = wire::post_in(ctx, s.http, s.session,
                         wire::request(id, "resources/read", {{"uri", "game://initial_state"}}));
  if (!x) return unexpected(x.error());
  if (exchange) *exchange = *x;
  auto r = rpc_result(*x);
  if (!r) return unexpected("game://initial_state could not be read: " + r.error());
  auto payload = first_text_json(*r, "contents");
  if (!payload) return unexpected("game://initial_state: " + payload.error());
  return payload;
}

// What a control-plane read with the wrong step_count shows, `steps` moves
// into the session: only what the count itself tells, never a guess.
std::string step_count_diagnosis(std::optional<int> seen, int steps) {
  if (!seen) return "it has no integer step_count";
  if (*seen == steps - 1) {
    return "the count from before this move: the control plane is stale" +
           std::string(steps == 1 ? ", or served from an environment this session's moves never "
                                    "reached"
                                  : "");
  }
  if (*seen < steps) return "a count behind this session's moves";
  return "a count ahead of this session's moves: it counts moves this session did not make";
}

// ---------------------------------------------------------------------------
// Session-id samples (SESS-002, SESS-003, SESS-012).

// Sessions a sample takes.
int sample_size(const Profile& profile) {
  return id_statistics::sample_size(profile.kind == ProfileKind::kProxy, 1000);
}

// Issues `count` sessions one after another (initialize, then DELETE at once),
// noting only the first exchange of each kind.
Expected<IdSample, std::string> sample_ids(Context& ctx, int count) {
  IdSample sample;
  auto http = ctx.raw();
  const std::string body = wire::request(1, "initialize", wire::initialize_params()).dump();
  sample.start_ms = unix_ms();
  for (int i = 0; i < count; ++i) {
    auto init = http.send({.method = "POST",
                           .path = ctx.path(),
                           .headers = harness::mcp_post_headers(),
                           .body = body});
    if (i == 0 && init) ctx.note(*init);
    std::string why;
    if (!init) {
      why = "initialize got no answer: " + init.error();
    } else if (auto r = rpc_result(*init); !r) {
      why = "initialize was refused: " + r.error();
    } else if (!init->has_header(kSessionHeader)) {
      why = "initialize answered without an Mcp-Session-Id header";
    }
    if (!why.empty()) {
      if (init) ctx.note(*init);
      if (sample.ids.size() >= 16) {
        sample.stopped =
            "sampling stopped after " + std::to_string(sample.ids.size()) + " sessions: " + why;
        break;
      }
      return unexpected("session " + std::to_string(i + 1) + " of the sample: " + why);
    }
    sample.ids.push_back(init->header(kSessionHeader));
    ctx.sessions_opened(static_cast<int>(sample.ids.size()), count);
    auto del = http.send({.method = "DELETE",
                          .path = ctx.path(),
                          .headers = {{"Mcp-Session-Id", sample.ids.back()},
                                      {"MCP-Protocol-Version", wire::kLatestVersion}},
                          .body = ""});
    if (i == 0 && del) ctx.note(*del);
  }
  sample.end_ms = unix_ms();
  ctx.note("sampled " + std::to_string(sample.ids.size()) + " session ids (each DELETEd at once)" +
           (sample.stopped.empty() ? "" : "; " + sample.stopped));
  return sample;
}

// ---------------------------------------------------------------------------
// SESS-010's sessions run on threads of their own, where the Context (not
// thread-safe) is out of reach: these helpers note nothing and say what
// happened in their error.

Expected<json, std::string> thread_rpc(RawHttpClient& http, const std::string& path,
                                       const wire::RawSession& s, const json& message) {
  auto x = http.send({.method = "POST",
                      .path = path,
                      .headers = harness::mcp_post_headers(s.id, s.version),
                      .body = message.dump()});
  if (!x) return unexpected(message.value("method", "?") + " got no answer: " + x.error());
  auto r = rpc_result(*x);
  if (!r) return unexpected(message.value("method", "?") + ": " + r.error());
  return r;
}

Expected<wire::RawSession, std::string> thread_open(RawHttpClient& http, const std::string& path,
                                                    const json& extra) {
  auto x = http.send(
      {.method = "POST",
       .path = path,
       .headers = harness::mcp_post_headers(),
       .body = wire::request(1, "initialize", wire::initialize_params(wire::kLatestVersion, extra))
                   .dump()});
  if (!x) return unexpected("initialize got no answer: " + x.error());
  auto r = rpc_result(*x);
  if (!r) return unexpected("initialize was refused: " + r.error());
  wire::RawSession s;
  s.id = x->header(kSessionHeader);
  s.result = *r;
  s.version = r->value("protocolVersion", wire::kLatestVersion);
  if (s.id.empty()) return unexpected("initialize answered without an Mcp-Session-Id header");
  auto done = http.send({.method = "POST",
                         .path = path,
                         .headers = harness::mcp_post_headers(s.id, s.version),
                         .body = wire::notification("notifications/initialized").dump()});
  if (!done) return unexpected("notifications/initialized got no answer: " + done.error());
  if (done->status / 100 != 2) {
    return unexpected("notifications/initialized was refused: " + wire::status_and_body(*done));
  }
  return s;
}

// One SESS-010 worker: its own session, then `rounds` steps (gym) or pings.
std::string concurrent_worker(RawHttpClient http, const std::string& path, bool gym, int index,
                              std::latch& all_open) {
  auto s = thread_open(http, path, gym ? lake_extra(100 + index) : json(nullptr));
  all_open.count_down();
  if (!s) return s.error();
  all_open.wait();
  std::string problem;
  const std::size_t rounds = gym ? kDescPath.size() : 4;
  for (std::size_t k = 0; k < rounds && problem.empty(); ++k) {
    const int id = 10 + static_cast<int>(k);
    if (!gym) {
      auto r = thread_rpc(http, path, *s, wire::request(id, k % 2 ? "tools/list" : "ping"));
      if (!r) problem = r.error();
      continue;
    }
    auto r = thread_rpc(http, path, *s,
                        wire::request(id, "tools/call",
                                      {{"name", "lake_move"},
                                       {"arguments", {{"action", kActionNames[kDescPath[k]]}}}}));
    if (!r) {
      problem = "move " + std::to_string(k + 1) + ": " + r.error();
      break;
    }
    if (r->is_object() && r->value("isError", false)) {
      problem = "move " + std::to_string(k + 1) + " (" + kActionNames[kDescPath[k]] +
                ") was a tool error: " + json_excerpt(*r);
      break;
    }
    auto p = first_text_json(*r, "content");
    if (!p) {
      problem = "move " + std::to_string(k + 1) + ": " + p.error();
      break;
    }
    if (int_field(*p, "position") != kDescPositions[k]) {
      problem = "move " + std::to_string(k + 1) + " (" + kActionNames[kDescPath[k]] +
                ") should reach position " + std::to_string(kDescPositions[k]) + " but answered " +
                json_excerpt(*p);
    }
  }
  wire::close_session(http, path, *s);
  return problem;
}

// SESS-008 for any game: two sessions on the same seed and config; A makes
// two moves; B, untouched by A, replays A's first move and must answer what A
// answered; A, untouched by B, is still at step 2. With a model the moves are
// two it says leave the episode going (seeds from 11 on until a deal allows
// them: every Blackjack STICK ends the hand); without one, the game's first
// action twice.
Outcome isolated_by_replay(Context& ctx) {
  const GameDriver& game = ctx.game();
  constexpr std::uint64_t kFirstSeed = 11;
  constexpr std::uint64_t kSeeds = 16;
  int rpc_id = 10;
  std::unique_ptr<OpenSession> a;
  json extra;
  std::vector<int> moves = {0, 0};
  for (std::uint64_t seed = kFirstSeed; seed < kFirstSeed + kSeeds && !a; ++seed) {
    extra = {{"seed", seed}, {"config", game.long_episode_config()}};
    auto opened = wire::open(ctx, extra);
    if (!opened) return Outcome::could_not_run(opened.error());
    if (!game.has_model()) {
      a = std::move(*opened);
      break;
    }
    auto state = read_initial_state(ctx, **opened, rpc_id++);
    if (!state) return Outcome::could_not_run(state.error());
    if (!game.model(seed, game.long_episode_config(), *state)) {
      // The model cannot follow this server (its start is not the seed's):
      // the replay alone judges it, with the game's first action.
      a = std::move(*opened);
      break;
    }
    if (auto on = driven::moves_that_go_on(game, seed, game.long_episode_config(), *state, 2)) {
      moves = *on;
      a = std::move(*opened);
    }
  }
  if (!a) {
    return Outcome::could_not_run("the " + game.name() +
                                  " model finds no two moves that leave an episode going for "
                                  "seeds 11 to 26");
  }
  auto b = wire::open(ctx, extra);
  if (!b) return Outcome::could_not_run(b.error());
  const auto& names = game.actions();
  const std::string first_action = names[static_cast<std::size_t>(moves[0])];
  const std::string second_action = names[static_cast<std::size_t>(moves[1])];
  const std::string expected =
      "two sessions with the same seed and config evolve independently: after " + first_action +
      " and " + second_action + " in A, B is at step 0 and its own first " + first_action +
      " answers what A's first did, and A stays at step 2";
  const Via via = control_forms(ctx.profile()).front();
  json first;
  for (int k = 0; k < 2; ++k) {
    auto x = move_exchange(ctx, *a, moves[static_cast<std::size_t>(k)], rpc_id++);
    if (!x) return Outcome::could_not_run(x.error());
    auto p = move_payload(*x);
    if (!p) return Outcome::could_not_run("session A's move: " + p.error());
    if (k == 0) first = *p;
  }
  auto step_count_of = [&](OpenSession& s) -> Expected<json, std::string> {
    auto r = control_exchange(ctx, s, "status", via, rpc_id++);
    if (!r) return unexpected(r.error());
    return control_payload(*r, via);
  };
  auto status_b = step_count_of(**b);
  if (!status_b) return Outcome::could_not_run("session B's status: " + status_b.error());
  if (int_field(*status_b, "step_count") != 0) {
    return Outcome::broken(expected, "after two moves in session A, session B's " +
                                         via_name(via, "status") + " is " +
                                         json_excerpt(*status_b) + " (expected step_count 0)");
  }
  auto x = move_exchange(ctx, **b, moves[0], rpc_id++);
  if (!x) return Outcome::could_not_run(x.error());
  auto p = move_payload(*x);
  if (!p) return Outcome::broken(expected, "session B's first move answered " + p.error());
  if (*p != first) {
    return Outcome::broken(expected, "session B's first move answered " + json_excerpt(*p) +
                                         ", session A's first " + json_excerpt(first));
  }
  auto status_a = step_count_of(*a);
  if (!status_a) return Outcome::could_not_run("session A's status: " + status_a.error());
  if (int_field(*status_a, "step_count") != 2) {
    return Outcome::broken(expected, "after one move in session B, session A's " +
                                         via_name(via, "status") + " is " +
                                         json_excerpt(*status_a) + " (expected step_count 2)");
  }
  return Outcome::held(expected,
                       "B replayed A's first move and answered the same; each "
                       "session's step_count stayed its own");
}

// SESS-001: "The HTTP response to a successful `initialize` carries an
// `Mcp-Session-Id` header. ..."
Outcome id_issued_at_initialize(Context& ctx) {
  auto http = ctx.raw();
  auto init = post_initialize(ctx, http, wire::initialize_params());
  if (!init) return Outcome::could_not_run(init.error());
  auto result = rpc_result(*init);
  if (!result) return Outcome::could_not_run("initialize was refused: " + result.error());
  const std::string expected =
      "an Mcp-Session-Id header on the HTTP response to the successful initialize";
  if (!init->has_header(kSessionHeader) || init->header(kSessionHeader).empty()) {
    return Outcome::broken(expected, "HTTP " + std::to_string(init->status) +
                                         " with a result but no Mcp-Session-Id header");
  }
  wire::RawSession s{init->header(kSessionHeader), wire::kLatestVersion, *result};
  wire::close_session(http, ctx.path(), s);
  return Outcome::held(expected, "Mcp-Session-Id: " + excerpt(s.id, 80));
}

// Ways to make initialize fail: a seed out of range (SEED-003, gym kinds)
// and a missing protocolVersion (LIFE-007, every kind).
struct FailingInitialize {
  std::string what;
  json params;
};

std::vector<FailingInitialize> failing_initializes(const Profile& profile) {
  std::vector<FailingInitialize> attempts;
  if (profile.is_gym()) {
    attempts.push_back({"initialize with seed -1 (SEED-003)",
                        wire::initialize_params(wire::kLatestVersion, {{"seed", -1}})});
  }
  json no_version = wire::initialize_params();
  no_version.erase("protocolVersion");
  attempts.push_back({"initialize without protocolVersion (LIFE-007)", no_version});
  return attempts;
}

// The error answer `x` to a failed initialize must carry no Mcp-Session-Id;
// when it does, a ping in that session says whether one was created.
Outcome judge_failed_initialize(Context& ctx, RawHttpClient& http, const HttpExchange& x,
                                const std::string& what) {
  const std::string expected =
      "no Mcp-Session-Id header on the error answer to a failed initialize (no session "
      "is created)";
  if (!x.has_header(kSessionHeader)) {
    return Outcome::held(expected,
                         what + ": " + wire::status_and_body(x) + ", no Mcp-Session-Id header");
  }
  const std::string id = x.header(kSessionHeader);
  std::string usable;
  auto ping = wire::post(ctx, http, wire::request(2, "ping").dump(),
                         harness::mcp_post_headers(id, wire::kLatestVersion));
  if (ping && rpc_result(*ping))
    usable = "; a ping in that session was answered, so a session was created";
  return Outcome::broken(expected, what + " failed (" + wire::status_and_body(x) +
                                       ") but carried Mcp-Session-Id: " + excerpt(id, 80) + usable);
}

// SESS-001: "... A failed initialize (an error response) creates no session
// and carries no such header."
Outcome no_id_on_failed_initialize(Context& ctx) {
  auto http = ctx.raw();
  std::vector<std::string> accepted;
  for (const auto& attempt : failing_initializes(ctx.profile())) {
    auto x = post_initialize(ctx, http, attempt.params);
    if (!x) return Outcome::could_not_run(x.error());
    auto r = rpc_result(*x);
    if (!r) return judge_failed_initialize(ctx, http, *x, attempt.what);
    // Accepted after all (another rule's failure): not a failed initialize.
    if (x->has_header(kSessionHeader)) {
      wire::close_session(http, ctx.path(), {x->header(kSessionHeader), wire::kLatestVersion, *r});
    }
    accepted.push_back(attempt.what + " succeeded");
  }
  std::string all;
  for (const auto& a : accepted)
    all += (all.empty() ? "" : "; ") + a;
  return Outcome::could_not_run("no initialize could be made to fail: " + all);
}

// SESS-002: "The session id contains only visible ASCII characters (0x21 to 0x7E)."
Outcome id_visible_ascii(Context& ctx) {
  auto sample = sample_ids(ctx, 8);
  if (!sample) return Outcome::could_not_run(sample.error());
  const std::string expected = "session ids of characters 0x21 to 0x7E only";
  for (const auto& id : sample->ids) {
    for (std::size_t k = 0; k < id.size(); ++k) {
      const auto c = static_cast<unsigned char>(id[k]);
      if (c < 0x21 || c > 0x7E) {
        char code[8];
        std::snprintf(code, sizeof code, "0x%02X", c);
        return Outcome::broken(expected, "the id \"" + excerpt(id, 80) + "\" has byte " + code +
                                             " at offset " + std::to_string(k));
      }
    }
  }
  return Outcome::held(expected, std::to_string(sample->ids.size()) +
                                     " ids, all visible ASCII, e.g. " + show_ids(sample->ids, 1));
}

// SESS-003: "The session id is secure and non-deterministic: drawn from a
// cryptographically secure random source, never derived from time, counters,
// request counts, client data or object addresses, and no two sessions share one."
Outcome ids_unpredictable(Context& ctx) {
  const int count = sample_size(ctx.profile());
  auto sample = sample_ids(ctx, count);
  if (!sample) return Outcome::could_not_run(sample.error());
  const auto& ids = sample->ids;
  const std::string n = std::to_string(ids.size());
  const std::string expected = n +
                               " sessions issued one after another have distinct ids "
                               "with no counter, clock or shared structure";
  std::map<std::string, std::size_t> first_seen;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto [it, fresh] = first_seen.emplace(ids[i], i);
    if (!fresh) {
      return Outcome::broken(expected, "sessions " + std::to_string(it->second + 1) + " and " +
                                           std::to_string(i + 1) + " of " + n +
                                           " got the same id \"" + excerpt(ids[i], 80) + "\"");
    }
  }
  if (auto seq = find_sequence(ids)) return Outcome::broken(expected, *seq);
  if (auto clock = find_clock(*sample)) return Outcome::broken(expected, *clock);
  const auto bits = estimate_bits(ids);
  const std::size_t prefix = common_prefix(ids);
  if (bits.bits < 64.0) {
    return Outcome::broken(expected,
                           "the ids vary too little to come from a secure random source: " +
                               describe_bits(bits, ids.size()) + "; common prefix " +
                               std::to_string(prefix) + " characters: " + show_ids(ids, 3));
  }
  return Outcome::held(expected, n + " distinct ids, no counter, no clock, common prefix " +
                                     std::to_string(prefix) + " characters, " +
                                     describe_bits(bits, ids.size()) + ", e.g. " +
                                     show_ids(ids, 2));
}

// SESS-012: "The session id carries at least 122 random bits (a version-4 UUID
// qualifies). Stricter than MCP. ..."
Outcome id_random_bits(Context& ctx) {
  auto sample = sample_ids(ctx, sample_size(ctx.profile()));
  if (!sample) return Outcome::could_not_run(sample.error());
  const auto bits = estimate_bits(sample->ids);
  const std::string expected =
      "at least 122 random bits per id (estimated from the characters that vary at each "
      "position across the sample)";
  const std::string actual =
      describe_bits(bits, sample->ids.size()) + ", e.g. " + show_ids(sample->ids, 2);
  if (bits.bits + 1e-9 < 122.0) {
    // No black-box sample tells a hash of a clock from randomness: such ids
    // pass SESS-003's check and are caught here only for being short
    // (docs/conformance.md, "Limits").
    return Outcome::broken(
        expected,
        actual +
            "; ids that are a hash of a timestamp and a counter (field report 004's) look "
            "random to any sample and pass sessions.ids-unpredictable, so short ids like "
            "these may be such a hash: draw them from a secure random source (SESS-003)");
  }
  return Outcome::held(expected, actual);
}

// SESS-004: "A request other than `initialize` that has no `Mcp-Session-Id`
// header gets HTTP 400."
Outcome missing_header_400(Context& ctx) {
  auto s = wire::open(ctx, nullptr);
  if (!s) return Outcome::could_not_run(s.error());
  auto x = wire::post(ctx, (*s)->http, wire::request(2, "tools/list").dump(),
                      harness::mcp_post_headers(std::nullopt, (*s)->session.version));
  if (!x) return Outcome::could_not_run(x.error());
  return verify::expect_status(*x, 400, "HTTP 400 for tools/list without an Mcp-Session-Id header");
}

// SESS-005: "A request whose session id is unknown, ended (SESS-006) or
// expired (SESS-009) gets HTTP 404."
Outcome unknown_session_404(Context& ctx) {
  auto s = wire::open(ctx, nullptr);
  if (!s) return Outcome::could_not_run(s.error());
  const std::string unknown = unissued_like((*s)->session.id);
  auto x = wire::post(ctx, (*s)->http, wire::request(2, "ping").dump(),
                      harness::mcp_post_headers(unknown, (*s)->session.version));
  if (!x) return Outcome::could_not_run(x.error());
  const std::string expected = "HTTP 404 for a ping with a session id the server never issued (\"" +
                               excerpt(unknown, 60) + "\")";
  return verify::expect_status(*x, 404, expected);
}

// SESS-006: "`DELETE /mcp` with the session header ends the session and gets
// 200. Afterwards the id gets 404. MCP lets a server refuse DELETE with 405,
// but MCP-Gym servers should support it."
Outcome delete_ends_session(Context& ctx) {
  auto http = ctx.raw();
  auto s = wire::open_session(ctx, http, nullptr);
  if (!s) return Outcome::could_not_run(s.error());
  const std::string expected =
      "DELETE /mcp with the session header gets 200, then a ping in that session gets 404";
  auto del = delete_session(ctx, http, *s);
  if (!del) return Outcome::broken(expected, del.error());
  if (del->status != 200) {
    std::string why = del->status == 405
                          ? " (the server refuses to end sessions; MCP allows it, MCP-Gym "
                            "asks for DELETE support)"
                          : "";
    if (del->status != 405) wire::close_session(http, ctx.path(), *s);
    return Outcome::broken(expected, "DELETE answered " + wire::status_and_body(*del) + why);
  }
  auto ping = wire::post_in(ctx, http, *s, wire::request(2, "ping"));
  if (!ping) return Outcome::broken(expected, "after DELETE: " + ping.error());
  if (ping->status != 404) {
    return Outcome::broken(
        expected, "DELETE answered 200, then the ping answered " + wire::status_and_body(*ping));
  }
  return Outcome::held(expected, "DELETE answered 200, then the ping answered 404");
}

// SESS-007's walk through one episode of one session: every answer's session
// header and every payload judged as it comes. A method returns the Outcome
// that ends the walk, or nothing to go on.
class EpisodeWalk {
 public:
  EpisodeWalk(Context& ctx, OpenSession& s, std::string expected)
      : ctx_(ctx), s_(s), original_(s.session.id), expected_(std::move(expected)) {}

  int next_id() { return rpc_id_++; }
  int steps() const { return steps_; }
  int position() const { return position_; }
  bool ended() const { return ended_; }
  void start_at(int position) { position_ = position; }

  // A response's header, if any, must be the session's own.
  std::optional<Outcome> header_changed(const HttpExchange& x, const std::string& what) {
    if (!x.has_header(kSessionHeader) || x.header(kSessionHeader) == original_) {
      return std::nullopt;
    }
    keep_notes(ctx_, 2, 3);
    return Outcome::broken(expected_, "the answer to " + what + " carried Mcp-Session-Id: " +
                                          excerpt(x.header(kSessionHeader), 80) +
                                          ", not the session's " + excerpt(original_, 80));
  }

  // One move; its observation must be `want`'s position when the model predicts one.
  std::optional<Outcome> move(int action, const std::string& what, const json& want) {
    auto x = move_exchange(ctx_, s_, action, next_id());
    if (!x) return Outcome::broken(expected_, what + ": " + x.error());
    if (auto b = header_changed(*x, what)) return b;
    auto payload = move_payload(*x);
    if (!payload) {
      keep_notes(ctx_, 2, 3);
      return Outcome::broken(expected_, what + " after " + std::to_string(steps_) +
                                            " steps answered " + payload.error());
    }
    ++steps_;
    if (!want.contains("position")) return std::nullopt;
    position_ = want["position"].get<int>();
    if (int_field(*payload, "position") == position_) return std::nullopt;
    keep_notes(ctx_, 2, 3);
    return Outcome::broken(expected_, what + " should reach position " + std::to_string(position_) +
                                          " but answered " + json_excerpt(*payload) +
                                          ": the request reached another environment");
  }

  // A control-plane read `name` in `via`: its step_count must be the moves made.
  // Without a model the server's own status says where the episode ends.
  std::optional<Outcome> read(const std::string& name, Via via, const std::string& read_what,
                              bool has_model) {
    auto r = control_exchange(ctx_, s_, name, via, next_id());
    if (!r) return Outcome::broken(expected_, read_what + ": " + r.error());
    if (auto b = header_changed(*r, read_what)) return b;
    auto p = control_payload(*r, via);
    if (!p) {
      keep_notes(ctx_, 2, 3);
      return Outcome::broken(expected_, read_what + " answered " + p.error());
    }
    if (const auto seen = int_field(*p, "step_count"); seen != steps_) {
      keep_notes(ctx_, 2, 3);
      return Outcome::broken(expected_, read_what + " should show step_count " +
                                            std::to_string(steps_) + " but answered " +
                                            json_excerpt(*p) + ": " +
                                            step_count_diagnosis(seen, steps_));
    }
    ended_ = ended_ || (!has_model && name == "status" &&
                        ((p->contains("terminated") && (*p)["terminated"] == true) ||
                         (p->contains("truncated") && (*p)["truncated"] == true)));
    return std::nullopt;
  }

  std::optional<Outcome> ping(const std::string& what) {
    auto ping = wire::post_in(ctx_, s_.http, s_.session, wire::request(next_id(), "ping"));
    if (!ping) return Outcome::broken(expected_, "ping: " + ping.error());
    return header_changed(*ping, "ping after " + what);
  }

 private:
  Context& ctx_;
  OpenSession& s_;
  std::string original_;
  std::string expected_;
  int rpc_id_ = 10;
  int steps_ = 0;
  int position_ = -1;
  bool ended_ = false;
};

// The actions of SESS-007's episode: the driver's way to the end, each move's
// observation predicted by its model; for a game without a model, the actions
// in turn until control://status says the episode ended (model stays empty).
struct EpisodePlan {
  std::vector<int> actions;
  std::unique_ptr<GameModel> model;
};

Expected<EpisodePlan, std::string> plan_episode(const GameDriver& game, const json& config,
                                                const json& initial) {
  EpisodePlan plan;
  if (!game.has_model()) {
    for (int k = 0; k < 6; ++k)
      plan.actions.push_back(k % static_cast<int>(game.actions().size()));
    return plan;
  }
  auto way = game.actions_to_end(initial);
  if (!way || way->empty()) {
    return unexpected("the driver finds no way to the end from " + json_excerpt(initial));
  }
  plan.actions = *way;
  auto m = game.model(7, config, initial);
  if (!m) return unexpected(m.error());
  plan.model = std::move(*m);
  return plan;
}

// Move `k` of the plan, then reads of reward and status in every offered form,
// alternating, and now and then a ping.
std::optional<Outcome> walk_step(Context& ctx, EpisodeWalk& walk, EpisodePlan& plan,
                                 std::size_t k) {
  const GameDriver& game = ctx.game();
  const int action = plan.actions[k];
  const std::string what = "move " + std::to_string(k + 1) + " (" + game.actions()[action] + ")";
  const json want = plan.model ? plan.model->step(action).observation : json::object();
  if (auto b = walk.move(action, what, want)) return b;
  const auto forms = control_forms(ctx.profile());
  for (std::size_t f = 0; f < forms.size(); ++f) {
    // Without a model, every read is the status, to stop at the episode's end.
    const std::string name = !plan.model || (k + f) % 2 ? "status" : "reward";
    const std::string read_what = via_name(forms[f], name) + " after " + what;
    if (auto b = walk.read(name, forms[f], read_what, plan.model != nullptr)) return b;
  }
  if (k % 3 == 1) return walk.ping(what);
  return std::nullopt;
}

// SESS-007: "The session id stays the same for the life of the session. Every
// request carrying it reaches the same environment, whatever the mix of tool
// calls and resource reads (and `/control/*` reads, CTRL-009)."
Outcome same_id_and_environment_for_episode(Context& ctx) {
  const GameDriver& game = ctx.game();
  const json config = game.long_episode_config();
  auto opened = wire::open(ctx, {{"seed", 7}, {"config", config}});
  if (!opened) return Outcome::could_not_run(opened.error());
  OpenSession& s = **opened;
  const std::string original = s.session.id;
  const std::string expected =
      "every response carries Mcp-Session-Id " + excerpt(original, 60) +
      " (or none) and every move and read of the episode continues the same environment";
  EpisodeWalk walk(ctx, s, expected);

  HttpExchange first_read;
  auto initial = read_initial_state(ctx, s, walk.next_id(), &first_read);
  if (auto b = walk.header_changed(first_read, "resources/read game://initial_state")) {
    return *std::move(b);
  }
  if (!initial) return Outcome::could_not_run(initial.error());
  auto plan = plan_episode(game, config, *initial);
  if (!plan) return Outcome::could_not_run(plan.error());
  walk.start_at(int_field(*initial, "position").value_or(-1));
  for (std::size_t k = 0; k < plan->actions.size() && !walk.ended(); ++k) {
    if (auto b = walk_step(ctx, walk, *plan, k)) return *std::move(b);
  }
  keep_notes(ctx, 2, 2);
  return Outcome::held(expected, std::to_string(walk.steps()) + " moves to the end (position " +
                                     std::to_string(walk.position()) +
                                     ") with reads in between, all "
                                     "in session " +
                                     excerpt(original, 60));
}

// SESS-008: "Each session has its own environment, never shared. Two sessions
// evolve independently even with the same seed and configuration: a step in
// one changes nothing in the other."
Outcome isolated_environments(Context& ctx) {
  // The positions below are FrozenLake's on the map of lake_extra.
  if (ctx.game().name() != "frozenlake") return isolated_by_replay(ctx);
  auto a = wire::open(ctx, lake_extra(11));
  if (!a) return Outcome::could_not_run(a.error());
  auto b = wire::open(ctx, lake_extra(11));
  if (!b) return Outcome::could_not_run(b.error());
  const std::string expected =
      "two sessions with the same seed and map evolve independently: A's moves leave B at "
      "step 0 and position 0, and B's moves leave A where it was";
  const Via via = control_forms(ctx.profile()).front();
  int rpc_id = 10;
  // A: DOWN, DOWN (0 -> 4 -> 8).
  for (int k = 0; k < 2; ++k) {
    auto x = move_exchange(ctx, **a, 1, rpc_id++);
    if (!x) return Outcome::could_not_run(x.error());
    auto p = move_payload(*x);
    // On this map neither DOWN can end a fresh episode: a refusal means A's
    // environment is not the one its initialize asked for (another's, shared).
    if (!p) {
      return Outcome::broken(expected, "session A's DOWN number " + std::to_string(k + 1) +
                                           " answered " + p.error() + " (expected position " +
                                           std::to_string(kDescPositions[k]) + ")");
    }
    if (int_field(*p, "position") != kDescPositions[k]) {
      return Outcome::broken(expected, "session A's DOWN number " + std::to_string(k + 1) +
                                           " answered " + json_excerpt(*p) +
                                           " (expected position " +
                                           std::to_string(kDescPositions[k]) + ")");
    }
  }
  // B: untouched.
  auto r = control_exchange(ctx, **b, "status", via, rpc_id++);
  if (!r) return Outcome::could_not_run(r.error());
  auto status = control_payload(*r, via);
  if (!status) return Outcome::could_not_run("session B's status: " + status.error());
  if (int_field(*status, "step_count") != 0) {
    return Outcome::broken(expected, "after two moves in session A, session B's " +
                                         via_name(via, "status") + " is " + json_excerpt(*status) +
                                         " (expected step_count 0)");
  }
  // B: RIGHT from its own start (0 -> 1; from A's cell 8 it would be 9).
  auto x = move_exchange(ctx, **b, 2, rpc_id++);
  if (!x) return Outcome::could_not_run(x.error());
  auto p = move_payload(*x);
  if (!p) return Outcome::broken(expected, "session B's RIGHT answered " + p.error());
  if (int_field(*p, "position") != 1) {
    return Outcome::broken(expected, "session B's first move (RIGHT) answered " + json_excerpt(*p) +
                                         " (expected position 1, from B's own start)");
  }
  // A: unmoved by B (RIGHT from 8 reaches 9).
  auto ra = control_exchange(ctx, **a, "status", via, rpc_id++);
  if (!ra) return Outcome::could_not_run(ra.error());
  auto status_a = control_payload(*ra, via);
  if (!status_a) return Outcome::could_not_run("session A's status: " + status_a.error());
  if (int_field(*status_a, "step_count") != 2) {
    return Outcome::broken(expected, "after one move in session B, session A's " +
                                         via_name(via, "status") + " is " +
                                         json_excerpt(*status_a) + " (expected step_count 2)");
  }
  auto xa = move_exchange(ctx, **a, 2, rpc_id++);
  if (!xa) return Outcome::could_not_run(xa.error());
  auto pa = move_payload(*xa);
  if (!pa) return Outcome::broken(expected, "session A's RIGHT answered " + pa.error());
  if (int_field(*pa, "position") != 9) {
    return Outcome::broken(expected, "session A's RIGHT from position 8 answered " +
                                         json_excerpt(*pa) + " (expected position 9)");
  }
  return Outcome::held(expected,
                       "A reached 4, 8, 9 and B reached 1 while A's and B's "
                       "step counts stayed their own");
}

// A proxy starts a backend per session and may have a live-session limit
// (PROXY-008): fewer sessions there.
int concurrent_count(const Profile& profile) {
  if (profile.kind != ProfileKind::kProxy) return 8;
  return std::min(4, profile.max_envs.value_or(4));
}

// `count` sessions, each on its own thread, all open at once: what went
// wrong in each ("" for none).
std::vector<std::string> run_concurrently(Context& ctx, int count, bool gym) {
  std::vector<std::string> problems(static_cast<std::size_t>(count));
  std::latch all_open(count);
  std::vector<std::jthread> threads;
  for (int i = 0; i < count; ++i) {
    threads.emplace_back([&, i, http = ctx.raw(), path = ctx.path()]() mutable {
      problems[static_cast<std::size_t>(i)] =
          concurrent_worker(std::move(http), path, gym, i, all_open);
    });
  }
  threads.clear();  // joins
  return problems;
}

// Held when no session had a problem; each problem is noted, the first one shown.
Outcome judge_concurrent(Context& ctx, const std::vector<std::string>& problems,
                         const std::string& expected) {
  const int count = static_cast<int>(problems.size());
  std::string failed;
  int ok = 0;
  for (int i = 0; i < count; ++i) {
    const auto& p = problems[static_cast<std::size_t>(i)];
    if (p.empty()) {
      ++ok;
    } else {
      ctx.note("session " + std::to_string(i + 1) + ": " + p);
      if (failed.empty()) failed = "session " + std::to_string(i + 1) + ": " + p;
    }
  }
  if (!failed.empty()) {
    return Outcome::broken(expected, std::to_string(count - ok) + " of " + std::to_string(count) +
                                         " sessions failed; " + failed);
  }
  return Outcome::held(expected, std::to_string(count) + " concurrent sessions all done");
}

// SESS-010: "One server process serves many sessions concurrently."
Outcome concurrent_sessions(Context& ctx) {
  const int count = concurrent_count(ctx.profile());
  // The walk is FrozenLake's, on lake_extra's map; sessions of other games
  // run the requests every MCP server answers.
  bool gym = false;
  if (ctx.profile().is_gym()) {
    auto game = ctx.resolve_game();
    if (!game) return Outcome::could_not_run(game.error());
    gym = game->driver->name() == "frozenlake";
  }
  const std::string what =
      gym ? "walks the 4x4 map's shortest path to G (6 moves, positions checked)"
          : "sends ping and tools/list alternately (4 requests)";
  const std::string expected = std::to_string(count) +
                               " sessions open at once, each on its own thread, each " + what +
                               " without error";
  return judge_concurrent(ctx, run_concurrently(ctx, count, gym), expected);
}

// SESS-011: "An `initialize` POST that carries an `Mcp-Session-Id` header is
// rejected with HTTP 400 and -32600. ... Stricter than MCP. ..."
Outcome initialize_with_header_400(Context& ctx) {
  auto s = wire::open(ctx, nullptr);
  if (!s) return Outcome::could_not_run(s.error());
  auto x =
      wire::post(ctx, (*s)->http, wire::request(2, "initialize", wire::initialize_params()).dump(),
                 harness::mcp_post_headers((*s)->session.id, (*s)->session.version));
  if (!x) return Outcome::could_not_run(x.error());
  const std::string expected =
      "HTTP 400 with JSON-RPC error -32600 for an initialize carrying the Mcp-Session-Id "
      "of a live session";
  // A new session it may have created must not linger.
  if (x->has_header(kSessionHeader) && x->header(kSessionHeader) != (*s)->session.id) {
    wire::close_session((*s)->http, ctx.path(),
                        {x->header(kSessionHeader), (*s)->session.version, json()});
  }
  return verify::expect_http_rpc_error(*x, 400, -32600, expected);
}

// Checks that step an environment over HTTP.
const Needs kGymOverHttp = {
    .kinds = kGymKinds, .features = {}, .control = {}, .transport = Transport::kHttp};

}  // namespace

std::vector<Check> session_checks() {
  std::vector<Check> checks;

  checks.push_back(Check{
      .id = "sessions.id-issued-at-initialize",
      .spec_id = "SESS-001",
      .level = Level::kMust,
      .rule = "The HTTP response to a successful `initialize` carries an `Mcp-Session-Id` "
              "header. ... MCP-Gym requires sessions, whereas in MCP itself assigning one is a "
              "MAY.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = id_issued_at_initialize});

  checks.push_back(
      Check{.id = "sessions.no-id-on-failed-initialize",
            .spec_id = "SESS-001",
            .level = Level::kMust,
            .rule = "... A failed initialize (an error response) creates no session and carries no "
                    "such header.",
            .needs = kHttpOnly,
            .fresh_process = false,
            .run = no_id_on_failed_initialize});

  checks.push_back(
      Check{.id = "sessions.id-visible-ascii",
            .spec_id = "SESS-002",
            .level = Level::kMust,
            .rule = "The session id contains only visible ASCII characters (0x21 to 0x7E).",
            .needs = kHttpOnly,
            .fresh_process = false,
            .run = id_visible_ascii,
            .sessions = 8});

  checks.push_back(Check{
      .id = "sessions.ids-unpredictable",
      .spec_id = "SESS-003",
      .level = Level::kMust,
      .rule = "The session id is secure and non-deterministic: drawn from a cryptographically "
              "secure random source, never derived from time, counters, request counts, client "
              "data or object addresses, and no two sessions share one.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = ids_unpredictable,
      .sessions = kProxySample});

  checks.push_back(
      Check{.id = "sessions.id-random-bits",
            .spec_id = "SESS-012",
            .level = Level::kShould,
            .rule = "The session id carries at least 122 random bits (a version-4 UUID qualifies). "
                    "Stricter than MCP.",
            .needs = kHttpOnly,
            .fresh_process = false,
            .run = id_random_bits,
            .sessions = kProxySample});

  checks.push_back(Check{
      .id = "sessions.missing-header-400",
      .spec_id = "SESS-004",
      .level = Level::kShould,
      .rule = "A request other than `initialize` that has no `Mcp-Session-Id` header gets HTTP "
              "400.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = missing_header_400});

  checks.push_back(
      Check{.id = "sessions.unknown-session-404",
            .spec_id = "SESS-005",
            .level = Level::kMust,
            .rule = "A request whose session id is unknown, ended (SESS-006) or expired (SESS-009) "
                    "gets HTTP 404.",
            .needs = kHttpOnly,
            .fresh_process = false,
            .run = unknown_session_404});

  checks.push_back(Check{
      .id = "sessions.delete-ends-session",
      .spec_id = "SESS-006",
      .level = Level::kShould,
      .rule = "`DELETE /mcp` with the session header ends the session and gets 200. Afterwards "
              "the id gets 404. MCP lets a server refuse DELETE with 405, but MCP-Gym servers "
              "should support it.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = delete_ends_session});

  checks.push_back(
      Check{.id = "sessions.same-id-and-environment-for-episode",
            .spec_id = "SESS-007",
            .level = Level::kMust,
            .rule = "The session id stays the same for the life of the session. Every request "
                    "carrying it reaches the same environment, whatever the mix of tool calls and "
                    "resource reads (and `/control/*` reads, CTRL-009).",
            .needs = kGymOverHttp,
            .fresh_process = false,
            .run = same_id_and_environment_for_episode});

  checks.push_back(Check{
      .id = "sessions.isolated-environments",
      .spec_id = "SESS-008",
      .level = Level::kMust,
      .rule = "Each session has its own environment, never shared. Two sessions evolve "
              "independently even with the same seed and configuration: a step in one changes "
              "nothing in the other.",
      .needs = kGymOverHttp,
      .fresh_process = false,
      .run = isolated_environments});

  checks.push_back(Check{.id = "sessions.concurrent-sessions",
                         .spec_id = "SESS-010",
                         .level = Level::kMust,
                         .rule = "One server process serves many sessions concurrently.",
                         .needs = kHttpOnly,
                         .fresh_process = false,
                         .run = concurrent_sessions});

  checks.push_back(
      Check{.id = "sessions.initialize-with-header-400",
            .spec_id = "SESS-011",
            .level = Level::kShould,
            .rule = "An `initialize` POST that carries an `Mcp-Session-Id` header is rejected with "
                    "HTTP 400 and -32600. A session is initialized once, and a new session starts "
                    "with an `initialize` sent without the header. Stricter than MCP.",
            .needs = kHttpOnly,
            .fresh_process = false,
            .run = initialize_with_header_400});

  return checks;
}

}  // namespace mcpgym::conformance
