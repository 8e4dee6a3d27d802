// Calling and texting hours required by law, as data: the federal TCPA rule,
// stricter US state rules and Canada's CRTC rules. Each rule names its source
// and the date it took effect; values marked "verify" in FACTS.md stay data,
// never code, so correcting one is a one-line change.
#ifndef HERALD_SCHEDULER_COMPLIANCE_RULES_H_
#define HERALD_SCHEDULER_COMPLIANCE_RULES_H_

#include <memory>
#include <optional>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "scheduler/time_gate.h"

namespace herald {

// One window of a jurisdiction's hours: local time, on the given days.
struct ComplianceWindow {
  TimeOfDay begin;
  TimeOfDay end;
  WeekdaySet days;
};

struct ComplianceRule {
  absl::string_view region;  // "US" (federal), a state ("FL"), or "CA"
  std::vector<ComplianceWindow> windows;  // any of them allows
  bool closed_on_holidays = false;        // the US federal holidays
  absl::string_view source;
  // When the rule took effect; absent where the sources do not say.
  std::optional<absl::CivilDay> effective;
};

// The rules herald knows, federal first.
const std::vector<ComplianceRule>& ComplianceRules();

// The rule for `region` ("US", a US state code, "CA" or a Canadian province
// code, which follows the CRTC rule); nullptr when there is none beyond the
// federal one.
const ComplianceRule* FindComplianceRule(absl::string_view region);

// US federal holidays (as observed by the states that close on them) in
// years [first_year, last_year], sorted.
std::vector<absl::CivilDay> UsFederalHolidays(int first_year, int last_year);

// The gate of `rule` in `zone`: open when one of its windows is. Holidays
// are those of the years around `around` (the broadcast's clock time: gates
// look weeks ahead, not years).
std::unique_ptr<TimeGate> ComplianceGate(const ComplianceRule& rule,
                                         absl::TimeZone zone,
                                         absl::Time around);

}  // namespace herald

#endif  // HERALD_SCHEDULER_COMPLIANCE_RULES_H_
