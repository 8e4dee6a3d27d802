#include "engine/broadcast/broadcast.h"

#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace herald {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr absl::string_view kFullDefinition = R"json({
  "name": "Spring Drive",
  "fromNumber": "+1 (213) 555-1234",
  "labels": ["spring", "id-7"],
  "message": "Hi ${firstName}, reply STOP to opt out",
  "bigMessageStrategy": "TRIM",
  "localTimeRestriction": {
    "enabled": true,
    "beginHour": 8,
    "beginMinute": 30,
    "endHour": 20,
    "endMinute": 15
  },
  "schedules": [
    {
      "enabled": false,
      "startTimeOfDay": {"hour": 9, "minute": 5, "second": 7},
      "stopTimeOfDay": {"hour": 17, "minute": 45, "second": 59},
      "daysOfWeek": ["MONDAY", "WEDNESDAY", "SUNDAY"],
      "timeZone": "America/Chicago",
      "startDate": {"year": 2026, "month": 2, "day": 28},
      "stopDate": {"year": 2026, "month": 3, "day": 1}
    },
    {
      "timeZone": ""
    }
  ],
  "retryConfig": {
    "maxAttempts": 3,
    "minutesBetweenAttempts": 15,
    "retryResults": ["CARRIER_TEMP_ERROR", "UNDIALED"],
    "retryPhoneTypes": ["FIRST_NUMBER"]
  },
  "maxActive": 250,
  "resumeNextDay": true,
  "scrubDuplicates": true
})json";

// Parses `json`, expecting failure; returns the message.
std::string ErrorFor(absl::string_view json) {
  absl::StatusOr<Broadcast> parsed = ParseBroadcast(json, "campaign.json");
  EXPECT_FALSE(parsed.ok()) << json;
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(parsed.status().message());
}

TEST(ParseBroadcastTest, FullDefinition) {
  absl::StatusOr<Broadcast> parsed =
      ParseBroadcast(kFullDefinition, "campaign.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const Broadcast& b = *parsed;
  EXPECT_EQ(b.name, "Spring Drive");
  EXPECT_EQ(b.from_number, "12135551234");  // canonical E.164 digits
  EXPECT_THAT(b.labels, ElementsAre("spring", "id-7"));
  EXPECT_EQ(b.message, "Hi ${firstName}, reply STOP to opt out");
  EXPECT_EQ(b.big_message_strategy, BigMessageStrategy::kTrim);

  EXPECT_TRUE(b.local_time_restriction.enabled);
  EXPECT_EQ(b.local_time_restriction.begin, (TimeOfDay{8, 30, 0}));
  EXPECT_EQ(b.local_time_restriction.end, (TimeOfDay{20, 15, 0}));

  ASSERT_EQ(b.schedules.size(), 2u);
  const Schedule& s = b.schedules[0];
  EXPECT_FALSE(s.enabled);
  ASSERT_TRUE(s.start_time_of_day.has_value());
  EXPECT_EQ(*s.start_time_of_day, (TimeOfDay{9, 5, 7}));
  ASSERT_TRUE(s.stop_time_of_day.has_value());
  EXPECT_EQ(*s.stop_time_of_day, (TimeOfDay{17, 45, 59}));
  EXPECT_THAT(s.days_of_week,
              ElementsAre(absl::Weekday::monday, absl::Weekday::wednesday,
                          absl::Weekday::sunday));
  EXPECT_EQ(s.time_zone, "America/Chicago");
  EXPECT_EQ(s.start_date, absl::CivilDay(2026, 2, 28));
  EXPECT_EQ(s.stop_date, absl::CivilDay(2026, 3, 1));

  const Schedule& defaults = b.schedules[1];
  EXPECT_TRUE(defaults.enabled);
  EXPECT_FALSE(defaults.start_time_of_day.has_value());
  EXPECT_FALSE(defaults.stop_time_of_day.has_value());
  EXPECT_TRUE(defaults.days_of_week.empty());
  EXPECT_EQ(defaults.time_zone, "");
  EXPECT_FALSE(defaults.start_date.has_value());
  EXPECT_FALSE(defaults.stop_date.has_value());

  EXPECT_EQ(b.retry_config.max_attempts, 3);
  EXPECT_EQ(b.retry_config.minutes_between_attempts, 15);
  EXPECT_THAT(
      b.retry_config.retry_results,
      ElementsAre(TextResult::kCarrierTempError, TextResult::kUndialed));
  EXPECT_EQ(b.max_active, 250);
  EXPECT_TRUE(b.resume_next_day);
  EXPECT_TRUE(b.scrub_duplicates);
}

TEST(ParseBroadcastTest, DefaultsWhenFieldsAreAbsent) {
  absl::StatusOr<Broadcast> parsed = ParseBroadcast("{}", "campaign.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const Broadcast& b = *parsed;
  EXPECT_EQ(b.name, "API Send");
  EXPECT_EQ(b.from_number, "67076");
  EXPECT_TRUE(b.labels.empty());
  EXPECT_EQ(b.message, "");
  EXPECT_EQ(b.big_message_strategy, BigMessageStrategy::kSendMultiple);
  EXPECT_FALSE(b.local_time_restriction.enabled);
  EXPECT_TRUE(b.schedules.empty());
  EXPECT_EQ(b.retry_config.max_attempts, 1);
  EXPECT_EQ(b.retry_config.minutes_between_attempts, 60);
  EXPECT_TRUE(b.retry_config.retry_results.empty());
  EXPECT_FALSE(b.max_active.has_value());
  EXPECT_FALSE(b.resume_next_day);
  EXPECT_FALSE(b.scrub_duplicates);
}

TEST(ParseBroadcastTest, PartialRetryConfigKeepsOtherDefaults) {
  absl::StatusOr<Broadcast> parsed =
      ParseBroadcast(R"({"retryConfig": {"maxAttempts": 2}})", "c.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->retry_config.max_attempts, 2);
  EXPECT_EQ(parsed->retry_config.minutes_between_attempts, 60);
}

TEST(ParseBroadcastTest, BooleansAcceptTrueAndFalseStrings) {
  absl::StatusOr<Broadcast> parsed = ParseBroadcast(
      R"({"resumeNextDay": "true", "scrubDuplicates": "false",
          "localTimeRestriction": {"enabled": "true", "beginHour": 9,
                                   "endHour": 17},
          "schedules": [{"enabled": "false"}]})",
      "campaign.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->resume_next_day);
  EXPECT_FALSE(parsed->scrub_duplicates);
  EXPECT_TRUE(parsed->local_time_restriction.enabled);
  ASSERT_EQ(parsed->schedules.size(), 1u);
  EXPECT_FALSE(parsed->schedules[0].enabled);

  parsed = ParseBroadcast(R"({"scrubDuplicates": "true"})", "campaign.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->scrub_duplicates);

  EXPECT_THAT(ErrorFor(R"({"scrubDuplicates": "yes"})"),
              HasSubstr("campaign.json: scrubDuplicates: expected true or "
                        "false"));
  EXPECT_THAT(ErrorFor(R"({"resumeNextDay": 1})"),
              HasSubstr("resumeNextDay: expected true or false"));
}

TEST(ParseBroadcastTest, FromNumberForms) {
  auto from = [](absl::string_view json) {
    absl::StatusOr<Broadcast> parsed = ParseBroadcast(json, "c.json");
    EXPECT_TRUE(parsed.ok()) << json << ": " << parsed.status();
    return parsed.ok() ? parsed->from_number : "";
  };
  EXPECT_EQ(from(R"({"fromNumber": "67076"})"), "67076");    // short code
  EXPECT_EQ(from(R"({"fromNumber": "123456"})"), "123456");  // short code
  EXPECT_EQ(from(R"({"fromNumber": 67076})"), "67076");      // as a number
  EXPECT_EQ(from(R"({"fromNumber": "213.555.1234"})"), "12135551234");
  EXPECT_EQ(from(R"({"fromNumber": 12135551234})"), "12135551234");
}

TEST(ParseBroadcastTest, FromNumberThatIsNeitherShortCodeNorNumber) {
  std::string message = ErrorFor(R"({"fromNumber": "411"})");
  EXPECT_THAT(message, StartsWith("campaign.json: fromNumber: "));
  EXPECT_THAT(message, HasSubstr("neither a short code nor a valid number"));
  EXPECT_THAT(message, HasSubstr("wrong length"));

  message = ErrorFor(R"({"fromNumber": "213-911-5678"})");
  EXPECT_THAT(message, HasSubstr("fromNumber"));
  EXPECT_THAT(message, HasSubstr("N11"));

  EXPECT_THAT(ErrorFor(R"({"fromNumber": "1-800-FLOWERS"})"),
              HasSubstr("fromNumber"));
  EXPECT_THAT(ErrorFor(R"({"fromNumber": true})"),
              HasSubstr("fromNumber: expected a string"));
}

TEST(ParseBroadcastTest, UnknownTopLevelField) {
  const std::string message = ErrorFor(R"({"name": "x", "fromNumbr": "1"})");
  EXPECT_THAT(message, StartsWith("campaign.json: fromNumbr: unknown field"));
  // The known names help the user fix the typo.
  EXPECT_THAT(message, HasSubstr("fromNumber"));
}

TEST(ParseBroadcastTest, UnknownNestedField) {
  EXPECT_THAT(ErrorFor(R"({"localTimeRestriction": {"foo": 1}})"),
              AllOf(HasSubstr("localTimeRestriction.foo: unknown field"),
                    HasSubstr("beginHour")));
  EXPECT_THAT(ErrorFor(R"({"retryConfig": {"maxAttempt": 2}})"),
              HasSubstr("retryConfig.maxAttempt: unknown field"));
  EXPECT_THAT(
      ErrorFor(R"({"schedules": [{}, {"startTimeOfDay": {"hours": 9}}]})"),
      HasSubstr("schedules[1].startTimeOfDay.hours: unknown field"));
}

TEST(ParseBroadcastTest, WrongTypes) {
  EXPECT_THAT(ErrorFor(R"({"maxActive": "ten"})"),
              HasSubstr("campaign.json: maxActive: expected an integer"));
  EXPECT_THAT(ErrorFor(R"({"maxActive": 2.5})"),
              HasSubstr("maxActive: expected an integer"));
  EXPECT_THAT(ErrorFor(R"({"name": 5})"), HasSubstr("name: expected a string"));
  EXPECT_THAT(ErrorFor(R"({"labels": "one"})"),
              HasSubstr("labels: expected an array"));
  EXPECT_THAT(ErrorFor(R"({"labels": ["a", 2]})"),
              HasSubstr("labels[1]: expected a string"));
  EXPECT_THAT(ErrorFor(R"({"schedules": {}})"),
              HasSubstr("schedules: expected an array"));
  EXPECT_THAT(ErrorFor(R"({"retryConfig": []})"),
              HasSubstr("retryConfig: expected an object"));
  EXPECT_THAT(ErrorFor(R"({"name": ""})"),
              HasSubstr("name: must not be empty"));
}

TEST(ParseBroadcastTest, OutOfRangeValues) {
  EXPECT_THAT(ErrorFor(R"({"localTimeRestriction": {"beginHour": 25}})"),
              HasSubstr("localTimeRestriction.beginHour: must be from 0 to "
                        "23, got 25"));
  EXPECT_THAT(ErrorFor(R"({"retryConfig": {"maxAttempts": 0}})"),
              HasSubstr("campaign.json: retryConfig.maxAttempts: must be from "
                        "1 to"));
  EXPECT_THAT(ErrorFor(R"({"retryConfig": {"maxAttempts": 0}})"),
              HasSubstr("got 0"));
  EXPECT_THAT(ErrorFor(R"({"maxActive": 0})"), HasSubstr("maxActive"));
  EXPECT_THAT(ErrorFor(R"({"maxActive": -3})"), HasSubstr("got -3"));
  EXPECT_THAT(
      ErrorFor(R"({"schedules": [{"stopTimeOfDay": {"minute": 60}}]})"),
      HasSubstr("schedules[0].stopTimeOfDay.minute: must be from 0 to 59"));
  EXPECT_THAT(
      ErrorFor(R"({"retryConfig": {"minutesBetweenAttempts": 100000}})"),
      HasSubstr("retryConfig.minutesBetweenAttempts: must be from 0"));
}

// An integer too large for any field is named as the user wrote it.
TEST(ParseBroadcastTest, HugeIntegerIsReportedAsWritten) {
  const std::string message =
      ErrorFor(R"({"maxActive": 18446744073709551615})");
  EXPECT_THAT(message, HasSubstr("maxActive"));
  EXPECT_THAT(message, HasSubstr("18446744073709551615"));
}

TEST(ParseBroadcastTest, BadEnumValues) {
  const std::string message = ErrorFor(R"({"bigMessageStrategy": "SPLIT"})");
  EXPECT_THAT(message,
              HasSubstr("bigMessageStrategy: unknown value \"SPLIT\""));
  EXPECT_THAT(message, HasSubstr("SEND_MULTIPLE"));

  EXPECT_THAT(
      ErrorFor(R"({"schedules": [{"daysOfWeek": ["MONDAY", "FUNDAY"]}]})"),
      HasSubstr("schedules[0].daysOfWeek[1]: unknown value \"FUNDAY\""));
  EXPECT_THAT(ErrorFor(R"({"schedules": [{"daysOfWeek": ["monday"]}]})"),
              HasSubstr("schedules[0].daysOfWeek[0]"));
  EXPECT_THAT(
      ErrorFor(R"({"retryConfig": {"retryPhoneTypes": ["FAX"]}})"),
      HasSubstr("retryConfig.retryPhoneTypes[0]: unknown value \"FAX\""));
  // CallFire's other phone columns are not retried: refused, not ignored.
  EXPECT_THAT(
      ErrorFor(R"({"retryConfig": {"retryPhoneTypes": ["FIRST_NUMBER",
                                                        "MOBILE_PHONE"]}})"),
      HasSubstr("retryConfig.retryPhoneTypes[1]: herald retries the number "
                "it texted only (FIRST_NUMBER)"));
  EXPECT_THAT(
      ErrorFor(R"({"retryConfig": {"retryResults": ["SENT", "LOST"]}})"),
      HasSubstr("retryConfig.retryResults[1]: \"LOST\" is not a text result"));
}

TEST(ParseBroadcastTest, UnknownTimeZone) {
  EXPECT_THAT(
      ErrorFor(R"({"schedules": [{"timeZone": "Mars/Olympus"}]})"),
      HasSubstr("schedules[0].timeZone: unknown time zone \"Mars/Olympus\""));
}

TEST(ParseBroadcastTest, ImpossibleAndIncompleteDates) {
  EXPECT_THAT(
      ErrorFor(
          R"({"schedules": [{"startDate": {"year": 2026, "month": 2, "day": 30}}]})"),
      AllOf(HasSubstr("schedules[0].startDate"),
            HasSubstr("no such date 2026-2-30")));
  // 2028 is a leap year; 2026 is not.
  EXPECT_TRUE(
      ParseBroadcast(
          R"({"schedules": [{"startDate": {"year": 2028, "month": 2, "day": 29}}]})",
          "c.json")
          .ok());
  EXPECT_THAT(
      ErrorFor(
          R"({"schedules": [{"stopDate": {"year": 2026, "month": 2, "day": 29}}]})"),
      HasSubstr("schedules[0].stopDate"));
  EXPECT_THAT(
      ErrorFor(R"({"schedules": [{"startDate": {"year": 2026, "month": 2}}]})"),
      HasSubstr("schedules[0].startDate: a date needs year, month and day"));
  EXPECT_THAT(
      ErrorFor(
          R"({"schedules": [{"startDate": {"year": 2026, "month": 13, "day": 1}}]})"),
      HasSubstr("schedules[0].startDate.month"));
}

TEST(ParseBroadcastTest, StopDateBeforeStartDate) {
  EXPECT_THAT(ErrorFor(R"({"schedules": [{},
          {"startDate": {"year": 2026, "month": 11, "day": 7},
           "stopDate": {"year": 2026, "month": 10, "day": 24}}]})"),
              HasSubstr("schedules[1]: stopDate is before startDate"));
  // The same day for both is a one-day schedule.
  EXPECT_TRUE(ParseBroadcast(
                  R"({"schedules": [
          {"startDate": {"year": 2026, "month": 11, "day": 7},
           "stopDate": {"year": 2026, "month": 11, "day": 7}}]})",
                  "c.json")
                  .ok());
}

TEST(ParseBroadcastTest, MessageTemplateErrors) {
  EXPECT_THAT(ErrorFor(R"({"message": "Hello ${firstName"})"),
              AllOf(HasSubstr("campaign.json: message: "),
                    HasSubstr("no closing '}'")));
  EXPECT_THAT(ErrorFor(R"({"message": "Hello ${}"})"),
              AllOf(HasSubstr("message: "), HasSubstr("empty placeholder")));
}

TEST(ParseBroadcastTest, LocalTimeRestrictionWindow) {
  EXPECT_THAT(
      ErrorFor(R"({"localTimeRestriction": {"enabled": true, "beginHour": 9,
                   "endHour": 9}})"),
      HasSubstr("localTimeRestriction: begin and end are the same time"));
  // Disabled, the same times mean nothing.
  EXPECT_TRUE(ParseBroadcast(R"({"localTimeRestriction": {"enabled": false,
                   "beginHour": 9, "endHour": 9}})",
                             "c.json")
                  .ok());
  // A window past midnight is fine.
  absl::StatusOr<Broadcast> parsed = ParseBroadcast(
      R"({"localTimeRestriction": {"enabled": true, "beginHour": 22,
          "endHour": 2}})",
      "c.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->local_time_restriction.begin.hour, 22);
  EXPECT_EQ(parsed->local_time_restriction.end.hour, 2);
}

TEST(ParseBroadcastTest, SyntaxErrorNamesLineAndColumn) {
  const std::string message = ErrorFor(
      "{\n"
      "  \"name\": \"x\",\n"
      "  \"maxActive\": 10,,\n"
      "}\n");
  EXPECT_THAT(message, StartsWith("campaign.json: not valid JSON"));
  EXPECT_THAT(message, HasSubstr("line 3, column 19"));

  EXPECT_THAT(ErrorFor("{\"name\": 'x'}"), HasSubstr("line 1, column 10"));
  EXPECT_THAT(ErrorFor(""), HasSubstr("not valid JSON at line 1, column 1"));
}

TEST(ParseBroadcastTest, TopLevelMustBeAnObject) {
  EXPECT_THAT(ErrorFor("[1, 2]"),
              HasSubstr("campaign.json: the broadcast must be a JSON object, "
                        "got array"));
  EXPECT_THAT(ErrorFor("\"text\""), HasSubstr("must be a JSON object"));
  EXPECT_THAT(ErrorFor("42"), HasSubstr("must be a JSON object"));
}

TEST(BigMessageStrategyNameTest, ApiNames) {
  EXPECT_EQ(BigMessageStrategyName(BigMessageStrategy::kSendMultiple),
            "SEND_MULTIPLE");
  EXPECT_EQ(BigMessageStrategyName(BigMessageStrategy::kDoNotSend),
            "DO_NOT_SEND");
  EXPECT_EQ(BigMessageStrategyName(BigMessageStrategy::kTrim), "TRIM");
}

TEST(LoadBroadcastFileTest, ParsesTheBeaufortExample) {
  const std::string path = HERALD_SOURCE_DIR "/examples/beaufort/campaign.json";
  absl::StatusOr<Broadcast> parsed = LoadBroadcastFile(path);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->name, "Beaufort Charity Weekend");
  EXPECT_EQ(parsed->from_number, "19206596476");
  EXPECT_THAT(parsed->labels, ElementsAre("charity", "id-10003"));
  EXPECT_THAT(parsed->message, StartsWith("Hello ${firstName}."));
  ASSERT_EQ(parsed->schedules.size(), 1u);
  EXPECT_EQ(parsed->schedules[0].time_zone, "America/New_York");
  EXPECT_THAT(parsed->schedules[0].days_of_week,
              ElementsAre(absl::Weekday::saturday, absl::Weekday::sunday));
  EXPECT_EQ(parsed->schedules[0].start_date, absl::CivilDay(2026, 10, 24));
  EXPECT_EQ(parsed->schedules[0].stop_date, absl::CivilDay(2026, 11, 7));
  EXPECT_EQ(parsed->retry_config.max_attempts, 2);
  EXPECT_EQ(parsed->retry_config.minutes_between_attempts, 5);
  EXPECT_EQ(parsed->max_active, 50);
  EXPECT_TRUE(parsed->resume_next_day);
  EXPECT_TRUE(parsed->scrub_duplicates);
}

TEST(LoadBroadcastFileTest, MissingFileNamesThePath) {
  const std::string path = HERALD_SOURCE_DIR "/examples/no-such-campaign.json";
  absl::StatusOr<Broadcast> parsed = LoadBroadcastFile(path);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(path));
}

TEST(LoadBroadcastFileTest, ErrorsNameTheFile) {
  TempDir dir;
  const std::string path = dir.Write("bad.json", R"({"maxActive": "ten"})");
  absl::StatusOr<Broadcast> parsed = LoadBroadcastFile(path);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(std::string(parsed.status().message()),
              StartsWith(path + ": maxActive: "));

  const std::string broken = dir.Write("broken.json", "{\n  \"name\": }\n");
  parsed = LoadBroadcastFile(broken);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(std::string(parsed.status().message()),
              StartsWith(broken + ": not valid JSON at line 2, column 11"));
}

}  // namespace
}  // namespace herald
