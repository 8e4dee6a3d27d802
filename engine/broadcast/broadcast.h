// A text broadcast definition in the shape of CallFire's TextBroadcast.
#ifndef HERALD_ENGINE_BROADCAST_BROADCAST_H_
#define HERALD_ENGINE_BROADCAST_BROADCAST_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "engine/message/message_template.h"
#include "herald/texts.h"
#include "scheduler/time_of_day.h"

namespace herald {

enum class BigMessageStrategy { kSendMultiple, kDoNotSend, kTrim };

// When, in the recipient's own time zone, a text may be delivered.
// v2 gives hours and minutes; v1.1's LocalRestrictBegin/End give seconds.
struct LocalTimeRestriction {
  bool enabled = false;
  TimeOfDay begin;
  TimeOfDay end;  // exclusive; earlier than begin for a window past midnight,
                  // equal to begin for the whole day
};

// One on/off period of a broadcast, in the zone `time_zone`.
struct Schedule {
  bool enabled = true;
  std::optional<TimeOfDay> start_time_of_day;
  std::optional<TimeOfDay> stop_time_of_day;
  std::vector<absl::Weekday> days_of_week;  // empty: every day
  std::string time_zone;                    // IANA name; empty: the default
  std::optional<absl::CivilDay> start_date;
  std::optional<absl::CivilDay> stop_date;
};

// Sending hours required by law on top of the broadcast's own, applied in
// each recipient's zone.
enum class ComplianceProfile {
  kNone,
  kTcpa,  // US federal 08:00-21:00, stricter state rules, Canada's CRTC hours
};

// What a recipient whose number has no known time zone (toll-free, not
// geographic, unassigned) gets when the broadcast has a time rule.
struct UnknownZonePolicy {
  enum Kind {
    kIntersection,  // sendable only when the window is open in every
                    // continental US zone
    kFixed,         // treat it as being in `zone`
    kSkip,          // do not send: state SKIPPED
  };
  Kind kind = kIntersection;
  std::string zone;  // IANA name, for kFixed
};

// retryPhoneTypes' values; only kFirstNumber is taken (herald texts one
// number a row).
enum class PhoneType { kFirstNumber, kHomePhone, kMobilePhone, kWorkPhone };

struct RetryConfig {
  int max_attempts = 1;  // attempts in all, the first included
  int minutes_between_attempts = 60;
  std::vector<TextResult> retry_results;
};

struct Broadcast {
  std::string name = "API Send";
  std::string from_number = "67076";  // CallFire's shared short code
  std::vector<std::string> labels;
  std::string message;  // empty: every row must carry its own message
  BigMessageStrategy big_message_strategy = BigMessageStrategy::kSendMultiple;
  LocalTimeRestriction local_time_restriction;
  std::vector<Schedule> schedules;
  RetryConfig retry_config;
  std::optional<int> max_active;
  bool resume_next_day = false;
  bool scrub_duplicates = false;

  // Time options beyond CallFire's fields.
  ComplianceProfile compliance_profile = ComplianceProfile::kNone;
  UnknownZonePolicy unknown_zone_policy;
  // The zone of schedules that name none (CallFire: the account's zone).
  std::string account_time_zone = "America/New_York";

  // Message options beyond CallFire's fields.
  TemplateOptions
      template_options;         // bracePlaceholders, missingAttributePolicy
  bool smart_encoding = false;  // typographic characters → GSM-7
  int max_segments = 10;        // parts a SEND_MULTIPLE text may have
};

// Parses a broadcast definition from JSON text. `source` names the text in
// errors (usually the file name). Every field is checked: a syntax error names
// the line and column; an unknown field, a wrong type or an impossible value
// returns InvalidArgument naming the field's path, e.g.
// "campaign.json: retryConfig.maxAttempts: must be at least 1, got 0".
// Booleans also accept "true"/"false" strings, as the CallFire examples send.
absl::StatusOr<Broadcast> ParseBroadcast(absl::string_view json,
                                         absl::string_view source);

// Reads and parses the broadcast definition in the file at `path`.
absl::StatusOr<Broadcast> LoadBroadcastFile(const std::string& path);

// The API name of a strategy, e.g. "SEND_MULTIPLE".
absl::string_view BigMessageStrategyName(BigMessageStrategy strategy);

}  // namespace herald

#endif  // HERALD_ENGINE_BROADCAST_BROADCAST_H_
