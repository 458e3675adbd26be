#pragma once
// The spawner thread: every fork of the supervisor happens on one thread that
// lives as long as the process. Linux sends PR_SET_PDEATHSIG when the *thread*
// that forked the child exits, not the process, so a keeper forked from a
// short-lived worker thread would take its implementation down when that
// thread ends.
#include <functional>

namespace mcpgym::harness::internal {

// Runs `job` on the spawner thread (started on first use) and waits for it.
void run_on_spawner_thread(const std::function<void()>& job);

}  // namespace mcpgym::harness::internal
