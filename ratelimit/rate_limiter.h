// The dispatcher's view of every provider's limits: a lane per provider
// account, shared by all its senders, and a lane per sender number within it.
// A request must fit both.
#ifndef HERALD_RATELIMIT_RATE_LIMITER_H_
#define HERALD_RATELIMIT_RATE_LIMITER_H_

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ratelimit/lane.h"
#include "ratelimit/lane_config.h"

namespace herald {

// Whom a throttle is about. An HTTP 429 from the provider's API is about the
// account; an error saying one number sends too fast (a carrier's per-number
// limit) is about the sender, and pauses only that number.
enum class ThrottleScope { kAccount, kSender };

// The two lanes a request from one sender number goes through. The methods
// mean what Lane's do, applied to both lanes; see Lane for the contract
// (including how the caller keeps the order).
class SenderLanes {
 public:
  SenderLanes(Lane* account, const LaneLimits& sender_limits);
  SenderLanes(const SenderLanes&) = delete;
  SenderLanes& operator=(const SenderLanes&) = delete;

  // The later of the two lanes' NextSendTime.
  absl::Time NextSendTime(int messages, int segments, absl::Time now) const;
  // Starts the request in both lanes or in neither.
  bool TryAcquire(int messages, int segments, absl::Time now);

  void OnSuccess(absl::Time now);
  // Pauses the lane `scope` names; for the other lane the request just ends.
  void OnThrottled(ThrottleScope scope,
                   std::optional<absl::Duration> retry_after, absl::Time now);
  void OnFailure();

  const Lane& account() const { return *account_; }
  const Lane& sender() const { return sender_; }

 private:
  Lane* account_;
  Lane sender_;
};

// Owns every lane. Single-threaded by contract: the dispatch I/O thread owns
// the limiter and makes every call, so nothing here locks.
class RateLimiter {
 public:
  RateLimiter() = default;
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Configures a provider account; AlreadyExists if it already is.
  absl::Status AddAccount(absl::string_view account, const LaneConfig& config);

  // The lanes for `sender` of `account`, made on first use from the account's
  // LaneConfig (a sender it does not list inherits the account's knobs).
  // NotFound for an account never added. The pointer stays valid for the
  // limiter's lifetime, so a caller looks it up once per sender.
  absl::StatusOr<SenderLanes*> Lanes(absl::string_view account,
                                     absl::string_view sender);

 private:
  struct Account {
    explicit Account(const LaneConfig& config)
        : config(config), lane(AccountLimits(config)) {}
    LaneConfig config;
    Lane lane;
    std::map<std::string, SenderLanes, std::less<>> senders;
  };
  std::map<std::string, Account, std::less<>> accounts_;
};

}  // namespace herald

#endif  // HERALD_RATELIMIT_RATE_LIMITER_H_
