// mcpgym-diff: compares two trajectory recordings (JSONL), each in any of the
// three formats (mcpgym, reward-kit, eval-protocol; detected), after
// normalizing their volatile fields, and prints the first divergence. Across
// formats it first lists, one line each, the fields one format lacks
// ("not comparable: truncated absent in eval-protocol"); those are never
// differences (docs/spec.md REC-009, REC-010).
//   exit 0: "equivalent: N lines"
//   exit 1: the divergence, e.g. "env 2, step 5: /messages/11/... differs: expected 1.0, got 0.0"
//   exit 2: usage error, or a file that cannot be read or parsed (message on stderr)
#include <iostream>
#include <string>
#include <variant>

#include "common/cli.hpp"
#include "harness/record/recording.hpp"

namespace {

using namespace mcpgym;

constexpr int kExitDiverged = 1;

}  // namespace

int main(int argc, char** argv) {
  const std::string program = "mcpgym-diff";
  const cli::Parser parser =
      cli::Parser(
          program, "[flags] EXPECTED.jsonl ACTUAL.jsonl",
          "Compares two trajectory recordings line by line, matched by (env_index, step),\n"
          "after replacing tool-call ids, session ids and timestamps with placeholders.\n"
          "Each file may be in any format: mcpgym, reward-kit or eval-protocol (detected).\n"
          "Across formats, lines are matched by moves made, tool messages compare by their\n"
          "control-plane values, and each field one format lacks is listed first as\n"
          "\"not comparable: <field> absent in <format>\", never as a difference. Tool\n"
          "texts holding JSON compare as JSON (key order, spacing, 0 vs 0.0 do not count).\n"
          "Prints \"equivalent: N lines\" and exits 0, or prints the first divergence and\n"
          "exits 1. Exits 2 on a usage error or a file it cannot read or parse.")
          .allow_positional("EXPECTED.jsonl ACTUAL.jsonl");
  auto parsed = parser.parse_command_line(argc, argv);
  if (const int* status = std::get_if<int>(&parsed)) return *status;
  const auto& args = std::get<cli::Args>(parsed);
  if (args.positional().size() != 2) {
    std::cerr << program << ": [mcpgym.cli.missing_argument] expected two files, "
              << "EXPECTED.jsonl and ACTUAL.jsonl, got " << args.positional().size() << "; run '"
              << program << " --help' for usage\n";
    return cli::kExitUsage;
  }
  auto expected = harness::read_recording(args.positional()[0]);
  if (!expected) {
    std::cerr << program << ": " << expected.error() << "\n";
    return cli::kExitUsage;
  }
  auto actual = harness::read_recording(args.positional()[1]);
  if (!actual) {
    std::cerr << program << ": " << actual.error() << "\n";
    return cli::kExitUsage;
  }
  const auto comparison = harness::compare_recordings_by_meaning(*expected, *actual);
  for (const auto& note : comparison.not_comparable)
    std::cout << note << "\n";
  if (comparison.divergence) {
    std::cout << comparison.divergence->describe() << "\n";
    return kExitDiverged;
  }
  std::cout << "equivalent: " << expected->size() << " lines\n";
  return 0;
}
