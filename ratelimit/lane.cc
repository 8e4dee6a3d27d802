#include "ratelimit/lane.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "absl/time/time.h"

namespace herald {

Lane::Lane(const LaneLimits& limits)
    : limits_(limits),
      messages_(limits.messages_per_second, limits.burst),
      segments_(limits.segments_per_second, limits.burst) {}

absl::Time Lane::NextSendTime(int messages, int segments,
                              absl::Time now) const {
  const int max_active = recovering_ ? 1 : limits_.max_active;
  if (max_active > 0 && active_ >= max_active) return absl::InfiniteFuture();
  return std::max({now, paused_until_, messages_.WhenAvailable(messages, now),
                   segments_.WhenAvailable(segments, now)});
}

bool Lane::TryAcquire(int messages, int segments, absl::Time now) {
  if (NextSendTime(messages, segments, now) > now) return false;
  messages_.TryTake(messages, now);
  segments_.TryTake(segments, now);
  ++active_;
  return true;
}

void Lane::OnSuccess(absl::Time now) {
  --active_;
  if (now < paused_until_) return;
  throttles_in_a_row_ = 0;
  recovering_ = false;
  if (!limits_.adaptive || rate_percent_ >= 100) return;
  absl::Duration unused;
  const int64_t quiet_periods =
      absl::IDivDuration(now - rate_changed_at_, kAdaptiveQuietPeriod, &unused);
  if (quiet_periods <= 0) return;
  const int64_t steps_to_full =
      (100 - rate_percent_ + kAdaptiveStepPercent - 1) / kAdaptiveStepPercent;
  if (quiet_periods >= steps_to_full) {
    SetRatePercent(100, now);
    return;
  }
  rate_changed_at_ += quiet_periods * kAdaptiveQuietPeriod;
  SetRatePercent(
      rate_percent_ + static_cast<int>(quiet_periods) * kAdaptiveStepPercent,
      now);
}

void Lane::OnThrottled(std::optional<absl::Duration> retry_after,
                       absl::Time now) {
  --active_;
  if (now < paused_until_) {
    if (retry_after.has_value()) {
      paused_until_ = std::max(paused_until_, now + *retry_after);
    }
    return;
  }
  ++throttles_in_a_row_;
  recovering_ = true;
  if (retry_after.has_value()) {
    paused_until_ = now + std::max(*retry_after, absl::ZeroDuration());
  } else {
    absl::Duration backoff = kFirstBackoff;
    for (int i = 1; i < throttles_in_a_row_ && backoff < kMaxBackoff; ++i) {
      backoff *= 2;
    }
    paused_until_ = now + std::min(backoff, kMaxBackoff);
  }
  if (limits_.adaptive) {
    rate_changed_at_ = now;
    SetRatePercent(std::max(rate_percent_ / 2, kAdaptiveFloorPercent), now);
  }
}

void Lane::OnFailure() { --active_; }

void Lane::SetRatePercent(int percent, absl::Time now) {
  rate_percent_ = percent;
  messages_.SetRate(limits_.messages_per_second * percent / 100, now);
  segments_.SetRate(limits_.segments_per_second * percent / 100, now);
}

}  // namespace herald
