#pragma once
#include <functional>
#include <thread>

namespace mcpgym {

// Turns SIGTERM and SIGINT into a callback run on a dedicated thread, where it
// may take locks and stop servers (a plain signal handler may do neither).
// Construct it before starting any other thread: the signals are blocked in the
// constructing thread and every thread created after it.
class TerminationSignals {
 public:
  explicit TerminationSignals(std::function<void(int signal)> on_signal);
  ~TerminationSignals();
  TerminationSignals(const TerminationSignals&) = delete;
  TerminationSignals& operator=(const TerminationSignals&) = delete;

 private:
  std::function<void(int)> on_signal_;
  std::thread watcher_;
};

}  // namespace mcpgym
