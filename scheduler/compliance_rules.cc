#include "scheduler/compliance_rules.h"

#include <algorithm>

namespace herald {
namespace {

using absl::Weekday;

constexpr WeekdaySet Days(std::initializer_list<Weekday> days) {
  WeekdaySet set = 0;
  for (Weekday day : days) set |= WeekdayBit(day);
  return set;
}

constexpr WeekdaySet kWeekdays =
    Days({Weekday::monday, Weekday::tuesday, Weekday::wednesday,
          Weekday::thursday, Weekday::friday});
constexpr WeekdaySet kMondayToSaturday = kWeekdays | Days({Weekday::saturday});
constexpr WeekdaySet kSaturday = Days({Weekday::saturday});
constexpr WeekdaySet kSunday = Days({Weekday::sunday});
constexpr WeekdaySet kWeekend = kSaturday | kSunday;

ComplianceWindow Hours(int begin_hour, int begin_minute, int end_hour,
                       int end_minute, WeekdaySet days = kEveryDay) {
  return {{begin_hour, begin_minute, 0}, {end_hour, end_minute, 0}, days};
}

// FACTS.md §C.4, with its sources. Where a source is marked "verify" the rule
// takes the stricter reading.
std::vector<ComplianceRule> MakeRules() {
  return {
      {"US",
       {Hours(8, 0, 21, 0)},
       false,
       "TCPA, 47 CFR 64.1200(c)(1); FTC TSR 16 CFR 310.4",
       absl::CivilDay(1991, 12, 20)},
      {"FL",
       {Hours(8, 0, 20, 0)},
       false,
       "Florida Telephone Solicitation Act, Fla. Stat. 501.616(6)(a)",
       absl::CivilDay(2021, 7, 1)},
      {"OK",
       {Hours(8, 0, 20, 0)},
       false,
       "Oklahoma Telephone Solicitation Act, Okla. Stat. tit. 15 775C.4",
       absl::CivilDay(2022, 11, 1)},
      {"MD",
       {Hours(8, 0, 20, 0)},
       false,
       "Maryland Stop the Spam Calls Act",
       absl::CivilDay(2023, 1, 1)},
      {"WA",
       {Hours(8, 0, 20, 0)},
       false,
       "RCW 19.158.040(2); HB 1497 (2022)",
       std::nullopt},
      {"TX",
       {Hours(9, 0, 21, 0, kMondayToSaturday), Hours(12, 0, 21, 0, kSunday)},
       false,
       "Tex. Bus. & Com. Code 301.051 (Sunday hours: verify)",
       std::nullopt},
      {"AL",
       {Hours(8, 0, 20, 0, kMondayToSaturday)},
       true,
       "Alabama telemarketing hours (dropcowboy.com state compliance)",
       std::nullopt},
      {"CT",
       {Hours(9, 0, 20, 0)},
       false,
       "Connecticut telemarketing hours",
       std::nullopt},
      {"KY",
       {Hours(10, 0, 21, 0)},
       false,
       "Kentucky telemarketing hours",
       std::nullopt},
      {"LA",
       {Hours(8, 0, 20, 0, kMondayToSaturday)},
       true,
       "Louisiana telemarketing hours; LA PSC holiday list",
       std::nullopt},
      {"MA",
       {Hours(8, 0, 20, 0)},
       false,
       "Massachusetts telemarketing hours",
       std::nullopt},
      {"MI",
       {Hours(9, 0, 21, 0)},
       false,
       "Michigan telemarketing hours",
       std::nullopt},
      {"MN",
       {Hours(9, 0, 21, 0)},
       false,
       "Minnesota telemarketing hours",
       std::nullopt},
      {"NM",
       {Hours(9, 0, 21, 0)},
       false,
       "New Mexico telemarketing hours",
       std::nullopt},
      {"MS",
       {Hours(8, 0, 20, 0, kMondayToSaturday)},
       false,
       "Mississippi telemarketing hours",
       std::nullopt},
      {"NV",
       {Hours(9, 0, 20, 0)},
       false,
       "Nevada telemarketing hours",
       std::nullopt},
      {"PA",
       {Hours(8, 0, 21, 0, kWeekdays), Hours(8, 0, 12, 0, kSaturday)},
       true,
       "Pennsylvania telemarketing hours (Saturday hours: verify)",
       std::nullopt},
      {"RI",
       {Hours(9, 0, 18, 0, kWeekdays), Hours(10, 0, 17, 0, kSaturday)},
       true,
       "Rhode Island telemarketing hours (verify)",
       std::nullopt},
      {"UT",
       {Hours(8, 0, 21, 0, kMondayToSaturday)},
       true,
       "Utah telemarketing hours (dnc.com restricted dates)",
       std::nullopt},
      {"CA",
       {Hours(9, 0, 21, 30, kWeekdays), Hours(10, 0, 18, 0, kWeekend)},
       false,
       "CRTC Unsolicited Telecommunications Rules (provincial rules may be "
       "stricter)",
       std::nullopt},
  };
}

constexpr absl::string_view kCanadianRegions[] = {"AB", "BC", "MB", "NB", "NL",
                                                  "NS", "NT", "NU", "ON", "PE",
                                                  "QC", "SK", "YT"};

// The n-th (1-based) `weekday` of a month, or the last when n is 0.
absl::CivilDay NthWeekday(int year, int month, Weekday weekday, int n) {
  if (n == 0) {
    absl::CivilDay day = absl::CivilDay(year, month + 1, 1) - 1;
    while (absl::GetWeekday(day) != weekday) --day;
    return day;
  }
  absl::CivilDay day(year, month, 1);
  while (absl::GetWeekday(day) != weekday) ++day;
  return day + 7 * (n - 1);
}

// A fixed-date holiday on a weekend is observed on the nearest weekday.
absl::CivilDay Observed(absl::CivilDay day) {
  switch (absl::GetWeekday(day)) {
    case Weekday::saturday:
      return day - 1;
    case Weekday::sunday:
      return day + 1;
    default:
      return day;
  }
}

}  // namespace

const std::vector<ComplianceRule>& ComplianceRules() {
  static const std::vector<ComplianceRule>* rules =
      new std::vector<ComplianceRule>(MakeRules());
  return *rules;
}

const ComplianceRule* FindComplianceRule(absl::string_view region) {
  if (std::find(std::begin(kCanadianRegions), std::end(kCanadianRegions),
                region) != std::end(kCanadianRegions)) {
    region = "CA";
  }
  for (const ComplianceRule& rule : ComplianceRules()) {
    if (rule.region == region) return &rule;
  }
  return nullptr;
}

std::vector<absl::CivilDay> UsFederalHolidays(int first_year, int last_year) {
  std::vector<absl::CivilDay> days;
  for (int y = first_year; y <= last_year; ++y) {
    days.push_back(Observed(absl::CivilDay(y, 1, 1)));        // New Year's Day
    days.push_back(NthWeekday(y, 1, Weekday::monday, 3));     // M. L. King Jr.
    days.push_back(NthWeekday(y, 2, Weekday::monday, 3));     // Washington's
    days.push_back(NthWeekday(y, 5, Weekday::monday, 0));     // Memorial Day
    days.push_back(Observed(absl::CivilDay(y, 6, 19)));       // Juneteenth
    days.push_back(Observed(absl::CivilDay(y, 7, 4)));        // Independence
    days.push_back(NthWeekday(y, 9, Weekday::monday, 1));     // Labor Day
    days.push_back(NthWeekday(y, 10, Weekday::monday, 2));    // Columbus Day
    days.push_back(Observed(absl::CivilDay(y, 11, 11)));      // Veterans Day
    days.push_back(NthWeekday(y, 11, Weekday::thursday, 4));  // Thanksgiving
    days.push_back(Observed(absl::CivilDay(y, 12, 25)));      // Christmas
  }
  std::sort(days.begin(), days.end());
  return days;
}

std::unique_ptr<TimeGate> ComplianceGate(const ComplianceRule& rule,
                                         absl::TimeZone zone,
                                         absl::Time around) {
  std::vector<absl::CivilDay> holidays;
  if (rule.closed_on_holidays) {
    const int year = static_cast<int>(absl::ToCivilYear(around, zone).year());
    holidays = UsFederalHolidays(year - 1, year + 2);
  }
  std::vector<std::unique_ptr<TimeGate>> windows;
  for (const ComplianceWindow& window : rule.windows) {
    DailyWindowRule daily;
    daily.begin = window.begin;
    daily.end = window.end;
    daily.days = window.days;
    daily.holidays = holidays;
    windows.push_back(DailyWindowGate(std::move(daily), zone));
  }
  return AnyOf(std::move(windows));
}

}  // namespace herald
