#pragma once
// Burst admission for backend starts. A rollout opens all its environments at
// once; starting every backend at the same moment overloads the machine (the
// load average reached 80 to 120 on 2 cores for 128 starts) until backends
// miss their readiness deadline. The queue bounds how many backends start at
// once; every other initialize waits in line, first come first served, within
// its own deadline, and a backend's readiness deadline only begins when it
// leaves the queue.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace mcpgym::proxy {

// What the queue reports to its log: when a wait begins a queue, and when the
// queue has drained again, with its peak and longest wait.
struct StartQueueEvent {
  enum class Kind { kQueued, kDrained };
  Kind kind = Kind::kQueued;
  int starting = 0;  // backends starting now
  int waiting = 0;   // initializes waiting in line now (kQueued) or at the peak (kDrained)
  int waited = 0;    // kDrained: initializes that waited since the queue formed
  std::chrono::milliseconds longest_wait{0};  // kDrained
};

// One line for the proxy's log.
std::string describe(const StartQueueEvent& event, int slots);

class StartQueue {
 public:
  using Clock = std::chrono::steady_clock;

  // At most `slots` (>= 1) starts at once; `report` is called, under no lock
  // of the queue's, for each event.
  explicit StartQueue(int slots, std::function<void(const StartQueueEvent&)> report = {});
  StartQueue(const StartQueue&) = delete;
  StartQueue& operator=(const StartQueue&) = delete;

  // Held while a backend starts; frees its slot (to the first in line) when it goes.
  class Slot {
   public:
    explicit Slot(StartQueue* queue) : queue_(queue) {}
    Slot(Slot&& other) noexcept : queue_(std::exchange(other.queue_, nullptr)) {}
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (queue_ != nullptr) queue_->release();
    }

   private:
    StartQueue* queue_;
  };

  // A slot, at once or after waiting in line; nullopt when `deadline` passed first.
  std::optional<Slot> enter(Clock::time_point deadline);

  int slots() const { return slots_; }
  int starting() const;
  int waiting() const;

 private:
  struct Waiter {
    std::condition_variable woken;
    bool granted = false;
    Clock::time_point began = Clock::now();
  };
  void release();
  // Under mutex_: `waiter` has left the line (granted or given up); a drained
  // event when the line is now empty.
  std::optional<StartQueueEvent> left_line_locked(const Waiter& waiter);
  void emit(const std::optional<StartQueueEvent>& event) const;

  const int slots_;
  std::function<void(const StartQueueEvent&)> report_;
  mutable std::mutex mutex_;
  int starting_ = 0;
  std::deque<std::shared_ptr<Waiter>> line_;
  // Since the line last formed (for the drained event).
  int peak_ = 0;
  int waited_ = 0;
  std::chrono::milliseconds longest_{0};
};

}  // namespace mcpgym::proxy
