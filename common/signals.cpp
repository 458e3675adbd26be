#include "common/signals.hpp"

#include <pthread.h>
#include <signal.h>

#include <atomic>

namespace mcpgym {

namespace {
sigset_t termination_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}
// The destructor wakes the watcher with SIGTERM aimed at it alone; this flag
// tells the watcher that this wake-up is not a real request to terminate.
std::atomic<bool> g_shutting_down{false};
}  // namespace

TerminationSignals::TerminationSignals(std::function<void(int)> on_signal)
    : on_signal_(std::move(on_signal)) {
  g_shutting_down = false;
  sigset_t set = termination_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  watcher_ = std::thread([this] {
    sigset_t waited = termination_set();
    int signal = 0;
    while (sigwait(&waited, &signal) == 0) {
      if (g_shutting_down) return;
      on_signal_(signal);
    }
  });
}

TerminationSignals::~TerminationSignals() {
  g_shutting_down = true;
  pthread_kill(watcher_.native_handle(), SIGTERM);
  watcher_.join();
}

}  // namespace mcpgym
