#include "scheduler/clock.h"

#include "absl/time/clock.h"

namespace herald {
namespace {

class SystemClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace

Clock* RealClock() {
  static SystemClock* clock = new SystemClock;
  return clock;
}

}  // namespace herald
