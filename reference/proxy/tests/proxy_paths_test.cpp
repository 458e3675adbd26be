// Where mcpgym-proxy finds and runs its backend (docs/spec.md PROXY-006,
// PROXY-007): relative paths resolve against the directory the proxy was
// started from, a --server-script backend runs in its script's directory
// (through symlinks, with spaces), and a backend that cannot be run stops the
// proxy before it listens.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <sstream>

#include "reference/proxy/tests/support.hpp"

namespace mcpgym::proxy::testing {
namespace {

// A script that writes where it runs and its arguments beside itself, then
// becomes the reference backend with the same arguments.
std::string recording_backend_script(bool shebang) {
  return std::string(shebang ? "#!/bin/sh\n" : "") +
         "{ pwd; printf '%s\\n' \"$@\"; } > \"$(dirname \"$0\")/invocation.txt\"\n"
         "exec '" +
         kFrozenLakeBin + "' \"$@\"\n";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

class ProxyPaths : public ProxyTest {
 protected:
  void SetUp() override {
    fs::create_directories(scripts());
    fs::create_directories(start());
    fs::create_directories(dir() / "links");
    write_file(script(), recording_backend_script(false));
    fs::create_symlink("../scripts dir/run backend.sh", dir() / "links" / "run.sh");
  }
  fs::path scripts() const { return dir() / "scripts dir"; }
  fs::path script() const { return scripts() / "run backend.sh"; }
  // The unrelated directory the proxy is started from.
  fs::path start() const { return dir() / "started here"; }

  // A session through a proxy started from start() with `args`: it plays,
  // and reports the seed it was given.
  void ExpectSessionWorks(const std::vector<std::string>& args) {
    auto proxy = start_proxy(args, start());
    ASSERT_TRUE(proxy) << proxy.error();
    auto client = proxy->client();
    const auto init = client->initialize({{"seed", 5}});
    ASSERT_TRUE(init) << init.error().message() << "\nproxy stderr:\n" << proxy->stderr_text();
    const auto moved = client->call_tool("lake_move", {{"action", "RIGHT"}});
    ASSERT_TRUE(moved) << moved.error().message();
    EXPECT_EQ(moved->value("isError", true), false) << moved->dump();
    const auto initial = client->read_resource("game://initial_state");
    ASSERT_TRUE(initial) << initial.error().message();
    EXPECT_EQ((*initial)["seed"], 5);
    client.reset();
    const auto status = proxy->terminate();
    ASSERT_TRUE(status);
    EXPECT_EQ(*status, (ExitStatus{false, 0}));
  }

  // The proxy started from start() must refuse `args`: status 2, within the
  // deadline, no listening line, and exactly `message` on stderr.
  void ExpectRefused(const std::vector<std::string>& args, const std::string& message) {
    const Finished done = run_to_exit(kProxyBin, args, start());
    ASSERT_TRUE(done.status) << "still running after 10 s; stdout: " << done.stdout_text;
    EXPECT_EQ(*done.status, (ExitStatus{false, 2}));
    EXPECT_EQ(done.stdout_text, "") << "a refused proxy must never print a listening line";
    EXPECT_EQ(done.stderr_text, "mcpgym-proxy: " + message + "\n");
  }

  // What the script recorded: its working directory and its arguments.
  std::vector<std::string> invocation() const {
    return lines_of(read_file(scripts() / "invocation.txt"));
  }
  void ExpectRanInScriptDirectory() const {
    const auto recorded = invocation();
    ASSERT_EQ(recorded.size(), 5U) << read_file(scripts() / "invocation.txt");
    EXPECT_EQ(recorded[0], fs::canonical(scripts()).string());
    EXPECT_EQ(recorded[1], "--port");
    EXPECT_TRUE(std::all_of(recorded[2].begin(), recorded[2].end(), ::isdigit)) << recorded[2];
    EXPECT_EQ(recorded[3], "--seed");
    EXPECT_EQ(recorded[4], "5");
  }
};

TEST_F(ProxyPaths, RelativeServerScriptWithSpacesRunsInItsDirectory_PROXY006) {
  ExpectSessionWorks(
      {"--server-script", "../scripts dir/run backend.sh", "--interpreter", "/bin/sh"});
  ExpectRanInScriptDirectory();
}

TEST_F(ProxyPaths, SymlinkedServerScriptRunsBesideItsTarget_PROXY006) {
  ExpectSessionWorks({"--server-script", "../links/run.sh", "--interpreter", "/bin/sh"});
  ExpectRanInScriptDirectory();
}

TEST_F(ProxyPaths, AbsoluteServerScriptRunsInItsDirectory_PROXY006) {
  ExpectSessionWorks({"--server-script", script().string(), "--interpreter", "/bin/sh"});
  ExpectRanInScriptDirectory();
}

TEST_F(ProxyPaths, RelativeBackendProgramResolvesAgainstTheStartDirectoryAndRunsThere_PROXY006) {
  const fs::path program = start() / "bin dir" / "my backend";
  fs::create_directories(program.parent_path());
  write_file(program, recording_backend_script(true));
  fs::permissions(program, fs::perms::owner_all);
  ExpectSessionWorks({"--backend", "'bin dir/my backend' --port {port} --seed {seed}"});
  const auto recorded = lines_of(read_file(program.parent_path() / "invocation.txt"));
  ASSERT_EQ(recorded.size(), 5U);
  EXPECT_EQ(recorded[0], fs::canonical(start()).string()) << "a --backend runs where it started";
  EXPECT_EQ(recorded[4], "5");
}

TEST_F(ProxyPaths, MissingServerScriptExitsWithStatus2NamingTheAbsolutePath_PROXY007) {
  const std::string given = "../scripts dir/missing.sh";
  const fs::path start_dir = fs::canonical(start());
  ExpectRefused({"--server-script", given, "--interpreter", "/bin/sh"},
                "[mcpgym.proxy.bad_backend] server script " +
                    (start_dir / given).lexically_normal().string() +
                    " does not exist (resolved from '" + given + "' against " + start_dir.string() +
                    ")");
}

TEST_F(ProxyPaths, MissingRelativeBackendProgramExitsWithStatus2_PROXY007) {
  const fs::path start_dir = fs::canonical(start());
  ExpectRefused({"--backend", "'./no such/server' --port {port}"},
                "[mcpgym.proxy.bad_backend] " + (start_dir / "no such/server").string() +
                    " does not exist (resolved from './no such/server' against " +
                    start_dir.string() + ")");
}

TEST_F(ProxyPaths, BackendProgramThatCannotRunExitsWithStatus2_PROXY007) {
  write_file(start() / "server.sh", recording_backend_script(true));
  fs::permissions(start() / "server.sh", fs::perms::owner_read | fs::perms::owner_write);
  ExpectRefused({"--backend", "./server.sh --port {port}"},
                "[mcpgym.proxy.bad_backend] " + (fs::canonical(start()) / "server.sh").string() +
                    " is not an executable file");
}

TEST_F(ProxyPaths, BackendTemplateWithoutPortExitsWithStatus2_PROXY007) {
  ExpectRefused({"--backend", "'" + kFrozenLakeBin + "' --port 0"},
                "[mcpgym.proxy.bad_backend] the backend command must take {port}: the proxy "
                "gives each backend its own port");
}

TEST_F(ProxyPaths, MissingInterpreterExitsWithStatus2_PROXY007) {
  ExpectRefused({"--server-script", script().string(), "--interpreter", "no-such-interpreter-7f3"},
                "[mcpgym.proxy.bad_backend] 'no-such-interpreter-7f3' is not an executable on "
                "PATH");
}

}  // namespace
}  // namespace mcpgym::proxy::testing
