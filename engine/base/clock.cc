#include "herald/clock.h"

#include <algorithm>

#include "absl/time/clock.h"

namespace herald {
namespace {

class SystemClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  void SleepUntil(absl::Time t, const std::atomic<bool>* interrupt) override {
    for (absl::Duration left = t - absl::Now(); left > absl::ZeroDuration();
         left = t - absl::Now()) {
      if (interrupt != nullptr && interrupt->load()) return;
      absl::SleepFor(std::min(left, kInterruptCheck));
    }
  }

 private:
  static constexpr absl::Duration kInterruptCheck = absl::Milliseconds(100);
};

}  // namespace

Clock* RealClock() {
  static SystemClock* clock = new SystemClock;
  return clock;
}

void VirtualClock::SleepUntil(absl::Time t,
                              const std::atomic<bool>* /*interrupt*/) {
  const int64_t target = absl::ToUnixNanos(t);
  int64_t now = nanos_.load(std::memory_order_acquire);
  while (now < target && !nanos_.compare_exchange_weak(
                             now, target, std::memory_order_acq_rel)) {
  }
}

}  // namespace herald
