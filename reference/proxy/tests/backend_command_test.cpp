// resolve_backend() and template_word() (docs/spec.md PROXY-006, PROXY-007):
// relative paths resolve against the start directory, a script runs in its
// (real) directory, odd characters survive the command template, and every
// refusal names the resolved absolute path. Files live in temp dirs.
#include "reference/proxy/backend_command.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <unistd.h>

#include "harness/process/tests/support.hpp"

namespace mcpgym::proxy {
namespace {

namespace fs = std::filesystem;
using harness::testing::TempDir;
using harness::testing::write_file;

const std::map<std::string, std::string> kValues = {
    {"port", "8123"}, {"seed", "42"}, {"config", R"({"map_name":"8x8"})"}};

// The argv a resolved template starts, with the proxy's placeholder values.
std::vector<std::string> argv_of(const harness::LaunchSpec& spec) {
  auto words = harness::expand_command(spec.command, kValues);
  EXPECT_TRUE(words.has_value()) << words.error();
  return words ? *words : std::vector<std::string>{};
}

void make_executable(const fs::path& path) {
  fs::create_directories(path.parent_path());
  write_file(path, "#!/bin/sh\nexit 0\n");
  fs::permissions(path, fs::perms::owner_all);
}

class BackendCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::canonical(temp_.path());
    fs::create_directories(start());
  }
  fs::path start() const { return root_ / "start dir"; }
  BackendOptions script(const std::string& path, const std::string& interpreter = "/bin/sh") {
    BackendOptions options;
    options.server_script = path;
    options.interpreter = interpreter;
    options.start_directory = start();
    return options;
  }
  BackendOptions backend(const std::string& command_template) {
    BackendOptions options;
    options.backend_template = command_template;
    options.start_directory = start();
    return options;
  }

  TempDir temp_;
  fs::path root_;
};

TEST_F(BackendCommand, RelativeServerScriptResolvesAgainstTheStartDirectory_PROXY006) {
  // Spaces, a quote and braces in the path all survive the template.
  const fs::path dir = root_ / "it's {a} dir";
  fs::create_directories(dir);
  write_file(dir / "run me.sh", "exit 0\n");
  const auto spec = resolve_backend(script("../it's {a} dir/run me.sh"));
  ASSERT_TRUE(spec) << spec.error();
  EXPECT_EQ(argv_of(*spec), (std::vector<std::string>{"/bin/sh", (dir / "run me.sh").string(),
                                                      "--port", "8123", "--seed", "42"}));
  EXPECT_EQ(spec->working_directory, dir);
}

TEST_F(BackendCommand, AbsoluteServerScriptRunsInItsDirectory_PROXY006) {
  write_file(root_ / "server.py", "");
  const auto spec = resolve_backend(script((root_ / "server.py").string()));
  ASSERT_TRUE(spec) << spec.error();
  EXPECT_EQ(argv_of(*spec), (std::vector<std::string>{"/bin/sh", (root_ / "server.py").string(),
                                                      "--port", "8123", "--seed", "42"}));
  EXPECT_EQ(spec->working_directory, root_);
}

TEST_F(BackendCommand, SymlinkedServerScriptRunsBesideItsTarget_PROXY006) {
  fs::create_directories(root_ / "real");
  fs::create_directories(root_ / "links");
  write_file(root_ / "real" / "server.py", "");
  fs::create_symlink("../real/server.py", root_ / "links" / "server.py");
  const auto spec = resolve_backend(script("../links/server.py"));
  ASSERT_TRUE(spec) << spec.error();
  EXPECT_EQ(argv_of(*spec).at(1), (root_ / "real" / "server.py").string());
  EXPECT_EQ(spec->working_directory, root_ / "real");
}

TEST_F(BackendCommand, InterpreterIsFoundOnPathOrAgainstTheStartDirectory_PROXY006) {
  write_file(root_ / "server.py", "");
  const auto on_path = resolve_backend(script("../server.py", "sh"));
  ASSERT_TRUE(on_path) << on_path.error();
  const fs::path sh = argv_of(*on_path).at(0);
  EXPECT_TRUE(sh.is_absolute()) << sh;
  EXPECT_EQ(sh.filename(), "sh");
  EXPECT_EQ(::access(sh.c_str(), X_OK), 0) << sh;

  make_executable(start() / "venv" / "python");
  const auto relative = resolve_backend(script("../server.py", "venv/python"));
  ASSERT_TRUE(relative) << relative.error();
  EXPECT_EQ(argv_of(*relative).at(0), (start() / "venv" / "python").string());
}

TEST_F(BackendCommand, MissingServerScriptNamesTheAbsolutePath_PROXY007) {
  const auto spec = resolve_backend(script("../nowhere/server.py"));
  ASSERT_FALSE(spec);
  EXPECT_EQ(spec.error(), "[mcpgym.proxy.bad_backend] server script " +
                              (root_ / "nowhere/server.py").string() +
                              " does not exist (resolved from '../nowhere/server.py' against " +
                              start().string() + ")");
}

TEST_F(BackendCommand, ServerScriptThatIsADirectoryIsRefused_PROXY007) {
  fs::create_directories(root_ / "server.py");
  const auto spec = resolve_backend(script("../server.py"));
  ASSERT_FALSE(spec);
  EXPECT_EQ(spec.error(), "[mcpgym.proxy.bad_backend] server script " +
                              (root_ / "server.py").string() + " is not a readable file");
}

TEST_F(BackendCommand, DanglingSymlinkScriptDoesNotExist_PROXY007) {
  fs::create_symlink(root_ / "gone.py", root_ / "server.py");
  const auto spec = resolve_backend(script((root_ / "server.py").string()));
  ASSERT_FALSE(spec);
  EXPECT_EQ(spec.error(), "[mcpgym.proxy.bad_backend] server script " +
                              (root_ / "server.py").string() + " does not exist (resolved from '" +
                              (root_ / "server.py").string() + "' against " + start().string() +
                              ")");
}

TEST_F(BackendCommand, MissingInterpreterIsRefused_PROXY007) {
  write_file(root_ / "server.py", "");
  const auto on_path = resolve_backend(script("../server.py", "no-such-python-4b1"));
  ASSERT_FALSE(on_path);
  EXPECT_EQ(on_path.error(),
            "[mcpgym.proxy.bad_backend] 'no-such-python-4b1' is not an executable on PATH");
  const auto relative = resolve_backend(script("../server.py", "./venv/python"));
  ASSERT_FALSE(relative);
  EXPECT_EQ(relative.error(), "[mcpgym.proxy.bad_backend] " + (start() / "venv/python").string() +
                                  " does not exist (resolved from './venv/python' against " +
                                  start().string() + ")");
}

TEST_F(BackendCommand, ExactlyOneOfBackendAndServerScript) {
  BackendOptions neither;
  neither.start_directory = start();
  BackendOptions both = script("x.py");
  both.backend_template = "server --port {port}";
  for (const auto& options : {neither, both}) {
    const auto spec = resolve_backend(options);
    ASSERT_FALSE(spec);
    EXPECT_EQ(spec.error(),
              "[mcpgym.proxy.bad_backend] give exactly one of --backend and --server-script");
  }
}

TEST_F(BackendCommand, RelativeBackendProgramResolvesAndRunsInTheStartDirectory_PROXY006) {
  make_executable(start() / "bin" / "server");
  const auto spec = resolve_backend(
      backend("bin/server --port {port} --seed {seed} --config {config} 'two words'"));
  ASSERT_TRUE(spec) << spec.error();
  EXPECT_EQ(argv_of(*spec),
            (std::vector<std::string>{(start() / "bin/server").string(), "--port", "8123", "--seed",
                                      "42", "--config", R"({"map_name":"8x8"})", "two words"}));
  EXPECT_EQ(spec->working_directory, start());
}

TEST_F(BackendCommand, QuotedBackendProgramWithSpacesResolves_PROXY006) {
  make_executable(start() / "my {odd} server");
  for (const std::string quoted : {"'./my {{odd}} server'", "\"./my {{odd}} server\"",
                                   "./my\\ {{odd}}\\ server", "./'my {{odd}} server'"}) {
    SCOPED_TRACE(quoted);
    const auto spec = resolve_backend(backend(quoted + " --port {port}"));
    ASSERT_TRUE(spec) << spec.error();
    EXPECT_EQ(argv_of(*spec),
              (std::vector<std::string>{(start() / "my {odd} server").string(), "--port", "8123"}));
  }
  // Without a slash it is a program name, looked up on PATH as execvp does.
  const auto name = resolve_backend(backend("'my {{odd}} server' --port {port}"));
  ASSERT_FALSE(name);
  EXPECT_EQ(name.error(),
            "[mcpgym.proxy.bad_backend] 'my {odd} server' is not an executable on PATH");
}

TEST_F(BackendCommand, BackendProgramIsFoundOnPath_PROXY006) {
  const auto spec = resolve_backend(backend("sh -c 'exit 0' sh {port}"));
  ASSERT_TRUE(spec) << spec.error();
  const auto argv = argv_of(*spec);
  ASSERT_EQ(argv.size(), 5U);
  EXPECT_TRUE(fs::path(argv[0]).is_absolute()) << argv[0];
  EXPECT_EQ(fs::path(argv[0]).filename(), "sh");
  EXPECT_EQ(argv[2], "exit 0");
  EXPECT_EQ(argv[4], "8123");
  EXPECT_EQ(spec->working_directory, start());
}

TEST_F(BackendCommand, MissingBackendProgramNamesTheAbsolutePath_PROXY007) {
  const auto relative = resolve_backend(backend("'../no such/server' --port {port}"));
  ASSERT_FALSE(relative);
  EXPECT_EQ(relative.error(), "[mcpgym.proxy.bad_backend] " + (root_ / "no such/server").string() +
                                  " does not exist (resolved from '../no such/server' against " +
                                  start().string() + ")");
  const auto on_path = resolve_backend(backend("no-such-server-9c2 --port {port}"));
  ASSERT_FALSE(on_path);
  EXPECT_EQ(on_path.error(),
            "[mcpgym.proxy.bad_backend] 'no-such-server-9c2' is not an executable on PATH");
}

TEST_F(BackendCommand, BackendProgramThatCannotRunIsRefused_PROXY007) {
  write_file(start() / "server.sh", "exit 0\n");
  fs::permissions(start() / "server.sh", fs::perms::owner_read | fs::perms::owner_write);
  fs::create_directories(start() / "a dir");
  for (const std::string name : {"server.sh", "a dir"}) {
    const auto spec = resolve_backend(backend("'./" + name + "' --port {port}"));
    ASSERT_FALSE(spec);
    EXPECT_EQ(spec.error(), "[mcpgym.proxy.bad_backend] " + (start() / name).string() +
                                " is not an executable file");
  }
}

TEST_F(BackendCommand, BackendMustTakePort_PROXY007) {
  const auto spec = resolve_backend(backend("sh -c 'exit 0' --seed {seed}"));
  ASSERT_FALSE(spec);
  EXPECT_EQ(spec.error(),
            "[mcpgym.proxy.bad_backend] the backend command must take {port}: the proxy gives "
            "each backend its own port");
  // Braces written {{port}} are literal text, not the placeholder.
  const auto literal = resolve_backend(backend("sh -c 'exit 0' '{{port}}'"));
  ASSERT_FALSE(literal);
  EXPECT_EQ(literal.error(), spec.error());
}

TEST_F(BackendCommand, UnknownPlaceholderIsRefused_PROXY007) {
  const auto spec = resolve_backend(backend("/bin/sh --port {port} --name {name}"));
  ASSERT_FALSE(spec);
  EXPECT_EQ(spec.error(),
            "[mcpgym.proxy.bad_backend] --backend: [mcpgym.process.bad_command] command template "
            "''/bin/sh' --port {port} --name {name}' uses {name}, which has no value; pass a "
            "value for \"name\" (values given: config, port, seed)");
}

TEST_F(BackendCommand, EmptyOrUnreadableBackendIsRefused_PROXY007) {
  const auto empty = resolve_backend(backend("   "));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error(),
            "[mcpgym.proxy.bad_backend] cannot read the program of --backend '   ': "
            "[mcpgym.process.bad_command] the command template is empty; give the program to run "
            "and its arguments, e.g. 'my-server --port {port}'");
  const auto unterminated = resolve_backend(backend("'server --port {port}"));
  ASSERT_FALSE(unterminated);
  EXPECT_TRUE(unterminated.error().starts_with(
      "[mcpgym.proxy.bad_backend] cannot read the program of --backend ''server --port "
      "{port}': [mcpgym.process.bad_command] "))
      << unterminated.error();
}

// The script-relative-to-exe fault: relative paths resolve against
// resolve_against, and a missing script is named as resolved there.
TEST_F(BackendCommand, ResolveAgainstReplacesTheStartDirectoryForRelativePaths) {
  const fs::path other = root_ / "exe dir";
  write_file(start() / "server.py", "");
  auto options = script("server.py");
  options.resolve_against = other;
  const auto missing = resolve_backend(options);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(),
            "[mcpgym.proxy.bad_backend] server script " + (other / "server.py").string() +
                " does not exist (resolved from 'server.py' against " + other.string() + ")");

  fs::create_directories(other);
  write_file(other / "server.py", "");
  const auto found = resolve_backend(options);
  ASSERT_TRUE(found) << found.error();
  EXPECT_EQ(argv_of(*found).at(1), (other / "server.py").string());
  EXPECT_EQ(found->working_directory, other);
}

TEST_F(BackendCommand, ResolveAgainstMovesABackendProgramButNotWhereItRuns) {
  const fs::path other = root_ / "exe dir";
  make_executable(other / "bin" / "server");
  auto options = backend("bin/server --port {port}");
  options.resolve_against = other;
  const auto spec = resolve_backend(options);
  ASSERT_TRUE(spec) << spec.error();
  EXPECT_EQ(argv_of(*spec).at(0), (other / "bin/server").string());
  EXPECT_EQ(spec->working_directory, start());
}

}  // namespace
// Lean backends: the reference backend gets a small --threads unless its
// template chooses its own; other programs are left alone.
TEST_F(BackendCommand, AReferenceBackendStartsWithFewThreads) {
  for (const char* name : {"mcpgym-frozenlake", "mcpgym-gym"}) {
    make_executable(start() / "bin" / name);
    const std::string program = (start() / "bin" / name).string();
    const auto spec = resolve_backend(backend(std::string("bin/") + name + " --port {port}"));
    ASSERT_TRUE(spec) << spec.error();
    EXPECT_EQ(argv_of(*spec),
              (std::vector<std::string>{program, "--port", "8123", "--threads", "4"}));

    auto chosen = backend(std::string("bin/") + name + " --threads 9 --port {port}");
    const auto own = resolve_backend(chosen);
    ASSERT_TRUE(own) << own.error();
    EXPECT_EQ(argv_of(*own),
              (std::vector<std::string>{program, "--threads", "9", "--port", "8123"}));

    auto default_threads = backend(std::string("bin/") + name + " --port {port}");
    default_threads.reference_backend_threads = 0;
    const auto left = resolve_backend(default_threads);
    ASSERT_TRUE(left) << left.error();
    EXPECT_EQ(argv_of(*left), (std::vector<std::string>{program, "--port", "8123"}));
  }
  make_executable(start() / "bin" / "other-server");
  const auto other = resolve_backend(backend("bin/other-server --port {port}"));
  ASSERT_TRUE(other) << other.error();
  EXPECT_EQ(argv_of(*other), (std::vector<std::string>{(start() / "bin" / "other-server").string(),
                                                       "--port", "8123"}));
}

}  // namespace mcpgym::proxy
