// RecordingWriter: bytes on disk, the temporary file, atomic commit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <regex>

#include "harness/record/recording.hpp"
#include "harness/record/tests/conversation.hpp"

namespace mcpgym::harness {
namespace {

using testing::ElementsAre;
using testing::IsEmpty;
using namespace testing_support;

RecordingWriter open_or_die(const std::filesystem::path& path) {
  auto writer = RecordingWriter::open(path);
  if (!writer) throw std::runtime_error(writer.error());
  return std::move(writer).value();
}

void write_or_die(RecordingWriter& writer, const RecordedStep& step) {
  auto written = writer.write(step);
  ASSERT_TRUE(written) << written.error();
}

TEST(RecordingWriter, WritesCompactSortedLinesWithStableBytes) {
  TempDir dir;
  const auto path = dir.path() / "rec.jsonl";
  auto writer = open_or_die(path);
  RecordedStep step{1, 42, 2, json::array({{{"role", "user"}, {"content", "hi"}}})};
  write_or_die(writer, step);
  RecordedStep no_seed{0, std::nullopt, 0, json::array()};
  write_or_die(writer, no_seed);
  ASSERT_TRUE(writer.commit());
  EXPECT_EQ(read_file(path),
            "{\"env_index\":1,\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],\"seed\":42,"
            "\"step\":2}\n"
            "{\"env_index\":0,\"messages\":[],\"step\":0}\n");
}

TEST(RecordingWriter, SameRecordingGivesSameBytes) {
  TempDir dir;
  const auto steps = recording(3, 4);
  for (const char* name : {"a.jsonl", "b.jsonl"}) {
    auto writer = open_or_die(dir.path() / name);
    for (const auto& step : steps)
      write_or_die(writer, step);
    ASSERT_TRUE(writer.commit());
  }
  EXPECT_EQ(read_file(dir.path() / "a.jsonl"), read_file(dir.path() / "b.jsonl"));
  EXPECT_EQ(read_file(dir.path() / "a.jsonl"), jsonl(steps));
}

TEST(RecordingWriter, RoundTripsThroughTheReader) {
  TempDir dir;
  const auto path = dir.path() / "rec.jsonl";
  auto steps = recording(2, 3);
  steps[1].seed.reset();
  steps[2].seed = 18446744073709551615ull;
  {
    auto writer = open_or_die(path);
    for (const auto& step : steps)
      write_or_die(writer, step);
    ASSERT_TRUE(writer.commit());
  }
  auto read = read_recording(path);
  ASSERT_TRUE(read) << read.error();
  ASSERT_EQ(read->size(), steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ((*read)[i].env_index, steps[i].env_index) << i;
    EXPECT_EQ((*read)[i].seed, steps[i].seed) << i;
    EXPECT_EQ((*read)[i].step, steps[i].step) << i;
    EXPECT_EQ((*read)[i].messages, steps[i].messages) << i;
    EXPECT_EQ((*read)[i].messages.dump(), steps[i].messages.dump()) << i;  // 0.0 stays 0.0
  }
  EXPECT_EQ(compare_recordings(steps, *read), std::nullopt);
}

TEST(RecordingWriter, CreatesTheParentDirectory) {
  TempDir dir;
  const auto path = dir.path() / "a" / "b" / "rec.jsonl";
  auto writer = open_or_die(path);
  ASSERT_TRUE(writer.commit());
  EXPECT_EQ(read_file(path), "");
}

TEST(RecordingWriter, WritesFlushedLinesToAUniqueTemporaryFileBesideThePath) {
  TempDir dir;
  const auto path = dir.path() / "rec.jsonl";
  auto writer = open_or_die(path);
  auto other = open_or_die(path);
  EXPECT_NE(writer.temp_path(), other.temp_path());
  EXPECT_EQ(writer.temp_path().parent_path(), dir.path());
  const std::regex name("rec\\.jsonl\\.tmp\\." + std::to_string(::getpid()) + "\\.[0-9a-f]{16}");
  EXPECT_TRUE(std::regex_match(writer.temp_path().filename().string(), name)) << writer.temp_path();
  write_or_die(writer, {0, 7, 0, json::array()});
  EXPECT_EQ(read_file(writer.temp_path()),
            "{\"env_index\":0,\"messages\":[],\"seed\":7,\"step\":0}\n");
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(RecordingWriter, DroppedWithoutCommitLeavesNoFile) {
  TempDir dir;
  const auto path = dir.path() / "rec.jsonl";
  {
    auto writer = open_or_die(path);
    for (const auto& step : recording(2, 2))
      write_or_die(writer, step);
    EXPECT_THAT(dir.names(), ElementsAre(writer.temp_path().filename().string()));
  }
  EXPECT_THAT(dir.names(), IsEmpty());
}

TEST(RecordingWriter, DroppedWithoutCommitLeavesAnExistingFileAlone) {
  TempDir dir;
  const auto path = dir.path() / "rec.jsonl";
  write_file(path, "old\n");
  {
    auto writer = open_or_die(path);
    write_or_die(writer, {0, 7, 0, json::array()});
  }
  EXPECT_THAT(dir.names(), ElementsAre("rec.jsonl"));
  EXPECT_EQ(read_file(path), "old\n");
}

TEST(RecordingWriter, CommitReplacesAnExistingFileWhole) {
  TempDir dir;
  const auto path = dir.path() / "rec.jsonl";
  write_file(path, std::string(10000, 'x') + "\n");
  auto writer = open_or_die(path);
  write_or_die(writer, {0, 7, 0, json::array()});
  ASSERT_TRUE(writer.commit());
  EXPECT_EQ(read_file(path), "{\"env_index\":0,\"messages\":[],\"seed\":7,\"step\":0}\n");
  EXPECT_THAT(dir.names(), ElementsAre("rec.jsonl"));
}

TEST(RecordingWriter, WritingOrCommittingAfterCommitIsAnError) {
  TempDir dir;
  const auto path = dir.path() / "rec.jsonl";
  auto writer = open_or_die(path);
  ASSERT_TRUE(writer.commit());
  auto written = writer.write({0, 7, 0, json::array()});
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error(),
            "[mcpgym.record.io] cannot write " + path.string() + ": already committed");
  auto committed = writer.commit();
  ASSERT_FALSE(committed);
  EXPECT_EQ(committed.error(),
            "[mcpgym.record.io] cannot commit " + path.string() + ": already committed");
  EXPECT_EQ(read_file(path), "");
}

TEST(RecordingWriter, MovingKeepsOneOwnerOfTheTemporaryFile) {
  TempDir dir;
  const auto path = dir.path() / "rec.jsonl";
  auto first = open_or_die(path);
  write_or_die(first, {0, 7, 0, json::array()});
  RecordingWriter second = std::move(first);
  write_or_die(second, {0, 7, 1, json::array()});
  {
    RecordingWriter dropped = open_or_die(dir.path() / "other.jsonl");
    const auto dropped_temp = dropped.temp_path();
    dropped = std::move(second);  // discards dropped's own temporary file
    EXPECT_FALSE(std::filesystem::exists(dropped_temp));
    ASSERT_TRUE(dropped.commit());
  }
  EXPECT_THAT(dir.names(), ElementsAre("rec.jsonl"));
  EXPECT_EQ(read_file(path),
            "{\"env_index\":0,\"messages\":[],\"seed\":7,\"step\":0}\n"
            "{\"env_index\":0,\"messages\":[],\"seed\":7,\"step\":1}\n");
}

TEST(RecordingWriter, RefusesStepsTheReaderWouldRefuse) {
  TempDir dir;
  const auto path = dir.path() / "rec.jsonl";
  auto writer = open_or_die(path);
  const std::string prefix = "[mcpgym.record.bad_step] cannot write env ";
  const std::string to = " to " + path.string() + ": ";
  auto refused = writer.write({-1, 7, 0, json::array()});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), prefix + "-1, step 0" + to + "env_index must not be negative");
  refused = writer.write({0, 7, -2, json::array()});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), prefix + "0, step -2" + to + "step must not be negative");
  refused = writer.write({0, 7, 0, json::object()});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), prefix + "0, step 0" + to + "messages must be an array");

  json deep = json::array();
  for (int i = 0; i < kMaxRecordingDepth - 2; ++i)
    deep = json::array({std::move(deep)});
  write_or_die(writer, {0, 7, 0, deep});  // the line is exactly kMaxRecordingDepth deep
  refused = writer.write({0, 7, 1, json::array({deep})});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), prefix + "0, step 1" + to + "nested deeper than 128 levels");

  refused = writer.write({0, 8, 0, json::array()});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), prefix + "0, step 0" + to + "already written");
  ASSERT_TRUE(writer.commit());
  auto read = read_recording(path);
  ASSERT_TRUE(read) << read.error();
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].messages, deep);
}

TEST(RecordingWriter, WritesInvalidUtf8AsReplacementCharacters) {
  TempDir dir;
  const auto path = dir.path() / "rec.jsonl";
  auto writer = open_or_die(path);
  write_or_die(writer, {0, std::nullopt, 0,
                        json::array({"a\xff"
                                     "b"})});
  ASSERT_TRUE(writer.commit());
  EXPECT_EQ(read_file(path),
            "{\"env_index\":0,\"messages\":[\"a\xef\xbf\xbd"
            "b\"],\"step\":0}\n");
  auto read = read_recording(path);
  ASSERT_TRUE(read) << read.error();
}

TEST(RecordingWriter, OpenFailsWhenTheParentCannotBeADirectory) {
  TempDir dir;
  write_file(dir.path() / "file", "x");
  auto writer = RecordingWriter::open(dir.path() / "file" / "rec.jsonl");
  ASSERT_FALSE(writer);
  EXPECT_EQ(writer.error(), "[mcpgym.record.io] cannot create directory " +
                                (dir.path() / "file").string() + ": Not a directory");
}

TEST(RecordingWriter, OpenFailsInADirectoryItCannotWrite) {
  if (::geteuid() == 0) GTEST_SKIP() << "root may write anywhere";
  TempDir dir;
  std::filesystem::create_directory(dir.path() / "ro");
  std::filesystem::permissions(
      dir.path() / "ro", std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  auto writer = RecordingWriter::open(dir.path() / "ro" / "rec.jsonl");
  ASSERT_FALSE(writer);
  EXPECT_THAT(writer.error(),
              testing::MatchesRegex("\\[mcpgym\\.record\\.io\\] cannot create .*/ro/"
                                    "rec\\.jsonl\\.tmp\\.[0-9]+\\.[0-9a-f]{16}: "
                                    "Permission denied"));
}

TEST(RecordingWriter, OpenRefusesAPathWithoutAFileName) {
  TempDir dir;
  auto writer = RecordingWriter::open(dir.path().string() + "/");
  ASSERT_FALSE(writer);
  EXPECT_EQ(writer.error(),
            "[mcpgym.record.io] cannot create " + dir.path().string() + "/: Is a directory");
}

}  // namespace
}  // namespace mcpgym::harness
