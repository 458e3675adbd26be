#pragma once
// Trajectory recordings: JSONL, one line per (environment, step), in one of
// three formats (docs/spec.md, "Recordings", REC-001..): this project's
// (`mcpgym`, below), reward-kit's and eval-protocol's (EP_PLAYBACK_FILE). The
// reader detects and reads all three, the writer writes all three, and the
// comparison compares across them by meaning. This project's lines:
//   {"env_index": i, "seed": s, "step": k, "messages": [...]}
// `messages` is the whole conversation so far in OpenAI chat form: a system
// message, a user message with the initial state, then per step an assistant
// message with tool_calls and a tool message whose metadata.control_plane is
// {"reward","terminated","truncated","step","total_reward"} as read from the
// control plane right after that call.
//
// Written lines are compact JSON with keys in byte-wise sorted order
// (nlohmann's default), one per line, so the same recording always has the
// same bytes and golden files can be compared byte for byte. The reader takes
// keys in any order, ignores extra keys, and accepts reward-kit's lines,
// which have no "seed".
//
// Error identifiers (each message starts with one):
//   [mcpgym.record.mixed_formats] "<path>:<line>: a line in <format>, but line
//                               <n> is in <format>"
//   [mcpgym.record.io]          a file or directory operation failed:
//                               "<what failed> <path>: <strerror>"
//   [mcpgym.record.parse_error] "<path>:<line>: not JSON: <excerpt>"
//   [mcpgym.record.bad_line]    "<path>:<line>: <what is missing or wrong>"
//   [mcpgym.record.bad_step]    write() refused a step the reader would refuse
// Excerpts are bounded (about 80 bytes) and escaped, so a message never carries
// raw control characters or unbounded input, whatever the file holds.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/expected.hpp"

namespace mcpgym::harness {

using json = nlohmann::json;

// A line may nest arrays and objects this deep (the line object itself is
// level 1). The reader refuses deeper lines without building them, and the
// writer refuses to write them, so every written recording reads back, and
// the recursive walks below (nlohmann's dump and copy, normalize, compare)
// never meet a value deep enough to exhaust the stack.
inline constexpr int kMaxRecordingDepth = 128;

// The three recording formats (REC-002, REC-004, REC-005 say what each line holds).
//  - kMcpgym: this project's; steps count moves from 1; each tool message
//    holds metadata.control_plane {reward, terminated, truncated, step,
//    total_reward}; each line its seed.
//  - kRewardKit: reward-kit's playback lines; steps count from 0; each tool
//    message holds metadata {reward, terminated (terminated or truncated),
//    info {steps, tool_call, arguments, control_plane {reward_source,
//    status_source}}}; no seed.
//  - kEvalProtocol: reward-kit's plus, on each tool message,
//    control_plane_step {step (from 0), reward, terminated, info, tool_calls,
//    num_tool_calls, termination_reason (optional)}.
enum class RecordingFormat { kMcpgym, kRewardKit, kEvalProtocol };

// "mcpgym", "reward-kit", "eval-protocol".
std::string format_name(RecordingFormat format);
std::optional<RecordingFormat> format_named(std::string_view name);
const std::vector<std::string>& format_names();  // in enum order
// A line's step number in this project's numbering (moves made): eval-protocol
// and reward-kit number from 0, so their step k is move k + 1.
int moves_of(int step, RecordingFormat format);

struct RecordedStep {
  int env_index = 0;
  std::optional<std::uint64_t> seed;  // reward-kit and eval-protocol lines lack it
  int step = 0;                       // as the format numbers it
  json messages = json::array();
  RecordingFormat format = RecordingFormat::kMcpgym;  // what `messages` hold
  json to_json() const;  // {"env_index","messages","seed" (when present),"step"}
};

// `step` rewritten in `to`'s format (a copy when it is already in it). The
// line's step is renumbered; each tool message's control-plane data is moved
// where `to` keeps it. What `to` derives is computed from the conversation:
// reward-kit's and eval-protocol's info.tool_call and info.arguments from the
// assistant's call the tool message answers, info.steps from the tool text's
// "moves" or else "steps" member (else 0, as eval-protocol's client does),
// control_plane_step.tool_calls as "<name>(<arguments as Python's repr>)",
// terminated as terminated or truncated. What `to` has no place for is
// dropped: the seed and truncated and total_reward going to reward-kit or
// eval-protocol; info, control_plane_step and termination_reason going to
// mcpgym. A line with no number in `to` (mcpgym step 0) keeps step -1, which
// the writer refuses.
RecordedStep convert(const RecordedStep& step, RecordingFormat to);

// Writes a recording atomically: lines go to a temporary file beside `path`
// (`<name>.tmp.<pid>.<16 hex digits>`, created exclusively), each line
// flushed as it is written, and commit() flushes, fsyncs the file, renames it
// over `path` (atomic on POSIX) and fsyncs the directory, so a crash never
// leaves half a recording at `path`. Without commit(), the destructor removes
// the temporary file. open() creates the parent directory if needed.
// write() refuses (bad_step) a negative env_index or step, messages that are
// not an array, a line deeper than kMaxRecordingDepth, and a second line for
// the same (env_index, step); writing or committing after commit() is an
// error. Strings that are not valid UTF-8 are written with U+FFFD in place of
// the bad bytes.
// Lines are written in the writer's format: a step in another format is
// converted first (convert()).
class RecordingWriter {
 public:
  static Expected<RecordingWriter, std::string> open(
      const std::filesystem::path& path, RecordingFormat format = RecordingFormat::kMcpgym);
  RecordingWriter(RecordingWriter&&) noexcept;
  RecordingWriter& operator=(RecordingWriter&&) noexcept;
  ~RecordingWriter();

  Expected<void, std::string> write(const RecordedStep& step);
  Expected<void, std::string> commit();

  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& temp_path() const { return temp_path_; }
  RecordingFormat format() const { return format_; }

 private:
  RecordingWriter() = default;
  void discard() noexcept;  // closes and removes the temporary file unless committed
  std::filesystem::path path_, temp_path_;
  std::ofstream out_;
  RecordingFormat format_ = RecordingFormat::kMcpgym;
  bool committed_ = false;
  std::set<std::pair<int, int>> written_;  // (env_index, step) already written
};

// Reads the three formats, detected from the lines themselves (REC-006): a
// line with "seed" or a tool message's metadata.control_plane is mcpgym's, a
// message with control_plane_step eval-protocol's, a tool message's metadata
// with "reward", "terminated" or "info" (and no control_plane_step) reward-kit's;
// a file whose lines show no format is mcpgym's. Every step returned carries
// the format; lines of two formats in one file are refused
// ([mcpgym.record.mixed_formats]). Errors name the file, line and reason
// ([mcpgym.record.parse_error], [mcpgym.record.bad_line], [mcpgym.record.io]).
// Lines are numbered from 1; blank lines (only spaces, tabs, a trailing '\r')
// are skipped. A line must be a JSON object, nested at most
// kMaxRecordingDepth deep, with "env_index" and "step" integers from 0 to
// 2147483647 (not 1.0), "messages" an array, and "seed" absent or an integer
// from 0 to 2^64-1; two lines with the same (env_index, step) are refused.
// Steps are returned in file order.
Expected<std::vector<RecordedStep>, std::string> read_recording(const std::filesystem::path& path);
// The same on text already in memory; `source` stands for the path in errors.
Expected<std::vector<RecordedStep>, std::string> parse_recording(std::string_view text,
                                                                 const std::string& source);

// Volatile fields replaced by fixed placeholders so that two recordings of the
// same behaviour compare equal. Exactly these, in this order:
//  1. Tool-call ids. Walking the messages in order, and in each message object
//     first every string `tool_calls[i].id` (i ascending) and then a string
//     `tool_call_id`, the n-th distinct id met (n from 1) becomes "call_<n>"
//     wherever it occurs in those two places. So the assistant's call and the
//     tool message answering it keep pointing at each other.
//  2. Inside any message's "metadata" object, at any depth: the value of every
//     member whose name, lower-cased with '-' read as '_', is "session_id" or
//     "mcp_session_id" becomes "<session-id>", and of every member named
//     "timestamp", "created" or "time" becomes "<time>" (whatever its type).
//  3. Anywhere in the messages (values, not object keys): every substring of a
//     string that looks like a UUID (8-4-4-4-12 hex digits, either case, not
//     preceded or followed by a letter or digit) becomes "<uuid>". This covers
//     the reference's session ids (version-4 UUIDs) wherever they are echoed.
// Nothing else changes; in particular a server's non-UUID session id outside
// metadata stays as it is. Messages that are not an array, or elements that
// are not objects, are kept (only step 3 applies to them).
json normalize_messages(const json& messages);

struct Divergence {
  int env_index = 0;
  int step = 0;  // as the expected side numbers it; across formats, moves made
  // A JSON pointer into the line, e.g. /messages/3/content; inside JSON held by
  // a tool text, "#" then a pointer into that JSON: /messages/3/content#/position
  std::string field;
  std::string expected;
  std::string actual;
  // "env 2, step 5: /messages/11/metadata/control_plane/reward differs: expected 1.0, got 0.0"
  std::string describe() const;  // one sentence
};

// Lines are matched by (env_index, step); a line present on one side only is
// a divergence with field "(line)" ("a line" / "none"). nullopt when
// equivalent after normalizing. The first divergence in (env_index, step)
// order is reported; within a line, "/seed" is compared first (absent differs
// from any value), then the normalized messages, depth first in document
// order: array elements by index, object members in byte-wise key order (the
// order this writer puts them in). A value present on one side only reads
// "(absent)". Integers compare by value whatever their signedness, a float
// never equals an integer (0.0 is not 0), and 0.0 differs from -0.0, except
// inside JSON held by a tool text (below), where numbers compare by value.
// `expected` and `actual` are bounded excerpts of the two values (for two
// strings, a window around their first difference). Two lines with the same
// key on one side are paired in the order they appear.
std::optional<Divergence> compare_recordings(const std::vector<RecordedStep>& expected,
                                             const std::vector<RecordedStep>& actual);

// compare_recordings, and what could not be compared. Each side's format is
// its steps' (mcpgym when it has none). Two sides in one format compare their
// lines as written. Across formats (REC-009), lines are matched by
// (env_index, moves made), and every tool message is compared through its
// control-plane values (reward, terminated, truncated, step, total_reward) as
// /messages/<i>/control_plane/<name>, whatever the format stores them as;
// only values both formats hold are compared, and where one format has no
// truncated the other's terminated is read as terminated or truncated (what
// reward-kit and eval-protocol record as "terminated").
// `not_comparable` lists, in a fixed order, every field one format has and the
// other lacks: "not comparable: truncated absent in eval-protocol".
// In every comparison a tool message's text (its string content, or the
// "text" of a content part) that parses as JSON on both sides is compared as
// that JSON: key order and spacing do not matter and numbers compare by value
// (0 equals 0.0); other text compares as text (REC-010).
struct RecordingComparison {
  std::optional<Divergence> divergence;
  std::vector<std::string> not_comparable;
};
RecordingComparison compare_recordings_by_meaning(const std::vector<RecordedStep>& expected,
                                                  const std::vector<RecordedStep>& actual);

}  // namespace mcpgym::harness
