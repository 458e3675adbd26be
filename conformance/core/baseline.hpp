#pragma once
// Expected-failures baselines, in the YAML shape of the official MCP
// conformance suite (@modelcontextprotocol/conformance):
//
//   server:
//     - sessions.id-unpredictable      # a check id (or a glob) that may fail or warn
//     - headers.*                      # ...
//   client: []                         # accepted and ignored
//
// A listed check that fails or warns is expected; a listed check that passes
// is stale and fails the run, so the baseline shrinks as the server improves;
// a listed check that is skipped or not run says nothing.
#include <filesystem>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "conformance/core/check.hpp"

namespace mcpgym::conformance {

struct Baseline {
  std::vector<std::string> entries;  // check ids or globs, as written
  bool lists(const std::string& check_id) const;
};

// The subset of YAML the format needs: top-level keys `server` and `client`,
// each a block list ("- item") or a flow list ("[a, b]"), comments, quotes.
// Errors start with [mcpgym.conform.bad_baseline] and name the line.
Expected<Baseline, std::string> parse_baseline(std::string_view text, const std::string& source);
Expected<Baseline, std::string> read_baseline(const std::filesystem::path& path);

struct BaselineVerdict {
  bool given = false;
  std::vector<std::string> expected_failures;    // check ids
  std::vector<std::string> unexpected_failures;  // fail/warn/error not listed
  std::vector<std::string> stale_entries;        // entries whose checks all passed
  bool ok() const { return unexpected_failures.empty() && stale_entries.empty(); }
};

// Marks baselined results and judges the baseline against the results.
BaselineVerdict apply_baseline(const Baseline& baseline, std::vector<CheckResult>& results);

}  // namespace mcpgym::conformance
