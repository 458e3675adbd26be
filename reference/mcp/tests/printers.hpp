#pragma once
// Readable GoogleTest output for the types the tests compare. Found by ADL.
//
// GoogleTest would print an nlohmann::json as a container, element by element, and a scalar
// json "contains" itself, so a failing comparison would recurse forever; the dump is readable.
#include <nlohmann/json.hpp>
#include <ostream>

#include "reference/mcp/json_rpc.hpp"

namespace nlohmann {
inline void PrintTo(const json& value, std::ostream* os) {
  *os << value.dump();
}
}  // namespace nlohmann

namespace mcpgym::mcp {
inline void PrintTo(const RpcError& error, std::ostream* os) {
  *os << error.to_json().dump();
}
}  // namespace mcpgym::mcp
