// mcpgym-diff: compares two trajectory recordings (JSONL) after normalizing
// their volatile fields, and prints the first divergence.
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
      cli::Parser(program, "[flags] EXPECTED.jsonl ACTUAL.jsonl",
                  "Compares two trajectory recordings line by line, matched by (env_index, step),\n"
                  "after replacing tool-call ids, session ids and timestamps with placeholders.\n"
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
  if (const auto divergence = harness::compare_recordings(*expected, *actual)) {
    std::cout << divergence->describe() << "\n";
    return kExitDiverged;
  }
  std::cout << "equivalent: " << expected->size() << " lines\n";
  return 0;
}
