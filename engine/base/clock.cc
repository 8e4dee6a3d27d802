#include "herald/clock.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <utility>

#include "absl/time/clock.h"

namespace herald {
namespace {

// How often a sleeper looks at its interrupt flag.
constexpr absl::Duration kInterruptCheck = absl::Milliseconds(100);

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
  absl::Duration RealWaitUntil(absl::Time t) override {
    return std::max(t - absl::Now(), absl::ZeroDuration());
  }
};

}  // namespace

Clock* RealClock() {
  static SystemClock* clock = new SystemClock;
  return clock;
}

void VirtualClock::SleepUntil(absl::Time t,
                              const std::atomic<bool>* /*interrupt*/) {
  // Rounded up: the clock counts whole nanoseconds, and a sleeper must wake
  // with Now() >= t even when `t` holds a fraction of one.
  int64_t target = absl::ToUnixNanos(t);
  if (absl::FromUnixNanos(target) < t &&
      target < std::numeric_limits<int64_t>::max()) {
    ++target;
  }
  int64_t now = nanos_.load(std::memory_order_acquire);
  while (now < target && !nanos_.compare_exchange_weak(
                             now, target, std::memory_order_acq_rel)) {
  }
}

absl::Duration VirtualClock::RealWaitUntil(absl::Time t) {
  SleepUntil(t, nullptr);
  return absl::ZeroDuration();
}

class ManualClock::WatchHandle : public ClockWatch {
 public:
  WatchHandle(ManualClock* clock, std::list<std::function<void()>>::iterator it)
      : clock_(clock), it_(it) {}
  ~WatchHandle() override {
    std::lock_guard lock(clock_->watches_mu_);
    clock_->watches_.erase(it_);
  }

 private:
  ManualClock* const clock_;
  const std::list<std::function<void()>>::iterator it_;
};

absl::Time ManualClock::Now() const {
  std::lock_guard lock(mu_);
  return now_;
}

void ManualClock::SleepUntil(absl::Time t, const std::atomic<bool>* interrupt) {
  std::unique_lock lock(mu_);
  while (now_ < t && (interrupt == nullptr || !interrupt->load())) {
    moved_.wait_for(lock, absl::ToChronoMilliseconds(kInterruptCheck));
  }
}

absl::Duration ManualClock::RealWaitUntil(absl::Time t) {
  return Now() >= t ? absl::ZeroDuration() : absl::InfiniteDuration();
}

std::unique_ptr<ClockWatch> ManualClock::Watch(std::function<void()> moved) {
  std::lock_guard lock(watches_mu_);
  watches_.push_back(std::move(moved));
  return std::make_unique<WatchHandle>(this, std::prev(watches_.end()));
}

void ManualClock::AdvanceTo(absl::Time t) {
  {
    std::lock_guard lock(mu_);
    if (t <= now_) return;
    now_ = t;
  }
  moved_.notify_all();
  std::lock_guard lock(watches_mu_);
  for (const std::function<void()>& moved : watches_) moved();
}

}  // namespace herald
