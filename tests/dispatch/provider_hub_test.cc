// Several broadcasts on one provider account: channels of a ProviderHub
// against the mock provider on 127.0.0.1. Who got the lanes, and in which
// order, is read from the mock's message log, where each channel's texts are
// told apart by the prefix of their idempotency keys. Nothing here asserts
// on wall-clock time; the deadlines only bound a test that went wrong.
#include <algorithm>
#include <atomic>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "engine/dispatch/provider_transport.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "herald/transport.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"
#include "tools/mock_provider/server.h"

namespace herald {
namespace {

using nlohmann::json;

constexpr char kPassword[] = "s3cret-Pa55";
constexpr char kFrom[] = "19206596476";
constexpr char kMessage[] = "Hello from the hub";
// How long a test may take before it gives up waiting for answers.
constexpr absl::Duration kDeadline = absl::Seconds(30);

// What one channel got back.
struct Tally {
  std::map<uint64_t, int> times;  // answers by recipient id
  std::map<DeliveryStatus, int> by_status;
  std::vector<absl::Status> errors;  // what Collect() returned other than OK
  int answered = 0;

  int sent() const { return Count(DeliveryStatus::kSent); }
  int not_sent() const { return Count(DeliveryStatus::kNotSent); }
  int Count(DeliveryStatus status) const {
    auto it = by_status.find(status);
    return it == by_status.end() ? 0 : it->second;
  }
};

// One broadcast: a channel and what came back through it.
struct Broadcast {
  std::string prefix;  // its key prefix
  uint64_t first_number = 0;
  std::unique_ptr<Transport> channel;
  Tally tally;
  int submitted = 0;
};

class ProviderHubTest : public ::testing::Test {
 protected:
  void StartMock(const mock_provider::FaultOptions& faults = {}) {
    mock_provider::Options options;
    options.user = "herald";
    options.password = kPassword;
    options.log_path = dir_.File("arrived.jsonl");
    options.faults = faults;
    absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> mock =
        mock_provider::MockProvider::Start(options);
    ASSERT_TRUE(mock.ok()) << mock.status();
    mock_ = *std::move(mock);
  }

  // CallFire, one text per request, on one lane of `rate` messages/s.
  ProviderConfig OneLane(double rate, int burst) const {
    ProviderConfig config;
    config.name = "cf";
    config.type = ProviderType::kCallFire;
    config.url = absl::StrCat("http://127.0.0.1:", mock_->port());
    config.username = "herald";
    config.password = kPassword;
    config.batch_size = 1;
    config.timeout = absl::Seconds(5);
    config.lanes.account.messages_per_second = rate;
    config.lanes.account.burst = burst;
    return config;
  }

  void StartHub(const ProviderConfig& config) {
    absl::StatusOr<std::unique_ptr<ProviderHub>> hub =
        ProviderHub::Create(config, nullptr);
    ASSERT_TRUE(hub.ok()) << hub.status();
    hub_ = *std::move(hub);
  }

  // Opens a channel for a broadcast whose keys start with `prefix` and whose
  // numbers start at `first_number`.
  void Open(Broadcast* b, const std::string& prefix, uint64_t first_number,
            int weight) {
    b->prefix = prefix;
    b->first_number = first_number;
    absl::StatusOr<std::unique_ptr<Transport>> channel =
        hub_->OpenChannel({.key_prefix = prefix, .weight = weight});
    ASSERT_TRUE(channel.ok()) << channel.status();
    b->channel = *std::move(channel);
  }

  // Submits the next `count` texts of `b`; returns what Submit() did.
  static absl::Status Submit(Broadcast* b, int count) {
    std::vector<OutboundText> texts(count);
    for (int i = 0; i < count; ++i) {
      OutboundText& text = texts[i];
      text.batch = 1;
      text.recipient_id = b->submitted + i + 1;
      text.line = text.recipient_id + 1;
      text.to = b->first_number + b->submitted + i;
      text.from = kFrom;
      text.message = kMessage;
    }
    absl::Status status = b->channel->Submit(texts);
    if (status.ok()) b->submitted += count;
    return status;
  }

  // Takes what has come back to `b`, waiting a little when nothing has.
  static void CollectSome(Broadcast* b) {
    std::vector<Delivery> out;
    absl::Status status = b->channel->Collect(absl::Milliseconds(5), &out);
    if (!status.ok()) b->tally.errors.push_back(status);
    for (const Delivery& d : out) {
      EXPECT_EQ(d.batch, 1u);
      EXPECT_EQ(d.message, kMessage);
      ++b->tally.times[d.recipient_id];
      ++b->tally.by_status[d.status];
      ++b->tally.answered;
    }
  }

  static bool AllBack(const Broadcast& b) {
    return b.tally.answered >= b.submitted;
  }

  // Collects from each of `broadcasts` until each has every text it
  // submitted back, calling `between` after every round.
  static void CollectAll(const std::vector<Broadcast*>& broadcasts,
                         const std::function<void()>& between = nullptr) {
    const absl::Time deadline = absl::Now() + kDeadline;
    for (;;) {
      bool done = true;
      for (Broadcast* b : broadcasts) {
        CollectSome(b);
        done = done && AllBack(*b);
      }
      if (done) return;
      if (between) between();
      if (absl::Now() > deadline) {
        ADD_FAILURE() << "not every text came back";
        return;
      }
    }
  }

  // Fails unless each text `b` submitted came back exactly once.
  static void ExpectEachAnsweredOnce(const Broadcast& b) {
    EXPECT_EQ(b.tally.answered, b.submitted) << b.prefix;
    EXPECT_EQ(b.tally.times.size(), static_cast<size_t>(b.submitted))
        << b.prefix;
    for (const auto& [id, times] : b.tally.times) {
      EXPECT_EQ(times, 1) << b.prefix << " recipient " << id;
      EXPECT_GE(id, 1u);
      EXPECT_LE(id, static_cast<uint64_t>(b.submitted));
    }
  }

  // Lets go of the provider and stops the mock, so its log is complete;
  // returns the idempotency key of each text it accepted, in the order it
  // did.
  std::vector<std::string> StopAndReadLog() {
    hub_.reset();
    EXPECT_TRUE(mock_->Stop().ok());
    std::vector<std::string> keys;
    std::set<std::string> seen;
    for (absl::string_view line :
         absl::StrSplit(ReadWholeFile(dir_.File("arrived.jsonl")), '\n',
                        absl::SkipEmpty())) {
      const json text = json::parse(line.begin(), line.end());
      keys.push_back(text["key"].get<std::string>());
      EXPECT_TRUE(seen.insert(keys.back()).second) << "twice: " << keys.back();
    }
    return keys;
  }

  // The broadcast of each key of `keys`: its prefix.
  static std::vector<std::string> Prefixes(
      const std::vector<std::string>& keys) {
    std::vector<std::string> prefixes;
    for (const std::string& key : keys) {
      prefixes.push_back(key.substr(0, key.find('-')));
    }
    return prefixes;
  }

  static int CountOf(const std::vector<std::string>& prefixes,
                     const std::string& prefix) {
    return std::count(prefixes.begin(), prefixes.end(), prefix);
  }

  TempDir dir_;
  std::unique_ptr<mock_provider::MockProvider> mock_;
  std::unique_ptr<ProviderHub> hub_;
};

// Weights 3 and 1 on one lane, each with a backlog: the lane goes three to
// one.
TEST_F(ProviderHubTest, WeightsShareALaneInProportion) {
  StartMock();
  StartHub(OneLane(/*rate=*/400, /*burst=*/2));
  Broadcast a, b;
  Open(&a, "a", 12132000000, /*weight=*/3);
  Open(&b, "b", 12133000000, /*weight=*/1);
  ASSERT_TRUE(Submit(&a, 300).ok());
  ASSERT_TRUE(Submit(&b, 300).ok());
  CollectAll({&a, &b});
  EXPECT_TRUE(a.channel->Finish().ok());
  EXPECT_TRUE(b.channel->Finish().ok());
  ExpectEachAnsweredOnce(a);
  ExpectEachAnsweredOnce(b);
  EXPECT_EQ(a.tally.sent(), 300);
  EXPECT_EQ(b.tally.sent(), 300);
  EXPECT_TRUE(a.tally.errors.empty());
  EXPECT_TRUE(b.tally.errors.empty());

  const std::vector<std::string> taken = Prefixes(StopAndReadLog());
  ASSERT_EQ(taken.size(), 600u);
  const std::vector<std::string> first(taken.begin(), taken.begin() + 200);
  const int of_a = CountOf(first, "a");
  const int of_b = CountOf(first, "b");
  EXPECT_NEAR(of_a, 150, 20);
  EXPECT_NEAR(of_b, 50, 20);
  RecordProperty("first_200_a", of_a);
  RecordProperty("first_200_b", of_b);
  std::cout << "first 200 taken: a " << of_a << ", b " << of_b << "\n";
}

// A small broadcast that starts while a huge one has a backlog goes out
// alongside it, not after it.
TEST_F(ProviderHubTest, ASmallLateChannelIsNotStarvedByABigOne) {
  StartMock();
  StartHub(OneLane(/*rate=*/500, /*burst=*/2));
  Broadcast big, small;
  Open(&big, "big", 12132000000, /*weight=*/1);
  ASSERT_TRUE(Submit(&big, 2000).ok());
  // The big one is sending: its backlog is what the small one joins.
  const absl::Time deadline = absl::Now() + kDeadline;
  while (big.tally.answered < 30 && absl::Now() < deadline) {
    CollectSome(&big);
  }
  ASSERT_GE(big.tally.answered, 30);
  const int big_at_open = big.tally.answered;
  Open(&small, "small", 12133000000, /*weight=*/1);
  ASSERT_TRUE(Submit(&small, 20).ok());
  bool stopped = false;
  CollectAll({&big, &small}, [&] {
    // Once the small one is done, the rest of the big one shows nothing
    // more: holding it back keeps the test short.
    if (!stopped && AllBack(small)) {
      big.channel->StopSending();
      stopped = true;
    }
  });
  EXPECT_TRUE(big.channel->Finish().ok());
  EXPECT_TRUE(small.channel->Finish().ok());
  ExpectEachAnsweredOnce(big);
  ExpectEachAnsweredOnce(small);
  EXPECT_EQ(small.tally.sent(), 20);
  EXPECT_EQ(big.tally.sent() + big.tally.not_sent(), 2000);
  EXPECT_GT(big.tally.not_sent(), 0);  // it was stopped with a backlog

  const std::vector<std::string> taken = Prefixes(StopAndReadLog());
  EXPECT_EQ(CountOf(taken, "big"), big.tally.sent());
  ASSERT_EQ(CountOf(taken, "small"), 20);
  const auto first_small = std::find(taken.begin(), taken.end(), "small");
  const auto last_small =
      std::find(taken.rbegin(), taken.rend(), "small").base() - 1;
  const int big_meanwhile = std::count(first_small, last_small, "big");
  EXPECT_LT(big_meanwhile, 60);
  // And it started at once: before its first, the big one had no more taken
  // than it had back when the small one opened, but for what was in flight
  // or on its way then.
  const int big_before = std::count(taken.begin(), first_small, "big");
  EXPECT_LE(big_before, big_at_open + 30);
  std::cout << "big texts taken while the small one went: " << big_meanwhile
            << "; before its first: " << big_before << " (" << big_at_open
            << " back when it opened)\n";
}

// A channel that had nothing to send for a while starts level with the
// others when it has texts again: it does not send its backlog in one go on
// credit from the time it was idle.
TEST_F(ProviderHubTest, AnIdleChannelClaimsNoCredit) {
  StartMock();
  StartHub(OneLane(/*rate=*/500, /*burst=*/2));
  Broadcast a, b;
  Open(&a, "a", 12132000000, /*weight=*/1);
  Open(&b, "b", 12133000000, /*weight=*/1);
  ASSERT_TRUE(Submit(&a, 1000).ok());
  ASSERT_TRUE(Submit(&b, 10).ok());
  // b goes idle while a keeps sending.
  const absl::Time deadline = absl::Now() + kDeadline;
  while ((a.tally.answered < 120 || !AllBack(b)) && absl::Now() < deadline) {
    CollectSome(&a);
    CollectSome(&b);
  }
  ASSERT_TRUE(AllBack(b));
  ASSERT_TRUE(Submit(&b, 100).ok());
  bool stopped = false;
  CollectAll({&a, &b}, [&] {
    if (!stopped && AllBack(b)) {
      a.channel->StopSending();
      stopped = true;
    }
  });
  EXPECT_TRUE(a.channel->Finish().ok());
  EXPECT_TRUE(b.channel->Finish().ok());
  ExpectEachAnsweredOnce(a);
  ExpectEachAnsweredOnce(b);
  EXPECT_EQ(b.tally.sent(), 110);

  const std::vector<std::string> keys = StopAndReadLog();
  // From the first text of b's second wave on, the two alternate.
  const auto wave = std::find(keys.begin(), keys.end(), "b-1-11-1");
  ASSERT_NE(wave, keys.end());
  ASSERT_GE(keys.end() - wave, 40);
  const std::vector<std::string> next =
      Prefixes(std::vector<std::string>(wave, wave + 40));
  const int of_a = CountOf(next, "a");
  EXPECT_NEAR(of_a, 20, 8);
  std::cout << "of the 40 texts from b's second wave on, a had " << of_a
            << "\n";
}

// StopSending holds back one channel's texts; the other sends to its end.
TEST_F(ProviderHubTest, StopSendingHoldsBackOnlyItsOwnChannel) {
  StartMock();
  StartHub(OneLane(/*rate=*/400, /*burst=*/2));
  Broadcast a, b;
  Open(&a, "a", 12132000000, /*weight=*/1);
  Open(&b, "b", 12133000000, /*weight=*/1);
  ASSERT_TRUE(Submit(&a, 300).ok());
  ASSERT_TRUE(Submit(&b, 300).ok());
  bool stopped = false;
  CollectAll({&a, &b}, [&] {
    if (!stopped && a.tally.answered >= 30) {
      a.channel->StopSending();
      stopped = true;
      // Texts it takes from now on come straight back.
      EXPECT_TRUE(Submit(&a, 10).ok());
    }
  });
  ASSERT_TRUE(stopped);
  EXPECT_TRUE(a.channel->Finish().ok());
  EXPECT_TRUE(b.channel->Finish().ok());
  ExpectEachAnsweredOnce(a);
  ExpectEachAnsweredOnce(b);
  EXPECT_EQ(a.submitted, 310);
  EXPECT_EQ(a.tally.sent() + a.tally.not_sent(), 310);
  EXPECT_GE(a.tally.sent(), 30);
  // Stopped when about 30 of its 300 had gone: most of it was held back.
  EXPECT_GE(a.tally.not_sent(), 200);
  EXPECT_EQ(b.tally.sent(), 300);
  EXPECT_TRUE(a.tally.errors.empty());
  EXPECT_TRUE(b.tally.errors.empty());

  const std::vector<std::string> taken = Prefixes(StopAndReadLog());
  EXPECT_EQ(CountOf(taken, "a"), a.tally.sent());
  EXPECT_EQ(CountOf(taken, "b"), 300);
}

// A Submit waiting for room (the channel full, the lane slow) gives up when
// the run's interrupt is set, taking nothing: a Stop does not wait for the
// queue to drain at the lane's rate.
TEST_F(ProviderHubTest, AnInterruptEndsASubmitWaitingForRoom) {
  // Answers a second late: no answer makes room while the Submit waits.
  mock_provider::FaultOptions slow;
  slow.latency_ms = 1000;
  StartMock(slow);
  StartHub(OneLane(/*rate=*/2, /*burst=*/1));
  std::atomic<bool> interrupt{false};
  Broadcast a;
  a.prefix = "a";
  a.first_number = 12132000000;
  absl::StatusOr<std::unique_ptr<Transport>> channel = hub_->OpenChannel(
      {.key_prefix = "a", .max_unanswered = 10, .interrupt = &interrupt});
  ASSERT_TRUE(channel.ok()) << channel.status();
  a.channel = *std::move(channel);
  ASSERT_TRUE(Submit(&a, 10).ok());  // the channel is full
  absl::Status waited;
  std::thread blocked([&] { waited = Submit(&a, 5); });
  interrupt = true;
  blocked.join();  // a Submit that kept waiting would hang the test here
  EXPECT_TRUE(absl::IsCancelled(waited)) << waited;
  EXPECT_EQ(a.submitted, 10);  // none of the five was taken
  a.channel->StopSending();
  CollectAll({&a});
  EXPECT_TRUE(a.channel->Finish().ok());
  EXPECT_EQ(a.tally.sent() + a.tally.not_sent(), 10);
  EXPECT_GE(a.tally.not_sent(), 5);  // held back, not sent at 2/s
}

// Refused credentials stop the whole hub: each channel hears it once and
// gets all its texts back unsent.
TEST_F(ProviderHubTest, RefusedCredentialsStopEveryChannel) {
  mock_provider::FaultOptions faults;
  faults.latency_ms = 200;  // both channels submit before the refusal
  StartMock(faults);
  ProviderConfig config = OneLane(/*rate=*/0, /*burst=*/1);
  config.password = "wrong-Secret-77";
  StartHub(config);
  Broadcast a, b;
  Open(&a, "a", 12132000000, /*weight=*/2);
  Open(&b, "b", 12133000000, /*weight=*/1);
  ASSERT_TRUE(Submit(&a, 100).ok());
  ASSERT_TRUE(Submit(&b, 100).ok());
  CollectAll({&a, &b});
  // Answers still in flight after the refusal would report nothing more.
  for (int i = 0; i < 10; ++i) {
    CollectSome(&a);
    CollectSome(&b);
  }
  for (Broadcast* x : {&a, &b}) {
    ExpectEachAnsweredOnce(*x);
    EXPECT_EQ(x->tally.not_sent(), 100) << x->prefix;
    ASSERT_EQ(x->tally.errors.size(), 1u) << x->prefix;
    EXPECT_EQ(x->tally.errors[0].code(), absl::StatusCode::kPermissionDenied);
    EXPECT_THAT(std::string(x->tally.errors[0].message()),
                ::testing::Not(::testing::HasSubstr("wrong-Secret-77")));
    EXPECT_EQ(Submit(x, 1).code(), absl::StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(hub_->OpenChannel({.key_prefix = "c"}).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(StopAndReadLog().empty());
}

// A channel destroyed with requests in flight drops their answers; the
// other channel does not notice.
TEST_F(ProviderHubTest, AChannelMayGoAwayWithRequestsInFlight) {
  mock_provider::FaultOptions faults;
  faults.latency_ms = 100;
  StartMock(faults);
  StartHub(OneLane(/*rate=*/0, /*burst=*/1));
  Broadcast a, b;
  Open(&a, "a", 12132000000, /*weight=*/1);
  Open(&b, "b", 12133000000, /*weight=*/1);
  ASSERT_TRUE(Submit(&a, 50).ok());
  a.channel.reset();
  ASSERT_TRUE(Submit(&b, 50).ok());
  CollectAll({&b});
  EXPECT_TRUE(b.channel->Finish().ok());
  ExpectEachAnsweredOnce(b);
  EXPECT_EQ(b.tally.sent(), 50);
  const ProviderTransportStats stats = hub_->stats();
  EXPECT_GE(stats.texts_answered, 50);
  const std::vector<std::string> taken = Prefixes(StopAndReadLog());
  EXPECT_EQ(CountOf(taken, "b"), 50);
  EXPECT_LE(CountOf(taken, "a"), 50);
}

// Closing the hub gives an open channel back what it held; the channel can
// then take no more.
TEST_F(ProviderHubTest, ClosingTheHubGivesBackWhatChannelsHold) {
  StartMock();
  StartHub(OneLane(/*rate=*/20, /*burst=*/1));
  Broadcast a;
  Open(&a, "a", 12132000000, /*weight=*/1);
  ASSERT_TRUE(Submit(&a, 100).ok());
  const absl::Time deadline = absl::Now() + kDeadline;
  while (a.tally.answered < 1 && absl::Now() < deadline) CollectSome(&a);
  hub_.reset();
  CollectAll({&a});
  ExpectEachAnsweredOnce(a);
  EXPECT_GE(a.tally.sent(), 1);
  EXPECT_GT(a.tally.not_sent(), 50);
  EXPECT_EQ(Submit(&a, 1).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(mock_->Stop().ok());
}

TEST_F(ProviderHubTest, ChannelOptionsOutOfRangeAreRefused) {
  StartMock();
  StartHub(OneLane(/*rate=*/0, /*burst=*/1));
  EXPECT_EQ(hub_->OpenChannel({.key_prefix = "a", .weight = 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(hub_->OpenChannel({.key_prefix = "a", .max_unanswered = 0})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(hub_->OpenChannel({.key_prefix = "a", .weight = 5}).ok());
}

}  // namespace
}  // namespace herald
