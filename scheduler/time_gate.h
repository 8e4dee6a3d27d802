// When sending is allowed, as a function of absolute time.
//
// Every timing rule of a broadcast (a recipient's local window, a schedule, a
// state's calling hours) is a TimeGate: open or closed at each instant, with
// the next opening and closing computable. Rules combine with AllOf (every
// one must allow) and AnyOf (one is enough, as several schedules are).
//
// Rules are stated in civil (wall-clock) time in some zone; a gate is open at
// an instant when the zone's wall clock at that instant satisfies the rule.
// So a 09:00 opening on a spring-forward day whose 02:00-03:00 does not exist
// behaves as people expect, and a window the clocks fall back out of closes
// and reopens with them.
#ifndef HERALD_SCHEDULER_TIME_GATE_H_
#define HERALD_SCHEDULER_TIME_GATE_H_

#include <memory>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "scheduler/time_of_day.h"

namespace herald {

class TimeGate {
 public:
  virtual ~TimeGate() = default;

  // True when sending is allowed at `t`.
  virtual bool IsOpen(absl::Time t) const = 0;

  // The first instant >= `t` at which the gate is open: `t` itself when it
  // is open. absl::InfiniteFuture() when it never opens again (within a
  // horizon of a few weeks past `t`, for rules that repeat).
  virtual absl::Time NextOpen(absl::Time t) const = 0;

  // The first instant > `t` at which the gate is closed, `t` being an open
  // instant. absl::InfiniteFuture() when it stays open.
  virtual absl::Time NextClose(absl::Time t) const = 0;
};

// Days of the week as a bit set: bit (int)absl::Weekday::monday ... sunday.
using WeekdaySet = uint8_t;
constexpr WeekdaySet kEveryDay = 0x7F;
constexpr WeekdaySet WeekdayBit(absl::Weekday day) {
  return static_cast<WeekdaySet>(1u << static_cast<int>(day));
}

// A window of wall-clock time [begin, end) repeated on the allowed days in
// one zone. `end` before `begin` crosses midnight (22:00-06:00), and such a
// window belongs to the day it opens on; `end` equal to `begin` is the 24
// hours from `begin` (00:00-00:00: the whole day). Holidays and days not in
// `days` have no window opening on them.
struct DailyWindowRule {
  TimeOfDay begin;
  TimeOfDay end;  // exclusive
  WeekdaySet days = kEveryDay;
  std::vector<absl::CivilDay> holidays;  // closed all day (sorted)
  // The rule's dates: closed before `first_day` and after `last_day`.
  absl::CivilDay first_day = absl::CivilDay(1970, 1, 1);
  absl::CivilDay last_day = absl::CivilDay(9999, 12, 31);
};

// The gate of `rule` in `zone`.
std::unique_ptr<TimeGate> DailyWindowGate(DailyWindowRule rule,
                                          absl::TimeZone zone);

// Open when every one of `gates` is open; open always when there are none.
std::unique_ptr<TimeGate> AllOf(std::vector<std::unique_ptr<TimeGate>> gates);

// Open when any of `gates` is open; never open when there are none.
std::unique_ptr<TimeGate> AnyOf(std::vector<std::unique_ptr<TimeGate>> gates);

}  // namespace herald

#endif  // HERALD_SCHEDULER_TIME_GATE_H_
