#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mcpgym::fixtures {

// Fixtures are read from the source tree, whatever the working directory. A missing or empty
// file is a fatal test failure: a suite that silently checks nothing would prove nothing.
void load_json(const std::string& name, nlohmann::json& out);
void load_jsonl(const std::string& name, std::vector<nlohmann::json>& out);

// Values above 2^53 are stored as decimal strings because JSON readers may round them.
std::uint64_t parse_u64(const nlohmann::json& value);

}  // namespace mcpgym::fixtures
