// The clock seam: every instant herald stamps or waits for comes from a Clock,
// so tests and simulations can run a day of windows in a second.
#ifndef HERALD_CLOCK_H_
#define HERALD_CLOCK_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>

#include "absl/time/time.h"

namespace herald {

// Ends a Clock::Watch when destroyed.
class ClockWatch {
 public:
  virtual ~ClockWatch() = default;
};

class Clock {
 public:
  virtual ~Clock() = default;

  // The current instant. Thread-safe.
  virtual absl::Time Now() const = 0;

  // Returns once Now() >= `t`, at once when it already is, or soon (within
  // a tenth of a second) after `*interrupt` becomes true; `interrupt` may be
  // null.
  virtual void SleepUntil(absl::Time t, const std::atomic<bool>* interrupt) = 0;

  // For a loop that must not block in SleepUntil (an Asio thread, which
  // waits on timers of its own): how long, in real time, it should wait for
  // instant `t` before it reads Now() again. Zero when `t` has come. It may
  // also look again whenever a Watch below calls it back. Thread-safe.
  virtual absl::Duration RealWaitUntil(absl::Time t) = 0;

  // Calls `moved` each time the clock is moved by a call rather than by real
  // time passing, on the thread that moved it; `moved` must not block or
  // call into this clock (post to your loop instead). Once the returned
  // watch is destroyed, `moved` is not called again and no call is under
  // way. Null for a clock that only real time moves. Thread-safe.
  virtual std::unique_ptr<ClockWatch> Watch(std::function<void()> moved) {
    (void)moved;
    return nullptr;
  }
};

// The system's wall clock. The returned object lives forever.
Clock* RealClock();

// A clock that stands still until told to move and jumps over idle time:
// SleepUntil(t) and RealWaitUntil(t) return at once with the clock at `t`.
// This is how a whole day of send windows runs in seconds (`herald run
// --clock virtual`), a provider's lanes included, and how tests pin the time.
// Thread-safe; time never goes back.
class VirtualClock : public Clock {
 public:
  explicit VirtualClock(absl::Time start) : nanos_(absl::ToUnixNanos(start)) {}

  absl::Time Now() const override {
    return absl::FromUnixNanos(nanos_.load(std::memory_order_acquire));
  }
  void SleepUntil(absl::Time t, const std::atomic<bool>* interrupt) override;
  absl::Duration RealWaitUntil(absl::Time t) override;

 private:
  std::atomic<int64_t> nanos_;  // since the Unix epoch
};

// A clock that moves only when its owner moves it, for tests that step
// through time: a broadcast waiting for its window sleeps until the test
// moves the clock past the opening; a provider's lane or a webhook's back-off
// waits until the test moves it on, then fires. Thread-safe; time never goes
// back.
class ManualClock : public Clock {
 public:
  explicit ManualClock(absl::Time start) : now_(start) {}

  absl::Time Now() const override;
  // Wakes when the clock is moved to `t` or later, or on `*interrupt`.
  void SleepUntil(absl::Time t, const std::atomic<bool>* interrupt) override;
  // Zero once `t` has come, else InfiniteDuration: only a move brings it.
  absl::Duration RealWaitUntil(absl::Time t) override;
  std::unique_ptr<ClockWatch> Watch(std::function<void()> moved) override;

  // Moves the clock to `t` (nowhere when `t` is not later), wakes the
  // sleepers whose instant came and calls the watches.
  void AdvanceTo(absl::Time t);
  void Advance(absl::Duration d) { AdvanceTo(Now() + d); }

 private:
  class WatchHandle;

  mutable std::mutex mu_;
  std::condition_variable moved_;
  absl::Time now_;  // guarded by mu_
  // Held while the watches are called, so that a watch ending waits for its
  // call under way.
  std::mutex watches_mu_;
  std::list<std::function<void()>> watches_;  // guarded by watches_mu_
};

}  // namespace herald

#endif  // HERALD_CLOCK_H_
