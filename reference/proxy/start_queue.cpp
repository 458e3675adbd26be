#include "reference/proxy/start_queue.hpp"

#include <algorithm>
#include <utility>

namespace mcpgym::proxy {

std::string describe(const StartQueueEvent& event, int slots) {
  const std::string limit = " (--max-starting " + std::to_string(slots) + ")";
  if (event.kind == StartQueueEvent::Kind::kQueued) {
    return "backend starts queued: " + std::to_string(event.starting) + " starting, " +
           std::to_string(event.waiting) + " initialize(s) waiting" + limit;
  }
  return "backend start queue drained: " + std::to_string(event.waited) +
         " initialize(s) waited, at most " + std::to_string(event.waiting) +
         " at once, the longest " + std::to_string(event.longest_wait.count()) + " ms" + limit;
}

StartQueue::StartQueue(int slots, std::function<void(const StartQueueEvent&)> report)
    : slots_(std::max(slots, 1)), report_(std::move(report)) {}

int StartQueue::starting() const {
  std::lock_guard lock(mutex_);
  return starting_;
}

int StartQueue::waiting() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(line_.size());
}

std::optional<StartQueue::Slot> StartQueue::enter(Clock::time_point deadline) {
  std::optional<StartQueueEvent> queued;
  auto waiter = std::make_shared<Waiter>();
  std::unique_lock lock(mutex_);
  // A free slot goes to the first in line, never past it.
  if (starting_ < slots_ && line_.empty()) {
    ++starting_;
    return Slot(this);
  }
  if (line_.empty()) {
    peak_ = 0;
    waited_ = 0;
    longest_ = std::chrono::milliseconds(0);
    queued = StartQueueEvent{StartQueueEvent::Kind::kQueued, starting_, 1, 0, {}};
  }
  line_.push_back(waiter);
  peak_ = std::max(peak_, static_cast<int>(line_.size()));
  ++waited_;
  if (queued) {
    lock.unlock();
    emit(queued);
    lock.lock();
  }
  waiter->woken.wait_until(lock, deadline, [&] { return waiter->granted; });
  // release() took a granted waiter out of the line itself.
  if (waiter->granted) return Slot(this);
  line_.erase(std::find(line_.begin(), line_.end(), waiter));
  auto drained = left_line_locked(*waiter);
  lock.unlock();
  emit(drained);
  return std::nullopt;
}

void StartQueue::release() {
  std::optional<StartQueueEvent> drained;
  {
    std::lock_guard lock(mutex_);
    if (line_.empty()) {
      --starting_;
      return;
    }
    // The slot passes straight to the first in line: starting_ stays.
    std::shared_ptr<Waiter> next = line_.front();
    line_.pop_front();
    next->granted = true;
    next->woken.notify_one();
    drained = left_line_locked(*next);
  }
  emit(drained);
}

std::optional<StartQueueEvent> StartQueue::left_line_locked(const Waiter& waiter) {
  longest_ = std::max(
      longest_, std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - waiter.began));
  if (!line_.empty()) return std::nullopt;
  return StartQueueEvent{StartQueueEvent::Kind::kDrained, starting_, peak_, waited_, longest_};
}

void StartQueue::emit(const std::optional<StartQueueEvent>& event) const {
  if (event && report_) report_(*event);
}

}  // namespace mcpgym::proxy
