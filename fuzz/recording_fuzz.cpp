// The JSONL recording reader (mcpgym-diff, replay policies, golden files) on
// arbitrary files: no crash, errors that carry their identifier and stay
// bounded, and every accepted recording survives what the tools do next:
// normalize, compare with itself, and write back lines that read the same.
#include <string>

#include "fuzz/fuzz_check.hpp"
#include "harness/record/recording.hpp"

namespace {

using mcpgym::fuzz::require;
using mcpgym::fuzz::starts_with;
namespace harness = mcpgym::harness;

void check_error(const std::string& error) {
  require(starts_with(error, "[mcpgym.record.parse_error] fuzz:") ||
              starts_with(error, "[mcpgym.record.bad_line] fuzz:"),
          "a reader error names its identifier and the source");
  // Excerpts are bounded: a message never carries the whole of a hostile line.
  require(error.size() <= 600, "a reader error is bounded");
}

std::string lines_of(const std::vector<harness::RecordedStep>& steps) {
  std::string text;
  for (const auto& step : steps)
    text += step.to_json().dump(-1, ' ', false, harness::json::error_handler_t::replace) + "\n";
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto steps = harness::parse_recording(mcpgym::fuzz::as_text(data, size), "fuzz");
  if (!steps) {
    check_error(steps.error());
    return 0;
  }
  for (const auto& step : *steps)
    (void)harness::normalize_messages(step.messages);
  require(!harness::compare_recordings(*steps, *steps), "a recording equals itself");
  const auto reread = harness::parse_recording(lines_of(*steps), "fuzz");
  require(reread.has_value(), "written lines read back");
  require(!harness::compare_recordings(*steps, *reread), "written lines read back the same");
  return 0;
}
