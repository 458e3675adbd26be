#include "games/testing/fixture_file.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace mcpgym::fixtures {
namespace {

void read_fixture(const std::string& name, std::string& out) {
  const std::string path = std::string(MCPGYM_SOURCE_DIR "/fixtures/model/") + name;
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing fixture " << path << " (regenerate them all: make fixtures)";
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  ASSERT_FALSE(out.empty()) << "empty fixture " << path;
}

}  // namespace

void load_json(const std::string& name, nlohmann::json& out) {
  std::string text;
  ASSERT_NO_FATAL_FAILURE(read_fixture(name, text));
  out = nlohmann::json::parse(text);
}

void load_jsonl(const std::string& name, std::vector<nlohmann::json>& out) {
  std::string text;
  ASSERT_NO_FATAL_FAILURE(read_fixture(name, text));
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  ASSERT_FALSE(out.empty()) << name << " has no records";
}

std::uint64_t parse_u64(const nlohmann::json& value) {
  if (value.is_string()) return std::stoull(value.get<std::string>());
  return value.get<std::uint64_t>();
}

}  // namespace mcpgym::fixtures
