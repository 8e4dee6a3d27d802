#include "ratelimit/lane_config.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"
#include "ratelimit/lane.h"
#include "ratelimit/token_bucket.h"

namespace herald {
namespace {

using nlohmann::json;

constexpr int kMaxActive = 1000000;

std::string Child(absl::string_view path, absl::string_view key) {
  return path.empty() ? std::string(key) : absl::StrCat(path, ".", key);
}

absl::Status Error(absl::string_view path, absl::string_view problem) {
  return absl::InvalidArgumentError(
      path.empty() ? std::string(problem) : absl::StrCat(path, ": ", problem));
}

// How a value reads in an error: numbers as written, anything else with its
// type, since `"3"` and `3` look alike once quoted in a message.
std::string Got(const json& value) {
  if (value.is_number() || value.is_null()) return value.dump();
  return absl::StrCat(value.type_name(), value.is_primitive()
                                             ? absl::StrCat(" ", value.dump())
                                             : "");
}

absl::StatusOr<double> Rate(const json& value, absl::string_view path) {
  if (!value.is_number()) {
    return Error(path, absl::StrCat("must be a number > 0, got ", Got(value)));
  }
  const double rate = value.get<double>();
  if (!(rate > 0)) {
    return Error(path, absl::StrCat("must be > 0, got ", Got(value)));
  }
  if (rate < TokenBucket::kRateResolution || rate > TokenBucket::kMaxRate) {
    return Error(
        path, absl::StrCat("must be from ", TokenBucket::kRateResolution,
                           " to ", static_cast<int64_t>(TokenBucket::kMaxRate),
                           ", got ", Got(value)));
  }
  return rate;
}

absl::StatusOr<int> Count(const json& value, absl::string_view path, int max) {
  const auto out_of_range = [&] {
    return Error(path, absl::StrCat("must be an integer from 1 to ", max,
                                    ", got ", Got(value)));
  };
  if (!value.is_number_integer()) return out_of_range();
  if (value.is_number_unsigned()) {
    const uint64_t count = value.get<uint64_t>();
    if (count < 1 || count > static_cast<uint64_t>(max)) return out_of_range();
    return static_cast<int>(count);
  }
  const int64_t count = value.get<int64_t>();
  if (count < 1 || count > max) return out_of_range();
  return static_cast<int>(count);
}

absl::StatusOr<bool> Bool(const json& value, absl::string_view path) {
  if (!value.is_boolean()) {
    return Error(path, absl::StrCat("must be true or false, got ", Got(value)));
  }
  return value.get<bool>();
}

// Parses the member `key` of `object`, if present, into `*out`.
template <typename T, typename Parse>
absl::Status Member(const json& object, absl::string_view path, const char* key,
                    Parse parse, std::optional<T>* out) {
  const auto it = object.find(key);
  if (it == object.end()) return absl::OkStatus();
  absl::StatusOr<T> value = parse(*it, Child(path, key));
  if (!value.ok()) return value.status();
  *out = *std::move(value);
  return absl::OkStatus();
}

LaneLimits ToLimits(const RateSettings& settings) {
  LaneLimits limits;
  limits.messages_per_second = settings.messages_per_second.value_or(0);
  limits.segments_per_second = settings.segments_per_second.value_or(0);
  limits.burst = settings.burst.value_or(1);
  limits.max_active = settings.max_active.value_or(0);
  limits.adaptive = settings.adaptive.value_or(false);
  return limits;
}

template <typename T>
void Inherit(const std::optional<T>& from, std::optional<T>* to) {
  if (!to->has_value()) *to = from;
}

}  // namespace

LaneLimits AccountLimits(const LaneConfig& config) {
  return ToLimits(config.account);
}

LaneLimits SenderLimits(const LaneConfig& config, absl::string_view sender) {
  const auto it = config.senders.find(sender);
  if (it == config.senders.end()) return ToLimits(config.account);
  RateSettings settings = it->second;
  Inherit(config.account.messages_per_second, &settings.messages_per_second);
  Inherit(config.account.segments_per_second, &settings.segments_per_second);
  Inherit(config.account.burst, &settings.burst);
  Inherit(config.account.max_active, &settings.max_active);
  Inherit(config.account.adaptive, &settings.adaptive);
  return ToLimits(settings);
}

absl::StatusOr<RateSettings> ParseRateSettings(const json& object,
                                               absl::string_view path) {
  if (!object.is_object()) {
    return Error(path, absl::StrCat("must be an object, got ", Got(object)));
  }
  const auto count_up_to = [](int max) {
    return [max](const json& value, absl::string_view path) {
      return Count(value, path, max);
    };
  };
  RateSettings settings;
  absl::Status status = Member(object, path, "messagesPerSecond", Rate,
                               &settings.messages_per_second);
  if (status.ok()) {
    status = Member(object, path, "segmentsPerSecond", Rate,
                    &settings.segments_per_second);
  }
  if (status.ok()) {
    status = Member(object, path, "burst", count_up_to(TokenBucket::kMaxUnits),
                    &settings.burst);
  }
  if (status.ok()) {
    status = Member(object, path, "maxActive", count_up_to(kMaxActive),
                    &settings.max_active);
  }
  if (status.ok()) {
    status = Member(object, path, "adaptive", Bool, &settings.adaptive);
  }
  if (!status.ok()) return status;
  return settings;
}

absl::StatusOr<LaneConfig> ParseLaneConfig(const json& object,
                                           absl::string_view path) {
  LaneConfig config;
  absl::StatusOr<RateSettings> account = ParseRateSettings(object, path);
  if (!account.ok()) return account.status();
  config.account = *std::move(account);

  const auto senders = object.find("senders");
  if (senders == object.end()) return config;
  const std::string senders_path = Child(path, "senders");
  if (!senders->is_object()) {
    return Error(senders_path,
                 absl::StrCat("must be an object keyed by sender number, got ",
                              Got(*senders)));
  }
  for (const auto& [sender, value] : senders->items()) {
    const std::string sender_path =
        absl::StrCat(senders_path, "[", json(sender).dump(), "]");
    if (sender.empty()) {
      return Error(sender_path, "the sender number must not be empty");
    }
    absl::StatusOr<RateSettings> settings =
        ParseRateSettings(value, sender_path);
    if (!settings.ok()) return settings.status();
    config.senders.emplace(sender, *std::move(settings));
  }
  return config;
}

}  // namespace herald
