#pragma once
// Trajectory recordings: JSONL, one line per (environment, step), compatible
// with reward-kit's playback format:
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

struct RecordedStep {
  int env_index = 0;
  std::optional<std::uint64_t> seed;  // reward-kit lines may lack it
  int step = 0;
  json messages = json::array();
  json to_json() const;  // {"env_index","messages","seed" (when present),"step"}
};

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
class RecordingWriter {
 public:
  static Expected<RecordingWriter, std::string> open(const std::filesystem::path& path);
  RecordingWriter(RecordingWriter&&) noexcept;
  RecordingWriter& operator=(RecordingWriter&&) noexcept;
  ~RecordingWriter();

  Expected<void, std::string> write(const RecordedStep& step);
  Expected<void, std::string> commit();

  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& temp_path() const { return temp_path_; }

 private:
  RecordingWriter() = default;
  void discard() noexcept;  // closes and removes the temporary file unless committed
  std::filesystem::path path_, temp_path_;
  std::ofstream out_;
  bool committed_ = false;
  std::set<std::pair<int, int>> written_;  // (env_index, step) already written
};

// Reads this format and reward-kit's; errors name the file, line and reason
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
  int step = 0;
  std::string field;  // a JSON pointer into the line, e.g. /messages/3/content
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
// never equals an integer (0.0 is not 0), and 0.0 differs from -0.0.
// `expected` and `actual` are bounded excerpts of the two values (for two
// strings, a window around their first difference). Two lines with the same
// key on one side are paired in the order they appear.
std::optional<Divergence> compare_recordings(const std::vector<RecordedStep>& expected,
                                             const std::vector<RecordedStep>& actual);

}  // namespace mcpgym::harness
