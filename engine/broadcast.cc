#include "engine/broadcast.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "engine/file_io.h"
#include "engine/message_template.h"
#include "engine/phone_number.h"
#include "nlohmann/json.hpp"

namespace herald {
namespace {

using nlohmann::json;

// Validates one JSON value at a dotted path and reports errors that name it.
// Checking is by hand rather than with json::get<>, whose exceptions would
// name a C++ type instead of the user's field.
class Field {
 public:
  Field(absl::string_view source, std::string path, const json& value)
      : source_(source), path_(std::move(path)), value_(value) {}

  const json& value() const { return value_; }
  const std::string& path() const { return path_; }

  Field Child(absl::string_view key, const json& value) const {
    return Field(
        source_,
        path_.empty() ? std::string(key) : absl::StrCat(path_, ".", key),
        value);
  }
  Field Element(size_t index, const json& value) const {
    return Field(source_, absl::StrCat(path_, "[", index, "]"), value);
  }

  absl::Status Error(absl::string_view problem) const {
    return absl::InvalidArgumentError(
        absl::StrCat(source_, ": ", path_, ": ", problem));
  }

  absl::StatusOr<std::string> String() const {
    if (!value_.is_string()) return Error(Expected("a string"));
    return value_.get<std::string>();
  }

  absl::StatusOr<bool> Bool() const {
    if (value_.is_boolean()) return value_.get<bool>();
    if (value_.is_string()) {
      const std::string& text = value_.get_ref<const std::string&>();
      if (text == "true") return true;
      if (text == "false") return false;
    }
    return Error(Expected("true or false"));
  }

  absl::StatusOr<int> Int(int min, int max) const {
    if (!value_.is_number_integer()) {
      return Error(
          Expected(absl::StrCat("an integer from ", min, " to ", max)));
    }
    // Past INT64_MAX only an unsigned read is exact; any such value is out
    // of range, and the message quotes it as written.
    const int64_t v = value_.is_number_unsigned() &&
                              value_.get<uint64_t>() > uint64_t{INT64_MAX}
                          ? INT64_MAX
                          : value_.get<int64_t>();
    if (v < min || v > max) {
      return Error(absl::StrCat("must be from ", min, " to ", max, ", got ",
                                value_.dump()));
    }
    return static_cast<int>(v);
  }

  // Calls `each` for every element of an array.
  absl::Status Array(
      const std::function<absl::Status(const Field&)>& each) const {
    if (!value_.is_array()) return Error(Expected("an array"));
    for (size_t i = 0; i < value_.size(); ++i) {
      if (absl::Status s = each(Element(i, value_[i])); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  // Calls the handler registered for each member of an object; a member with
  // no handler is an unknown field.
  absl::Status Object(
      const std::vector<std::pair<absl::string_view,
                                  std::function<absl::Status(const Field&)>>>&
          handlers) const {
    if (!value_.is_object()) return Error(Expected("an object"));
    for (const auto& [key, member] : value_.items()) {
      auto it = std::find_if(handlers.begin(), handlers.end(),
                             [&](const auto& h) { return h.first == key; });
      if (it == handlers.end()) {
        std::vector<absl::string_view> known;
        for (const auto& h : handlers) known.push_back(h.first);
        return Child(key, member)
            .Error(absl::StrCat("unknown field (known here: ",
                                absl::StrJoin(known, ", "), ")"));
      }
      if (absl::Status s = it->second(Child(key, member)); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  std::string Expected(absl::string_view what) const {
    return absl::StrCat(
        "expected ", what, ", got ", value_.type_name(),
        value_.is_primitive() ? absl::StrCat(" ", value_.dump()) : "");
  }

  absl::string_view source_;
  std::string path_;
  const json& value_;
};

// Wraps a StatusOr-returning read so a handler can assign in one line.
template <typename T, typename Read>
absl::Status Assign(T* target, Read read) {
  auto value = read();
  if (!value.ok()) return value.status();
  *target = *std::move(value);
  return absl::OkStatus();
}

absl::Status ParseTimeOfDay(const Field& field, TimeOfDay* out) {
  return field.Object({
      {"hour",
       [&](const Field& f) {
         return Assign(&out->hour, [&] { return f.Int(0, 23); });
       }},
      {"minute",
       [&](const Field& f) {
         return Assign(&out->minute, [&] { return f.Int(0, 59); });
       }},
      {"second",
       [&](const Field& f) {
         return Assign(&out->second, [&] { return f.Int(0, 59); });
       }},
  });
}

// Reads v1.1's "HH:mm:ss".
absl::Status ParseClockTime(const Field& field, TimeOfDay* out) {
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
absl::Status ParseZoneName(const Field& field, bool allow_empty,
                           std::string* out) {
  absl::StatusOr<std::string> name = field.String();
  if (!name.ok()) return name.status();
  if (name->empty() && allow_empty) {
    out->clear();
    return absl::OkStatus();
  }
  absl::TimeZone zone;
  if (name->empty() || !absl::LoadTimeZone(*name, &zone)) {
    return field.Error(absl::StrCat("unknown time zone \"", *name,
                                    "\" (expected an IANA name such as "
                                    "America/Chicago)"));
  }
  *out = *name;
  return absl::OkStatus();
}

absl::Status ParseDate(const Field& field, std::optional<absl::CivilDay>* out) {
  int year = -1, month = -1, day = -1;
  absl::Status s = field.Object({
      {"year",
       [&](const Field& f) {
         return Assign(&year, [&] { return f.Int(1970, 9999); });
       }},
      {"month",
       [&](const Field& f) {
         return Assign(&month, [&] { return f.Int(1, 12); });
       }},
      {"day",
       [&](const Field& f) {
         return Assign(&day, [&] { return f.Int(1, 31); });
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

constexpr std::array<std::pair<absl::string_view, absl::Weekday>, 7> kWeekdays =
    {{
        {"MONDAY", absl::Weekday::monday},
        {"TUESDAY", absl::Weekday::tuesday},
        {"WEDNESDAY", absl::Weekday::wednesday},
        {"THURSDAY", absl::Weekday::thursday},
        {"FRIDAY", absl::Weekday::friday},
        {"SATURDAY", absl::Weekday::saturday},
        {"SUNDAY", absl::Weekday::sunday},
    }};

constexpr std::array<std::pair<absl::string_view, PhoneType>, 4> kPhoneTypes = {
    {
        {"FIRST_NUMBER", PhoneType::kFirstNumber},
        {"HOME_PHONE", PhoneType::kHomePhone},
        {"MOBILE_PHONE", PhoneType::kMobilePhone},
        {"WORK_PHONE", PhoneType::kWorkPhone},
    }};

constexpr std::array<std::pair<absl::string_view, BigMessageStrategy>, 3>
    kStrategies = {{
        {"SEND_MULTIPLE", BigMessageStrategy::kSendMultiple},
        {"DO_NOT_SEND", BigMessageStrategy::kDoNotSend},
        {"TRIM", BigMessageStrategy::kTrim},
    }};

constexpr std::array<std::pair<absl::string_view, MissingAttributePolicy>, 3>
    kMissingPolicies = {{
        {"skip", MissingAttributePolicy::kSkip},
        {"empty", MissingAttributePolicy::kEmpty},
        {"keep", MissingAttributePolicy::kKeep},
    }};

constexpr std::array<std::pair<absl::string_view, ComplianceProfile>, 2>
    kComplianceProfiles = {{
        {"none", ComplianceProfile::kNone},
        {"tcpa", ComplianceProfile::kTcpa},
    }};

// Reads a string that must be one of `table`'s names.
template <typename T, size_t N>
absl::Status ParseEnum(
    const Field& field,
    const std::array<std::pair<absl::string_view, T>, N>& table, T* out) {
  absl::StatusOr<std::string> name = field.String();
  if (!name.ok()) return name.status();
  for (const auto& [known, value] : table) {
    if (known == *name) {
      *out = value;
      return absl::OkStatus();
    }
  }
  std::vector<absl::string_view> names;
  for (const auto& entry : table) names.push_back(entry.first);
  return field.Error(absl::StrCat("unknown value \"", *name,
                                  "\" (expected one of ",
                                  absl::StrJoin(names, ", "), ")"));
}

// "intersection", "skip", or the IANA name of a fixed zone.
absl::Status ParseUnknownZonePolicy(const Field& field,
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

absl::Status ParseSchedule(const Field& field, Schedule* out) {
  absl::Status s = field.Object({
      {"enabled",
       [&](const Field& f) {
         return Assign(&out->enabled, [&] { return f.Bool(); });
       }},
      {"startTimeOfDay",
       [&](const Field& f) {
         out->start_time_of_day.emplace();
         return ParseTimeOfDay(f, &*out->start_time_of_day);
       }},
      {"stopTimeOfDay",
       [&](const Field& f) {
         out->stop_time_of_day.emplace();
         return ParseTimeOfDay(f, &*out->stop_time_of_day);
       }},
      {"daysOfWeek",
       [&](const Field& f) {
         return f.Array([&](const Field& day) {
           absl::Weekday weekday;
           if (absl::Status e = ParseEnum(day, kWeekdays, &weekday); !e.ok())
             return e;
           out->days_of_week.push_back(weekday);
           return absl::OkStatus();
         });
       }},
      {"timeZone",
       [&](const Field& f) {
         return ParseZoneName(f, /*allow_empty=*/true, &out->time_zone);
       }},
      {"startDate",
       [&](const Field& f) { return ParseDate(f, &out->start_date); }},
      {"stopDate",
       [&](const Field& f) { return ParseDate(f, &out->stop_date); }},
  });
  if (!s.ok()) return s;
  if (out->start_date && out->stop_date && *out->stop_date < *out->start_date) {
    return field.Error("stopDate is before startDate");
  }
  return absl::OkStatus();
}

absl::Status ParseRetryConfig(const Field& field, RetryConfig* out) {
  return field.Object({
      {"maxAttempts",
       [&](const Field& f) {
         return Assign(&out->max_attempts, [&] { return f.Int(1, 100); });
       }},
      {"minutesBetweenAttempts",
       [&](const Field& f) {
         return Assign(&out->minutes_between_attempts,
                       [&] { return f.Int(0, 7 * 24 * 60); });
       }},
      {"retryResults",
       [&](const Field& f) {
         return f.Array([&](const Field& item) {
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
       [&](const Field& f) {
         out->retry_phone_types.clear();
         return f.Array([&](const Field& item) {
           PhoneType type;
           if (absl::Status e = ParseEnum(item, kPhoneTypes, &type); !e.ok())
             return e;
           out->retry_phone_types.push_back(type);
           return absl::OkStatus();
         });
       }},
  });
}

absl::Status ParseLocalTimeRestriction(const Field& field,
                                       LocalTimeRestriction* out) {
  absl::Status s = field.Object({
      {"enabled",
       [&](const Field& f) {
         return Assign(&out->enabled, [&] { return f.Bool(); });
       }},
      {"beginHour",
       [&](const Field& f) {
         return Assign(&out->begin.hour, [&] { return f.Int(0, 23); });
       }},
      {"beginMinute",
       [&](const Field& f) {
         return Assign(&out->begin.minute, [&] { return f.Int(0, 59); });
       }},
      {"endHour",
       [&](const Field& f) {
         return Assign(&out->end.hour, [&] { return f.Int(0, 23); });
       }},
      {"endMinute",
       [&](const Field& f) {
         return Assign(&out->end.minute, [&] { return f.Int(0, 59); });
       }},
  });
  if (!s.ok()) return s;
  if (out->enabled && out->begin == out->end) {
    return field.Error(
        "begin and end are the same time, which leaves no window");
  }
  return absl::OkStatus();
}

absl::Status ParseFromNumber(const Field& field, std::string* out) {
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

absl::Status ParseTopLevel(const Field& root, Broadcast* out) {
  absl::Status s = root.Object({
      {"name",
       [&](const Field& f) {
         absl::Status s = Assign(&out->name, [&] { return f.String(); });
         if (s.ok() && out->name.empty()) return f.Error("must not be empty");
         return s;
       }},
      {"fromNumber",
       [&](const Field& f) { return ParseFromNumber(f, &out->from_number); }},
      {"labels",
       [&](const Field& f) {
         return f.Array([&](const Field& item) {
           absl::StatusOr<std::string> label = item.String();
           if (!label.ok()) return label.status();
           out->labels.push_back(*label);
           return absl::OkStatus();
         });
       }},
      {"message",
       [&](const Field& f) {
         return Assign(&out->message, [&] { return f.String(); });
       }},
      {"bigMessageStrategy",
       [&](const Field& f) {
         return ParseEnum(f, kStrategies, &out->big_message_strategy);
       }},
      {"localTimeRestriction",
       [&](const Field& f) {
         return ParseLocalTimeRestriction(f, &out->local_time_restriction);
       }},
      {"schedules",
       [&](const Field& f) {
         return f.Array([&](const Field& item) {
           out->schedules.emplace_back();
           return ParseSchedule(item, &out->schedules.back());
         });
       }},
      {"retryConfig",
       [&](const Field& f) { return ParseRetryConfig(f, &out->retry_config); }},
      {"maxActive",
       [&](const Field& f) {
         int value;
         if (absl::Status s = Assign(&value, [&] { return f.Int(1, 1000000); });
             !s.ok())
           return s;
         out->max_active = value;
         return absl::OkStatus();
       }},
      {"resumeNextDay",
       [&](const Field& f) {
         return Assign(&out->resume_next_day, [&] { return f.Bool(); });
       }},
      {"scrubDuplicates",
       [&](const Field& f) {
         return Assign(&out->scrub_duplicates, [&] { return f.Bool(); });
       }},
      {"bracePlaceholders",
       [&](const Field& f) {
         return Assign(&out->template_options.brace_placeholders,
                       [&] { return f.Bool(); });
       }},
      {"missingAttributePolicy",
       [&](const Field& f) {
         return ParseEnum(f, kMissingPolicies, &out->template_options.missing);
       }},
      {"smartEncoding",
       [&](const Field& f) {
         return Assign(&out->smart_encoding, [&] { return f.Bool(); });
       }},
      {"maxSegments",
       [&](const Field& f) {
         return Assign(&out->max_segments, [&] { return f.Int(1, 255); });
       }},
      {"LocalRestrictBegin",
       [&](const Field& f) {
         out->local_time_restriction.enabled = true;
         return ParseClockTime(f, &out->local_time_restriction.begin);
       }},
      {"LocalRestrictEnd",
       [&](const Field& f) {
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
       [&](const Field& f) {
         return ParseEnum(f, kComplianceProfiles, &out->compliance_profile);
       }},
      {"unknownZonePolicy",
       [&](const Field& f) {
         return ParseUnknownZonePolicy(f, &out->unknown_zone_policy);
       }},
      {"accountTimeZone",
       [&](const Field& f) {
         return ParseZoneName(f, /*allow_empty=*/false,
                              &out->account_time_zone);
       }},
  });
  if (!s.ok()) return s;
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

// Converts a byte offset into "line L, column C" for syntax errors.
std::string Position(absl::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return absl::StrCat("line ", line, ", column ", column);
}

}  // namespace

absl::StatusOr<Broadcast> ParseBroadcast(absl::string_view text,
                                         absl::string_view source) {
  json root;
  try {
    root = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // e.byte is one past the offending character.
    const size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    std::string what = e.what();
    const size_t detail = what.find("- ");
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": not valid JSON at ", Position(text, offset), ": ",
        detail == std::string::npos ? what : what.substr(detail + 2)));
  }
  Broadcast broadcast;
  if (absl::Status s = ParseTopLevel(Field(source, "", root), &broadcast);
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
  for (const auto& [name, value] : kStrategies) {
    if (value == strategy) return name;
  }
  return "UNKNOWN";
}

}  // namespace herald
