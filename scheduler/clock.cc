#include "scheduler/clock.h"

#include "absl/time/clock.h"

namespace herald {
namespace {

class SystemClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  void SleepUntil(absl::Time t) override {
    for (absl::Duration left = t - absl::Now(); left > absl::ZeroDuration();
         left = t - absl::Now()) {
      absl::SleepFor(left);
    }
  }
};

}  // namespace

Clock* RealClock() {
  static SystemClock* clock = new SystemClock;
  return clock;
}

void VirtualClock::SleepUntil(absl::Time t) {
  const int64_t target = absl::ToUnixNanos(t);
  int64_t now = nanos_.load(std::memory_order_acquire);
  while (now < target && !nanos_.compare_exchange_weak(
                             now, target, std::memory_order_acq_rel)) {
  }
}

}  // namespace herald
