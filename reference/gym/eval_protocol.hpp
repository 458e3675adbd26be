#pragma once
// The eval-protocol convention (docs/spec.md "Conventions", EVP-001..EVP-006):
// the client names its environment with clientInfo._extra.session_id, and the
// HTTP control plane (GET /control/<name>, POST /control/reset_session) finds
// the environment by that key in the mcp-session-id header and says no with
// {"error": <text>} bodies. The server core knows none of this: it hands the
// control routes to mcp::Application::serve_control, which GymApp answers
// from here. Games know nothing of it either.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "common/expected.hpp"
#include "reference/gym/game.hpp"
#include "reference/mcp/application.hpp"

namespace mcpgym::gym {

class Episode;  // reference/gym/episode.hpp

// The wire convention the application serves (--convention).
enum class Convention {
  kMcpgym,        // docs/spec.md as written: the core's session id keys everything
  kEvalProtocol,  // the client's key keys the environment (EVP-001..EVP-005)
};

// EVP-001: the key an initialize carries in params.clientInfo._extra.session_id;
// nullopt when absent or null; -32602 naming it when it is not 1 to 256
// visible ASCII characters.
Expected<std::optional<std::string>, mcp::RpcError> client_key(const mcp::json& initialize_params);

// The environments the control plane reaches, by key (EVP-001, EVP-002): the
// client's own key, or for a client without one the transport's session id.
// Held weakly, so an environment lives exactly as long as its session. A key
// bound again names the newer environment from then on.
class EnvironmentKeys {
 public:
  void bind(const std::string& key, const std::shared_ptr<Episode>& episode);
  // Null when no live environment has the key.
  std::shared_ptr<Episode> find(const std::string& key) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::weak_ptr<Episode>> episodes_;
};

// What reset_session needs besides the episode: the game, its faults switched
// on, and --seed for a body without a seed (EVP-006).
struct ResetContext {
  const Game& game;
  const std::set<std::string>& game_faults;
  std::optional<std::uint64_t> server_seed;
  // The lenient-reset fault (Faults): eval-protocol's reset_session.
  bool lenient = false;
};

// EVP-006, both conventions: the episode restarted on the body's seed (else
// --seed, else drawn), answered {"message": "Session reset successfully"};
// -32602 naming `seed` for a seed outside SEED-003.
mcp::Outcome reset_episode(Episode& episode, const mcp::json& body, const ResetContext& context);

// The whole answer to one control request under eval-protocol: 200 with the
// payload (initial_state per EVP-005), or {"error": <text>} with 400 (no
// header, a bad reset body), 404 (unknown key or name) or 500 (EVP-004).
mcp::ControlReply serve_keyed_control(const mcp::ControlRequest& request,
                                      const EnvironmentKeys& keys, const ResetContext& context);

}  // namespace mcpgym::gym
