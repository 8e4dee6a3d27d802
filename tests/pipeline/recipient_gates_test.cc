#include "engine/pipeline/recipient_gates.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "engine/ingest/phone_number.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace herald {
namespace {

ZoneGroupId GroupOf(absl::string_view number) {
  absl::StatusOr<PhoneNumber> parsed = ParseNanpNumber(number);
  EXPECT_TRUE(parsed.ok()) << number;
  return ZoneTable::BuiltIn().Lookup(*parsed);
}

Broadcast WindowBroadcast(TimeOfDay begin, TimeOfDay end) {
  Broadcast broadcast;
  broadcast.local_time_restriction = {true, begin, end};
  broadcast.resume_next_day = true;
  return broadcast;
}

RecipientGates Build(const Broadcast& broadcast, absl::Time start,
                     absl::Time deadline = absl::InfiniteFuture()) {
  absl::StatusOr<RecipientGates> gates =
      RecipientGates::Build(broadcast, ZoneTable::BuiltIn(), start, deadline);
  EXPECT_TRUE(gates.ok()) << gates.status();
  return *std::move(gates);
}

bool InWindow(absl::CivilSecond local, TimeOfDay begin, TimeOfDay end) {
  const int s = (local.hour() * 60 + local.minute()) * 60 + local.second();
  const int b = begin.SecondsOfDay(), e = end.SecondsOfDay();
  return b < e ? (s >= b && s < e) : (s >= b || s < e);
}

// Checks, every `step` over [from, to), that the group's gate is open
// exactly when the wall clock of every one of its zones is inside the window,
// and that NextSendable names the next such instant. The window's edges
// must fall on multiples of `step`.
void ExpectGateFollowsWallClocks(const RecipientGates& gates, ZoneGroupId id,
                                 TimeOfDay begin, TimeOfDay end,
                                 absl::Time from, absl::Time to,
                                 absl::Duration step) {
  std::vector<absl::Time> minutes;
  std::vector<bool> expected;
  for (absl::Time t = from; t < to; t += step) {
    bool open = true;
    for (const absl::TimeZone& zone : gates.Zones(id)) {
      open = open && InWindow(absl::ToCivilSecond(t, zone), begin, end);
    }
    minutes.push_back(t);
    expected.push_back(open);
  }
  absl::Time next_open = absl::InfiniteFuture();
  for (size_t i = minutes.size(); i-- > 0;) {
    if (expected[i]) next_open = minutes[i];
    const absl::Time t = minutes[i];
    ASSERT_EQ(gates.Gate(id).IsOpen(t), expected[i])
        << gates.ZoneNames(id) << " at " << absl::FormatTime(t);
    if (next_open != absl::InfiniteFuture()) {
      ASSERT_EQ(gates.NextSendable(id, t), next_open)
          << gates.ZoneNames(id) << " at " << absl::FormatTime(t);
    }
  }
}

// The instants of 2026 and 2027 at which the clocks change in the US and in
// Newfoundland (the same dates, at different instants).
std::vector<absl::Time> ClockChanges() {
  std::vector<absl::Time> changes;
  for (const char* name : {"America/New_York", "America/St_Johns",
                           "America/Denver", "America/Anchorage"}) {
    const absl::TimeZone zone = LoadZone(name);
    absl::Time t = absl::FromCivil(absl::CivilSecond(2026, 1, 1), zone);
    const absl::Time end = absl::FromCivil(absl::CivilSecond(2028, 1, 1), zone);
    absl::TimeZone::CivilTransition transition;
    while (zone.NextTransition(t, &transition)) {
      t = zone.At(transition.to).trans;
      if (t >= end) break;
      changes.push_back(t);
    }
  }
  return changes;
}

// Numbers whose zones make the traps: Arizona (no DST) with the Navajo
// Nation (DST) under 928, Hawaii and Puerto Rico (no DST), Newfoundland's
// half hour with Labrador under 709, and plain DST zones.
const char* const kTrapNumbers[] = {
    "928 555 0100", "808 555 0100", "787 555 0100", "709 555 0100",
    "212 555 0100", "907 555 0100", "312 555 0100"};

TEST(RecipientGatesTest, WindowFollowsEveryZoneAcrossEachClockChange) {
  const std::vector<absl::Time> changes = ClockChanges();
  ASSERT_EQ(changes.size(), 16u);  // 4 zones x 2 a year x 2 years
  struct Window {
    TimeOfDay begin, end;
    absl::Duration step;
  };
  const Window windows[] = {
      {{9, 0, 0}, {20, 0, 0}, absl::Minutes(1)},
      {{22, 0, 0}, {6, 0, 0}, absl::Minutes(1)},  // crosses midnight
      // Holds the skipped and the repeated hour.
      {{1, 30, 0}, {3, 0, 0}, absl::Minutes(1)},
      {{8, 30, 15}, {21, 0, 0}, absl::Seconds(15)}};  // v1.1 seconds
  for (const Window& window : windows) {
    const RecipientGates gates =
        Build(WindowBroadcast(window.begin, window.end),
              changes.front() - absl::Hours(48));
    for (const char* number : kTrapNumbers) {
      const ZoneGroupId id = GroupOf(number);
      ASSERT_NE(id, 0) << number;
      for (absl::Time change : changes) {
        ExpectGateFollowsWallClocks(gates, id, window.begin, window.end,
                                    change - absl::Hours(26),
                                    change + absl::Hours(26), window.step);
      }
    }
  }
}

TEST(RecipientGatesTest, SplitAreaCodeNeedsEveryZoneOpen) {
  // 928 spans Arizona (MST all year) and the Navajo Nation (MST/MDT). In
  // July Denver is an hour ahead: 09:00 in Phoenix is 10:00 in Denver, and
  // 20:00 in Denver is 19:00 in Phoenix.
  const RecipientGates gates =
      Build(WindowBroadcast({9, 0, 0}, {20, 0, 0}),
            absl::FromUnixSeconds(1'780'000'000));  // 2026-05-28
  const ZoneGroupId id = GroupOf("928-555-0100");
  EXPECT_EQ(gates.ZoneNames(id), "America/Denver&America/Phoenix");
  const absl::TimeZone phoenix = LoadZone("America/Phoenix");
  const absl::Time nine_phoenix =
      absl::FromCivil(absl::CivilSecond(2026, 7, 15, 9, 0, 0), phoenix);
  EXPECT_EQ(gates.NextSendable(id, nine_phoenix - absl::Hours(3)),
            nine_phoenix);
  EXPECT_TRUE(gates.Gate(id).IsOpen(nine_phoenix));
  EXPECT_EQ(gates.Gate(id).NextClose(nine_phoenix),
            nine_phoenix + absl::Hours(10));  // 19:00 Phoenix, 20:00 Denver
}

TEST(RecipientGatesTest, TcpaProfileNarrowsToStateAndProvinceHours) {
  Broadcast broadcast = WindowBroadcast({7, 0, 0}, {23, 0, 0});
  broadcast.compliance_profile = ComplianceProfile::kTcpa;
  const absl::Time start = absl::FromUnixSeconds(1'795'000'000);  // 11-18
  const RecipientGates gates = Build(broadcast, start);
  auto local = [](const char* zone, int hour, int minute, int day = 23) {
    return absl::FromCivil(absl::CivilSecond(2026, 11, day, hour, minute, 0),
                           LoadZone(zone));
  };
  // New York: federal 08:00-21:00 inside the campaign's 07:00-23:00.
  const ZoneGroupId ny = GroupOf("212-555-0100");
  EXPECT_FALSE(gates.Gate(ny).IsOpen(local("America/New_York", 7, 59)));
  EXPECT_TRUE(gates.Gate(ny).IsOpen(local("America/New_York", 8, 0)));
  EXPECT_TRUE(gates.Gate(ny).IsOpen(local("America/New_York", 20, 59)));
  EXPECT_FALSE(gates.Gate(ny).IsOpen(local("America/New_York", 21, 0)));
  // Florida closes at 20:00.
  const ZoneGroupId miami = GroupOf("305-555-0100");
  EXPECT_TRUE(gates.Gate(miami).IsOpen(local("America/New_York", 19, 59)));
  EXPECT_FALSE(gates.Gate(miami).IsOpen(local("America/New_York", 20, 0)));
  // Texas opens at 09:00, and at noon on Sunday (2026-11-29).
  const ZoneGroupId dallas = GroupOf("214-555-0100");
  EXPECT_FALSE(gates.Gate(dallas).IsOpen(local("America/Chicago", 8, 30)));
  EXPECT_TRUE(gates.Gate(dallas).IsOpen(local("America/Chicago", 9, 0)));
  EXPECT_FALSE(gates.Gate(dallas).IsOpen(local("America/Chicago", 11, 0, 29)));
  EXPECT_TRUE(gates.Gate(dallas).IsOpen(local("America/Chicago", 12, 0, 29)));
  // Canada: CRTC weekday 09:00-21:30, weekend 10:00-18:00.
  const ZoneGroupId toronto = GroupOf("416-555-0100");
  EXPECT_FALSE(gates.Gate(toronto).IsOpen(local("America/Toronto", 8, 30)));
  EXPECT_TRUE(gates.Gate(toronto).IsOpen(local("America/Toronto", 9, 0)));
  EXPECT_FALSE(gates.Gate(toronto).IsOpen(local("America/Toronto", 9, 30, 28)));
  EXPECT_TRUE(gates.Gate(toronto).IsOpen(local("America/Toronto", 10, 0, 28)));
  // Thanksgiving is no holiday in the federal rule: still open.
  EXPECT_TRUE(gates.Gate(ny).IsOpen(local("America/New_York", 12, 0, 26)));
}

TEST(RecipientGatesTest, UnknownZonesFollowThePolicy) {
  const absl::Time start = absl::FromUnixSeconds(1'795'000'000);
  const ZoneGroupId toll_free = GroupOf("800-555-0100");
  ASSERT_EQ(toll_free, 0);
  Broadcast broadcast = WindowBroadcast({9, 0, 0}, {20, 0, 0});

  // Intersection: open only when 09:00-20:00 holds from New York to LA,
  // 12:00-20:00 Eastern.
  const RecipientGates both = Build(broadcast, start);
  EXPECT_EQ(both.ZoneNames(toll_free),
            "America/Chicago&America/Denver&America/Los_Angeles&"
            "America/New_York&America/Phoenix");
  const absl::TimeZone eastern = LoadZone("America/New_York");
  const absl::Time eleven =
      absl::FromCivil(absl::CivilSecond(2026, 11, 23, 11, 0, 0), eastern);
  EXPECT_EQ(both.NextSendable(toll_free, eleven), eleven + absl::Hours(1));

  broadcast.unknown_zone_policy = {UnknownZonePolicy::kFixed,
                                   "America/New_York"};
  const RecipientGates fixed = Build(broadcast, start);
  EXPECT_EQ(fixed.NextSendable(toll_free, eleven), eleven);

  broadcast.unknown_zone_policy = {UnknownZonePolicy::kSkip, ""};
  const RecipientGates skip = Build(broadcast, start);
  EXPECT_FALSE(skip.Sends(toll_free));
  EXPECT_TRUE(skip.Sends(GroupOf("212-555-0100")));
}

TEST(RecipientGatesTest, SchedulesAreAnAnyOfInTheirZones) {
  Broadcast broadcast;
  broadcast.resume_next_day = true;
  Schedule weekend;
  weekend.start_time_of_day = TimeOfDay{10, 0, 0};
  weekend.stop_time_of_day = TimeOfDay{18, 0, 0};
  weekend.days_of_week = {absl::Weekday::saturday, absl::Weekday::sunday};
  weekend.time_zone = "America/Los_Angeles";
  Schedule off = weekend;
  off.enabled = false;
  off.days_of_week = {absl::Weekday::monday};
  broadcast.schedules = {weekend, off};
  // Monday 2026-11-23: the Monday schedule is off, so the next opening is
  // Saturday 10:00 in Los Angeles, for every recipient.
  const absl::Time monday = absl::FromCivil(
      absl::CivilSecond(2026, 11, 23, 12, 0, 0), LoadZone("America/New_York"));
  const RecipientGates gates = Build(broadcast, monday);
  const absl::Time saturday =
      absl::FromCivil(absl::CivilSecond(2026, 11, 28, 10, 0, 0),
                      LoadZone("America/Los_Angeles"));
  EXPECT_EQ(gates.NextSendable(GroupOf("212-555-0100"), monday), saturday);
  EXPECT_EQ(gates.NextSendable(GroupOf("808-555-0100"), monday), saturday);
}

TEST(RecipientGatesTest, NoWindowBeforeStopDateOrDeadlineMeansNever) {
  Broadcast broadcast = WindowBroadcast({9, 0, 0}, {17, 0, 0});
  Schedule schedule;
  schedule.time_zone = "America/New_York";
  schedule.start_date = absl::CivilDay(2026, 11, 20);
  schedule.stop_date = absl::CivilDay(2026, 11, 23);
  broadcast.schedules = {schedule};
  const absl::TimeZone honolulu = LoadZone("Pacific/Honolulu");
  // 2026-11-23 20:00 in Honolulu is already 2026-11-24 in New York, after
  // the stop date: Honolulu's next window would open on the 24th.
  const absl::Time late =
      absl::FromCivil(absl::CivilSecond(2026, 11, 23, 17, 0, 0), honolulu);
  const RecipientGates gates = Build(broadcast, late);
  EXPECT_EQ(gates.NextSendable(GroupOf("808-555-0100"), late),
            absl::InfiniteFuture());

  // Without a schedule, a deadline before the next opening does the same.
  const RecipientGates deadline = Build(WindowBroadcast({9, 0, 0}, {17, 0, 0}),
                                        late, late + absl::Hours(6));
  EXPECT_EQ(deadline.NextSendable(GroupOf("808-555-0100"), late),
            absl::InfiniteFuture());
  EXPECT_EQ(deadline.Cutoff(GroupOf("808-555-0100")), late + absl::Hours(6));
}

TEST(RecipientGatesTest, WithoutResumeNextDayOnlyTheFirstWindowCounts) {
  Broadcast broadcast = WindowBroadcast({9, 0, 0}, {17, 0, 0});
  broadcast.resume_next_day = false;
  const absl::TimeZone eastern = LoadZone("America/New_York");
  const absl::Time start =
      absl::FromCivil(absl::CivilSecond(2026, 11, 23, 6, 0, 0), eastern);
  const RecipientGates gates = Build(broadcast, start);
  const ZoneGroupId ny = GroupOf("212-555-0100");
  EXPECT_EQ(gates.Cutoff(ny), start + absl::Hours(11));  // 17:00 that day
  EXPECT_EQ(gates.NextSendable(ny, start + absl::Hours(12)),
            absl::InfiniteFuture());

  WindowTracker tracker(&gates);
  EXPECT_EQ(tracker.At(ny, start), WindowState::kShut);
  EXPECT_EQ(tracker.NextChange(ny), start + absl::Hours(3));
  EXPECT_EQ(tracker.At(ny, start + absl::Hours(3)), WindowState::kOpen);
  EXPECT_EQ(tracker.At(ny, start + absl::Hours(11)), WindowState::kOver);
}

TEST(RecipientGatesTest, UnknownAccountZoneIsAnError) {
  Broadcast broadcast;
  broadcast.account_time_zone = "Mars/Olympus_Mons";
  absl::StatusOr<RecipientGates> gates =
      RecipientGates::Build(broadcast, ZoneTable::BuiltIn(), absl::UnixEpoch(),
                            absl::InfiniteFuture());
  ASSERT_FALSE(gates.ok());
  EXPECT_NE(gates.status().message().find("Mars/Olympus_Mons"),
            std::string::npos);
}

}  // namespace
}  // namespace herald
