#include "engine/broadcast/broadcast.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "engine/base/file_io.h"
#include "engine/base/json_field.h"
#include "engine/ingest/phone_number.h"
#include "engine/message/message_template.h"
#include "nlohmann/json.hpp"

namespace herald {
namespace {

using nlohmann::json;

absl::Status ParseTimeOfDay(const JsonField& field, TimeOfDay* out) {
  return field.Object({
      {"hour",
       [&](const JsonField& f) {
         return AssignField(&out->hour, [&] { return f.Int(0, 23); });
       }},
      {"minute",
       [&](const JsonField& f) {
         return AssignField(&out->minute, [&] { return f.Int(0, 59); });
       }},
      {"second",
       [&](const JsonField& f) {
         return AssignField(&out->second, [&] { return f.Int(0, 59); });
       }},
  });
}

// Reads v1.1's "HH:mm:ss".
absl::Status ParseClockTime(const JsonField& field, TimeOfDay* out) {
  absl::StatusOr<std::string> text = field.String();
  if (!text.ok()) return text.status();
  int hour, minute, second;
  char tail;
  if (text->size() != 8 ||
      std::sscanf(text->c_str(), "%2d:%2d:%2d%c", &hour, &minute, &second,
                  &tail) != 3 ||
      hour > 23 || minute > 59 || second > 59 || hour < 0 || minute < 0 ||
      second < 0) {
    return field.Error(
        absl::StrCat("expected a time HH:mm:ss, got \"", *text, "\""));
  }
  *out = {hour, minute, second};
  return absl::OkStatus();
}

// Reads an IANA zone name the system's tzdata knows.
absl::Status ParseZoneName(const JsonField& field, bool allow_empty,
                           std::string* out) {
  absl::StatusOr<std::string> name = field.String();
  if (!name.ok()) return name.status();
  if (name->empty() && allow_empty) {
    out->clear();
    return absl::OkStatus();
  }
  // A name, never a path: the zone loader would read any file it is given.
  const bool iana_shaped =
      !name->empty() && name->front() != '/' &&
      name->find("..") == std::string::npos &&
      std::all_of(name->begin(), name->end(), [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '/' ||
               c == '_' || c == '-' || c == '+';
      });
  absl::TimeZone zone;
  if (!iana_shaped || !absl::LoadTimeZone(*name, &zone)) {
    return field.Error(absl::StrCat("unknown time zone \"", *name,
                                    "\" (expected an IANA name such as "
                                    "America/Chicago)"));
  }
  *out = *name;
  return absl::OkStatus();
}

absl::Status ParseDate(const JsonField& field,
                       std::optional<absl::CivilDay>* out) {
  int year = -1, month = -1, day = -1;
  absl::Status s = field.Object({
      {"year",
       [&](const JsonField& f) {
         return AssignField(&year, [&] { return f.Int(1970, 9999); });
       }},
      {"month",
       [&](const JsonField& f) {
         return AssignField(&month, [&] { return f.Int(1, 12); });
       }},
      {"day",
       [&](const JsonField& f) {
         return AssignField(&day, [&] { return f.Int(1, 31); });
       }},
  });
  if (!s.ok()) return s;
  if (year < 0 || month < 0 || day < 0) {
    return field.Error("a date needs year, month and day");
  }
  const absl::CivilDay date(year, month, day);
  if (date.year() != year || date.month() != month || date.day() != day) {
    return field.Error(
        absl::StrCat("no such date ", year, "-", month, "-", day));
  }
  *out = date;
  return absl::OkStatus();
}

constexpr EnumNames<absl::Weekday, 7> kWeekdays = {{
    {"MONDAY", absl::Weekday::monday},
    {"TUESDAY", absl::Weekday::tuesday},
    {"WEDNESDAY", absl::Weekday::wednesday},
    {"THURSDAY", absl::Weekday::thursday},
    {"FRIDAY", absl::Weekday::friday},
    {"SATURDAY", absl::Weekday::saturday},
    {"SUNDAY", absl::Weekday::sunday},
}};

constexpr EnumNames<PhoneType, 4> kPhoneTypes = {{
    {"FIRST_NUMBER", PhoneType::kFirstNumber},
    {"HOME_PHONE", PhoneType::kHomePhone},
    {"MOBILE_PHONE", PhoneType::kMobilePhone},
    {"WORK_PHONE", PhoneType::kWorkPhone},
}};

constexpr EnumNames<BigMessageStrategy, 3> kStrategies = {{
    {"SEND_MULTIPLE", BigMessageStrategy::kSendMultiple},
    {"DO_NOT_SEND", BigMessageStrategy::kDoNotSend},
    {"TRIM", BigMessageStrategy::kTrim},
}};

constexpr EnumNames<MissingAttributePolicy, 3> kMissingPolicies = {{
    {"skip", MissingAttributePolicy::kSkip},
    {"empty", MissingAttributePolicy::kEmpty},
    {"keep", MissingAttributePolicy::kKeep},
}};

constexpr EnumNames<ComplianceProfile, 2> kComplianceProfiles = {{
    {"none", ComplianceProfile::kNone},
    {"tcpa", ComplianceProfile::kTcpa},
}};

// "intersection", "skip", or the IANA name of a fixed zone.
absl::Status ParseUnknownZonePolicy(const JsonField& field,
                                    UnknownZonePolicy* out) {
  absl::StatusOr<std::string> name = field.String();
  if (!name.ok()) return name.status();
  if (*name == "intersection") {
    *out = {UnknownZonePolicy::kIntersection, ""};
  } else if (*name == "skip") {
    *out = {UnknownZonePolicy::kSkip, ""};
  } else {
    absl::TimeZone zone;
    if (!absl::LoadTimeZone(*name, &zone)) {
      return field.Error(absl::StrCat(
          "expected \"intersection\", \"skip\" or an IANA time zone, got \"",
          *name, "\""));
    }
    *out = {UnknownZonePolicy::kFixed, *name};
  }
  return absl::OkStatus();
}

absl::Status ParseSchedule(const JsonField& field, Schedule* out) {
  absl::Status s = field.Object({
      {"enabled",
       [&](const JsonField& f) {
         return AssignField(&out->enabled, [&] { return f.Bool(); });
       }},
      {"startTimeOfDay",
       [&](const JsonField& f) {
         out->start_time_of_day.emplace();
         return ParseTimeOfDay(f, &*out->start_time_of_day);
       }},
      {"stopTimeOfDay",
       [&](const JsonField& f) {
         out->stop_time_of_day.emplace();
         return ParseTimeOfDay(f, &*out->stop_time_of_day);
       }},
      {"daysOfWeek",
       [&](const JsonField& f) {
         return f.Array([&](const JsonField& day) {
           absl::Weekday weekday;
           if (absl::Status e = ParseJsonEnum(day, kWeekdays, &weekday);
               !e.ok())
             return e;
           out->days_of_week.push_back(weekday);
           return absl::OkStatus();
         });
       }},
      {"timeZone",
       [&](const JsonField& f) {
         return ParseZoneName(f, /*allow_empty=*/true, &out->time_zone);
       }},
      {"startDate",
       [&](const JsonField& f) { return ParseDate(f, &out->start_date); }},
      {"stopDate",
       [&](const JsonField& f) { return ParseDate(f, &out->stop_date); }},
  });
  if (!s.ok()) return s;
  if (out->start_date && out->stop_date && *out->stop_date < *out->start_date) {
    return field.Error("stopDate is before startDate");
  }
  if (out->start_time_of_day && out->stop_time_of_day &&
      out->start_time_of_day->SecondsOfDay() ==
          out->stop_time_of_day->SecondsOfDay()) {
    return field.Error(
        "startTimeOfDay equals stopTimeOfDay, so the window is empty");
  }
  return absl::OkStatus();
}

absl::Status ParseRetryConfig(const JsonField& field, RetryConfig* out) {
  return field.Object({
      {"maxAttempts",
       [&](const JsonField& f) {
         return AssignField(&out->max_attempts, [&] { return f.Int(1, 100); });
       }},
      {"minutesBetweenAttempts",
       [&](const JsonField& f) {
         return AssignField(&out->minutes_between_attempts,
                            [&] { return f.Int(0, 7 * 24 * 60); });
       }},
      {"retryResults",
       [&](const JsonField& f) {
         return f.Array([&](const JsonField& item) {
           absl::StatusOr<std::string> name = item.String();
           if (!name.ok()) return name.status();
           std::optional<TextResult> result = ParseResultName(*name);
           if (!result) {
             return item.Error(
                 absl::StrCat("\"", *name, "\" is not a text result"));
           }
           out->retry_results.push_back(*result);
           return absl::OkStatus();
         });
       }},
      {"retryPhoneTypes",
       [&](const JsonField& f) {
         // CallFire retries a contact's other phone columns; herald texts
         // one number a row, so a list asking for more is refused rather
         // than quietly ignored.
         return f.Array([&](const JsonField& item) {
           PhoneType type;
           if (absl::Status e = ParseJsonEnum(item, kPhoneTypes, &type);
               !e.ok())
             return e;
           if (type != PhoneType::kFirstNumber) {
             return item.Error(
                 "herald retries the number it texted only (FIRST_NUMBER); "
                 "retrying a contact's mobilePhone, workPhone or homePhone "
                 "column is not supported: leave retryPhoneTypes out");
           }
           return absl::OkStatus();
         });
       }},
  });
}

absl::Status ParseLocalTimeRestriction(const JsonField& field,
                                       LocalTimeRestriction* out) {
  absl::Status s = field.Object({
      {"enabled",
       [&](const JsonField& f) {
         return AssignField(&out->enabled, [&] { return f.Bool(); });
       }},
      {"beginHour",
       [&](const JsonField& f) {
         return AssignField(&out->begin.hour, [&] { return f.Int(0, 23); });
       }},
      {"beginMinute",
       [&](const JsonField& f) {
         return AssignField(&out->begin.minute, [&] { return f.Int(0, 59); });
       }},
      {"endHour",
       [&](const JsonField& f) {
         return AssignField(&out->end.hour, [&] { return f.Int(0, 23); });
       }},
      {"endMinute",
       [&](const JsonField& f) {
         return AssignField(&out->end.minute, [&] { return f.Int(0, 59); });
       }},
  });
  if (!s.ok()) return s;
  if (out->enabled && out->begin == out->end) {
    return field.Error(
        "begin and end are the same time, which leaves no window");
  }
  return absl::OkStatus();
}

absl::Status ParseFromNumber(const JsonField& field, std::string* out) {
  std::string text;
  if (field.value().is_number_unsigned()) {
    text = std::to_string(field.value().get<uint64_t>());
  } else if (absl::StatusOr<std::string> s = field.String(); s.ok()) {
    text = *s;
  } else {
    return s.status();
  }
  const bool all_digits =
      !text.empty() && std::all_of(text.begin(), text.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
  if (all_digits && text.size() >= 5 && text.size() <= 6) {  // a short code
    *out = text;
    return absl::OkStatus();
  }
  absl::StatusOr<PhoneNumber> number = ParseNanpNumber(text);
  if (!number.ok()) {
    return field.Error(absl::StrCat(
        "\"", text, "\" is neither a short code nor a valid number: ",
        number.status().message()));
  }
  *out = E164Digits(*number);
  return absl::OkStatus();
}

absl::Status ParseTopLevel(const JsonField& root, Broadcast* out) {
  absl::Status s = root.Object({
      {"name",
       [&](const JsonField& f) {
         absl::Status s = AssignField(&out->name, [&] { return f.String(); });
         if (s.ok() && out->name.empty()) return f.Error("must not be empty");
         return s;
       }},
      {"fromNumber",
       [&](const JsonField& f) {
         return ParseFromNumber(f, &out->from_number);
       }},
      {"labels",
       [&](const JsonField& f) {
         return f.Array([&](const JsonField& item) {
           absl::StatusOr<std::string> label = item.String();
           if (!label.ok()) return label.status();
           out->labels.push_back(*label);
           return absl::OkStatus();
         });
       }},
      {"message",
       [&](const JsonField& f) {
         return AssignField(&out->message, [&] { return f.String(); });
       }},
      {"bigMessageStrategy",
       [&](const JsonField& f) {
         return ParseJsonEnum(f, kStrategies, &out->big_message_strategy);
       }},
      {"localTimeRestriction",
       [&](const JsonField& f) {
         return ParseLocalTimeRestriction(f, &out->local_time_restriction);
       }},
      {"schedules",
       [&](const JsonField& f) {
         return f.Array([&](const JsonField& item) {
           out->schedules.emplace_back();
           return ParseSchedule(item, &out->schedules.back());
         });
       }},
      {"retryConfig",
       [&](const JsonField& f) {
         return ParseRetryConfig(f, &out->retry_config);
       }},
      {"maxActive",
       [&](const JsonField& f) {
         int value;
         if (absl::Status s =
                 AssignField(&value, [&] { return f.Int(1, 1000000); });
             !s.ok())
           return s;
         out->max_active = value;
         return absl::OkStatus();
       }},
      {"resumeNextDay",
       [&](const JsonField& f) {
         return AssignField(&out->resume_next_day, [&] { return f.Bool(); });
       }},
      {"scrubDuplicates",
       [&](const JsonField& f) {
         return AssignField(&out->scrub_duplicates, [&] { return f.Bool(); });
       }},
      {"bracePlaceholders",
       [&](const JsonField& f) {
         return AssignField(&out->template_options.brace_placeholders,
                            [&] { return f.Bool(); });
       }},
      {"missingAttributePolicy",
       [&](const JsonField& f) {
         return ParseJsonEnum(f, kMissingPolicies,
                              &out->template_options.missing);
       }},
      {"smartEncoding",
       [&](const JsonField& f) {
         return AssignField(&out->smart_encoding, [&] { return f.Bool(); });
       }},
      {"maxSegments",
       [&](const JsonField& f) {
         return AssignField(&out->max_segments, [&] { return f.Int(1, 255); });
       }},
      {"LocalRestrictBegin",
       [&](const JsonField& f) {
         out->local_time_restriction.enabled = true;
         return ParseClockTime(f, &out->local_time_restriction.begin);
       }},
      {"LocalRestrictEnd",
       [&](const JsonField& f) {
         // "Latest time a client can be contacted": the last allowed second,
         // so the exclusive end is one second later.
         out->local_time_restriction.enabled = true;
         TimeOfDay latest;
         if (absl::Status s = ParseClockTime(f, &latest); !s.ok()) return s;
         const int end = (latest.SecondsOfDay() + 1) % (24 * 3600);
         out->local_time_restriction.end = {end / 3600, end / 60 % 60,
                                            end % 60};
         return absl::OkStatus();
       }},
      {"complianceProfile",
       [&](const JsonField& f) {
         return ParseJsonEnum(f, kComplianceProfiles, &out->compliance_profile);
       }},
      {"unknownZonePolicy",
       [&](const JsonField& f) {
         return ParseUnknownZonePolicy(f, &out->unknown_zone_policy);
       }},
      {"accountTimeZone",
       [&](const JsonField& f) {
         return ParseZoneName(f, /*allow_empty=*/false,
                              &out->account_time_zone);
       }},
  });
  if (!s.ok()) return s;
  // v1.1's pair: one alone would leave the other bound at midnight.
  if (root.value().is_object() &&
      root.value().contains("LocalRestrictBegin") !=
          root.value().contains("LocalRestrictEnd")) {
    return root.Error(
        "LocalRestrictBegin and LocalRestrictEnd go together: one without the "
        "other would open or close the window at midnight");
  }
  if (out->message.find('\0') != std::string::npos) {
    return root.Child("message", root.value())
        .Error("holds a NUL character, which no handset shows");
  }
  // The message's syntax depends on bracePlaceholders, which may come after
  // it in the object, so it is checked once everything is read.
  absl::StatusOr<MessageTemplate> compiled =
      MessageTemplate::Compile(out->message, {}, out->template_options);
  if (!compiled.ok()) {
    return root.Child("message", root.value())
        .Error(compiled.status().message());
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Broadcast> ParseBroadcast(absl::string_view text,
                                         absl::string_view source) {
  absl::StatusOr<json> parsed = ParseJsonDocument(text, source);
  if (!parsed.ok()) return parsed.status();
  const json& root = *parsed;
  Broadcast broadcast;
  if (absl::Status s = ParseTopLevel(JsonField(source, "", root), &broadcast);
      !s.ok()) {
    if (!root.is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": the broadcast must be a JSON object, got ",
                       root.type_name()));
    }
    return s;
  }
  return broadcast;
}

absl::StatusOr<Broadcast> LoadBroadcastFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseBroadcast(*text, path);
}

absl::string_view BigMessageStrategyName(BigMessageStrategy strategy) {
  return NameOf(kStrategies, strategy, "UNKNOWN");
}

}  // namespace herald
