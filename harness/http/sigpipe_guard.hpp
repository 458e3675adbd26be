#pragma once
#include <signal.h>

namespace mcpgym::harness {

// Blocks SIGPIPE on this thread for its lifetime and swallows one raised
// meanwhile, so writing to a peer that went away is an error value, not the
// death of the harness; the process-wide disposition is never touched.
class SigpipeGuard {
 public:
  SigpipeGuard();
  ~SigpipeGuard();
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t old_mask_;
  bool was_pending_ = false;
};

}  // namespace mcpgym::harness
