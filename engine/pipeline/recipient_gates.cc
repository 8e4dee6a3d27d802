#include "engine/pipeline/recipient_gates.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "scheduler/compliance_rules.h"

namespace herald {
namespace {

absl::StatusOr<absl::TimeZone> LoadZone(const std::string& name,
                                        absl::string_view what) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(name, &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": unknown time zone \"", name, "\""));
  }
  return zone;
}

// The window of one schedule: its hours on its days between its dates. No
// start time means from midnight, no stop time until midnight.
DailyWindowRule ScheduleRule(const Schedule& schedule) {
  DailyWindowRule rule;
  if (schedule.start_time_of_day) rule.begin = *schedule.start_time_of_day;
  if (schedule.stop_time_of_day) rule.end = *schedule.stop_time_of_day;
  if (!schedule.days_of_week.empty()) {
    rule.days = 0;
    for (absl::Weekday day : schedule.days_of_week) {
      rule.days |= WeekdayBit(day);
    }
  }
  if (schedule.start_date) rule.first_day = *schedule.start_date;
  if (schedule.stop_date) rule.last_day = *schedule.stop_date;
  return rule;
}

// The compliance rules that apply to a recipient of `group`: the federal
// rule everywhere (a safe floor outside the US too), a state's where it has
// one, and the CRTC's in Canada. A group spanning several regions ("NS/PE")
// gets the rules of each.
std::vector<const ComplianceRule*> RulesFor(const ZoneGroup& group) {
  std::vector<const ComplianceRule*> rules = {FindComplianceRule("US")};
  if (group.country == "US") {
    for (absl::string_view region : absl::StrSplit(group.region, '/')) {
      if (const ComplianceRule* rule = FindComplianceRule(region)) {
        if (rule != rules.front()) rules.push_back(rule);
      }
    }
  } else if (group.country == "CA") {
    rules.push_back(FindComplianceRule("CA"));
  }
  return rules;
}

}  // namespace

const std::vector<std::string>& ContinentalZoneNames() {
  static const std::vector<std::string>* names = new std::vector<std::string>{
      "America/Chicago", "America/Denver", "America/Los_Angeles",
      "America/New_York", "America/Phoenix"};
  return *names;
}

absl::StatusOr<RecipientGates> RecipientGates::Build(const Broadcast& broadcast,
                                                     const ZoneTable& zones,
                                                     absl::Time start,
                                                     absl::Time deadline) {
  absl::StatusOr<absl::TimeZone> account_zone =
      LoadZone(broadcast.account_time_zone, "accountTimeZone");
  if (!account_zone.ok()) return account_zone.status();
  std::vector<std::pair<DailyWindowRule, absl::TimeZone>> schedules;
  for (const Schedule& schedule : broadcast.schedules) {
    if (!schedule.enabled) continue;
    absl::TimeZone zone = *account_zone;
    if (!schedule.time_zone.empty()) {
      absl::StatusOr<absl::TimeZone> own =
          LoadZone(schedule.time_zone, "schedules: timeZone");
      if (!own.ok()) return own.status();
      zone = *own;
    }
    schedules.emplace_back(ScheduleRule(schedule), zone);
  }
  const LocalTimeRestriction& local = broadcast.local_time_restriction;
  const bool tcpa = broadcast.compliance_profile == ComplianceProfile::kTcpa;

  std::vector<std::string> unknown_zone_names;
  switch (broadcast.unknown_zone_policy.kind) {
    case UnknownZonePolicy::kIntersection:
      unknown_zone_names = ContinentalZoneNames();
      break;
    case UnknownZonePolicy::kFixed:
      unknown_zone_names = {broadcast.unknown_zone_policy.zone};
      break;
    case UnknownZonePolicy::kSkip:
      break;
  }

  RecipientGates gates;
  gates.table_ = &zones;
  gates.unrestricted_ = broadcast.schedules.empty() && !local.enabled && !tcpa;
  gates.groups_.resize(zones.group_count());
  for (ZoneGroupId id = 0; id < zones.group_count(); ++id) {
    Group& group = gates.groups_[id];
    const ZoneGroup& info = zones.group(id);
    if (id == 0) {
      if (unknown_zone_names.empty()) continue;  // skipped
      for (const std::string& name : unknown_zone_names) {
        absl::StatusOr<absl::TimeZone> zone =
            LoadZone(name, "unknownZonePolicy");
        if (!zone.ok()) return zone.status();
        group.zones.push_back(*zone);
      }
      group.zone_names = absl::StrJoin(unknown_zone_names, "&");
    } else {
      group.zones = info.zones;
      group.zone_names = absl::StrJoin(info.zone_names, "&");
    }

    std::vector<std::unique_ptr<TimeGate>> parts;
    if (!broadcast.schedules.empty()) {
      std::vector<std::unique_ptr<TimeGate>> any;
      for (const auto& [rule, zone] : schedules) {
        any.push_back(DailyWindowGate(rule, zone));
      }
      parts.push_back(AnyOf(std::move(any)));
    }
    for (const absl::TimeZone& zone : group.zones) {
      if (local.enabled) {
        DailyWindowRule rule;
        rule.begin = local.begin;
        rule.end = local.end;
        parts.push_back(DailyWindowGate(std::move(rule), zone));
      }
      if (tcpa) {
        for (const ComplianceRule* rule : RulesFor(info)) {
          parts.push_back(ComplianceGate(*rule, zone, start));
        }
      }
    }
    group.gate = AllOf(std::move(parts));

    group.cutoff = deadline;
    const absl::Time first_open = group.gate->NextOpen(start);
    if (!broadcast.resume_next_day && first_open != absl::InfiniteFuture()) {
      group.cutoff = std::min(group.cutoff, group.gate->NextClose(first_open));
    }
    group.never_opens = first_open >= group.cutoff;
  }
  return gates;
}

bool RecipientGates::NeverOpensAnywhere() const {
  bool sends = false;
  for (const Group& group : groups_) {
    if (group.gate == nullptr) continue;
    if (!group.never_opens) return false;
    sends = true;
  }
  return sends;
}

absl::Time RecipientGates::NextSendable(ZoneGroupId group, absl::Time t) const {
  const Group& g = groups_[group];
  if (g.gate == nullptr || t >= g.cutoff) return absl::InfiniteFuture();
  const absl::Time next = g.gate->NextOpen(t);
  return next < g.cutoff ? next : absl::InfiniteFuture();
}

WindowTracker::WindowTracker(const RecipientGates* gates)
    : gates_(gates), entries_(gates->group_count()) {}

WindowState WindowTracker::At(ZoneGroupId group, absl::Time now) {
  Entry& entry = entries_[group];
  if (now < entry.until) return entry.state;
  const TimeGate& gate = gates_->Gate(group);
  const absl::Time cutoff = gates_->Cutoff(group);
  if (now < cutoff && gate.IsOpen(now)) {
    entry.state = WindowState::kOpen;
    entry.until = std::min(gate.NextClose(now), cutoff);
  } else {
    const absl::Time next = now < cutoff ? gate.NextOpen(now) : cutoff;
    entry.state = next < cutoff ? WindowState::kShut : WindowState::kOver;
    entry.until = next < cutoff ? next : absl::InfiniteFuture();
  }
  return entry.state;
}

}  // namespace herald
