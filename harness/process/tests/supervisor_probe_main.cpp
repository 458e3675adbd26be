// harness_supervisor_probe LOG_DIR [COMMAND]: launches COMMAND (a command
// template, default `sleep 1000`, ready at once) through launch() from a thread
// that then ends, prints "child <pid>" on stdout and sleeps until it is killed.
// The orphan tests kill it with SIGKILL and check that the child, and all that
// the child started, die too: not with the launching thread but with the process.
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "harness/process/supervisor.hpp"

int main(int argc, char** argv) {
  using namespace mcpgym::harness;
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: harness_supervisor_probe LOG_DIR [COMMAND]\n");
    return 2;
  }
  LaunchSpec spec;
  spec.command = argc == 3 ? argv[2] : "sleep 1000";
  spec.log_directory = argv[1];
  spec.name = "probe-child";
  spec.readiness.kind = ReadinessKind::kNone;
  std::unique_ptr<Process> child;
  std::string error;
  std::thread([&] {
    auto launched = launch(spec);
    if (launched) {
      child = std::move(*launched);
    } else {
      error = launched.error();
    }
  }).join();
  if (!child) {
    std::fprintf(stderr, "harness_supervisor_probe: %s\n", error.c_str());
    return 1;
  }
  std::printf("child %d\n", static_cast<int>(child->pid()));
  std::fflush(stdout);
  for (;;)
    ::pause();  // until killed; the child must not outlive us
}
