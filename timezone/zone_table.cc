#include "timezone/zone_table.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "engine/base/file_io.h"
#include "engine/ingest/csv_reader.h"
#include "timezone/nanp_area_codes.h"

namespace herald {
namespace {

bool AllDigits(absl::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

int ParseDigits(absl::string_view s) {
  int value = 0;
  for (char c : s) value = value * 10 + (c - '0');
  return value;
}

absl::Status Invalid(absl::string_view where, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", what));
}

}  // namespace

// Collects prefix rules, then lays them out for Lookup(). Validates zones
// against the system's tzdata, loading each name once.
class ZoneTable::Builder {
 public:
  // Adds `zones` ('&'-separated IANA names) for the national prefix `digits`:
  // an NPA, or an NPA followed by one to three digits of the NXX. `where`
  // prefixes error messages ("file:line").
  absl::Status Add(absl::string_view where, absl::string_view digits,
                   absl::string_view zones, absl::string_view region,
                   absl::string_view country) {
    if (digits.size() < 3 || digits.size() > 6 || !AllDigits(digits)) {
      return Invalid(where, absl::StrCat("bad prefix \"", digits,
                                         "\": herald resolves zones from an "
                                         "area code (NPA) down to an exchange "
                                         "(NPA-NXX)"));
    }
    if (digits[0] < '2' || (digits.size() > 3 && digits[3] < '2')) {
      return Invalid(where, absl::StrCat("bad prefix \"", digits,
                                         "\": NPA and NXX start with 2-9"));
    }
    if (zones.empty()) return Invalid(where, "no time zone");
    Rule& rule = rules_[std::string(digits)];
    for (absl::string_view name : absl::StrSplit(zones, '&')) {
      if (name.empty()) {
        return Invalid(where,
                       absl::StrCat("empty time zone name in \"", zones, "\""));
      }
      auto it = zones_.find(name);
      if (it == zones_.end()) {
        absl::TimeZone tz;
        if (!absl::LoadTimeZone(std::string(name), &tz)) {
          return Invalid(where,
                         absl::StrCat("unknown time zone \"", name, "\""));
        }
        it = zones_.emplace(std::string(name), tz).first;
      }
      rule.zone_names.emplace_back(name);
    }
    rule.region = std::string(region);
    rule.country = std::string(country);
    return absl::OkStatus();
  }

  // Consumes the rules: call once. InvalidArgument, naming `source`, past
  // kMaxLoadedGroups distinct zone sets (a group id is 16 bits, and the
  // built-in table's groups join a loaded one's under --tz-data).
  absl::StatusOr<ZoneTable> Build(absl::string_view source) {
    constexpr size_t kMaxLoadedGroups = 60000;
    ZoneTable table;
    // Shorter prefixes first, so a longer one overwrites the exchanges it
    // covers: longest prefix wins.
    std::vector<std::pair<const std::string, Rule>*> ordered;
    for (auto& entry : rules_) ordered.push_back(&entry);
    std::stable_sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) {
      return a->first.size() < b->first.size();
    });
    std::array<ZoneGroupId, 1000> npa_groups{};
    std::map<int, std::array<ZoneGroupId, 1000>> blocks;
    for (auto* entry : ordered) {
      const std::string& digits = entry->first;
      Rule& rule = entry->second;
      std::sort(rule.zone_names.begin(), rule.zone_names.end());
      rule.zone_names.erase(
          std::unique(rule.zone_names.begin(), rule.zone_names.end()),
          rule.zone_names.end());
      std::vector<absl::TimeZone> zones;
      for (const std::string& name : rule.zone_names) {
        zones.push_back(zones_.find(name)->second);
      }
      if (table.groups_.size() >= kMaxLoadedGroups) {
        return absl::InvalidArgumentError(absl::StrCat(
            source, ": more than ", kMaxLoadedGroups,
            " distinct sets of time zones; real NANP data has a few hundred"));
      }
      const ZoneGroupId id =
          table.Intern(std::move(rule.zone_names), std::move(zones),
                       std::move(rule.region), std::move(rule.country));
      const int npa = ParseDigits(absl::string_view(digits).substr(0, 3));
      if (digits.size() == 3) {
        npa_groups[npa] = id;
        continue;
      }
      int span = 1;
      for (size_t i = digits.size(); i < 6; ++i) span *= 10;
      const int first = ParseDigits(absl::string_view(digits).substr(3)) * span;
      auto [it, inserted] = blocks.try_emplace(npa);
      if (inserted) it->second.fill(0);
      std::fill_n(it->second.begin() + first, span, id);
    }
    table.Layout(npa_groups, {blocks.begin(), blocks.end()});
    return table;
  }

 private:
  struct Rule {
    std::vector<std::string> zone_names;  // in the order added
    std::string region;
    std::string country;
  };

  std::map<std::string, Rule> rules_;  // by national prefix digits
  std::map<std::string, absl::TimeZone, std::less<>> zones_;
};

ZoneTable::ZoneTable() : groups_(1) {}

const ZoneTable& ZoneTable::BuiltIn() {
  static const ZoneTable* const table = [] {
    std::map<int, const AreaCodeZones*> by_npa;
    Builder builder;
    absl::Status status;
    for (const AreaCodeZones& code : NanpAreaCodes()) {
      by_npa[code.npa] = &code;
      status.Update(builder.Add(
          absl::StrCat("built-in table, area code ", code.npa),
          absl::StrCat(code.npa), code.zones, code.region, code.country));
    }
    for (const ExchangeZones& rule : NanpExchanges()) {
      const AreaCodeZones* code = by_npa[rule.npa];
      for (absl::string_view nxx :
           absl::StrSplit(rule.nxx_list, ' ', absl::SkipEmpty())) {
        status.Update(builder.Add(
            absl::StrCat("built-in table, exchange ", rule.npa, "-", nxx),
            absl::StrCat(rule.npa, nxx), rule.zones, code ? code->region : "",
            code ? code->country : ""));
      }
    }
    if (!status.ok()) {
      // Sending without a zone's rules would break the windows' promise.
      std::fprintf(stderr, "herald: %s\n", status.ToString().c_str());
      std::abort();
    }
    return new ZoneTable(*builder.Build("built-in table"));
  }();
  return *table;
}

absl::StatusOr<ZoneTable> ZoneTable::LoadMapData(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  Builder builder;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    const std::string where = absl::StrCat(path, ":", line_number);
    const size_t bar = line.find('|');
    if (bar == absl::string_view::npos) {
      return Invalid(where, "expected \"prefix|Zone&Zone\"");
    }
    const absl::string_view prefix = line.substr(0, bar);
    if (prefix.empty() || !AllDigits(prefix)) {
      return Invalid(
          where, absl::StrCat("bad prefix \"", prefix, "\": expected digits"));
    }
    // Other countries' prefixes, and "1" itself, which names every NANP zone
    // and so says nothing about any number.
    if (prefix[0] != '1' || prefix.size() == 1) continue;
    absl::Status status =
        builder.Add(where, prefix.substr(1), line.substr(bar + 1), "", "");
    if (!status.ok()) return status;
  }
  return builder.Build(path);
}

absl::StatusOr<ZoneTable> ZoneTable::LoadNpaNxxCsv(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  Builder builder;
  std::vector<absl::string_view> fields;
  std::string scratch;
  bool first = true;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    ++line_number;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    const std::string where = absl::StrCat(path, ":", line_number);
    if (absl::Status s = SplitCsvRecord(line, &fields, &scratch); !s.ok()) {
      return Invalid(where, s.message());
    }
    for (absl::string_view& field : fields) {
      field = absl::StripAsciiWhitespace(field);
    }
    const bool header = first && absl::EqualsIgnoreCase(fields[0], "npa");
    first = false;
    if (header) continue;
    if (fields.size() != 3) {
      return Invalid(where, absl::StrCat("expected 3 fields (npa,nxx,zone), "
                                         "found ",
                                         fields.size()));
    }
    const absl::string_view npa = fields[0];
    const absl::string_view nxx = fields[1];
    if (npa.size() != 3 || !AllDigits(npa) || npa[0] < '2') {
      return Invalid(where, absl::StrCat("bad npa \"", npa,
                                         "\": expected three digits, 2-9 "
                                         "first"));
    }
    if (!nxx.empty() && (nxx.size() != 3 || !AllDigits(nxx) || nxx[0] < '2')) {
      return Invalid(where, absl::StrCat("bad nxx \"", nxx,
                                         "\": expected three digits, 2-9 "
                                         "first, or empty for the whole area "
                                         "code"));
    }
    absl::Status status =
        builder.Add(where, absl::StrCat(npa, nxx), fields[2], "", "");
    if (!status.ok()) return status;
  }
  return builder.Build(path);
}

ZoneTable ZoneTable::WithOverrides(const ZoneTable& precise) const {
  ZoneTable out;
  // (precise group, own group, own area-code group) -> group in `out`.
  std::map<std::tuple<ZoneGroupId, ZoneGroupId, ZoneGroupId>, ZoneGroupId> memo;
  auto combine = [&](ZoneGroupId from_precise, ZoneGroupId own,
                     ZoneGroupId area) -> ZoneGroupId {
    if (from_precise == 0) area = own;  // own group, own place
    auto [it, inserted] = memo.try_emplace({from_precise, own, area}, 0);
    if (!inserted) return it->second;
    const ZoneGroup& zones =
        from_precise ? precise.group(from_precise) : group(own);
    const ZoneGroup& place = group(area);
    if (zones.zone_names.empty()) return 0;
    it->second =
        out.Intern(zones.zone_names, zones.zones, place.region, place.country);
    return it->second;
  };
  auto exchange = [](const ZoneTable& table, int npa, int nxx) {
    const uint16_t block = table.npa_block_[npa];
    return block == 0 ? table.npa_group_[npa]
                      : table.exchange_group_[(block - 1) * 1000 + nxx];
  };

  std::array<ZoneGroupId, 1000> npa_groups{};
  std::vector<std::pair<int, std::array<ZoneGroupId, 1000>>> blocks;
  for (int npa = 0; npa < 1000; ++npa) {
    const ZoneGroupId area = npa_group_[npa];
    npa_groups[npa] = combine(precise.npa_group_[npa], area, area);
    if (npa_block_[npa] == 0 && precise.npa_block_[npa] == 0) continue;
    std::array<ZoneGroupId, 1000>& cells =
        blocks.emplace_back(npa, std::array<ZoneGroupId, 1000>{}).second;
    for (int nxx = 0; nxx < 1000; ++nxx) {
      cells[nxx] =
          combine(exchange(precise, npa, nxx), exchange(*this, npa, nxx), area);
    }
  }
  out.Layout(npa_groups, blocks);
  return out;
}

ZoneGroupId ZoneTable::Intern(std::vector<std::string> zone_names,
                              std::vector<absl::TimeZone> zones,
                              std::string region, std::string country) {
  auto [it, inserted] = ids_.try_emplace(
      absl::StrCat(absl::StrJoin(zone_names, "&"), "|", region, "|", country),
      groups_.size());
  if (!inserted) return it->second;
  if (groups_.size() > 0xffff) {
    // Tens of thousands of distinct zone sets cannot come from real data.
    std::fprintf(stderr, "herald: more than 65535 time-zone groups\n");
    std::abort();
  }
  groups_.push_back({std::move(zone_names), std::move(zones), std::move(region),
                     std::move(country)});
  return it->second;
}

void ZoneTable::Layout(
    const std::array<ZoneGroupId, 1000>& npa_groups,
    const std::vector<std::pair<int, std::array<ZoneGroupId, 1000>>>&
        exchange_groups) {
  npa_group_ = npa_groups;
  npa_block_.fill(0);
  exchange_group_.clear();
  for (const auto& [npa, cells] : exchange_groups) {
    const ZoneGroupId area = npa_groups[npa];
    bool differs = false;
    for (ZoneGroupId id : cells) differs |= id != 0 && id != area;
    if (!differs) continue;  // every exchange answers like the area code
    for (ZoneGroupId id : cells) exchange_group_.push_back(id ? id : area);
    npa_block_[npa] = exchange_group_.size() / 1000;
  }
}

absl::StatusOr<ZoneTable> ZoneTable::BuiltInWithOverrides(
    const std::string& path) {
  if (path.empty()) return BuiltIn();
  absl::StatusOr<ZoneTable> loaded =
      absl::EndsWith(path, ".csv") ? LoadNpaNxxCsv(path) : LoadMapData(path);
  if (!loaded.ok()) return loaded.status();
  return BuiltIn().WithOverrides(*loaded);
}

}  // namespace herald
