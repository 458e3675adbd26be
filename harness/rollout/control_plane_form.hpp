#pragma once
// The two forms of MCP-Gym's control plane (docs/spec.md CTRL-010): the
// control:// resources read with resources/read, and GET /control/<name>.
// One type for the harness's rollouts and the conformance suite's profiles.
namespace mcpgym::harness {

enum class ControlPlaneForm { kResources, kHttp };

}  // namespace mcpgym::harness
