#pragma once
// The modern era's environments by handle (docs/spec.md HANDLE-002,
// HANDLE-005, HANDLE-006): handles are random UUIDs from the same CSPRNG
// generator as session ids, looked up concurrently, and expired after an idle
// timeout, by the same code as the legacy era's sessions (mcp::IdleStore).
// put() stores under a handle the caller chose: only the handle-from-seed and
// unknown-handle-creates faults do that. Calls into one environment are
// serialized on its Episode::mutex.
#include "reference/mcp/idle_store.hpp"

namespace mcpgym::gym {

class Episode;

using HandleStore = mcp::IdleStore<Episode>;

}  // namespace mcpgym::gym
