// StdioLines over a PipeProcess: lines as they come, deadlines, end of
// output, a last line without a newline, JSON among other lines, the observer.
#include "harness/mcp/stdio_lines.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "harness/mcp/tests/pipe_process.hpp"

namespace mcpgym::harness {
namespace {

using namespace std::chrono_literals;
using testing::PipeProcess;

// A StdioLines over a PipeProcess it owns, with what it observed.
struct Peer {
  PipeProcess* pipes;
  std::vector<std::string> seen;
  std::unique_ptr<StdioLines> lines;
  Peer() {
    auto process = std::make_unique<PipeProcess>();
    pipes = process.get();
    lines = std::make_unique<StdioLines>(std::move(process),
                                         [this](const std::string& s) { seen.push_back(s); });
  }
};

TEST(StdioLines, WritesLinesAndObservesThem) {
  Peer peer;
  ASSERT_TRUE(peer.lines->write_line(R"({"jsonrpc":"2.0","id":1,"method":"ping"})"));
  EXPECT_EQ(peer.pipes->written(), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n");
  EXPECT_EQ(peer.seen,
            std::vector<std::string>{R"(stdin <- {"jsonrpc":"2.0","id":1,"method":"ping"})"});
}

TEST(StdioLines, ReadsLinesWithoutTheirEnds) {
  Peer peer;
  peer.pipes->answer("first\r\nsecond\n");
  EXPECT_EQ(peer.lines->read_line(5s), "first");
  EXPECT_EQ(peer.lines->read_line(5s), "second");
  EXPECT_EQ(peer.seen, (std::vector<std::string>{"stdout -> first", "stdout -> second"}));
}

TEST(StdioLines, SilenceEndsAtTheDeadlineWithoutEof) {
  Peer peer;
  peer.pipes->answer("no newline yet");
  EXPECT_EQ(peer.lines->read_line(50ms), std::nullopt);
  EXPECT_FALSE(peer.lines->eof());
}

TEST(StdioLines, ALastLineWithoutANewlineThenEof) {
  Peer peer;
  peer.pipes->answer("last");
  peer.pipes->from_server.close_write();
  EXPECT_EQ(peer.lines->read_line(5s), "last");
  EXPECT_EQ(peer.lines->read_line(5s), std::nullopt);
  EXPECT_TRUE(peer.lines->eof());
}

TEST(StdioLines, ReadMessageSkipsLinesThatAreNotJson) {
  Peer peer;
  peer.pipes->answer("log: starting\n{\"id\":3}\n");
  EXPECT_EQ(peer.lines->read_message(5s), nlohmann::json({{"id", 3}}));
}

TEST(StdioLines, WritingAfterStdinIsClosedFails) {
  Peer peer;
  peer.lines->process().close_stdin();
  EXPECT_FALSE(peer.lines->write_line("ping"));
}

}  // namespace
}  // namespace mcpgym::harness
