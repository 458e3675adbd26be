#pragma once
// The seam between the MCP server core and what it serves. The core owns
// transports, JSON-RPC, lifecycle and sessions; an Application owns what a
// session is. The FrozenLake backend implements it with an environment per
// session; the multi-environment proxy implements it with a backend process
// per session, and reuses the rest of the core unchanged.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/error_ids.hpp"
#include "common/expected.hpp"
#include "common/protocol.hpp"
#include "reference/mcp/json_rpc.hpp"

namespace mcpgym::mcp {

struct ServerInfo {
  std::string name;
  std::string version;
  std::string instructions;  // empty: none sent
};

// The server side of one MCP session. The core serializes every call into one
// session, so implementations need no locking of their own.
class Session {
 public:
  virtual ~Session() = default;
  // Every request other than initialize: ping, tools/*, resources/*, ...
  // `params` is always an object. Unknown methods answer -32601.
  virtual Outcome handle(std::string_view method, const json& params) = 0;
  // The eval-protocol HTTP control plane, GET /control/<name>: the payload, or
  // -32002 for a name this session does not know.
  virtual Outcome read_control(std::string_view name) = 0;
  // POST /control/reset_session (EVP-006): `body` is the request's JSON
  // object, {"seed": n}. The answer's payload, -32602 for a body the session
  // refuses (answered 400), or by default -32601 (answered 501): a session
  // that cannot be reset.
  virtual Outcome reset_session(const json& /*body*/) {
    return unexpected(rpc_error(code::kMethodNotFound, err::kResetUnsupported,
                                "Not Implemented: this server does not reset sessions"));
  }
  // Client notifications (notifications/initialized, cancellations, ...).
  virtual void notify(std::string_view /*method*/, const json& /*params*/) {}
  // Called once, right after the core has stored the session under the id
  // it minted (the transport's Mcp-Session-Id; stdio sessions get one too),
  // for an application that names sessions on its own control plane
  // (Application::serve_control).
  virtual void opened(std::string_view /*session_id*/) {}
};

// One request to the HTTP control plane (GET /control/<name>, POST
// /control/reset_session), after the core's Origin and Host checks.
struct ControlRequest {
  std::string_view name;           // "reward", "status", ..., or "reset_session"
  std::optional<std::string> key;  // the Mcp-Session-Id header's value; nullopt: absent
  std::string_view body;           // reset_session's body, as received
};

// What to answer it: the status and the JSON body, sent as application/json.
struct ControlReply {
  int status = 200;
  json body;
};

class Application {
 public:
  virtual ~Application() = default;
  virtual ServerInfo server_info() const = 0;
  virtual json capabilities() const = 0;
  // Builds a session from an initialize request. `params` is an object with a
  // string protocolVersion; `negotiated` is the version the server will answer.
  // An error refuses the session: nothing is created and the error is returned
  // to the client.
  virtual Expected<std::unique_ptr<Session>, RpcError> create_session(
      const json& params, std::string_view negotiated) = 0;

  // MCP 2026-07-28 (the modern era, docs/spec.md): a request carries its
  // protocol version and client capabilities in `params._meta` and belongs to
  // no session; state that outlives a request lives in handles the
  // application mints and the client passes back as tool arguments. The core
  // validates the envelope and the HTTP headers, answers `server/discover`
  // itself, and hands every other modern request here, concurrently from
  // several threads (an application that serves the modern era locks its own
  // state). An application that returns false from serves_modern() is
  // legacy-only: the core then answers modern requests -32022 naming the
  // legacy versions.
  virtual bool serves_modern() const { return false; }
  // A modern request: tools/list, tools/call, resources/list,
  // resources/templates/list, resources/read, ... `params` is an object; its
  // `_meta` was validated. Unknown methods answer -32601.
  virtual Outcome handle_modern(std::string_view method, const json& /*params*/) {
    return unexpected(rpc_error(code::kMethodNotFound, err::kMethodNotFound,
                                "Method not found: " + excerpt(method)));
  }
  // The modern HTTP control plane, GET /control/<name>?env_id=<handle>: the
  // payload, or -32602 for an unknown handle or name.
  virtual Outcome read_control_by_handle(std::string_view name, std::string_view /*handle*/) {
    return unexpected(rpc_error(code::kInvalidParams, err::kResourceNotFound,
                                "Not Found: no control " + excerpt(name) + " by handle"));
  }

  // The control-plane hook for conventions in which the client, not the
  // core, names the environment the session header points at (docs/spec.md
  // "Conventions", EVP-001..EVP-006): the application resolves the header's
  // value (its own key, or a session id it learnt through Session::opened)
  // and answers the request whole, statuses and bodies included. nullopt (the
  // default): the core resolves the header as its own session id and answers
  // as CTRL-009 and EVP-006 say.
  virtual std::optional<ControlReply> serve_control(const ControlRequest& /*request*/) {
    return std::nullopt;
  }
};

}  // namespace mcpgym::mcp
