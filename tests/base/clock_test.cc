// The clocks and the Asio timer that waits on them: a VirtualClock jumps, a
// ManualClock moves only when told, and a ClockTimer fires on either (and on
// the real clock) never before its instant.
#include "herald/clock.h"

#include <atomic>
#include <thread>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/post.hpp"
#include "engine/http/clock_timer.h"
#include "gtest/gtest.h"

namespace herald {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1794000000);

TEST(VirtualClockTest, SleepingJumpsToTheInstantEvenAFractionOfANanosecond) {
  VirtualClock clock(kStart);
  // A jittered back-off is a double times a duration: it can land between
  // two nanoseconds, and the clock must not stop short of it.
  const absl::Time at = kStart + absl::Milliseconds(40) * 0.7371234567891;
  EXPECT_EQ(clock.RealWaitUntil(at), absl::ZeroDuration());
  EXPECT_GE(clock.Now(), at);
  EXPECT_LT(clock.Now() - at, absl::Nanoseconds(1));
}

TEST(VirtualClockTest, NeverGoesBack) {
  VirtualClock clock(kStart);
  clock.SleepUntil(kStart + absl::Seconds(5), nullptr);
  clock.SleepUntil(kStart + absl::Seconds(1), nullptr);
  EXPECT_EQ(clock.Now(), kStart + absl::Seconds(5));
}

TEST(ManualClockTest, ASleeperWakesOnlyWhenMovedPastItsInstant) {
  ManualClock clock(kStart);
  std::atomic<bool> woke{false};
  std::thread sleeper([&] {
    clock.SleepUntil(kStart + absl::Seconds(10), nullptr);
    woke = true;
  });
  clock.Advance(absl::Seconds(9));
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_FALSE(woke);
  clock.Advance(absl::Seconds(1));
  sleeper.join();
  EXPECT_TRUE(woke);
  EXPECT_EQ(clock.Now(), kStart + absl::Seconds(10));
}

TEST(ManualClockTest, AnInterruptEndsASleep) {
  ManualClock clock(kStart);
  std::atomic<bool> interrupt{false};
  std::thread sleeper(
      [&] { clock.SleepUntil(kStart + absl::Hours(1), &interrupt); });
  interrupt = true;
  sleeper.join();
  EXPECT_EQ(clock.Now(), kStart);
}

TEST(ManualClockTest, WatchesHearEachMoveUntilTheyEnd) {
  ManualClock clock(kStart);
  int moves = 0;
  std::unique_ptr<ClockWatch> watch = clock.Watch([&] { ++moves; });
  ASSERT_NE(watch, nullptr);
  clock.Advance(absl::Seconds(1));
  clock.AdvanceTo(kStart);  // back: not a move
  clock.Advance(absl::Seconds(1));
  EXPECT_EQ(moves, 2);
  watch.reset();
  clock.Advance(absl::Seconds(1));
  EXPECT_EQ(moves, 2);
  EXPECT_EQ(clock.RealWaitUntil(kStart), absl::ZeroDuration());
  EXPECT_EQ(clock.RealWaitUntil(kStart + absl::Hours(1)),
            absl::InfiniteDuration());
}

TEST(ClockTimerTest, FiresAtOnceOnAVirtualClockWithTheClockAtTheInstant) {
  boost::asio::io_context io;
  VirtualClock clock(kStart);
  ClockTimer timer(io, &clock);
  absl::Time fired_at = absl::InfinitePast();
  const absl::Time at = kStart + absl::Hours(3) + absl::Nanoseconds(1) / 4;
  timer.FireAt(at, [&] { fired_at = clock.Now(); });
  EXPECT_EQ(timer.at(), at);
  io.run();
  EXPECT_GE(fired_at, at);
  EXPECT_EQ(timer.at(), absl::InfiniteFuture());
}

TEST(ClockTimerTest, WaitsForAManualClockToBeMoved) {
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  ManualClock clock(kStart);
  ClockTimer timer(io, &clock);
  int fired = 0;
  timer.FireAt(kStart + absl::Seconds(2), [&] { ++fired; });
  std::thread runner([&] { io.run(); });
  clock.Advance(absl::Seconds(1));
  absl::SleepFor(absl::Milliseconds(50));
  boost::asio::post(io, [&] { EXPECT_EQ(fired, 0); });
  clock.Advance(absl::Seconds(1));
  // The move posts a look at the clock; the stop below comes after it.
  boost::asio::post(io, [&] { work.reset(); });
  runner.join();
  EXPECT_EQ(fired, 1);
}

TEST(ClockTimerTest, ALaterFireAtReplacesAndCancelStops) {
  boost::asio::io_context io;
  VirtualClock clock(kStart);
  ClockTimer timer(io, &clock);
  int first = 0;
  int second = 0;
  timer.FireAt(kStart + absl::Seconds(1), [&] { ++first; });
  timer.FireAt(kStart + absl::Seconds(2), [&] { ++second; });
  io.run();
  EXPECT_EQ(first, 0);
  EXPECT_EQ(second, 1);

  io.restart();
  timer.FireAt(kStart + absl::Seconds(3), [&] { ++first; });
  timer.Cancel();
  io.run();
  EXPECT_EQ(first, 0);
}

TEST(ClockTimerTest, FiresOnTheRealClockNoEarlierThanItsInstant) {
  boost::asio::io_context io;
  ClockTimer timer(io, RealClock());
  const absl::Time at = absl::Now() + absl::Milliseconds(30);
  absl::Time fired_at = absl::InfinitePast();
  timer.FireAt(at, [&] { fired_at = absl::Now(); });
  io.run();
  EXPECT_GE(fired_at, at);
}

}  // namespace
}  // namespace herald
