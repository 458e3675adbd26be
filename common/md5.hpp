#pragma once
// MD5 (RFC 1321), for one purpose: minting environment keys the way
// eval-protocol's client does (hashlib.md5(...).hexdigest(), docs/spec.md
// EVP-001). Not for security: MD5 is broken as a cryptographic hash.
#include <string>
#include <string_view>

namespace mcpgym {

// The 32 lowercase hex digits of MD5(bytes).
std::string md5_hex(std::string_view bytes);

}  // namespace mcpgym
