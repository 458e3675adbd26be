#pragma once
// Threads that never take asynchronous signals (those belong to whoever waits
// for them, e.g. TerminationSignals); faults still reach their handlers.
#include <pthread.h>
#include <signal.h>

#include <thread>
#include <utility>

namespace mcpgym::harness::internal {

template <class F>
std::thread start_quiet_thread(F&& body) {
  sigset_t quiet;
  sigset_t old;
  ::sigfillset(&quiet);
  for (const int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS}) {
    ::sigdelset(&quiet, sig);
  }
  ::pthread_sigmask(SIG_SETMASK, &quiet, &old);
  struct Restore {
    sigset_t* mask;
    ~Restore() { ::pthread_sigmask(SIG_SETMASK, mask, nullptr); }
  } restore{&old};
  return std::thread(std::forward<F>(body));
}

}  // namespace mcpgym::harness::internal
