// mcpgym-conform as a user meets it: flags, exit statuses, reports on disk,
// baselines, and the GoogleTest runner.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "conformance/tests/support.hpp"

namespace mcpgym::conformance {
namespace {

namespace fs = std::filesystem;
using harness::ExitStatus;
using testing::bin_dir;
using testing::run_program;
using testing::TempWork;

const std::string kConform = (bin_dir() / "mcpgym-conform").string();
const std::string kBackend = (bin_dir() / "mcpgym-frozenlake").string();
const std::string kProxy = (bin_dir() / "mcpgym-proxy").string();

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The reference backend with one field bug, judged on the checks that catch it.
std::vector<std::string> ignore_seed_run(const fs::path& report_dir) {
  return {kConform,
          "--profile",
          "backend",
          "--cmd",
          kBackend + " --port {port} --fault ignore-seed",
          "--control-plane",
          "both",
          "--features",
          "slippery,truncation,gymnasium-maps,8x8",
          "--only",
          "lifecycle.ping,determinism.*",
          "--report-dir",
          report_dir.string()};
}

TEST(ConformProgram, HelpAndBadFlags) {
  TempWork work;
  auto help = run_program({kConform, "--help"}, work.paths().work_dir);
  EXPECT_EQ(help.status, (ExitStatus{false, 0}));
  EXPECT_TRUE(help.stdout_text.starts_with("usage: mcpgym-conform [flags]")) << help.stdout_text;
  auto bad = run_program({kConform, "--colour", "red"}, work.paths().work_dir);
  EXPECT_EQ(bad.status, (ExitStatus{false, 2}));
  EXPECT_TRUE(bad.stderr_text.starts_with(
      "mcpgym-conform: [mcpgym.cli.unknown_flag] unknown flag --colour"))
      << bad.stderr_text;
  auto no_port = run_program({kConform, "--cmd", "server"}, work.paths().work_dir);
  EXPECT_EQ(no_port.status, (ExitStatus{false, 2}));
  EXPECT_EQ(
      no_port.stderr_text,
      "mcpgym-conform: [mcpgym.conform.bad_profile] command: 'server' has no {port}; the suite "
      "picks the port (write {port} where the server takes it, or give --url for a running "
      "server)\n");
  auto orphan = run_program({kConform, "--features", "slippery"}, work.paths().work_dir);
  EXPECT_EQ(orphan.status, (ExitStatus{false, 2}));
  EXPECT_EQ(orphan.stderr_text,
            "mcpgym-conform: [mcpgym.conform.bad_profile] --features describes an implementation: "
            "also give --cmd, --url or --stdio (without them the suite judges the reference "
            "programs)\n");
  // --game: a feature the named game lacks is a usage error naming the game's features.
  auto lacking = run_program(
      {kConform, "--url", "http://127.0.0.1:9/mcp", "--game", "cliffwalking", "--features", "8x8"},
      work.paths().work_dir);
  EXPECT_EQ(lacking.status, (ExitStatus{false, 2}));
  EXPECT_EQ(lacking.stderr_text,
            "mcpgym-conform: [mcpgym.conform.bad_profile] features: '8x8' does not exist for game "
            "cliffwalking (its features: slippery, truncation)\n");
}

TEST(ConformProgram, ListsEveryCheckWithItsRule) {
  TempWork work;
  auto listed = run_program({kConform, "--list"}, work.paths().work_dir);
  EXPECT_EQ(listed.status, (ExitStatus{false, 0}));
  std::size_t lines = 0;
  for (const Check& c : all_checks()) {
    ++lines;
    EXPECT_NE(
        listed.stdout_text.find(c.id + "  " + c.spec_id + " " + std::string(level_name(c.level))),
        std::string::npos)
        << c.id;
  }
  EXPECT_EQ(static_cast<std::size_t>(
                std::count(listed.stdout_text.begin(), listed.stdout_text.end(), '\n')),
            lines);
}

TEST(ConformProgram, AFieldBugFailsTheRunAndTheReportsSayWhich) {
  TempWork work;
  const fs::path reports = work.paths().work_dir / "reports";
  auto done = run_program(ignore_seed_run(reports), work.paths().work_dir);
  EXPECT_EQ(done.status, (ExitStatus{false, 1})) << done.stdout_text << done.stderr_text;
  EXPECT_NE(done.stdout_text.find("NOT conformant"), std::string::npos) << done.stdout_text;

  auto report = nlohmann::json::parse(slurp(reports / "report.json"));
  std::set<std::string> failed;
  for (const auto& r : report["results"]) {
    if (r["verdict"] == "fail") failed.insert(r["id"].get<std::string>());
  }
  EXPECT_TRUE(failed.count("determinism.seed-used")) << report.dump(2);
  EXPECT_FALSE(failed.count("lifecycle.ping"));
  EXPECT_EQ(report["summary"]["exit_status"], 1);
  const std::string junit = slurp(reports / "junit.xml");
  EXPECT_NE(junit.find("name=\"determinism.seed-used\""), std::string::npos) << junit;
  const std::string markdown = slurp(reports / "report.md");
  EXPECT_NE(markdown.find("determinism.seed-used"), std::string::npos) << markdown;
}

TEST(ConformProgram, ABaselineExcusesListedFailuresAndAStaleEntryFailsTheRun) {
  TempWork work;
  const fs::path reports = work.paths().work_dir / "reports";
  auto first = run_program(ignore_seed_run(reports), work.paths().work_dir);
  auto report = nlohmann::json::parse(slurp(reports / "report.json"));
  std::string yaml = "server:\n";
  for (const auto& r : report["results"]) {
    if (r["verdict"] == "fail" || r["verdict"] == "warn")
      yaml += "  - " + r["id"].get<std::string>() + "\n";
  }
  const fs::path baseline = work.paths().work_dir / "baseline.yml";
  std::ofstream(baseline) << yaml;
  auto args = ignore_seed_run(reports);
  args.insert(args.end(), {"--baseline", baseline.string()});
  auto excused = run_program(args, work.paths().work_dir);
  EXPECT_EQ(excused.status, (ExitStatus{false, 0})) << yaml << excused.stdout_text;

  std::ofstream(baseline, std::ios::app) << "  - lifecycle.ping   # passes: stale\n";
  auto stale = run_program(args, work.paths().work_dir);
  EXPECT_EQ(stale.status, (ExitStatus{false, 1})) << stale.stdout_text;
  EXPECT_NE(stale.stdout_text.find("lifecycle.ping"), std::string::npos) << stale.stdout_text;
}

// Every path the suite hands an implementation is absolute, so a relative
// --work-dir works as an absolute one does: here the reference proxy runs its
// {backend} in the launcher's own directory (--server-script, PROXY-006),
// where a relative --audit-dir would have put the audit somewhere else and
// failed every check that reads it.
TEST(ConformProgram, AProxyRunWithARelativeWorkDirPasses) {
  TempWork work;
  const fs::path cwd = work.paths().work_dir;
  auto done = run_program(
      {kConform, "--profile", "proxy", "--cmd",
       harness::template_word(kProxy) +
           " --port {port} --server-script {backend} --interpreter /bin/sh --max-envs 8",
       "--max-envs", "8", "--only",
       "proxy-forwarding.forwarded-headers,proxy-forwarding.session-per-backend,"
       "proxy-forwarding.own-session-ids,proxy-forwarding.seed-reaches-backend,"
       "proxy-forwarding.methods-from-backend",
       "--work-dir", "rel/work", "--report-dir", "rel/reports"},
      cwd / "logs", std::chrono::seconds(300), cwd);
  EXPECT_EQ(done.status, (ExitStatus{false, 0})) << done.stdout_text << done.stderr_text;
  auto report = nlohmann::json::parse(slurp(cwd / "rel/reports/report.json"));
  ASSERT_EQ(report["results"].size(), 5U) << report.dump(2);
  for (const auto& r : report["results"])
    EXPECT_EQ(r["verdict"], "pass") << r.dump(2);
  const std::string launcher = slurp(cwd / "rel/work/backend/mcpgym-audited-backend.sh");
  EXPECT_NE(launcher.find("--audit-dir '" + (cwd / "rel/work/audit").string() + "'"),
            std::string::npos)
      << launcher;
  std::size_t audits = 0;
  for (const auto& entry : fs::directory_iterator(cwd / "rel/work/audit"))
    audits += entry.path().extension() == ".jsonl";
  EXPECT_GE(audits, 5U);
}

TEST(ConformGtestProgram, RunsEachCheckAsAGoogleTestTest) {
  TempWork work;
  const fs::path xml = work.paths().work_dir / "gtest.xml";
  auto done =
      run_program({(bin_dir() / "mcpgym-conform-gtest").string(), "--profile", "backend", "--cmd",
                   kBackend + " --port {port} --fault ignore-seed", "--control-plane", "both",
                   "--features", "slippery,truncation,gymnasium-maps,8x8", "--only",
                   "lifecycle.ping,determinism.seed-used", "--gtest_output=xml:" + xml.string()},
                  work.paths().work_dir);
  EXPECT_EQ(done.status, (ExitStatus{false, 1})) << done.stdout_text;
  EXPECT_NE(done.stdout_text.find("[       OK ] lifecycle.ping"), std::string::npos)
      << done.stdout_text;
  EXPECT_NE(done.stdout_text.find("[  FAILED  ] determinism.seed-used"), std::string::npos)
      << done.stdout_text;
  EXPECT_NE(slurp(xml).find("name=\"seed-used\""), std::string::npos);
}

}  // namespace
}  // namespace mcpgym::conformance
