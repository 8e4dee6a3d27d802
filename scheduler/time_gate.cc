#include "scheduler/time_gate.h"

#include <algorithm>
#include <utility>

namespace herald {
namespace {

// How far ahead a gate looks for its next opening. Weekday rules, holidays
// and DST never close a window for longer; a rule whose dates start later
// jumps straight to its first day.
constexpr int kHorizonDays = 60;
// Bound on the rounds of AllOf/AnyOf, which converge in a few for real rules.
constexpr int kMaxRounds = 10000;
// Rules that never meet (a 03:00-04:00 window under 08:00-21:00 calling
// hours) would take every round, half a day each, to say so: the search ends
// this far past the first round's answer, the horizon of one gate.
constexpr absl::Duration kRoundsHorizon = absl::Hours(24 * kHorizonDays);

int SecondsOfDay(absl::CivilSecond c) {
  return (c.hour() * 60 + c.minute()) * 60 + c.second();
}

class DailyWindow : public TimeGate {
 public:
  DailyWindow(DailyWindowRule rule, absl::TimeZone zone)
      : rule_(std::move(rule)),
        zone_(zone),
        begin_(rule_.begin.SecondsOfDay()),
        end_(rule_.end.SecondsOfDay()),
        crosses_midnight_(end_ <= begin_) {
    std::sort(rule_.holidays.begin(), rule_.holidays.end());
  }

  bool IsOpen(absl::Time t) const override {
    const absl::CivilSecond local = absl::ToCivilSecond(t, zone_);
    const int s = SecondsOfDay(local);
    const absl::CivilDay day(local);
    if (!crosses_midnight_) return s >= begin_ && s < end_ && OpensOn(day);
    if (s >= begin_) return OpensOn(day);
    return s < end_ && OpensOn(day - 1);
  }

  absl::Time NextOpen(absl::Time t) const override {
    return IsOpen(t) ? t : NextChange(t, /*to_open=*/true);
  }

  absl::Time NextClose(absl::Time t) const override {
    return NextChange(t, /*to_open=*/false);
  }

 private:
  bool OpensOn(absl::CivilDay day) const {
    return day >= rule_.first_day && day <= rule_.last_day &&
           (rule_.days & WeekdayBit(absl::GetWeekday(day))) != 0 &&
           !std::binary_search(rule_.holidays.begin(), rule_.holidays.end(),
                               day);
  }

  // Adds the instants at which the wall clock shows `civil`: none, one, or
  // two when the clocks fall back over it; when they spring forward over it,
  // the instant of the jump, the first moment the clock shows later.
  void AddInstants(absl::CivilSecond civil,
                   std::vector<absl::Time>* out) const {
    const absl::TimeZone::TimeInfo info = zone_.At(civil);
    switch (info.kind) {
      case absl::TimeZone::TimeInfo::UNIQUE:
        out->push_back(info.pre);
        break;
      case absl::TimeZone::TimeInfo::SKIPPED:
        out->push_back(info.trans);
        break;
      case absl::TimeZone::TimeInfo::REPEATED:
        out->push_back(info.pre);
        out->push_back(info.post);
        break;
    }
  }

  // The first instant after `t` at which IsOpen becomes `to_open`. It can
  // only change where the wall clock passes begin or end, or jumps.
  absl::Time NextChange(absl::Time t, bool to_open) const {
    absl::CivilDay day = absl::CivilDay(absl::ToCivilSecond(t, zone_)) - 1;
    if (to_open && day < rule_.first_day - 1) day = rule_.first_day - 1;
    std::vector<absl::Time> candidates;
    for (int i = 0; i <= kHorizonDays + 1; ++i, ++day) {
      if (to_open && day > rule_.last_day) break;
      candidates.clear();
      AddInstants(absl::CivilSecond(day) + begin_, &candidates);
      AddInstants(absl::CivilSecond(day) + end_, &candidates);
      // Clock changes within the day, and only this day, so candidates are
      // met in time order day after day.
      absl::Time from =
          absl::FromCivil(absl::CivilSecond(day), zone_) - absl::Nanoseconds(1);
      const absl::Time until =
          absl::FromCivil(absl::CivilSecond(day + 1), zone_);
      absl::TimeZone::CivilTransition transition;
      while (zone_.NextTransition(from, &transition)) {
        const absl::Time at = zone_.At(transition.to).trans;
        if (at >= until || at <= from) break;
        candidates.push_back(at);
        from = at;
      }
      std::sort(candidates.begin(), candidates.end());
      for (absl::Time c : candidates) {
        if (c > t && IsOpen(c) == to_open) return c;
      }
    }
    return absl::InfiniteFuture();
  }

  DailyWindowRule rule_;
  absl::TimeZone zone_;
  int begin_;
  int end_;
  bool crosses_midnight_;
};

class AllOfGate : public TimeGate {
 public:
  explicit AllOfGate(std::vector<std::unique_ptr<TimeGate>> gates)
      : gates_(std::move(gates)) {}

  bool IsOpen(absl::Time t) const override {
    return std::all_of(gates_.begin(), gates_.end(),
                       [t](const auto& g) { return g->IsOpen(t); });
  }

  // Each round moves to the latest of the gates' next openings; it is the
  // answer once every gate is open there.
  absl::Time NextOpen(absl::Time t) const override {
    absl::Time limit = absl::InfiniteFuture();
    for (int round = 0; round < kMaxRounds; ++round) {
      absl::Time latest = t;
      for (const auto& gate : gates_)
        latest = std::max(latest, gate->NextOpen(t));
      if (latest == absl::InfiniteFuture() || IsOpen(latest)) return latest;
      if (round == 0) limit = latest + kRoundsHorizon;
      if (latest > limit) break;
      t = latest;
    }
    return absl::InfiniteFuture();
  }

  absl::Time NextClose(absl::Time t) const override {
    absl::Time earliest = absl::InfiniteFuture();
    for (const auto& gate : gates_) {
      earliest = std::min(earliest, gate->NextClose(t));
    }
    return earliest;
  }

 private:
  std::vector<std::unique_ptr<TimeGate>> gates_;
};

class AnyOfGate : public TimeGate {
 public:
  explicit AnyOfGate(std::vector<std::unique_ptr<TimeGate>> gates)
      : gates_(std::move(gates)) {}

  bool IsOpen(absl::Time t) const override {
    return std::any_of(gates_.begin(), gates_.end(),
                       [t](const auto& g) { return g->IsOpen(t); });
  }

  absl::Time NextOpen(absl::Time t) const override {
    absl::Time earliest = absl::InfiniteFuture();
    for (const auto& gate : gates_) {
      earliest = std::min(earliest, gate->NextOpen(t));
    }
    return earliest;
  }

  // Each round moves to the latest closing of the gates open now; it is the
  // answer once no gate is open there.
  absl::Time NextClose(absl::Time t) const override {
    absl::Time limit = absl::InfiniteFuture();
    for (int round = 0; round < kMaxRounds; ++round) {
      absl::Time latest = t;
      for (const auto& gate : gates_) {
        if (gate->IsOpen(t)) latest = std::max(latest, gate->NextClose(t));
      }
      if (latest == t || latest == absl::InfiniteFuture() || !IsOpen(latest)) {
        return latest;
      }
      if (round == 0) limit = latest + kRoundsHorizon;
      if (latest > limit) break;
      t = latest;
    }
    return absl::InfiniteFuture();
  }

 private:
  std::vector<std::unique_ptr<TimeGate>> gates_;
};

}  // namespace

std::unique_ptr<TimeGate> DailyWindowGate(DailyWindowRule rule,
                                          absl::TimeZone zone) {
  return std::make_unique<DailyWindow>(std::move(rule), zone);
}

std::unique_ptr<TimeGate> AllOf(std::vector<std::unique_ptr<TimeGate>> gates) {
  return std::make_unique<AllOfGate>(std::move(gates));
}

std::unique_ptr<TimeGate> AnyOf(std::vector<std::unique_ptr<TimeGate>> gates) {
  return std::make_unique<AnyOfGate>(std::move(gates));
}

}  // namespace herald
