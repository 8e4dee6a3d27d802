// A token bucket: a rate in units per second and a burst (the most units it
// holds), kept in exact integer arithmetic so that any run, however long,
// admits exactly what the rate allows.
#ifndef HERALD_RATELIMIT_TOKEN_BUCKET_H_
#define HERALD_RATELIMIT_TOKEN_BUCKET_H_

#include <cstdint>

#include "absl/time/time.h"

namespace herald {

// Units are whatever the owner counts (messages, segments). Time only moves
// through the `now` arguments; an instant earlier than one already seen is
// treated as that one, so a clock that steps back cannot mint units.
//
// Guarantee, for requests no larger than the burst: the units taken in any
// interval of length d never exceed burst + rate * d. A request larger than
// the burst (a 12-segment text on a burst of 10) is admitted when the bucket
// is full and leaves it in debt, so it cannot wait forever and the long-run
// rate still holds: then the bound is max(burst, largest request) + rate * d.
//
// A value type; not thread-safe.
class TokenBucket {
 public:
  // Bounds that keep the arithmetic within 64 bits: the most units a bucket
  // holds or a request takes, and the highest rate (units/s).
  static constexpr int kMaxUnits = 1000000;
  static constexpr double kMaxRate = 1e6;
  // Rates are kept in thousandths of a unit per second; a positive rate below
  // this becomes this.
  static constexpr double kRateResolution = 0.001;

  // `rate` in units/s; 0 means unlimited (every request is admitted at once).
  // `burst` is clamped to [1, kMaxUnits], `rate` to [0, kMaxRate]. The bucket
  // starts full.
  TokenBucket(double rate, int burst);

  // The rate as kept (rounded to kRateResolution); 0 when unlimited.
  double rate() const;
  int burst() const { return burst_; }

  // Changes the rate from `now` on; what accrued until `now` at the old rate
  // is kept, clamped to the burst as always.
  void SetRate(double rate, absl::Time now);

  // The earliest instant, at or after `now`, at which TryTake(units) will
  // succeed if nothing else is taken before. Calling TryTake at exactly that
  // instant succeeds. 0 <= units <= kMaxUnits.
  absl::Time WhenAvailable(int units, absl::Time now) const;

  // Takes `units` if WhenAvailable(units, now) <= now and returns true;
  // otherwise changes nothing and returns false. 0 <= units <= kMaxUnits.
  bool TryTake(int units, absl::Time now);

 private:
  // The fill level at an instant, in picounits (1e-12 unit), and the instant
  // it is exact at: accrual moves in whole nanoseconds, and the fraction of
  // a nanosecond not yet credited stays in the difference to `now`.
  struct Level {
    int64_t picounits;
    absl::Time as_of;
  };
  Level LevelAt(absl::Time now) const;
  int64_t NeededPicounits(int units) const;

  // A rate of r thousandths of a unit per second accrues exactly r picounits
  // per nanosecond: no division, so no rounding, ever.
  int64_t milli_rate_;
  int burst_;
  int64_t capacity_;  // picounits
  int64_t level_;     // picounits at as_of_; negative while in debt
  absl::Time as_of_ = absl::InfinitePast();
};

}  // namespace herald

#endif  // HERALD_RATELIMIT_TOKEN_BUCKET_H_
