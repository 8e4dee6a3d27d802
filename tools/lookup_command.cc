// `herald lookup`: a number's zone, and when a campaign may text it.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "engine/base/file_io.h"
#include "engine/broadcast/broadcast.h"
#include "engine/ingest/phone_number.h"
#include "engine/message/sms_encoding.h"
#include "engine/pipeline/broadcast_run.h"
#include "engine/pipeline/preview_transport.h"
#include "engine/pipeline/recipient_gates.h"
#include "herald/clock.h"
#include "herald/engine.h"
#include "timezone/zone_table.h"
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
  absl::StatusOr<ZoneTable> zones =
      ZoneTable::BuiltInWithOverrides(flags.tz_data);
  if (!zones.ok()) return Fail(zones.status());
  Broadcast broadcast;
  if (!flags.campaign.empty()) {
    absl::StatusOr<Broadcast> loaded = LoadBroadcastFile(flags.campaign);
    if (!loaded.ok()) return Fail(loaded.status());
    broadcast = *std::move(loaded);
  }
  std::optional<RecipientGates> gates;
  absl::Time at;
  if (!flags.at.empty()) {
    absl::StatusOr<absl::Time> t = ParseTimeFlag("--at", flags.at);
    if (!t.ok()) return Fail(t.status());
    at = *t;
    absl::StatusOr<RecipientGates> built =
        RecipientGates::Build(broadcast, *zones, at, absl::InfiniteFuture());
    if (!built.ok()) return Fail(built.status());
    gates = *std::move(built);
  }

  int exit_code = kExitCompleted;
  for (const std::string& text : flags.numbers) {
    absl::StatusOr<PhoneNumber> number = ParseNanpNumber(text);
    if (!number.ok()) {
      std::cout << "\"" << text
                << "\": not a valid number: " << number.status().message()
                << "\n";
      exit_code = kExitBadInput;
      continue;
    }
    const ZoneGroupId id = zones->Lookup(*number);
    const ZoneGroup& group = zones->group(id);
    std::cout << E164Digits(*number) << ": ";
    if (id == 0) {
      std::cout << "no known time zone (toll-free, non-geographic or not in "
                   "service)\n";
    } else {
      std::cout << absl::StrJoin(group.zone_names, ", ") << "; "
                << (group.region.empty() ? "?" : group.region) << ", "
                << (group.country.empty() ? "?" : group.country) << "\n";
    }
    if (!gates) continue;
    std::cout << "  at " << Utc(at) << ": ";
    if (!gates->Sends(id)) {
      std::cout << "not sendable: unknownZonePolicy is skip (ends SKIPPED)\n";
      continue;
    }
    const std::vector<absl::TimeZone>& local = gates->Zones(id);
    const absl::Time next = gates->NextSendable(id, at);
    if (next == at) {
      std::cout << "sendable (" << WallClocks(local, at) << ")\n";
    } else if (next == absl::InfiniteFuture()) {
      std::cout << "not sendable (" << WallClocks(local, at)
                << "), and no window opens again (ends TIMEOUT)\n";
    } else {
      std::cout << "not sendable (" << WallClocks(local, at)
                << "); next sendable " << Utc(next) << " ("
                << WallClocks(local, next) << ")\n";
    }
  }
  return exit_code;
}

}  // namespace herald
