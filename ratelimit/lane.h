// A lane: one place requests queue up behind a provider's limits (a provider
// account, or one sender number within it). It paces by messages/s and
// segments/s, caps requests in flight, and pauses when the provider throttles.
#ifndef HERALD_RATELIMIT_LANE_H_
#define HERALD_RATELIMIT_LANE_H_

#include <optional>

#include "absl/time/time.h"
#include "ratelimit/token_bucket.h"

namespace herald {

// A lane's limits as configured. Zero means unlimited.
struct LaneLimits {
  double messages_per_second = 0;
  double segments_per_second = 0;
  // The capacity of each bucket in its own units: with a burst of 5 an idle
  // lane may start 5 messages at once, if they total at most 5 segments.
  int burst = 1;
  int max_active = 0;  // requests in flight
  // Halve the rates on throttling and win them back slowly (see Lane).
  bool adaptive = false;
};

// Without Retry-After, the n-th throttle in a row pauses the lane for
// kFirstBackoff * 2^(n-1), at most kMaxBackoff.
inline constexpr absl::Duration kFirstBackoff = absl::Seconds(1);
inline constexpr absl::Duration kMaxBackoff = absl::Seconds(60);

// Adaptive mode runs the buckets at a percentage of the configured rates: a
// throttle halves it (not below kAdaptiveFloorPercent), and each
// kAdaptiveQuietPeriod without one adds kAdaptiveStepPercent, up to 100.
inline constexpr int kAdaptiveFloorPercent = 10;
inline constexpr int kAdaptiveStepPercent = 10;
inline constexpr absl::Duration kAdaptiveQuietPeriod = absl::Seconds(10);

// The caller keeps the order: it holds the lane's texts in a FIFO, asks for
// the head's NextSendTime, and sends only the head. A throttled text goes back
// to the head, so after the pause it is the first to go. Requests already in
// flight when a throttle arrives may still be answered out of order; a lane
// that must never reorder uses max_active 1.
//
// Every request that TryAcquire admits must end in exactly one of OnSuccess,
// OnThrottled or OnFailure, which is how the lane counts requests in flight.
//
// A throttle pauses the lane: for the Retry-After if the provider sent one
// (exactly that long, however long that is), else for the exponential
// back-off. Until a request succeeds after the pause, the lane lets one
// request at a time through, so a provider that is still overloaded sees one
// probe per pause rather than a burst. Answers that arrive while the lane is
// paused came from requests sent before the throttle: a throttle then may
// lengthen the pause to its Retry-After but neither doubles the back-off nor
// cuts the rate again, and a success does not end the recovery.
//
// Tokens spent on a throttled request are not refunded: the provider may well
// have counted it.
//
// Not thread-safe.
class Lane {
 public:
  explicit Lane(const LaneLimits& limits);

  const LaneLimits& limits() const { return limits_; }

  // The earliest instant, at or after `now`, at which a request of `messages`
  // messages and `segments` segments may start; InfiniteFuture while the
  // in-flight cap is reached, as only an answer can lift it.
  absl::Time NextSendTime(int messages, int segments, absl::Time now) const;

  // Starts the request if NextSendTime(messages, segments, now) <= now:
  // takes its tokens, counts it in flight and returns true. Otherwise changes
  // nothing and returns false.
  bool TryAcquire(int messages, int segments, absl::Time now);

  // The provider accepted the request.
  void OnSuccess(absl::Time now);

  // The provider throttled the request (HTTP 429, or a throttling error in
  // its answer), with the Retry-After it gave, if any.
  void OnThrottled(std::optional<absl::Duration> retry_after, absl::Time now);

  // The request ended with an answer that says nothing about the rate: a
  // network error, a rejected number, a server error.
  void OnFailure();

  int active() const { return active_; }
  // InfinitePast when the lane has never been paused.
  absl::Time paused_until() const { return paused_until_; }
  bool recovering() const { return recovering_; }
  // The rates the buckets run at now; below the configured ones only in
  // adaptive mode after throttling.
  double messages_per_second() const { return messages_.rate(); }
  double segments_per_second() const { return segments_.rate(); }
  int rate_percent() const { return rate_percent_; }

 private:
  void SetRatePercent(int percent, absl::Time now);

  LaneLimits limits_;
  TokenBucket messages_;
  TokenBucket segments_;
  int active_ = 0;
  absl::Time paused_until_ = absl::InfinitePast();
  int throttles_in_a_row_ = 0;
  bool recovering_ = false;
  int rate_percent_ = 100;
  // The last cut or step of rate_percent_; creeping up counts from here.
  absl::Time rate_changed_at_ = absl::InfinitePast();
};

}  // namespace herald

#endif  // HERALD_RATELIMIT_LANE_H_
