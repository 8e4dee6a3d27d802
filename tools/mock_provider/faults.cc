#include "tools/mock_provider/faults.h"

namespace herald::mock_provider {
namespace {

// splitmix64's finalizer: spreads seeds that differ in a few bits.
uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ull;

}  // namespace

FaultDice::FaultDice(const FaultOptions& options, uint64_t seed,
                     uint64_t connection)
    : options_(options), state_(Mix(seed) ^ Mix(connection * kGolden + 1)) {}

double FaultDice::Uniform() {
  state_ += kGolden;
  return static_cast<double>(Mix(state_) >> 11) * 0x1.0p-53;
}

FaultRoll FaultDice::Roll() {
  FaultRoll roll;
  double u = Uniform();
  if (u < options_.reset_rate) {
    roll.fault = Fault::kReset;
  } else if ((u -= options_.reset_rate) < options_.hang_rate) {
    roll.fault = Fault::kHang;
  } else if ((u -= options_.hang_rate) < options_.error_rate) {
    roll.fault =
        u < options_.error_rate / 2 ? Fault::kError500 : Fault::kError503;
  } else if ((u -= options_.error_rate) < options_.garbage_rate) {
    roll.fault = Fault::kGarbage;
  } else if ((u -= options_.garbage_rate) < options_.echo_rate) {
    roll.fault = u < options_.echo_rate / 2 ? Fault::kEcho400 : Fault::kEcho500;
  }
  int jitter = 0;
  if (options_.latency_jitter_ms > 0) {
    jitter = static_cast<int>(Uniform() * (options_.latency_jitter_ms + 1));
  }
  roll.latency = std::chrono::milliseconds(options_.latency_ms + jitter);
  return roll;
}

bool SenderRateLimiter::TryAdmit(
    absl::Span<const std::pair<absl::string_view, int64_t>> counts,
    absl::FunctionRef<absl::Time()> clock, absl::Time* admitted_at) {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now = absl::ToUnixMicros(clock());
  const int64_t horizon = now - 1000000;
  for (const auto& [sender, n] : counts) {
    Window& w = windows_[sender];
    while (!w.admitted.empty() && w.admitted.front().first <= horizon) {
      w.total -= w.admitted.front().second;
      w.admitted.pop_front();
    }
    if (w.total + n > limit_) return false;
  }
  for (const auto& [sender, n] : counts) {
    Window& w = windows_[sender];
    w.admitted.emplace_back(now, n);
    w.total += n;
  }
  *admitted_at = absl::FromUnixMicros(now);
  return true;
}

}  // namespace herald::mock_provider
