// parse_json against nlohmann's own parser, differentially: the nesting scan
// must refuse exactly the valid texts that nest deeper than the limit, and
// every other text must get the value (or the refusal) nlohmann gives it.
#include <utility>
#include <vector>

#include "common/bounded_json.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using mcpgym::fuzz::require;
using mcpgym::fuzz::starts_with;
using json = nlohmann::json;

// Arrays and objects nested in `value` (`{}` is 1), without recursion.
std::size_t depth_of(const json& value) {
  std::size_t deepest = 0;
  std::vector<std::pair<const json*, std::size_t>> stack = {{&value, 0}};
  while (!stack.empty()) {
    const auto [node, above] = stack.back();
    stack.pop_back();
    if (!node->is_structured()) continue;
    deepest = std::max(deepest, above + 1);
    for (const auto& child : *node)
      stack.emplace_back(&child, above + 1);
  }
  return deepest;
}

void check_refusal(const mcpgym::JsonError& error) {
  switch (error.problem) {
    case mcpgym::JsonProblem::kTooLarge:
      require(starts_with(error.message, "[mcpgym.json.too_large] "), "too_large message id");
      break;
    case mcpgym::JsonProblem::kTooDeep:
      require(starts_with(error.message, "[mcpgym.json.too_deep] "), "too_deep message id");
      break;
    case mcpgym::JsonProblem::kInvalid:
      require(error.message == "[mcpgym.json.invalid] the text is not JSON", "invalid message");
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = mcpgym::fuzz::as_text(data, size);
  // Small limits, so that short inputs reach both sides of each of them: the
  // depth limit comes from the first byte (which stays part of the text).
  mcpgym::JsonLimits limits;
  limits.max_bytes = 2048;
  limits.max_depth = size == 0 ? 1 : 1 + data[0] % 16;

  // The oracle: nlohmann's parser is iterative, and its destructor too, so
  // even a deep text is safe to parse here (only copies and dumps recurse).
  // It reads a NUL byte as the end of the input, though, where JSON has none.
  const json reference = json::parse(text, nullptr, /*allow_exceptions=*/false);
  const bool valid = !reference.is_discarded() && text.find('\0') == std::string_view::npos;
  const mcpgym::NestingScan scan = mcpgym::scan_nesting(text, text.size());
  require(!scan.exceeded, "a scan without a limit never stops early");
  if (valid) require(scan.depth == depth_of(reference), "scan depth == parsed depth");

  const auto parsed = mcpgym::parse_json(text, limits);
  if (!parsed) check_refusal(parsed.error());
  if (size > limits.max_bytes) {
    require(!parsed && parsed.error().problem == mcpgym::JsonProblem::kTooLarge,
            "text over max_bytes is refused as too large");
  } else if (scan.depth > limits.max_depth) {
    require(!parsed && parsed.error().problem == mcpgym::JsonProblem::kTooDeep,
            "text nesting deeper than max_depth is refused as too deep");
  } else if (!valid) {
    require(!parsed && parsed.error().problem == mcpgym::JsonProblem::kInvalid,
            "text nlohmann refuses is refused as invalid");
  } else {
    require(parsed.has_value() && *parsed == reference, "valid text within limits parses alike");
  }
  return 0;
}
