// An Asio timer that waits for instants of a herald::Clock, however the clock
// moves: real time passing, a VirtualClock jumping to the instant, or a
// ManualClock that a test moves on (its Watch wakes the timer). This is how
// the I/O threads (the provider hub's lanes, the webhook's back-off) wait on
// the engine's clock instead of the wall.
#ifndef HERALD_ENGINE_HTTP_CLOCK_TIMER_H_
#define HERALD_ENGINE_HTTP_CLOCK_TIMER_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/time/time.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/steady_timer.hpp"
#include "herald/clock.h"

namespace herald {

// Every method runs on the thread that runs `io`, and the timer is destroyed
// there or after `io` stopped; `fire` runs there too, and never after the
// timer is destroyed.
class ClockTimer {
 public:
  // `clock` must outlive the timer.
  ClockTimer(boost::asio::io_context& io, Clock* clock);
  ClockTimer(const ClockTimer&) = delete;
  ClockTimer& operator=(const ClockTimer&) = delete;

  // Calls `fire` once the clock's Now() >= `at` (soon after, never before),
  // in place of what an earlier FireAt would have called.
  void FireAt(absl::Time at, std::function<void()> fire);
  // Nothing fires until the next FireAt.
  void Cancel();

  // The instant waited for; InfiniteFuture when none.
  absl::Time at() const { return at_; }

 private:
  // Sets the Asio timer for at_ as the clock says, and looks again when the
  // clock is moved.
  void Arm();
  // The Asio wait for at_ ended: fires, or waits on when the clock is short.
  void Expired();

  Clock* const clock_;
  boost::asio::steady_timer timer_;
  absl::Time at_ = absl::InfiniteFuture();
  std::function<void()> fire_;
  uint64_t generation_ = 0;  // an Asio wait that finds it changed was undone
  // Lets a move posted from another thread find whether the timer is gone.
  const std::shared_ptr<ClockTimer*> self_;
  std::unique_ptr<ClockWatch> watch_;  // last: ends first
};

}  // namespace herald

#endif  // HERALD_ENGINE_HTTP_CLOCK_TIMER_H_
