#pragma once
// The file reporters behind one interface, and the registry that lists them.
// A new format is one file (a Reporter and its accessor) and one line in
// report_formats() (registry.cpp): mcpgym-conform's flags (--<name> FILE), the
// files of --report-dir and the writes all come from the registry.
#include <string>
#include <string_view>
#include <vector>

#include "conformance/core/runner.hpp"

namespace mcpgym::conformance {

class Reporter {
 public:
  virtual ~Reporter() = default;
  // The format's name, also its flag: "json" for --json FILE.
  virtual std::string_view name() const = 0;
  // Its file's name in a --report-dir: "report.json".
  virtual std::string_view file_name() const = 0;
  // The flag's help: "write the JSON report".
  virtual std::string_view help() const = 0;
  // Rewritten after every check, so a run killed part-way leaves what it found.
  virtual bool after_every_check() const { return false; }
  // The file's bytes for `report`; `strict` counts SHOULD warnings as failures.
  virtual std::string render(const RunReport& report, bool strict) const = 0;
};

const Reporter& json_reporter();      // json.cpp
const Reporter& junit_reporter();     // junit.cpp
const Reporter& markdown_reporter();  // markdown.cpp

// Every file reporter, in the order their files are written.
const std::vector<const Reporter*>& report_formats();

}  // namespace mcpgym::conformance
