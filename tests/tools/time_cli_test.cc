// The time features of the herald command line: a virtual day of windows
// over a generated list, `herald lookup`, and `--tz-data`.
#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"

namespace herald {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const std::string kHerald = HERALD_BINARY;
const std::string kHeraldGen = HERALD_GEN_BINARY;
const std::string kLibphonenumberMap =
    HERALD_SOURCE_DIR "/../shared/data/libphonenumber/timezones_map_data.txt";

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr int kDayRows = 100'000;  // sanitizers run ten times slower
#else
constexpr int kDayRows = 1'000'000;
#endif

// The string value of `key` in a JSON line herald wrote (flat, no escapes
// in the values looked up), or "" when absent.
absl::string_view StringField(absl::string_view line, absl::string_view key) {
  const std::string pattern = absl::StrCat("\"", key, "\":\"");
  const size_t at = line.find(pattern);
  if (at == absl::string_view::npos) return "";
  const size_t begin = at + pattern.size();
  return line.substr(begin, line.find('"', begin) - begin);
}

// A day of 09:00-20:00 windows over a million recipients in every US zone,
// on the day the clocks spring forward, on a virtual clock: every text must
// have gone out inside its recipient's window, in every zone the recipient
// may be in, and every sendable row must have gone.
TEST(TimeCliTest, AVirtualDaySendsEveryLineInsideItsRecipientsWindow) {
  TempDir dir;
  std::string output;
  ASSERT_EQ(RunCommand(absl::StrCat(kHeraldGen, " --quiet --rows ", kDayRows,
                                    " --seed 7 --out ", dir.File("c.csv"),
                                    " --truth ", dir.File("truth.json")),
                       &output),
            0)
      << output;
  const std::string campaign = dir.Write("campaign.json", R"({
    "message": "Hi ${firstName}, doors open at nine.",
    "scrubDuplicates": true, "resumeNextDay": true,
    "localTimeRestriction": {"enabled": true, "beginHour": 9,
      "beginMinute": 0, "endHour": 20, "endMinute": 0}})");
  // 23:00 on Saturday 2027-03-13 in New York; the clocks change at 02:00.
  ASSERT_EQ(
      RunCommand(absl::StrCat(kHerald, " run --quiet --campaign ", campaign,
                              " --contacts ", dir.File("c.csv"), " --outbox ",
                              dir.File("outbox.jsonl"), " --report ",
                              dir.File("report.json"),
                              " --clock virtual --start 2027-03-14T04:00:00Z"),
                 &output),
      0)
      << output;

  const json truth = json::parse(ReadWholeFile(dir.File("truth.json")));
  const json report = json::parse(ReadWholeFile(dir.File("report.json")));
  const json& stats = report["stats"];
  EXPECT_EQ(stats["sentCount"], truth["sendable"]);
  EXPECT_EQ(stats["timeoutCount"], 0);
  EXPECT_EQ(stats["remainingOutboundCount"], 0);
  EXPECT_GT(report["passes"].size(), 4u);  // one opening per zone at least

  std::map<std::string, absl::TimeZone> zones;
  std::map<std::string, int64_t> lines_by_zone;
  int64_t lines = 0;
  const std::string outbox = ReadWholeFile(dir.File("outbox.jsonl"));
  for (absl::string_view line :
       absl::StrSplit(outbox, '\n', absl::SkipEmpty())) {
    ++lines;
    absl::Time sent_at;
    std::string error;
    ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full,
                                std::string(StringField(line, "sentAt")),
                                &sent_at, &error))
        << line;
    const std::string zone_names(StringField(line, "zone"));
    ++lines_by_zone[zone_names];
    for (absl::string_view name : absl::StrSplit(zone_names, '&')) {
      auto [it, added] = zones.try_emplace(std::string(name));
      if (added) it->second = LoadZone(it->first);
      const absl::CivilSecond local = absl::ToCivilSecond(sent_at, it->second);
      ASSERT_TRUE(local.hour() >= 9 && local.hour() < 20)
          << "sent at " << local << " in " << name << ": " << line;
    }
  }
  EXPECT_EQ(lines, stats["sentCount"].get<int64_t>());
  for (const char* zone :
       {"America/New_York", "America/Chicago", "America/Denver",
        "America/Phoenix", "America/Los_Angeles", "America/Anchorage",
        "Pacific/Honolulu"}) {
    EXPECT_GT(lines_by_zone[zone], 0) << zone;
  }
}

TEST(TimeCliTest, LookupExplainsZonesAndWhenANumberIsSendable) {
  TempDir dir;
  const std::string campaign = dir.Write("campaign.json", R"({
    "message": "hi", "complianceProfile": "tcpa",
    "localTimeRestriction": {"enabled": true, "beginHour": 9,
      "beginMinute": 0, "endHour": 20, "endMinute": 0}})");
  std::string output;
  // 08:30 in Phoenix, 09:30 in Denver (daylight time), 05:30 in Honolulu.
  const int status =
      RunCommand(absl::StrCat(kHerald, " lookup 928-555-0100 808-555-0100 ",
                              "'+1 (787) 555-0100' 800-555-0100 12345 --at ",
                              "2026-07-15T15:30:00Z --campaign ", campaign),
                 &output);
  EXPECT_EQ(status, 2) << output;  // one number was not a number
  EXPECT_THAT(
      output,
      HasSubstr("19285550100: America/Denver, America/Phoenix; AZ, US\n"
                "  at 2026-07-15T15:30:00Z: not sendable "
                "(America/Denver Wed 09:30:00 MDT, America/Phoenix "
                "Wed 08:30:00 MST); next sendable 2026-07-15T16:00:00Z"));
  EXPECT_THAT(output, HasSubstr("18085550100: Pacific/Honolulu; HI, US"));
  EXPECT_THAT(output, HasSubstr("next sendable 2026-07-15T19:00:00Z"));
  EXPECT_THAT(output, HasSubstr("17875550100: America/Puerto_Rico; PR, US\n"
                                "  at 2026-07-15T15:30:00Z: sendable"));
  EXPECT_THAT(output, HasSubstr("18005550100: no known time zone"));
  EXPECT_THAT(output, HasSubstr("\"12345\": not a valid number"));
}

TEST(TimeCliTest, TzDataGivesExchangePrecision) {
  TempDir dir;
  const std::string csv =
      dir.Write("zones.csv", "npa,nxx,zone\n928,555,America/Phoenix\n");
  std::string output;
  ASSERT_EQ(
      RunCommand(absl::StrCat(kHerald, " lookup 928-555-0100 928-556-0100",
                              " --tz-data ", csv),
                 &output),
      0)
      << output;
  EXPECT_THAT(output, HasSubstr("19285550100: America/Phoenix; AZ, US"));
  EXPECT_THAT(output,
              HasSubstr("19285560100: America/Denver, America/Phoenix; AZ"));

  const std::string bad =
      dir.Write("bad.csv", "npa,nxx,zone\n928,555,America/Flagstaff\n");
  EXPECT_EQ(
      RunCommand(absl::StrCat(kHerald, " lookup 928-555-0100 --tz-data ", bad),
                 &output),
      2);
  EXPECT_THAT(output, HasSubstr("bad.csv:2"));
  EXPECT_THAT(output, HasSubstr("America/Flagstaff"));

  if (!FileExists(kLibphonenumberMap)) {
    GTEST_SKIP() << "libphonenumber's timezones map_data.txt is not at "
                 << kLibphonenumberMap;
  }
  // libphonenumber puts 541-372 (Ontario, Oregon) in Mountain time.
  ASSERT_EQ(
      RunCommand(absl::StrCat(kHerald, " lookup 541-372-0100 541-555-0100",
                              " --tz-data ", kLibphonenumberMap),
                 &output),
      0)
      << output;
  EXPECT_THAT(output, HasSubstr("15413720100: America/Denver; OR, US"));
  EXPECT_THAT(output, HasSubstr("15415550100: America/Los_Angeles; OR, US"));
}

}  // namespace
}  // namespace herald
