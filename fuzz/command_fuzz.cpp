// The command-template parser (mcpgym-conform --cmd, mcpgym-record --cmd, the
// proxy's --backend) on arbitrary templates: no crash, errors that carry their
// identifier, and template_word(x) expanding back to exactly x.
#include <map>
#include <string>

#include "fuzz/fuzz_check.hpp"
#include "harness/process/supervisor.hpp"

namespace {

using mcpgym::fuzz::require;
using mcpgym::fuzz::starts_with;
namespace harness = mcpgym::harness;

const std::map<std::string, std::string> kValues = {
    {"port", "8080"}, {"seed", "42"}, {"config", "{\"map_name\": \"4x4\"}"}, {"backend", "b c"}};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = mcpgym::fuzz::as_text(data, size);
  const auto words = harness::expand_command(text, kValues);
  if (!words) {
    require(starts_with(words.error(), "[mcpgym.process.bad_command] "), "error identifier");
  }
  (void)harness::uses_placeholder(text, "port");

  // Any bytes, quoted as a word, come back as that one word.
  const auto quoted = harness::expand_command(harness::template_word(text), {});
  require(quoted.has_value() && quoted->size() == 1 && quoted->front() == text,
          "template_word(x) expands back to x");
  // Two quoted words stay two words, whatever they hold.
  const std::string_view first = text.substr(0, size / 2), second = text.substr(size / 2);
  const auto pair = harness::expand_command(
      harness::template_word(first) + " " + harness::template_word(second), {});
  require(pair.has_value() && pair->size() == 2 && (*pair)[0] == first && (*pair)[1] == second,
          "two template words expand back to two words");
  return 0;
}
