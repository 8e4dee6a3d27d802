// Which time zones a NANP phone number's recipient may be in: the built-in
// area-code table, and tables loaded from outside data for exchange precision.
#ifndef HERALD_TIMEZONE_ZONE_TABLE_H_
#define HERALD_TIMEZONE_ZONE_TABLE_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/ingest/phone_number.h"

namespace herald {

// Names an interned ZoneGroup within one ZoneTable. 0 is "no known zone".
using ZoneGroupId = uint16_t;

// The answer for a prefix: every zone its numbers may be in (a recipient may
// be contacted only when the window is open in all of them), and where the
// prefix is.
struct ZoneGroup {
  std::vector<std::string> zone_names;  // IANA names, sorted; empty for id 0
  std::vector<absl::TimeZone> zones;    // zone_names loaded, same order
  std::string region;   // e.g. "NY", "ON", "PR", "JM"; see NanpAreaCodes()
  std::string country;  // ISO 3166-1 alpha-2, e.g. "US", "CA", "JM"
};

// Maps phone numbers to zone groups by longest prefix: an exchange (NPA-NXX)
// rule where there is one, else the area code's. A value type; immutable once
// built, so any number of threads may call Lookup() concurrently.
class ZoneTable {
 public:
  // A table that knows no zone for any number.
  ZoneTable();

  // The built-in table of every geographic NANP area code (NanpAreaCodes()),
  // built on first use. Aborts with a message if the system's tzdata lacks a
  // zone the table names: without it no window could be honoured.
  static const ZoneTable& BuiltIn();

  // Loads libphonenumber's timezones map_data.txt format: "prefix|Zone&Zone"
  // lines, '#' comments, prefixes with the country code. Only NANP prefixes
  // of an area code ("1212") down to an exchange ("1212555") are kept; other
  // countries and the country-wide "1" line are skipped. Groups have no
  // region or country.
  static absl::StatusOr<ZoneTable> LoadMapData(const std::string& path);

  // Loads "npa,nxx,zone" CSV lines, an optional header first; zone may list
  // several ("America/Boise&America/Los_Angeles") and an empty nxx makes the
  // rule cover the whole area code. Groups have no region or country.
  //
  // For both loaders a prefix listed twice gets the union of its zones, and
  // errors are InvalidArgument naming "file:line" and the bad field (a bad
  // prefix, an unknown IANA zone, a malformed line).
  static absl::StatusOr<ZoneTable> LoadNpaNxxCsv(const std::string& path);

  // Returns a table that answers with `precise`'s zones wherever `precise`
  // has a prefix for a number and with this table's elsewhere; the region
  // and country always come from this table's area-code data. This is what
  // `--tz-data FILE` gives: BuiltIn().WithOverrides(loaded).
  ZoneTable WithOverrides(const ZoneTable& precise) const;

  // The built-in table with the file at `path` layered over it: a CSV of
  // npa,nxx,zone when the name ends in .csv, else libphonenumber's
  // map_data format. An empty path gives the built-in table.
  static absl::StatusOr<ZoneTable> BuiltInWithOverrides(
      const std::string& path);

  // The group for `number`, 0 when no zone is known (toll-free codes,
  // unassigned codes, anything that is not an 11-digit +1 number). No
  // allocation: two or three array reads.
  ZoneGroupId Lookup(PhoneNumber number) const {
    // Unsigned wrap-around also sends numbers below 10000000000 out of range.
    const uint64_t national = number - 10'000'000'000u;
    if (national >= 10'000'000'000u) return 0;
    const uint32_t npa = static_cast<uint32_t>(national / 10'000'000);
    const uint32_t block = npa_block_[npa];
    if (block == 0) return npa_group_[npa];
    return exchange_group_[(block - 1) * 1000 + national / 10'000 % 1000];
  }

  // `id` must come from this table.
  const ZoneGroup& group(ZoneGroupId id) const { return groups_[id]; }

  // Distinct groups, counting the empty group 0.
  size_t group_count() const { return groups_.size(); }

 private:
  class Builder;

  // Returns the id of the group with these zones (sorted, unique), region
  // and country, adding it when new.
  ZoneGroupId Intern(std::vector<std::string> zone_names,
                     std::vector<absl::TimeZone> zones, std::string region,
                     std::string country);

  // Lays out the lookup arrays from the area-code groups and, per area code
  // with exchange rules, a group per NXX (0: the area code's group).
  void Layout(const std::array<ZoneGroupId, 1000>& npa_groups,
              const std::vector<std::pair<int, std::array<ZoneGroupId, 1000>>>&
                  exchange_groups);

  std::vector<ZoneGroup> groups_;           // [0] is the empty group
  std::map<std::string, ZoneGroupId> ids_;  // by zones, region and country
  // By NPA: the area code's group, and 0 or 1 + the index of its block of
  // 1000 per-NXX groups in exchange_group_.
  std::array<ZoneGroupId, 1000> npa_group_{};
  std::array<uint16_t, 1000> npa_block_{};
  std::vector<ZoneGroupId> exchange_group_;
};

}  // namespace herald

#endif  // HERALD_TIMEZONE_ZONE_TABLE_H_
