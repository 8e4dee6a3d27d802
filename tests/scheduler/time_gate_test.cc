// Send windows in civil time, checked at the instants where they are easy to
// get wrong: DST gaps and repeats, zones without DST, half-hour zones,
// windows past midnight, and intersections across zones.
#include "scheduler/time_gate.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace herald {
namespace {

absl::Time Utc(int y, int mo, int d, int h, int mi = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0),
                         absl::UTCTimeZone());
}

DailyWindowRule Window(int begin_hour, int begin_minute, int end_hour,
                       int end_minute) {
  DailyWindowRule rule;
  rule.begin = {begin_hour, begin_minute, 0};
  rule.end = {end_hour, end_minute, 0};
  return rule;
}

TEST(TimeGateTest, OpensAtLocalNineOnBothSidesOfSpringForward) {
  const auto gate =
      DailyWindowGate(Window(9, 0, 18, 0), LoadZone("America/New_York"));
  // 2026-03-08: clocks go from 02:00 EST to 03:00 EDT.
  EXPECT_EQ(gate->NextOpen(Utc(2026, 3, 7, 5)), Utc(2026, 3, 7, 14));  // EST
  EXPECT_EQ(gate->NextOpen(Utc(2026, 3, 8, 5)), Utc(2026, 3, 8, 13));  // EDT
  EXPECT_EQ(gate->NextClose(Utc(2026, 3, 8, 13)), Utc(2026, 3, 8, 22));
  EXPECT_FALSE(gate->IsOpen(Utc(2026, 3, 8, 22)));
  EXPECT_TRUE(gate->IsOpen(Utc(2026, 3, 8, 21, 59)));
}

TEST(TimeGateTest, AWindowInTheSkippedHourClosesWhenTheClockJumps) {
  // 01:30-02:30 New York on 2026-03-08: 01:30 EST happens, 02:00-03:00 does
  // not, so the window closes at the jump.
  const auto gate =
      DailyWindowGate(Window(1, 30, 2, 30), LoadZone("America/New_York"));
  EXPECT_EQ(gate->NextOpen(Utc(2026, 3, 8, 5)), Utc(2026, 3, 8, 6, 30));
  EXPECT_EQ(gate->NextClose(Utc(2026, 3, 8, 6, 30)), Utc(2026, 3, 8, 7));
  // A window wholly inside the gap does not open that day at all.
  const auto gap =
      DailyWindowGate(Window(2, 10, 2, 50), LoadZone("America/New_York"));
  EXPECT_EQ(gap->NextOpen(Utc(2026, 3, 8, 5)), Utc(2026, 3, 9, 6, 10));
}

TEST(TimeGateTest, AWindowInTheRepeatedHourOpensTwice) {
  // 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:00-01:30 happens twice.
  const auto gate =
      DailyWindowGate(Window(1, 0, 1, 30), LoadZone("America/New_York"));
  EXPECT_EQ(gate->NextOpen(Utc(2026, 11, 1, 4)), Utc(2026, 11, 1, 5));
  EXPECT_EQ(gate->NextClose(Utc(2026, 11, 1, 5)), Utc(2026, 11, 1, 5, 30));
  EXPECT_EQ(gate->NextOpen(Utc(2026, 11, 1, 5, 30)), Utc(2026, 11, 1, 6));
  EXPECT_EQ(gate->NextClose(Utc(2026, 11, 1, 6)), Utc(2026, 11, 1, 6, 30));
}

// From 08:00 UTC, night in both: 09:00 MST is 16:00 UTC all year; 09:00 in
// Denver is 16:00 UTC in winter and 15:00 UTC in summer.
TEST(TimeGateTest, ArizonaKeepsStandardTimeWhileDenverChanges) {
  const auto phoenix =
      DailyWindowGate(Window(9, 0, 20, 0), LoadZone("America/Phoenix"));
  const auto denver =
      DailyWindowGate(Window(9, 0, 20, 0), LoadZone("America/Denver"));
  EXPECT_EQ(phoenix->NextOpen(Utc(2026, 1, 15, 8)), Utc(2026, 1, 15, 16));
  EXPECT_EQ(phoenix->NextOpen(Utc(2026, 7, 15, 8)), Utc(2026, 7, 15, 16));
  EXPECT_EQ(denver->NextOpen(Utc(2026, 1, 15, 8)), Utc(2026, 1, 15, 16));
  EXPECT_EQ(denver->NextOpen(Utc(2026, 7, 15, 8)), Utc(2026, 7, 15, 15));
}

TEST(TimeGateTest, HawaiiPuertoRicoAndNewfoundland) {
  EXPECT_EQ(DailyWindowGate(Window(8, 0, 21, 0), LoadZone("Pacific/Honolulu"))
                ->NextOpen(Utc(2026, 7, 1, 10)),
            Utc(2026, 7, 1, 18));
  EXPECT_EQ(
      DailyWindowGate(Window(8, 0, 21, 0), LoadZone("America/Puerto_Rico"))
          ->NextOpen(Utc(2026, 1, 1, 5)),
      Utc(2026, 1, 1, 12));
  // St. John's is UTC-3:30 in winter and UTC-2:30 in summer.
  const auto stjohns =
      DailyWindowGate(Window(9, 0, 18, 0), LoadZone("America/St_Johns"));
  EXPECT_EQ(stjohns->NextOpen(Utc(2026, 1, 10, 4)), Utc(2026, 1, 10, 12, 30));
  EXPECT_EQ(stjohns->NextOpen(Utc(2026, 7, 10, 4)), Utc(2026, 7, 10, 11, 30));
}

TEST(TimeGateTest, AWindowPastMidnightBelongsToTheDayItOpens) {
  DailyWindowRule rule = Window(22, 0, 6, 0);
  rule.days = WeekdayBit(absl::Weekday::friday);
  const auto gate = DailyWindowGate(rule, absl::UTCTimeZone());
  // Friday 2026-11-20 22:00 to Saturday 06:00, and not Saturday night.
  EXPECT_TRUE(gate->IsOpen(Utc(2026, 11, 20, 23)));
  EXPECT_TRUE(gate->IsOpen(Utc(2026, 11, 21, 5, 59)));
  EXPECT_FALSE(gate->IsOpen(Utc(2026, 11, 21, 6)));
  EXPECT_FALSE(gate->IsOpen(Utc(2026, 11, 21, 23)));
  EXPECT_EQ(gate->NextOpen(Utc(2026, 11, 21, 6)), Utc(2026, 11, 27, 22));
}

TEST(TimeGateTest, HolidaysAndDateRangesCloseWholeDays) {
  DailyWindowRule rule = Window(9, 0, 17, 0);
  rule.holidays = {absl::CivilDay(2026, 11, 26)};  // Thanksgiving
  rule.first_day = absl::CivilDay(2026, 11, 25);
  rule.last_day = absl::CivilDay(2026, 11, 27);
  const auto gate = DailyWindowGate(rule, absl::UTCTimeZone());
  EXPECT_EQ(gate->NextOpen(Utc(2026, 1, 1, 5)), Utc(2026, 11, 25, 9));
  EXPECT_EQ(gate->NextOpen(Utc(2026, 11, 25, 17)), Utc(2026, 11, 27, 9));
  // After the last day it never opens again.
  EXPECT_EQ(gate->NextOpen(Utc(2026, 11, 27, 17)), absl::InfiniteFuture());
}

TEST(TimeGateTest, AllOfIsTheIntersectionAcrossZones) {
  std::vector<std::unique_ptr<TimeGate>> zones;
  zones.push_back(
      DailyWindowGate(Window(9, 0, 18, 0), LoadZone("America/New_York")));
  zones.push_back(
      DailyWindowGate(Window(9, 0, 18, 0), LoadZone("America/Los_Angeles")));
  const auto both = AllOf(std::move(zones));
  // 09:00 PT = 12:00 ET; closes 18:00 ET.
  EXPECT_EQ(both->NextOpen(Utc(2026, 6, 1, 13)), Utc(2026, 6, 1, 16));
  EXPECT_EQ(both->NextClose(Utc(2026, 6, 1, 16)), Utc(2026, 6, 1, 22));
  // Windows that never overlap never open together.
  std::vector<std::unique_ptr<TimeGate>> apart;
  apart.push_back(
      DailyWindowGate(Window(9, 0, 10, 0), LoadZone("America/New_York")));
  apart.push_back(
      DailyWindowGate(Window(9, 0, 10, 0), LoadZone("America/Los_Angeles")));
  EXPECT_EQ(AllOf(std::move(apart))->NextOpen(Utc(2026, 6, 1, 0)),
            absl::InfiniteFuture());
}

// The search for a common opening looks a horizon past the first gate's
// opening, not past the question: a schedule whose dates begin in three
// months still meets a daily window then.
TEST(TimeGateTest, AllOfFindsAnOpeningBeyondALateFirstDay) {
  DailyWindowRule summer = Window(9, 0, 10, 0);
  summer.first_day = absl::CivilDay(2026, 9, 1);
  std::vector<std::unique_ptr<TimeGate>> gates;
  gates.push_back(DailyWindowGate(summer, LoadZone("America/New_York")));
  gates.push_back(
      DailyWindowGate(Window(6, 30, 7, 30), LoadZone("America/Los_Angeles")));
  // 09:30 EDT = 06:30 PDT on the first day.
  EXPECT_EQ(AllOf(std::move(gates))->NextOpen(Utc(2026, 6, 1, 0)),
            Utc(2026, 9, 1, 13, 30));
}

TEST(TimeGateTest, AnyOfOfWindowsCoveringTheClockNeverCloses) {
  std::vector<std::unique_ptr<TimeGate>> gates;
  gates.push_back(DailyWindowGate(Window(0, 0, 13, 0), absl::UTCTimeZone()));
  gates.push_back(DailyWindowGate(Window(12, 0, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(AnyOf(std::move(gates))->NextClose(Utc(2026, 6, 1, 0)),
            absl::InfiniteFuture());
}

TEST(TimeGateTest, AnyOfJoinsSchedules) {
  DailyWindowRule saturday = Window(10, 0, 12, 0);
  saturday.days = WeekdayBit(absl::Weekday::saturday);
  DailyWindowRule late = Window(11, 0, 14, 0);
  late.days = WeekdayBit(absl::Weekday::saturday);
  std::vector<std::unique_ptr<TimeGate>> gates;
  gates.push_back(DailyWindowGate(saturday, absl::UTCTimeZone()));
  gates.push_back(DailyWindowGate(late, absl::UTCTimeZone()));
  const auto any = AnyOf(std::move(gates));
  EXPECT_EQ(any->NextOpen(Utc(2026, 11, 16, 0)), Utc(2026, 11, 21, 10));
  EXPECT_EQ(any->NextClose(Utc(2026, 11, 21, 10)), Utc(2026, 11, 21, 14));
}

// Brute force: around every DST transition of 2026 and 2027 in zones with
// and without DST, a window's IsOpen, NextOpen and NextClose agree with the
// wall clock read minute by minute.
TEST(TimeGateTest, AgreesWithTheWallClockAroundEveryTransitionOf2026And2027) {
  const std::vector<std::string> zones = {
      "America/New_York", "America/Chicago",     "America/Denver",
      "America/Phoenix",  "America/Los_Angeles", "America/Anchorage",
      "Pacific/Honolulu", "America/Puerto_Rico", "America/St_Johns",
      "America/Halifax",  "America/Regina"};
  const std::vector<DailyWindowRule> windows = {
      Window(9, 0, 21, 0), Window(0, 30, 3, 0), Window(22, 0, 2, 30),
      Window(1, 0, 1, 30)};
  int checked_transitions = 0;
  for (const std::string& name : zones) {
    const absl::TimeZone zone = LoadZone(name);
    std::vector<absl::Time> around = {Utc(2026, 6, 1, 0)};  // zones without DST
    absl::TimeZone::CivilTransition transition;
    for (absl::Time t = Utc(2026, 1, 1, 0);
         zone.NextTransition(t, &transition) && t < Utc(2028, 1, 1, 0);) {
      t = zone.At(transition.to).trans;
      if (t < Utc(2028, 1, 1, 0)) around.push_back(t);
      ++checked_transitions;
    }
    for (const DailyWindowRule& rule : windows) {
      const auto gate = DailyWindowGate(rule, zone);
      const int begin = rule.begin.SecondsOfDay();
      const int end = rule.end.SecondsOfDay();
      auto wall_clock_open = [&](absl::Time t) {
        const absl::CivilSecond c = absl::ToCivilSecond(t, zone);
        const int s = (c.hour() * 60 + c.minute()) * 60 + c.second();
        return end > begin ? (s >= begin && s < end) : (s >= begin || s < end);
      };
      for (absl::Time center : around) {
        // The wall clock minute by minute from 30 hours before the change to
        // 54 after, and for each minute the first later one that differs.
        const absl::Time first = center - absl::Hours(30);
        const int minutes = 84 * 60;
        std::vector<bool> open(minutes);
        for (int i = 0; i < minutes; ++i) {
          open[i] = wall_clock_open(first + absl::Minutes(i));
        }
        std::vector<int> next_change(minutes, minutes);
        for (int i = minutes - 2; i >= 0; --i) {
          next_change[i] = open[i + 1] != open[i] ? i + 1 : next_change[i + 1];
        }
        for (int i = 0; i < 60 * 60; ++i) {
          const absl::Time t = first + absl::Minutes(i);
          ASSERT_EQ(gate->IsOpen(t), open[i]) << name << " " << t;
          ASSERT_LT(next_change[i], minutes) << name << " " << t;
          const absl::Time change = first + absl::Minutes(next_change[i]);
          if (open[i]) {
            ASSERT_EQ(gate->NextClose(t), change) << name << " " << t;
          } else {
            ASSERT_EQ(gate->NextOpen(t), change) << name << " " << t;
          }
        }
      }
    }
  }
  EXPECT_GE(checked_transitions, 8 * 4);  // four changes a year, two years
}

}  // namespace
}  // namespace herald
