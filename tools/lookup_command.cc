// `herald lookup`: a number's zone, and when a campaign may text it.
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/base/file_io.h"
#include "engine/ingest/phone_number.h"
#include "herald/preview.h"
#include "tools/cli_common.h"
#include "tools/commands.h"
#include "tools/flag_values.h"
#include "tools/run_flags.h"

namespace herald {
namespace {

// The wall clocks of `zones` at `t`, e.g.
// "America/Denver 08:00:00 MST, America/Phoenix 08:00:00 MST".
std::string WallClocks(const std::vector<absl::TimeZone>& zones, absl::Time t) {
  std::vector<std::string> clocks;
  for (const absl::TimeZone& zone : zones) {
    clocks.push_back(absl::StrCat(zone.name(), " ",
                                  absl::FormatTime("%a %H:%M:%S %Z", t, zone)));
  }
  return absl::StrJoin(clocks, ", ");
}

}  // namespace

// `herald lookup`: where a number is, and whether and when a campaign may
// send to it: the answer to "why wasn't this one sent?".
int Lookup(const LookupFlags& flags) {
  LookupOptions options;
  options.zone_data_path = flags.tz_data;
  if (!flags.campaign.empty()) {
    absl::StatusOr<std::string> definition = ReadFile(flags.campaign);
    if (!definition.ok()) return Fail(definition.status());
    options.definition = *std::move(definition);
    options.source = flags.campaign;
  }
  absl::StatusOr<std::unique_ptr<NumberLookup>> lookup =
      NumberLookup::Create(options);
  if (!lookup.ok()) return Fail(lookup.status());
  std::optional<absl::Time> at;
  if (!flags.at.empty()) {
    absl::StatusOr<absl::Time> t = ParseTimeFlag("--at", flags.at);
    if (!t.ok()) return Fail(t.status());
    at = *t;
  }

  int exit_code = kExitCompleted;
  for (const std::string& text : flags.numbers) {
    absl::StatusOr<NumberInfo> info = (*lookup)->Find(text, at);
    if (absl::IsInvalidArgument(info.status())) {
      std::cout << info.status().message() << "\n";
      exit_code = kExitBadInput;
      continue;
    }
    if (!info.ok()) return Fail(info.status());
    std::cout << E164Digits(info->number) << ": ";
    if (info->zones.empty()) {
      std::cout << "no known time zone (toll-free, non-geographic or not in "
                   "service)\n";
    } else {
      std::cout << absl::StrJoin(info->zones, ", ") << "; "
                << (info->region.empty() ? "?" : info->region) << ", "
                << (info->country.empty() ? "?" : info->country) << "\n";
    }
    if (!at) continue;
    std::cout << "  at " << Utc(*at) << ": ";
    const std::vector<absl::TimeZone>& local = info->deciding_zones;
    switch (info->sendable) {
      case NumberInfo::Sendable::kNotAsked:
        break;
      case NumberInfo::Sendable::kSkipped:
        std::cout << "not sendable: unknownZonePolicy is skip (ends SKIPPED)\n";
        break;
      case NumberInfo::Sendable::kNow:
        std::cout << "sendable (" << WallClocks(local, *at) << ")\n";
        break;
      case NumberInfo::Sendable::kNever:
        std::cout << "not sendable (" << WallClocks(local, *at)
                  << "), and no window opens again (ends TIMEOUT)\n";
        break;
      case NumberInfo::Sendable::kLater:
        std::cout << "not sendable (" << WallClocks(local, *at)
                  << "); next sendable " << Utc(info->next) << " ("
                  << WallClocks(local, info->next) << ")\n";
        break;
    }
  }
  return exit_code;
}

}  // namespace herald
