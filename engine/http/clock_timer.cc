#include "engine/http/clock_timer.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "boost/asio/post.hpp"

namespace herald {

ClockTimer::ClockTimer(boost::asio::io_context& io, Clock* clock)
    : clock_(clock), timer_(io), self_(std::make_shared<ClockTimer*>(this)) {
  std::weak_ptr<ClockTimer*> self = self_;
  watch_ = clock_->Watch([&io, self] {
    boost::asio::post(io, [self] {
      if (std::shared_ptr<ClockTimer*> timer = self.lock()) {
        if ((*timer)->fire_) (*timer)->Arm();
      }
    });
  });
}

void ClockTimer::FireAt(absl::Time at, std::function<void()> fire) {
  at_ = at;
  fire_ = std::move(fire);
  Arm();
}

void ClockTimer::Cancel() {
  at_ = absl::InfiniteFuture();
  fire_ = nullptr;
  ++generation_;
  timer_.cancel();
}

void ClockTimer::Arm() {
  // A year stands for "until the clock is moved": the chrono clocks overflow
  // on an infinite wait.
  constexpr absl::Duration kForever = absl::Hours(24 * 365);
  const absl::Duration wait = std::min(clock_->RealWaitUntil(at_), kForever);
  const uint64_t generation = ++generation_;
  timer_.expires_after(absl::ToChronoNanoseconds(wait));
  // Through self_: a wait that had already expired runs even when the timer
  // was destroyed since.
  timer_.async_wait([self = std::weak_ptr<ClockTimer*>(self_),
                     generation](const boost::system::error_code& error) {
    const std::shared_ptr<ClockTimer*> alive = self.lock();
    if (error || alive == nullptr) return;
    ClockTimer* const timer = *alive;
    if (generation != timer->generation_) return;
    timer->Expired();
  });
}

void ClockTimer::Expired() {
  // The steady clock may be a little ahead of the one waited on.
  if (clock_->Now() < at_) return Arm();
  at_ = absl::InfiniteFuture();
  std::function<void()> fire = std::move(fire_);
  fire_ = nullptr;
  fire();
}

}  // namespace herald
