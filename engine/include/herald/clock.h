// The clock seam: every instant herald stamps or waits for comes from a Clock,
// so tests and simulations can run a day of windows in a second.
#ifndef HERALD_CLOCK_H_
#define HERALD_CLOCK_H_

#include <atomic>
#include <cstdint>

#include "absl/time/time.h"

namespace herald {

class Clock {
 public:
  virtual ~Clock() = default;

  // The current instant. Thread-safe.
  virtual absl::Time Now() const = 0;

  // Returns once Now() >= `t`, at once when it already is, or soon (within
  // a tenth of a second) after `*interrupt` becomes true; `interrupt` may be
  // null.
  virtual void SleepUntil(absl::Time t, const std::atomic<bool>* interrupt) = 0;
};

// The system's wall clock. The returned object lives forever.
Clock* RealClock();

// A clock that stands still until told to move and jumps over idle time:
// SleepUntil(t) returns at once with the clock at `t`. This is how a whole
// day of send windows runs in seconds (`herald run --clock virtual`), and how
// tests pin the time. Thread-safe; time never goes back.
class VirtualClock : public Clock {
 public:
  explicit VirtualClock(absl::Time start) : nanos_(absl::ToUnixNanos(start)) {}

  absl::Time Now() const override {
    return absl::FromUnixNanos(nanos_.load(std::memory_order_acquire));
  }
  void SleepUntil(absl::Time t, const std::atomic<bool>* interrupt) override;

 private:
  std::atomic<int64_t> nanos_;  // since the Unix epoch
};

}  // namespace herald

#endif  // HERALD_CLOCK_H_
