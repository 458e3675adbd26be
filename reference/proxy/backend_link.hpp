#pragma once
// What both eras of the proxy share about a backend process: the errors that
// say a backend failed (PROXY-005, PROXY-009, PROXY-010) and the count of
// live backends that --max-envs bounds.
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "harness/mcp/client.hpp"
#include "harness/process/supervisor.hpp"
#include "reference/mcp/json_rpc.hpp"

namespace mcpgym::proxy {

// A -32000 error of the proxy's own, starting with `[id]`.
mcp::RpcError proxy_error(std::string_view id, const std::string& text, mcp::json data = nullptr);

// A backend's own JSON-RPC error, to go to the client unchanged (PROXY-005);
// nullopt when the failure was not one.
std::optional<mcp::RpcError> backend_rpc_error(const harness::CallError& error);

// "last lines of its stderr:\n..." or "(its stderr is empty)".
std::string stderr_lines(const harness::Process& process);

// The error for a backend that failed `what`: its own JSON-RPC error, or
// [mcpgym.proxy.backend_unavailable] saying whose backend (`owner`, e.g.
// "this session"), how it ended, what went wrong and its stderr, then `advice`.
mcp::RpcError backend_failure(harness::Process& process, std::string_view owner,
                              const std::string& what, const harness::CallError& error,
                              std::string_view advice);

// One place under --max-envs, held from the start of a backend until it
// stops; released at once unless keep() hands it to whoever stops the backend.
class LiveSlot {
 public:
  // nullopt when `limit` backends are already live.
  static std::optional<LiveSlot> reserve(std::shared_ptr<std::atomic<int>> live, int limit);
  LiveSlot(LiveSlot&& other) noexcept;
  LiveSlot& operator=(LiveSlot&&) = delete;
  ~LiveSlot();
  // The backend now counts until its owner decrements `live` itself.
  void keep() { live_.reset(); }

 private:
  explicit LiveSlot(std::shared_ptr<std::atomic<int>> live) : live_(std::move(live)) {}
  std::shared_ptr<std::atomic<int>> live_;
};

}  // namespace mcpgym::proxy
