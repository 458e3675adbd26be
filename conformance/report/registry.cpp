// The file reporters, in the order mcpgym-conform lists and writes them.
#include "conformance/report/reporter.hpp"

namespace mcpgym::conformance {

const std::vector<const Reporter*>& report_formats() {
  static const std::vector<const Reporter*> formats = {&json_reporter(), &junit_reporter(),
                                                       &markdown_reporter()};
  return formats;
}

}  // namespace mcpgym::conformance
