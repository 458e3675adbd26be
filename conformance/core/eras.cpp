#include "conformance/core/eras.hpp"

#include <algorithm>

#include "common/protocol.hpp"
#include "common/text.hpp"
#include "harness/mcp/client.hpp"

namespace mcpgym::conformance {
namespace {

using harness::ClientOptions;
using harness::Era;

// Whether `holder[member]` is an array naming the modern version: discover's
// supportedVersions, a -32022's data.supported. A legacy-only server that knows
// the envelope refuses it with -32022 too, naming only legacy versions (the
// reference's core does so for an application that does not serve the modern
// era): that marks no modern era.
bool names_modern_version(const json& holder, const char* member) {
  if (!holder.is_object()) return false;
  const json versions = holder.value(member, json());
  return versions.is_array() && std::find(versions.begin(), versions.end(),
                                          std::string(mcp::kModernVersion)) != versions.end();
}

// Whether an initialize that the harness's client refused was answered all the
// same: a result came (a session id missing, an initialized notification answered
// with the wrong status, ...). Such a server speaks a legacy era, badly, and the
// legacy checks must judge it, not be skipped.
bool answered_initialize(const harness::CallError& e) {
  if (e.method != "initialize") return true;  // initialize succeeded; a later step failed
  return e.kind == harness::CallErrorKind::kBadResponse && e.http_status == 200 && !e.rpc_error;
}

// Error codes only a modern server sends to a modern request.
bool is_modern_error(const json& error) {
  const auto code = error.value("code", 0);
  if (code == mcp::code::kUnsupportedProtocolVersion) {
    return names_modern_version(error.value("data", json()), "supported");
  }
  // -32021: the revision's other modern-only code, which docs/conformance.md "Eras" counts too.
  return code == mcp::code::kHeaderMismatch || code == -32021;
}

// The modern half of the probe: empty when server/discover marks the modern era, else why not.
std::string modern_refusal(const std::string& url, std::chrono::milliseconds timeout) {
  ClientOptions options;
  options.era = Era::kModern;
  options.timeout = timeout;
  auto client = harness::connect_http(url, options);
  if (!client) return "the suite could not reach it: " + client.error();
  auto discover = (*client)->request(std::string(mcp::kDiscoverMethod), json::object());
  if (discover && names_modern_version(*discover, "supportedVersions")) return "";
  if (discover) {
    return "the server does not speak MCP " + std::string(mcp::kModernVersion) +
           ": server/discover answered a result whose supportedVersions does not name it (" +
           excerpt(discover->dump(), 120) + ")";
  }
  const auto& e = discover.error();
  if (e.rpc_error && is_modern_error(*e.rpc_error)) return "";
  return "the server does not speak MCP " + std::string(mcp::kModernVersion) +
         ": server/discover answered without a result or a modern error (" + e.message() + ")";
}

// The legacy half: empty when an initialize opens a session, else why not.
std::string legacy_refusal(const std::string& url, std::chrono::milliseconds timeout) {
  ClientOptions options;
  options.timeout = timeout;
  auto client = harness::connect_http(url, options);
  if (!client) return "the suite could not reach it: " + client.error();
  auto init = (*client)->initialize(nullptr);
  (void)(*client)->close();
  if (init || answered_initialize(init.error())) return "";
  return "the server does not speak a legacy era: initialize failed (" + init.error().message() +
         ")";
}

}  // namespace

std::optional<std::string> EraDecision::skip_reason(CheckEra era) const {
  if (era == CheckEra::kLegacy && !legacy) return legacy_reason;
  if (era == CheckEra::kModern && !modern) return modern_reason;
  if (era == CheckEra::kBoth && !legacy && !modern) return legacy_reason;
  return std::nullopt;
}

std::string EraDecision::judged() const {
  if (legacy && modern) return "legacy and modern";
  return modern ? "modern" : "legacy";
}

std::optional<EraDecision> told_eras(const Profile& profile) {
  EraDecision d;
  switch (profile.era) {
    case EraChoice::kLegacy:
      d.modern_reason = "not judged: --era legacy";
      return d;
    case EraChoice::kModern:
      d.legacy = false;
      d.modern = true;
      d.legacy_reason = "not judged: --era modern";
      return d;
    case EraChoice::kBoth:
      d.modern = true;
      return d;
    case EraChoice::kAuto:
      break;
  }
  return std::nullopt;
}

EraDecision probe_eras(const Profile& profile, const std::string& url,
                       std::chrono::milliseconds timeout) {
  EraDecision d;
  if (profile.launch == LaunchMode::kStdio) {
    d.modern_reason = "the modern era is judged over Streamable HTTP only (this is stdio)";
    d.probe = "stdio: judged in the legacy era";
    return d;
  }
  d.modern_reason = modern_refusal(url, timeout);
  d.modern = d.modern_reason.empty();
  if (!d.modern) {
    d.probe = d.modern_reason + "; judged in the legacy era";
    return d;
  }
  d.legacy_reason = legacy_refusal(url, timeout);
  d.legacy = d.legacy_reason.empty();
  d.probe = std::string("server/discover marked the modern era; ") +
            (d.legacy ? "initialize opened a legacy session" : d.legacy_reason);
  return d;
}

}  // namespace mcpgym::conformance
