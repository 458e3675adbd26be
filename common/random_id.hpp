#pragma once
#include <cstdint>
#include <string>

namespace mcpgym {

// A version-4 UUID (122 random bits) from the kernel's CSPRNG (getrandom).
// Session ids must be unguessable and unrelated to time, counters or
// addresses: a predictable id lets one client reach another's environment.
std::string random_uuid_v4();

// Uniform in [0, bound] from the same source.
std::uint64_t random_below_or_equal(std::uint64_t bound);

}  // namespace mcpgym
