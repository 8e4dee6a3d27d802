// The legal hours as data: the rules say what FACTS.md §C.4 says, and their
// gates open and close where a person reading the statute would expect.
#include "scheduler/compliance_rules.h"

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace herald {
namespace {

absl::Time Local(const absl::TimeZone& zone, int y, int mo, int d, int h,
                 int mi = 0) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), zone);
}

TEST(ComplianceRulesTest, EveryRuleNamesItsSource) {
  for (const ComplianceRule& rule : ComplianceRules()) {
    EXPECT_FALSE(rule.source.empty()) << rule.region;
    EXPECT_FALSE(rule.windows.empty()) << rule.region;
  }
  ASSERT_NE(FindComplianceRule("US"), nullptr);
  EXPECT_EQ(FindComplianceRule("ON"), FindComplianceRule("CA"));
  EXPECT_EQ(FindComplianceRule("NY"), nullptr);  // only the federal rule
}

TEST(ComplianceRulesTest, FloridaStopsAtEightPm) {
  const absl::TimeZone miami = LoadZone("America/New_York");
  const auto gate = ComplianceGate(*FindComplianceRule("FL"), miami,
                                   Local(miami, 2026, 11, 1, 0));
  EXPECT_FALSE(gate->IsOpen(Local(miami, 2026, 11, 23, 7, 59)));
  EXPECT_TRUE(gate->IsOpen(Local(miami, 2026, 11, 23, 8)));
  EXPECT_TRUE(gate->IsOpen(Local(miami, 2026, 11, 23, 19, 59)));
  EXPECT_FALSE(gate->IsOpen(Local(miami, 2026, 11, 23, 20)));
}

TEST(ComplianceRulesTest, TexasHasLaterSundayHours) {
  const absl::TimeZone houston = LoadZone("America/Chicago");
  const auto gate = ComplianceGate(*FindComplianceRule("TX"), houston,
                                   Local(houston, 2026, 11, 1, 0));
  // Sunday 2026-11-22: noon to nine; Monday: nine to nine.
  EXPECT_FALSE(gate->IsOpen(Local(houston, 2026, 11, 22, 11, 59)));
  EXPECT_EQ(gate->NextOpen(Local(houston, 2026, 11, 22, 8)),
            Local(houston, 2026, 11, 22, 12));
  EXPECT_EQ(gate->NextOpen(Local(houston, 2026, 11, 22, 21)),
            Local(houston, 2026, 11, 23, 9));
}

TEST(ComplianceRulesTest, AlabamaIsClosedOnSundaysAndFederalHolidays) {
  const absl::TimeZone zone = LoadZone("America/Chicago");
  const auto gate = ComplianceGate(*FindComplianceRule("AL"), zone,
                                   Local(zone, 2026, 11, 1, 0));
  // Wednesday 2026-11-25 at 20:00: the next opening skips Thanksgiving
  // (Thursday 26th) and opens Friday.
  EXPECT_EQ(gate->NextOpen(Local(zone, 2026, 11, 25, 20)),
            Local(zone, 2026, 11, 27, 8));
  // Saturday 28th 20:00: Sunday is closed, Monday opens.
  EXPECT_EQ(gate->NextOpen(Local(zone, 2026, 11, 28, 20)),
            Local(zone, 2026, 11, 30, 8));
}

TEST(ComplianceRulesTest, CanadaHasShorterWeekendHours) {
  const absl::TimeZone toronto = LoadZone("America/Toronto");
  const auto gate = ComplianceGate(*FindComplianceRule("ON"), toronto,
                                   Local(toronto, 2026, 11, 1, 0));
  EXPECT_TRUE(gate->IsOpen(Local(toronto, 2026, 11, 23, 21, 29)));  // Mon
  EXPECT_FALSE(gate->IsOpen(Local(toronto, 2026, 11, 23, 21, 30)));
  EXPECT_FALSE(gate->IsOpen(Local(toronto, 2026, 11, 21, 9, 30)));  // Sat
  EXPECT_TRUE(gate->IsOpen(Local(toronto, 2026, 11, 21, 10)));
  EXPECT_FALSE(gate->IsOpen(Local(toronto, 2026, 11, 21, 18)));
}

TEST(ComplianceRulesTest, FederalHolidaysFollowTheirRules) {
  const std::vector<absl::CivilDay> days = UsFederalHolidays(2026, 2027);
  auto has = [&](absl::CivilDay day) {
    return std::binary_search(days.begin(), days.end(), day);
  };
  EXPECT_EQ(days.size(), 22u);
  EXPECT_TRUE(has(absl::CivilDay(2026, 11, 26)));  // Thanksgiving
  EXPECT_TRUE(has(absl::CivilDay(2026, 5, 25)));   // last Monday of May
  EXPECT_TRUE(has(absl::CivilDay(2026, 7, 3)));    // July 4th is a Saturday
  EXPECT_TRUE(has(absl::CivilDay(2027, 12, 24)));  // Christmas on a Saturday
  EXPECT_TRUE(has(absl::CivilDay(2026, 1, 19)));   // third Monday of January
}

}  // namespace
}  // namespace herald
