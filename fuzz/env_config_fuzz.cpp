// A session's environment from the initialize request's params (docs/spec.md
// SEED-*, CONF-*), as any client may send them: no crash, every refusal
// -32602 with data {"key": ...} naming what was wrong, every accepted map
// square and within the size limits.
#include "common/bounded_json.hpp"
#include "fuzz/fuzz_check.hpp"
#include "reference/gym/env_config.hpp"

namespace {

using mcpgym::fuzz::require;
using mcpgym::fuzz::starts_with;
namespace gym = mcpgym::gym;
namespace frozenlake = mcpgym::frozenlake;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto params = mcpgym::parse_json(mcpgym::fuzz::as_text(data, size));
  if (!params || !params->is_object()) return 0;  // the dispatcher refuses these earlier
  // A server seed, so that a request without one stays deterministic.
  const auto spec = gym::env_spec_from_initialize(*params, /*server_seed=*/7);
  if (!spec) {
    const auto& error = spec.error();
    require(error.code == -32602, "refusals are -32602");
    require(starts_with(error.message, "[mcpgym.config."), "refusals carry their identifier");
    require(error.data.is_object() && error.data.contains("key") && error.data["key"].is_string(),
            "refusals name the key");
    return 0;
  }
  const int side = spec->map.size();
  require(side >= frozenlake::kMinMapSize && side <= frozenlake::kMaxMapSize,
          "map size within limits");
  require(spec->seed <= gym::kMaxSeed, "seed within 2^53-1");
  return 0;
}
