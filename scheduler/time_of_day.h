// A wall-clock time of day, apart from any zone or date.
#ifndef HERALD_SCHEDULER_TIME_OF_DAY_H_
#define HERALD_SCHEDULER_TIME_OF_DAY_H_

namespace herald {

// Second precision. Kept apart from absl::Time on purpose: it names no
// instant until a zone and a day are given.
struct TimeOfDay {
  int hour = 0;
  int minute = 0;
  int second = 0;

  int SecondsOfDay() const { return (hour * 60 + minute) * 60 + second; }
  friend bool operator==(const TimeOfDay&, const TimeOfDay&) = default;
};

}  // namespace herald

#endif  // HERALD_SCHEDULER_TIME_OF_DAY_H_
