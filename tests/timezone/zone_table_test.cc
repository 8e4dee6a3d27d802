#include "timezone/zone_table.h"

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"
#include "timezone/nanp_area_codes.h"

namespace herald {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

PhoneNumber Number(int npa, int nxx, int line) {
  return 10'000'000'000u + npa * uint64_t{10'000'000} + nxx * 10'000 + line;
}

const ZoneGroup& GroupOf(const ZoneTable& table, PhoneNumber number) {
  return table.group(table.Lookup(number));
}

// The zones of the built-in table for `npa`'s numbers without an exchange
// rule (exchange 999 is never in one).
std::vector<std::string> ZonesOfAreaCode(int npa) {
  return GroupOf(ZoneTable::BuiltIn(), Number(npa, 999, 0)).zone_names;
}

TEST(ZoneTableTest, TypicalNumbers) {
  const ZoneTable& table = ZoneTable::BuiltIn();
  struct Case {
    PhoneNumber number;
    std::vector<std::string> zones;
    const char* region;
    const char* country;
  };
  const Case cases[] = {
      {12125551234, {"America/New_York"}, "NY", "US"},
      {19155551234, {"America/Denver"}, "TX", "US"},  // El Paso
      {16025551234, {"America/Phoenix"}, "AZ", "US"},
      {18085551234, {"Pacific/Honolulu"}, "HI", "US"},
      {17875551234, {"America/Puerto_Rico"}, "PR", "US"},
      {17095551234, {"America/Goose_Bay", "America/St_Johns"}, "NL", "CA"},
      {17098961234, {"America/Goose_Bay"}, "NL", "CA"},  // Happy Valley
      {13065221234, {"America/Regina"}, "SK", "CA"},     // Regina
      {19285551234, {"America/Denver", "America/Phoenix"}, "AZ", "US"},
      {18765551234, {"America/Jamaica"}, "JM", "JM"},
      {14165551234, {"America/Toronto"}, "ON", "CA"},
  };
  for (const Case& c : cases) {
    const ZoneGroup& group = GroupOf(table, c.number);
    EXPECT_EQ(group.zone_names, c.zones) << c.number;
    EXPECT_EQ(group.region, c.region) << c.number;
    EXPECT_EQ(group.country, c.country) << c.number;
    ASSERT_EQ(group.zones.size(), group.zone_names.size());
    for (size_t i = 0; i < group.zones.size(); ++i) {
      EXPECT_EQ(group.zones[i].name(), group.zone_names[i]);
    }
  }
  // Saskatchewan keeps no DST, except two border towns.
  EXPECT_THAT(ZonesOfAreaCode(306), ::testing::Contains("America/Regina"));
}

TEST(ZoneTableTest, NonGeographicAndInvalidNumbersHaveNoZone) {
  const ZoneTable& table = ZoneTable::BuiltIn();
  for (int npa : {800, 833, 844, 855, 866, 877, 888, 900, 500, 521, 533, 544,
                  566, 577, 588, 600, 700, 211, 911}) {
    EXPECT_EQ(table.Lookup(Number(npa, 555, 1234)), 0) << npa;
  }
  EXPECT_EQ(table.Lookup(0), 0);
  EXPECT_EQ(table.Lookup(2125551234), 0);    // no country code
  EXPECT_EQ(table.Lookup(22125551234), 0);   // not +1
  EXPECT_EQ(table.Lookup(112125551234), 0);  // too long
  EXPECT_TRUE(table.group(0).zone_names.empty());
  EXPECT_TRUE(table.group(0).region.empty());
}

TEST(ZoneTableTest, OverlaysServeTheirParentsZones) {
  const std::pair<int, int> overlays[] = {
      {448, 850}, {458, 541}, {364, 270}, {930, 812}, {986, 208},
      {581, 418}, {367, 418}, {879, 709}, {236, 250}, {778, 250},
      {672, 250}, {257, 250}, {474, 306}, {639, 306}, {463, 317},
      {945, 214}, {726, 210}, {332, 212}, {929, 718}, {983, 303}};
  for (const auto& [overlay, parent] : overlays) {
    EXPECT_EQ(ZonesOfAreaCode(overlay), ZonesOfAreaCode(parent)) << overlay;
    EXPECT_FALSE(ZonesOfAreaCode(overlay).empty()) << overlay;
  }
}

TEST(ZoneTableTest, BuiltInDataIsConsistent) {
  std::map<int, std::set<std::string>> zones_by_npa;
  int previous = 0;
  for (const AreaCodeZones& code : NanpAreaCodes()) {
    EXPECT_GT(code.npa, previous) << "sorted, each once";
    previous = code.npa;
    EXPECT_NE(code.npa / 10 % 10, 9) << code.npa << ": middle digit 9";
    EXPECT_FALSE(code.npa % 100 == 11) << code.npa << ": N11";
    EXPECT_EQ(std::string(code.country).size(), 2u) << code.npa;
    for (absl::string_view zone : absl::StrSplit(code.zones, '&')) {
      zones_by_npa[code.npa].emplace(zone);
    }
  }
  for (const ExchangeZones& rule : NanpExchanges()) {
    ASSERT_TRUE(zones_by_npa.count(rule.npa)) << rule.npa;
    EXPECT_GT(zones_by_npa[rule.npa].size(), 1u)
        << rule.npa << ": exchange rules only for split area codes";
    for (absl::string_view zone : absl::StrSplit(rule.zones, '&')) {
      EXPECT_TRUE(zones_by_npa[rule.npa].count(std::string(zone)))
          << rule.npa << " " << rule.nxx_list << ": " << zone
          << " is not one of the area code's zones";
    }
  }
  // An NXX gets at most one rule.
  std::set<std::pair<int, std::string>> seen;
  for (const ExchangeZones& rule : NanpExchanges()) {
    for (absl::string_view nxx :
         absl::StrSplit(rule.nxx_list, ' ', absl::SkipEmpty())) {
      EXPECT_TRUE(seen.emplace(rule.npa, std::string(nxx)).second)
          << rule.npa << "-" << nxx;
    }
  }
  std::cout << "built-in table: " << NanpAreaCodes().size() << " area codes, "
            << seen.size() << " exchange rules, "
            << ZoneTable::BuiltIn().group_count() - 1 << " zone groups\n";
}

TEST(ZoneTableTest, GroupsAreInterned) {
  const ZoneTable& table = ZoneTable::BuiltIn();
  // The same zones and state: one id.
  EXPECT_EQ(table.Lookup(12125551234), table.Lookup(19175551234));
  EXPECT_EQ(table.Lookup(12135551234), table.Lookup(13105551234));
  // The same zones, another state: another id.
  EXPECT_NE(table.Lookup(12125551234), table.Lookup(12015551234));
  // Far fewer groups than area codes.
  EXPECT_LT(table.group_count(), NanpAreaCodes().size() / 2);
}

TEST(ZoneTableTest, LoadsMapData) {
  TempDir dir;
  const std::string path = dir.Write("map_data.txt",
                                     "# comment\n"
                                     "\n"
                                     "1|America/New_York&America/Chicago\n"
                                     "1208|America/Boise&America/Los_Angeles\n"
                                     "12082|America/Denver\n"
                                     "1208215|America/Los_Angeles\n"
                                     "20|Africa/Cairo\n"
                                     "1212|America/New_York\r\n"
                                     "1917|America/New_York\n");
  absl::StatusOr<ZoneTable> table = ZoneTable::LoadMapData(path);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(GroupOf(*table, 12083451234).zone_names,
              ElementsAre("America/Boise", "America/Los_Angeles"));
  EXPECT_THAT(GroupOf(*table, 12082011234).zone_names,
              ElementsAre("America/Denver"));
  EXPECT_THAT(GroupOf(*table, 12082151234).zone_names,
              ElementsAre("America/Los_Angeles"));
  EXPECT_THAT(GroupOf(*table, 12125551234).zone_names,
              ElementsAre("America/New_York"));
  EXPECT_EQ(table->Lookup(12125551234), table->Lookup(19175551234));
  EXPECT_TRUE(GroupOf(*table, 12125551234).region.empty());
  EXPECT_EQ(table->Lookup(13125551234), 0) << "\"1\" is no answer";
  EXPECT_EQ(table->group_count(), 5u);
}

TEST(ZoneTableTest, MapDataErrorsNameFileLineAndField) {
  TempDir dir;
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"1212|America/New_York\n1213\n", ":2: expected \"prefix|Zone&Zone\""},
      {"12x2|America/New_York\n", ":1: bad prefix \"12x2\""},
      {"\n\n1123|America/New_York\n", ":3: bad prefix \"123\""},
      {"12125551|America/New_York\n", ":1: bad prefix \"2125551\""},
      {"121|America/New_York\n", ":1: bad prefix \"21\""},
      {"1212|America/Nowhere\n", ":1: unknown time zone \"America/Nowhere\""},
      {"1212|America/New_York&\n", ":1: empty time zone name"},
      {"1212|\n", ":1: no time zone"},
  };
  for (const Case& c : cases) {
    const std::string path = dir.Write("bad.txt", c.text);
    absl::StatusOr<ZoneTable> table = ZoneTable::LoadMapData(path);
    ASSERT_FALSE(table.ok()) << c.text;
    EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(table.status().message()),
                HasSubstr(path + c.message));
  }
  EXPECT_EQ(ZoneTable::LoadMapData(dir.File("missing.txt")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(ZoneTableTest, LoadsNpaNxxCsv) {
  TempDir dir;
  const std::string path =
      dir.Write("npanxx.csv",
                "NPA,NXX,Zone\n"
                "208,201,America/Denver\n"
                "208,215,\"America/Los_Angeles\"\r\n"
                "208,,America/Boise&America/Los_Angeles\n"
                "\n"
                " 850 , 432 , America/Chicago\n"
                "850,432,America/New_York\n");  // listed twice: the union
  absl::StatusOr<ZoneTable> table = ZoneTable::LoadNpaNxxCsv(path);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(GroupOf(*table, 12082011234).zone_names,
              ElementsAre("America/Denver"));
  EXPECT_THAT(GroupOf(*table, 12082151234).zone_names,
              ElementsAre("America/Los_Angeles"));
  EXPECT_THAT(GroupOf(*table, 12089991234).zone_names,
              ElementsAre("America/Boise", "America/Los_Angeles"));
  EXPECT_THAT(GroupOf(*table, 18504321234).zone_names,
              ElementsAre("America/Chicago", "America/New_York"));
  EXPECT_EQ(table->Lookup(18504331234), 0);
  EXPECT_EQ(table->Lookup(12125551234), 0);

  // Without a header too.
  const std::string bare = dir.Write("bare.csv", "212,555,America/New_York\n");
  ASSERT_TRUE(ZoneTable::LoadNpaNxxCsv(bare).ok());
}

TEST(ZoneTableTest, CsvErrorsNameFileLineAndField) {
  TempDir dir;
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"npa,nxx,zone\n212,555\n",
       ":2: expected 3 fields (npa,nxx,zone), "
       "found 2"},
      {"21,555,America/New_York\n", ":1: bad npa \"21\""},
      {"112,555,America/New_York\n", ":1: bad npa \"112\""},
      {"212,055,America/New_York\n", ":1: bad nxx \"055\""},
      {"212,5555,America/New_York\n", ":1: bad nxx \"5555\""},
      {"212,555,Mars/Olympus\n", ":1: unknown time zone \"Mars/Olympus\""},
      {"212,555,\"America\"x\n", ":1: "},
  };
  for (const Case& c : cases) {
    const std::string path = dir.Write("bad.csv", c.text);
    absl::StatusOr<ZoneTable> table = ZoneTable::LoadNpaNxxCsv(path);
    ASSERT_FALSE(table.ok()) << c.text;
    EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(table.status().message()),
                HasSubstr(path + c.message));
  }
}

TEST(ZoneTableTest, OverridesAnswerWhereTheyHaveAPrefix) {
  TempDir dir;
  const std::string path = dir.Write("npanxx.csv",
                                     "208,201,America/Denver\n"
                                     "850,,America/Chicago\n"
                                     "555,555,America/New_York\n");
  absl::StatusOr<ZoneTable> precise = ZoneTable::LoadNpaNxxCsv(path);
  ASSERT_TRUE(precise.ok()) << precise.status();
  const ZoneTable table = ZoneTable::BuiltIn().WithOverrides(*precise);

  const ZoneGroup& exchange = GroupOf(table, 12082011234);
  EXPECT_THAT(exchange.zone_names, ElementsAre("America/Denver"));
  EXPECT_EQ(exchange.region, "ID") << "the place comes from the built-in data";
  EXPECT_EQ(exchange.country, "US");
  EXPECT_EQ(GroupOf(table, 12089991234).zone_names, ZonesOfAreaCode(208));
  // An area-code rule overrides the built-in exchange rules too.
  EXPECT_THAT(GroupOf(table, 18502221234).zone_names,
              ElementsAre("America/Chicago"));
  EXPECT_EQ(GroupOf(table, 18502221234).region, "FL");
  // Elsewhere the built-in answers, with the same groups.
  EXPECT_EQ(GroupOf(table, 12125551234).zone_names,
            GroupOf(ZoneTable::BuiltIn(), 12125551234).zone_names);
  EXPECT_EQ(table.Lookup(12125551234), table.Lookup(19175551234));
  EXPECT_EQ(table.Lookup(18005551234), 0);
  // A prefix the built-in table does not know has zones but no place.
  EXPECT_THAT(GroupOf(table, 15555551234).zone_names,
              ElementsAre("America/New_York"));
  EXPECT_EQ(GroupOf(table, 15555551234).region, "");
}

// --- Safety and precision against libphonenumber's timezones map_data.txt.

const char kReferencePath[] =
    HERALD_SOURCE_DIR "/../shared/data/libphonenumber/timezones_map_data.txt";

// Zones are "the same" when their UTC offsets agree at every instant of a
// sample of 2026 (every 6 hours), so America/Toronto and America/New_York
// are one class, America/Phoenix and America/Denver are two.
class OffsetClasses {
 public:
  int ClassOf(const std::string& name) {
    auto it = by_name_.find(name);
    if (it != by_name_.end()) return it->second;
    const absl::TimeZone tz = LoadZone(name);
    std::vector<int> offsets;
    const absl::Time start =
        absl::FromCivil(absl::CivilHour(2026, 1, 1, 0), absl::UTCTimeZone());
    for (int i = 0; i < 365 * 4; ++i) {
      offsets.push_back(tz.At(start + absl::Hours(6 * i)).offset);
    }
    const int next = static_cast<int>(by_offsets_.size());
    const int id = by_offsets_.try_emplace(offsets, next).first->second;
    by_name_[name] = id;
    return id;
  }

  std::set<int> ClassesOf(const std::vector<std::string>& names) {
    std::set<int> classes;
    for (const std::string& name : names) classes.insert(ClassOf(name));
    return classes;
  }

 private:
  std::map<std::string, int> by_name_;
  std::map<std::vector<int>, int> by_offsets_;
};

struct ReferenceEntry {
  std::string digits;  // national: NPA, then up to three NXX digits
  std::vector<std::string> zones;
};

std::vector<ReferenceEntry> ReadReference() {
  std::vector<ReferenceEntry> entries;
  const std::string text = ReadWholeFile(kReferencePath);
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#' || line[0] != '1') continue;
    std::vector<std::string> parts = absl::StrSplit(line, '|');
    if (parts.size() != 2 || parts[0].size() < 4) continue;  // skips "1"
    entries.push_back(
        {parts[0].substr(1), absl::StrSplit(parts[1], '&', absl::SkipEmpty())});
  }
  return entries;
}

struct LevelScore {
  int entries = 0;
  int safe = 0;
  int precise = 0;
  int excused = 0;  // safe only thanks to LibphonenumberExceptions()
  // Area-code entries only. Where herald gives the code one zone (class):
  // how many, and how many of those are precise. And how many codes get the
  // same zones from herald as from the reference's line and exchange entries
  // for the code taken together.
  int one_zone = 0;
  int one_zone_precise = 0;
  int whole_code_precise = 0;
  std::vector<std::string> unsafe;
  std::vector<std::string> imprecise;
};

struct Score {
  LevelScore area_code;  // entries for a whole NPA
  LevelScore exchange;   // entries for part of an NPA
};

template <typename Names>
std::string Describe(const Names& zones) {
  return absl::StrJoin(zones, "&");
}

// Scores `table` against every NANP entry of the reference. An entry decides
// the numbers under its prefix that no longer entry claims; herald's answer
// for it is what Lookup() gives for those numbers, exchange by exchange, and
// it is safe (or precise) when every one of those answers is.
Score ScoreAgainstReference(const ZoneTable& table, bool allow_exceptions) {
  const std::vector<ReferenceEntry> entries = ReadReference();
  std::set<std::string> prefixes;
  for (const ReferenceEntry& entry : entries) prefixes.insert(entry.digits);
  std::map<int, std::set<std::string>> excepted;
  if (allow_exceptions) {
    for (const ReferenceException& e : LibphonenumberExceptions()) {
      excepted[e.npa].insert(e.zone);
    }
  }
  OffsetClasses classes;
  // Per NPA, every zone class either side names anywhere in the code.
  std::map<int, std::set<int>> reference_code, herald_code;
  for (const ReferenceEntry& entry : entries) {
    const int npa = std::stoi(entry.digits.substr(0, 3));
    for (int c : classes.ClassesOf(entry.zones)) reference_code[npa].insert(c);
    if (herald_code.count(npa)) continue;
    for (int nxx = 200; nxx < 1000; ++nxx) {
      for (int c : classes.ClassesOf(
               table.group(table.Lookup(Number(npa, nxx, 0))).zone_names)) {
        herald_code[npa].insert(c);
      }
    }
  }
  Score score;
  for (const ReferenceEntry& entry : entries) {
    const int npa = std::stoi(entry.digits.substr(0, 3));
    // The exchanges this entry decides.
    std::set<ZoneGroupId> answers;
    for (int nxx = 200; nxx < 1000; ++nxx) {
      const std::string exchange =
          entry.digits.substr(0, 3) + std::to_string(nxx);
      if (exchange.compare(0, entry.digits.size(), entry.digits) != 0) continue;
      bool claimed = false;
      for (size_t len = entry.digits.size() + 1; len <= 6; ++len) {
        claimed |= prefixes.count(exchange.substr(0, len)) > 0;
      }
      if (claimed) continue;
      answers.insert(table.Lookup(Number(npa, nxx, 0)));
    }
    if (answers.empty()) continue;  // every exchange has a longer entry

    LevelScore& level =
        entry.digits.size() == 3 ? score.area_code : score.exchange;
    ++level.entries;
    const std::set<int> want = classes.ClassesOf(entry.zones);
    bool safe = true;
    bool precise = true;
    bool excused = false;
    std::set<std::string> herald_zones;
    std::set<int> herald_classes;
    for (ZoneGroupId id : answers) {
      const std::vector<std::string>& names = table.group(id).zone_names;
      herald_zones.insert(names.begin(), names.end());
      const std::set<int> have = classes.ClassesOf(names);
      herald_classes.insert(have.begin(), have.end());
      precise &= have == want;
      for (const std::string& zone : entry.zones) {
        if (have.count(classes.ClassOf(zone))) continue;
        if (excepted[npa].count(zone)) {
          excused = true;
        } else {
          safe = false;
        }
      }
    }
    const std::string line =
        absl::StrCat("1", entry.digits, " reference=", Describe(entry.zones),
                     " herald=", Describe(herald_zones));
    if (safe) ++level.safe;
    if (safe && excused) ++level.excused;
    if (!safe) level.unsafe.push_back(line);
    if (precise) ++level.precise;
    if (!precise) level.imprecise.push_back(line);
    if (entry.digits.size() == 3) {
      level.whole_code_precise += reference_code[npa] == herald_code[npa];
      if (herald_classes.size() == 1) {
        ++level.one_zone;
        level.one_zone_precise += precise;
      }
    }
  }
  return score;
}

void Print(const char* title, const LevelScore& level) {
  auto percent = [&](int n) {
    return level.entries ? 100.0 * n / level.entries : 100.0;
  };
  std::cout << std::fixed << std::setprecision(2) << title << ": "
            << level.entries << " prefixes, safety " << percent(level.safe)
            << "% (" << level.safe << ", " << level.excused
            << " by documented exception), precision " << percent(level.precise)
            << "% (" << level.precise << ")\n";
  for (const std::string& line : level.unsafe) {
    std::cout << "  UNSAFE " << line << "\n";
  }
  if (level.one_zone > 0) {
    std::cout << "  area codes herald puts in one zone: " << level.one_zone
              << ", precision "
              << 100.0 * level.one_zone_precise / level.one_zone
              << "%; precision comparing whole codes (the reference's line "
                 "and exchange entries together): "
              << percent(level.whole_code_precise) << "% ("
              << level.whole_code_precise << ")\n";
  }
}

double Share(int n, int of) { return of ? static_cast<double>(n) / of : 1; }

TEST(ZoneTableReferenceTest, BuiltInIsSafe) {
  if (!FileExists(kReferencePath)) {
    GTEST_SKIP() << "libphonenumber's timezones map_data.txt is not at "
                 << kReferencePath << "; accuracy not measured";
  }
  const Score score = ScoreAgainstReference(ZoneTable::BuiltIn(), true);
  Print("built-in, area-code entries", score.area_code);
  Print("built-in, exchange entries", score.exchange);
  std::cout << "area-code entries herald names differently:\n";
  for (const std::string& line : score.area_code.imprecise) {
    std::cout << "  " << line << "\n";
  }
  for (const ReferenceException& e : LibphonenumberExceptions()) {
    std::cout << "exception " << e.npa << " " << e.zone << ": " << e.reason
              << "\n";
  }
  EXPECT_GT(score.area_code.entries, 400);
  EXPECT_GT(score.exchange.entries, 1000);
  EXPECT_THAT(score.area_code.unsafe, ::testing::IsEmpty());
  EXPECT_THAT(score.exchange.unsafe, ::testing::IsEmpty());
  // Where herald puts an area code in one zone it names the reference's zone,
  // but for one documented reference error (689).
  EXPECT_GE(Share(score.area_code.one_zone_precise, score.area_code.one_zone),
            0.99);
  // The Time issue aims at 97% over all area-code entries; a safe table cannot
  // get there. For ~36 codes herald must name several zones: codes that span
  // zones, where the reference's area-code line is only the default for the
  // exchanges it does not list (219, 270, 850, 928, ...), their overlays,
  // which it maps to one zone (364, 448, 458, 930, the BC overlays, ...), and
  // places it misses (Phenix City, Crossville, Lloydminster, Blanc-Sablon).
  // This floor guards against regressions.
  EXPECT_GE(Share(score.area_code.precise, score.area_code.entries), 0.915);
}

TEST(ZoneTableReferenceTest, WithReferenceOverridesIsExact) {
  absl::StatusOr<ZoneTable> reference = ZoneTable::LoadMapData(kReferencePath);
  if (absl::IsNotFound(reference.status())) {
    GTEST_SKIP() << "libphonenumber's timezones map_data.txt is not at "
                 << kReferencePath << "; accuracy not measured";
  }
  ASSERT_TRUE(reference.ok()) << reference.status();
  const Score score = ScoreAgainstReference(
      ZoneTable::BuiltIn().WithOverrides(*reference), false);
  Print("with overrides, area-code entries", score.area_code);
  Print("with overrides, exchange entries", score.exchange);
  EXPECT_EQ(score.area_code.safe, score.area_code.entries);
  EXPECT_EQ(score.exchange.safe, score.exchange.entries);
  EXPECT_EQ(score.area_code.precise, score.area_code.entries);
  EXPECT_EQ(score.exchange.precise, score.exchange.entries);
}

}  // namespace
}  // namespace herald
