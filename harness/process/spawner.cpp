#include "harness/process/spawner.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>

#include "harness/process/quiet_thread.hpp"

namespace mcpgym::harness::internal {

namespace {

class Spawner {
 public:
  static Spawner& instance() {
    // Never destroyed: the thread must outlive every child, so it runs until
    // the process ends (reachable through this pointer, so no leak report).
    static Spawner* const spawner = new Spawner();
    return *spawner;
  }

  // Runs `job` on the spawner thread and waits for it.
  void run(const std::function<void()>& job) {
    Job entry{&job, false};
    std::unique_lock lock(mu_);
    queue_.push_back(&entry);
    work_.notify_one();
    done_.wait(lock, [&] { return entry.done; });
  }

 private:
  struct Job {
    const std::function<void()>* fn;
    bool done;
  };

  Spawner() {
    start_quiet_thread([this] { loop(); }).detach();
  }

  [[noreturn]] void loop() {
    for (;;) {
      std::unique_lock lock(mu_);
      work_.wait(lock, [&] { return !queue_.empty(); });
      Job* job = queue_.front();
      queue_.pop_front();
      lock.unlock();
      (*job->fn)();
      lock.lock();
      job->done = true;
      done_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable work_;
  std::condition_variable done_;
  std::deque<Job*> queue_;
};

}  // namespace

void run_on_spawner_thread(const std::function<void()>& job) {
  Spawner::instance().run(job);
}

}  // namespace mcpgym::harness::internal
