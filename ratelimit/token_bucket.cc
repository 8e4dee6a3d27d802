#include "ratelimit/token_bucket.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "absl/time/time.h"

namespace herald {
namespace {

constexpr int64_t kPicounitsPerUnit = 1000000000000;

int64_t MilliRate(double rate) {
  if (!(rate > 0)) return 0;
  const double clamped = std::min(rate, TokenBucket::kMaxRate);
  return std::max<int64_t>(1, std::llround(clamped * 1000));
}

}  // namespace

TokenBucket::TokenBucket(double rate, int burst)
    : milli_rate_(MilliRate(rate)),
      burst_(std::clamp(burst, 1, kMaxUnits)),
      capacity_(burst_ * kPicounitsPerUnit),
      level_(capacity_) {}

double TokenBucket::rate() const {
  return static_cast<double>(milli_rate_) / 1000;
}

void TokenBucket::SetRate(double rate, absl::Time now) {
  if (milli_rate_ > 0) {
    const Level level = LevelAt(now);
    level_ = level.picounits;
    as_of_ = level.as_of;
  }
  milli_rate_ = MilliRate(rate);
}

TokenBucket::Level TokenBucket::LevelAt(absl::Time now) const {
  if (level_ >= capacity_) return {capacity_, std::max(now, as_of_)};
  if (now <= as_of_) return {level_, as_of_};
  const int64_t elapsed_ns = absl::ToInt64Nanoseconds(now - as_of_);
  const int64_t room = capacity_ - level_;
  const int64_t ns_to_full = (room + milli_rate_ - 1) / milli_rate_;
  if (elapsed_ns >= ns_to_full) return {capacity_, now};
  // elapsed_ns * milli_rate_ < room + milli_rate_, so this cannot overflow.
  return {level_ + elapsed_ns * milli_rate_,
          as_of_ + absl::Nanoseconds(elapsed_ns)};
}

int64_t TokenBucket::NeededPicounits(int units) const {
  // Capping the need at the capacity is what lets an oversized request go
  // when the bucket is full.
  return std::min(units, burst_) * kPicounitsPerUnit;
}

absl::Time TokenBucket::WhenAvailable(int units, absl::Time now) const {
  if (milli_rate_ == 0) return now;
  const Level level = LevelAt(now);
  const int64_t shortfall = NeededPicounits(units) - level.picounits;
  if (shortfall <= 0) return now;
  const int64_t wait_ns = (shortfall + milli_rate_ - 1) / milli_rate_;
  return level.as_of + absl::Nanoseconds(wait_ns);
}

bool TokenBucket::TryTake(int units, absl::Time now) {
  if (milli_rate_ == 0) return true;
  const Level level = LevelAt(now);
  if (level.picounits < NeededPicounits(units)) return false;
  level_ = level.picounits - units * kPicounitsPerUnit;
  as_of_ = level.as_of;
  return true;
}

}  // namespace herald
