// The rate limits of one provider account and of its sender numbers, as the
// providers file states them.
#ifndef HERALD_RATELIMIT_LANE_CONFIG_H_
#define HERALD_RATELIMIT_LANE_CONFIG_H_

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json_fwd.hpp"
#include "ratelimit/lane.h"

namespace herald {

// The knobs of one lane; each may be unset. The JSON key of each is in its
// comment.
struct RateSettings {
  std::optional<double> messages_per_second;  // messagesPerSecond, > 0
  std::optional<double> segments_per_second;  // segmentsPerSecond, > 0
  std::optional<int> burst;                   // burst, >= 1
  std::optional<int> max_active;              // maxActive, >= 1
  std::optional<bool> adaptive;               // adaptive
};

// A provider account's settings, which make its account lane, and overrides
// for some of its sender numbers. Every sender, listed or not, also gets a
// lane of its own whose unset knobs are the account's: so a sender override
// only matters where it is tighter than the account, or for throttles that
// the provider reports per sender.
struct LaneConfig {
  RateSettings account;
  // Keyed by the sender exactly as the provider spells it ("+15551234567").
  std::map<std::string, RateSettings, std::less<>> senders;
};

// Knobs left unset take LaneLimits' defaults: unlimited rates and in-flight
// requests, burst 1, not adaptive.
LaneLimits AccountLimits(const LaneConfig& config);
LaneLimits SenderLimits(const LaneConfig& config, absl::string_view sender);

// Reads the rate knobs (see RateSettings) from the JSON object `object`,
// ignoring every other key: the providers file's parser owns the object and
// checks its other keys. `path` names the object in error messages, e.g.
// "providers[0]"; errors are InvalidArgument and name the field, as in
// `providers[0].burst: must be an integer from 1 to 1000000, got 0`.
absl::StatusOr<RateSettings> ParseRateSettings(const nlohmann::json& object,
                                               absl::string_view path);

// Reads a provider's rate knobs from `object` as ParseRateSettings does, and
// the per-sender ones from its optional "senders" member: an object whose
// keys are sender numbers and whose values are objects of rate knobs (other
// keys in them are ignored too), e.g.
//
//   {"segmentsPerSecond": 30, "burst": 10,
//    "senders": {"+15551234567": {"messagesPerSecond": 1}}}
//
// Errors name the field as `providers[0].senders["+15551234567"].burst`.
absl::StatusOr<LaneConfig> ParseLaneConfig(const nlohmann::json& object,
                                           absl::string_view path);

}  // namespace herald

#endif  // HERALD_RATELIMIT_LANE_CONFIG_H_
