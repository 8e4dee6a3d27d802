// When each recipient of a broadcast may be sent to: one TimeGate per zone
// group, combining the broadcast's schedules, its local time restriction in
// every zone of the group, and the compliance profile's hours for the
// group's state or province.
//
// Gates are built per group, not per recipient: a run has a few hundred
// groups and millions of recipients, and a recipient's gate is a table read.
#ifndef HERALD_ENGINE_PIPELINE_RECIPIENT_GATES_H_
#define HERALD_ENGINE_PIPELINE_RECIPIENT_GATES_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/broadcast/broadcast.h"
#include "scheduler/time_gate.h"
#include "timezone/zone_table.h"

namespace herald {

class RecipientGates {
 public:
  // Builds the gates of every group of `zones` for `broadcast`, which starts
  // at `start` (compliance holidays are those around it, and without
  // resumeNextDay a group may use only its first window from `start` on).
  // No recipient is sent at or after `deadline`. `zones` must outlive the
  // result. Fails when a schedule's zone or the account zone is unknown.
  static absl::StatusOr<RecipientGates> Build(const Broadcast& broadcast,
                                              const ZoneTable& zones,
                                              absl::Time start,
                                              absl::Time deadline);

  // False when the broadcast skips the recipients of `group` (no known zone
  // under unknownZonePolicy "skip"); they end SKIPPED.
  bool Sends(ZoneGroupId group) const { return groups_[group].gate != nullptr; }

  // The gate of `group`; Sends(group) must be true.
  const TimeGate& Gate(ZoneGroupId group) const { return *groups_[group].gate; }

  // The instant from which the recipients of `group` can no longer be sent:
  // the deadline, the end of the group's first window without resumeNextDay,
  // or when its gate never opens again.
  absl::Time Cutoff(ZoneGroupId group) const { return groups_[group].cutoff; }

  // The zones whose wall clocks decide the group's window: the group's own,
  // or for the group of unknown zones those the policy names.
  const std::vector<absl::TimeZone>& Zones(ZoneGroupId group) const {
    return groups_[group].zones;
  }
  // The same as IANA names joined by '&', e.g. "America/Boise&America/Denver".
  const std::string& ZoneNames(ZoneGroupId group) const {
    return groups_[group].zone_names;
  }

  // True when the window of `group` does not open at all between the run's
  // start and the group's cutoff: its recipients can only end TIMEOUT.
  bool NeverOpens(ZoneGroupId group) const {
    return groups_[group].never_opens;
  }
  // True when that holds for every group that Sends(), and one does.
  bool NeverOpensAnywhere() const;

  // The next instant at or after `t` at which recipients of `group` may be
  // sent, or absl::InfiniteFuture() when that is never (before the cutoff).
  absl::Time NextSendable(ZoneGroupId group, absl::Time t) const;

  // True when no rule restricts time: every group's gate is always open.
  bool unrestricted() const { return unrestricted_; }

  const ZoneTable& zone_table() const { return *table_; }
  size_t group_count() const { return groups_.size(); }

 private:
  struct Group {
    std::unique_ptr<TimeGate> gate;  // null: skipped
    absl::Time cutoff = absl::InfiniteFuture();
    bool never_opens = false;
    std::vector<absl::TimeZone> zones;
    std::string zone_names;
  };

  const ZoneTable* table_ = nullptr;
  std::vector<Group> groups_;  // by ZoneGroupId
  bool unrestricted_ = true;
};

enum class WindowState {
  kOpen,  // sendable now
  kShut,  // not now, but before the cutoff
  kOver,  // never again before the group's cutoff
};

// Tracks the window of each group for a clock that only moves forward,
// remembering each group's state until its gate next changes, so that
// checking a recipient costs a comparison instead of a look at several wall
// clocks. For one thread; `gates` must outlive it.
class WindowTracker {
 public:
  explicit WindowTracker(const RecipientGates* gates);

  // The state of the window of `group` at `now`, which must not be earlier
  // than in a previous call. Sends(group) must be true.
  WindowState At(ZoneGroupId group, absl::Time now);

  // After At(group, ...) returned kShut: when the window opens; after kOpen:
  // when it closes (or the cutoff comes).
  absl::Time NextChange(ZoneGroupId group) const {
    return entries_[group].until;
  }

 private:
  struct Entry {
    absl::Time until = absl::InfinitePast();  // `state` holds before this
    WindowState state = WindowState::kShut;
  };
  const RecipientGates* gates_;
  std::vector<Entry> entries_;  // by ZoneGroupId
};

// The zones a recipient with no known zone is checked in under the
// "intersection" policy: Eastern, Central, Mountain (with and without DST)
// and Pacific.
const std::vector<std::string>& ContinentalZoneNames();

}  // namespace herald

#endif  // HERALD_ENGINE_PIPELINE_RECIPIENT_GATES_H_
