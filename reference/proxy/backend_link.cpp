#include "reference/proxy/backend_link.hpp"

#include "common/protocol.hpp"

namespace mcpgym::proxy {

mcp::RpcError proxy_error(std::string_view id, const std::string& text, mcp::json data) {
  return mcp::rpc_error(mcp::code::kTransportError, id, text, std::move(data));
}

std::optional<mcp::RpcError> backend_rpc_error(const harness::CallError& error) {
  if (!error.rpc_error || !error.rpc_error->is_object()) return std::nullopt;
  const mcp::json& e = *error.rpc_error;
  if (!e.contains("code") || !e["code"].is_number_integer()) return std::nullopt;
  return mcp::RpcError{e["code"].get<int>(), e.value("message", ""), e.value("data", mcp::json())};
}

std::string stderr_lines(const harness::Process& process) {
  std::string tail = process.stderr_tail(10);
  return tail.empty() ? "(its stderr is empty)" : "last lines of its stderr:\n" + tail;
}

mcp::RpcError backend_failure(harness::Process& process, std::string_view owner,
                              const std::string& what, const harness::CallError& error,
                              std::string_view advice) {
  if (auto passed = backend_rpc_error(error)) return *passed;
  // A crashing backend's connection closes a moment before its exit status
  // can be collected; wait that moment (bounded) so the error says how it ended.
  const auto exit = error.kind == harness::CallErrorKind::kTransport
                        ? process.wait_exit(std::chrono::milliseconds(500))
                        : process.poll_exit();
  return proxy_error(
      "mcpgym.proxy.backend_unavailable",
      "The backend of " + std::string(owner) + " (pid " + std::to_string(process.pid()) + ", " +
          (exit ? exit->describe() : std::string("still running")) + ") failed " + what + ": " +
          error.message() + "; " + stderr_lines(process) + "\n" + std::string(advice));
}

std::optional<LiveSlot> LiveSlot::reserve(std::shared_ptr<std::atomic<int>> live, int limit) {
  if (live->fetch_add(1) >= limit) {
    --*live;
    return std::nullopt;
  }
  return LiveSlot(std::move(live));
}

LiveSlot::LiveSlot(LiveSlot&& other) noexcept : live_(std::move(other.live_)) {}

LiveSlot::~LiveSlot() {
  if (live_) --*live_;
}

}  // namespace mcpgym::proxy
