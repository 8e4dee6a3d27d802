// The clock seam: every instant herald stamps or waits for comes from a Clock,
// so tests and simulations can run a day of windows in a second.
#ifndef HERALD_SCHEDULER_CLOCK_H_
#define HERALD_SCHEDULER_CLOCK_H_

#include "absl/time/time.h"

namespace herald {

class Clock {
 public:
  virtual ~Clock() = default;
  // The current instant. Thread-safe.
  virtual absl::Time Now() const = 0;
};

// The system's wall clock. The returned object lives forever.
Clock* RealClock();

// A clock stopped at one instant; for tests.
class ManualClock : public Clock {
 public:
  explicit ManualClock(absl::Time now) : now_(now) {}
  absl::Time Now() const override { return now_; }

 private:
  const absl::Time now_;
};

}  // namespace herald

#endif  // HERALD_SCHEDULER_CLOCK_H_
