#include "ratelimit/rate_limiter.h"

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace herald {

SenderLanes::SenderLanes(Lane* account, const LaneLimits& sender_limits)
    : account_(account), sender_(sender_limits) {}

absl::Time SenderLanes::NextSendTime(int messages, int segments,
                                     absl::Time now) const {
  return std::max(account_->NextSendTime(messages, segments, now),
                  sender_.NextSendTime(messages, segments, now));
}

bool SenderLanes::TryAcquire(int messages, int segments, absl::Time now) {
  if (NextSendTime(messages, segments, now) > now) return false;
  account_->TryAcquire(messages, segments, now);
  sender_.TryAcquire(messages, segments, now);
  return true;
}

void SenderLanes::OnSuccess(absl::Time now) {
  account_->OnSuccess(now);
  sender_.OnSuccess(now);
}

void SenderLanes::OnThrottled(ThrottleScope scope,
                              std::optional<absl::Duration> retry_after,
                              absl::Time now) {
  Lane* throttled = scope == ThrottleScope::kAccount ? account_ : &sender_;
  Lane* other = scope == ThrottleScope::kAccount ? &sender_ : account_;
  throttled->OnThrottled(retry_after, now);
  other->OnFailure();
}

void SenderLanes::OnFailure() {
  account_->OnFailure();
  sender_.OnFailure();
}

absl::Status RateLimiter::AddAccount(absl::string_view account,
                                     const LaneConfig& config) {
  if (!accounts_.try_emplace(std::string(account), config).second) {
    return absl::AlreadyExistsError(absl::StrCat("provider account \"", account,
                                                 "\" is already configured"));
  }
  return absl::OkStatus();
}

absl::StatusOr<SenderLanes*> RateLimiter::Lanes(absl::string_view account,
                                                absl::string_view sender) {
  const auto it = accounts_.find(account);
  if (it == accounts_.end()) {
    return absl::NotFoundError(
        absl::StrCat("no rate limits for provider account \"", account, "\""));
  }
  Account& found = it->second;
  auto lanes = found.senders.find(sender);
  if (lanes == found.senders.end()) {
    lanes = found.senders
                .emplace(std::piecewise_construct,
                         std::forward_as_tuple(std::string(sender)),
                         std::forward_as_tuple(
                             &found.lane, SenderLimits(found.config, sender)))
                .first;
  }
  return &lanes->second;
}

}  // namespace herald
