// Broadcasts sent for real: the pipeline, the provider transport and its
// HTTP client against the mock provider on 127.0.0.1, with its faults on.
// What arrived is read from the mock's message log.
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "engine/dispatch/provider_transport.h"
#include "engine/pipeline/broadcast_run.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "herald/clock.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"
#include "tools/mock_provider/server.h"

namespace herald {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPassword[] = "s3cret-Pa55";

// Keeps every outcome, with copies of its strings.
class RecordingSink : public OutcomeSink {
 public:
  struct Entry {
    RowOutcome outcome;
    std::string reason;
    std::string provider_id;
  };
  absl::Status Record(absl::Span<const RowOutcome> outcomes) override {
    for (const RowOutcome& o : outcomes) {
      entries.push_back({o, std::string(o.reason), std::string(o.provider_id)});
    }
    return absl::OkStatus();
  }
  absl::Status Finish() override { return absl::OkStatus(); }
  std::vector<Entry> entries;
};

// The 11-digit number of the i-th generated contact.
std::string NumberOf(int i) {
  return absl::StrCat(1213, 200 + i / 10000,
                      absl::Dec(i % 10000, absl::kZeroPad4));
}

class DispatchTest : public ::testing::Test {
 protected:
  DispatchTest() : clock_(absl::FromUnixSeconds(1794000000)) {
    broadcast_.name = "dispatch";
    broadcast_.from_number = "19206596476";
    broadcast_.message = "Hello ${firstName}";
  }

  // The mock stamps arrivals on `clock` (null: the real clock).
  void StartMock(const mock_provider::FaultOptions& faults = {},
                 Clock* clock = nullptr) {
    mock_provider::Options options;
    options.clock = clock;
    options.user = "herald";
    options.password = kPassword;
    options.log_path = dir_.File("arrived.jsonl");
    options.seed = 7;
    options.faults = faults;
    absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> mock =
        mock_provider::MockProvider::Start(options);
    ASSERT_TRUE(mock.ok()) << mock.status();
    mock_ = *std::move(mock);
  }

  std::string BaseUrl() const {
    return absl::StrCat("http://127.0.0.1:", mock_->port());
  }

  ProviderConfig CallFire(int batch_size) const {
    ProviderConfig config;
    config.name = "cf";
    config.type = ProviderType::kCallFire;
    config.url = BaseUrl();
    config.username = "herald";
    config.password = kPassword;
    config.batch_size = batch_size;
    config.timeout = absl::Seconds(5);
    return config;
  }

  ProviderConfig Kannel() const {
    ProviderConfig config = CallFire(1);
    config.name = "k1";
    config.type = ProviderType::kKannel;
    config.url = absl::StrCat(BaseUrl(), "/cgi-bin/sendsms");
    return config;
  }

  // Writes `rows` contacts with distinct numbers.
  std::string Contacts(int rows) {
    std::string text = "phoneNumber,firstName\n";
    for (int i = 0; i < rows; ++i) {
      absl::StrAppend(&text, NumberOf(i), ",n", i, "\n");
    }
    return dir_.Write("contacts.csv", text);
  }

  // Sends `rows` contacts through `config`; stops the mock afterwards so its
  // log is complete.
  RunReport Send(const ProviderConfig& config, int rows) {
    absl::StatusOr<std::unique_ptr<ProviderHub>> hub =
        ProviderHub::Create(config, hub_clock_);
    EXPECT_TRUE(hub.ok()) << hub.status();
    if (!hub.ok()) return {};
    absl::StatusOr<std::unique_ptr<Transport>> transport =
        (*hub)->OpenChannel({.key_prefix = "t"});
    EXPECT_TRUE(transport.ok()) << transport.status();
    if (!transport.ok()) return {};
    RunOptions options;
    options.contact_paths = {Contacts(rows)};
    options.workers = 2;
    options.clock = &clock_;
    absl::StatusOr<RunReport> report =
        RunBroadcast(broadcast_, options, transport->get(), &sink_);
    EXPECT_TRUE(report.ok()) << report.status();
    stats_ = (*hub)->stats();
    transport->reset();
    hub->reset();
    mock_stats_ = mock_->stats();
    EXPECT_TRUE(mock_->Stop().ok());
    if (!report.ok()) return {};
    const RunCounts& c = report->totals;
    EXPECT_EQ(c.total, c.sent + c.invalid + c.dup + c.dnc + c.too_big +
                           c.errors + c.skipped + c.timeout + c.remaining);
    return *std::move(report);
  }

  // The mock's log: every message it accepted, in order.
  std::vector<json> Arrived() const {
    std::vector<json> lines;
    for (absl::string_view line :
         absl::StrSplit(ReadWholeFile(dir_.File("arrived.jsonl")), '\n',
                        absl::SkipEmpty())) {
      lines.push_back(json::parse(line.begin(), line.end()));
    }
    return lines;
  }

  // Fails unless the mock accepted each of the first `rows` numbers exactly
  // once, with its own text.
  void ExpectEachArrivedOnce(int rows) const {
    std::map<std::string, int> times;
    for (const json& line : Arrived()) {
      ++times[line["to"].get<std::string>()];
    }
    EXPECT_EQ(times.size(), static_cast<size_t>(rows));
    for (int i = 0; i < rows; ++i) {
      EXPECT_EQ(times[NumberOf(i)], 1) << NumberOf(i);
    }
  }

  // The final entry of each row, by number.
  std::map<PhoneNumber, RecordingSink::Entry> Finals() const {
    std::map<PhoneNumber, RecordingSink::Entry> finals;
    for (const auto& e : sink_.entries) {
      if (e.outcome.state != RecipientState::kCallback) {
        finals[e.outcome.to] = e;
      }
    }
    return finals;
  }

  TempDir dir_;
  VirtualClock clock_;
  Clock* hub_clock_ = nullptr;  // the lanes' clock; null: the real clock
  Broadcast broadcast_;
  RecordingSink sink_;
  std::unique_ptr<mock_provider::MockProvider> mock_;
  ProviderTransportStats stats_;
  mock_provider::Stats mock_stats_;
};

TEST_F(DispatchTest, CallFireBatchesDeliverEveryTextOnce) {
  StartMock();
  ProviderConfig config = CallFire(100);
  config.lanes.account.max_active = 4;
  const RunReport report = Send(config, 2000);
  ASSERT_TRUE(report.status.ok()) << report.status;
  EXPECT_EQ(report.totals.sent, 2000u);
  EXPECT_EQ(mock_stats_.texts_requests, 20);
  ExpectEachArrivedOnce(2000);
  std::set<std::string> keys;
  for (const json& line : Arrived()) {
    keys.insert(line["key"].get<std::string>());
    EXPECT_THAT(line["message"].get<std::string>(), HasSubstr("Hello n"));
    EXPECT_EQ(line["from"], "19206596476");
  }
  EXPECT_EQ(keys.size(), 2000u);
  EXPECT_TRUE(keys.count("t-1-1-1"));
  // Every row FINISHED/SENT, with the provider's id.
  const auto finals = Finals();
  ASSERT_EQ(finals.size(), 2000u);
  for (const auto& [number, e] : finals) {
    EXPECT_EQ(e.outcome.state, RecipientState::kFinished);
    EXPECT_EQ(e.outcome.result, TextResult::kSent);
    EXPECT_EQ(e.outcome.attempt, 1);
    EXPECT_FALSE(e.provider_id.empty());
  }
  // Keep-alive: no more connections than requests in flight at once.
  EXPECT_LE(mock_stats_.connections, 4);
  EXPECT_EQ(stats_.connections, mock_stats_.connections);
}

TEST_F(DispatchTest, KannelSendsUnicodeTextsIntact) {
  StartMock();
  broadcast_.message = "Привет ${firstName} 👋";
  const RunReport report = Send(Kannel(), 50);
  ASSERT_TRUE(report.status.ok()) << report.status;
  EXPECT_EQ(report.totals.sent, 50u);
  EXPECT_EQ(mock_stats_.sendsms_requests, 50);
  ExpectEachArrivedOnce(50);
  std::set<std::string> messages;
  for (const json& line : Arrived()) {
    messages.insert(line["message"].get<std::string>());
  }
  EXPECT_TRUE(messages.count("Привет n7 👋"));
}

TEST_F(DispatchTest, RefusedCredentialsStopTheRunWithoutShowingThem) {
  StartMock();
  ProviderConfig config = CallFire(10);
  config.password = "wrong-Secret-77";
  const RunReport report = Send(config, 100);
  EXPECT_EQ(report.status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(report.status.message(), HasSubstr("cf"));
  EXPECT_THAT(report.status.message(), Not(HasSubstr("wrong-Secret-77")));
  EXPECT_THAT(report.status.message(), Not(HasSubstr(kPassword)));
  EXPECT_EQ(report.totals.sent, 0u);
  EXPECT_EQ(report.totals.remaining, 100u);
  EXPECT_TRUE(Arrived().empty());
}

// Each fault, with retries on: every row ends SENT, and the mock holds each
// message exactly once (a retry of an attempt that may have arrived carries
// the same idempotency key, and the mock drops the repeat).
struct FaultCase {
  const char* name;
  mock_provider::FaultOptions faults;
  int batch_size;
};

class DispatchFaultTest : public DispatchTest,
                          public ::testing::WithParamInterface<FaultCase> {};

TEST_P(DispatchFaultTest, NothingIsLostAndNothingArrivesTwice) {
  StartMock(GetParam().faults);
  broadcast_.retry_config.max_attempts = 25;
  broadcast_.retry_config.minutes_between_attempts = 2;
  ProviderConfig config = CallFire(GetParam().batch_size);
  config.timeout = absl::Milliseconds(400);
  constexpr int kRows = 600;
  const absl::Time start = clock_.Now();
  const RunReport report = Send(config, kRows);
  ASSERT_TRUE(report.status.ok()) << report.status;
  EXPECT_EQ(report.totals.sent, static_cast<uint64_t>(kRows));
  ExpectEachArrivedOnce(kRows);

  // Every attempt is recorded: CALLBACK entries numbered 1..n-1, then the
  // final one with attempt n; some rows needed more than one.
  std::map<PhoneNumber, std::vector<int>> attempts;
  for (const auto& e : sink_.entries) {
    attempts[e.outcome.to].push_back(e.outcome.attempt);
    if (e.outcome.state == RecipientState::kCallback) {
      EXPECT_THAT(e.outcome.result,
                  ::testing::AnyOf(TextResult::kInternalError,
                                   TextResult::kCarrierTempError));
    }
  }
  int retried = 0;
  for (const auto& [number, list] : attempts) {
    for (size_t i = 0; i < list.size(); ++i) {
      EXPECT_EQ(list[i], static_cast<int>(i + 1)) << number;
    }
    retried += list.size() > 1;
  }
  EXPECT_GT(retried, 0);
  // Retries went out minutesBetweenAttempts apart on the run's clock.
  ASSERT_GT(report.passes.size(), 1u);
  for (size_t i = 1; i < report.passes.size(); ++i) {
    EXPECT_EQ(report.passes[i].at - start, absl::Minutes(2 * i));
  }
}

mock_provider::FaultOptions Faults(double error, double reset, double hang,
                                   double garbage, int jitter_ms) {
  mock_provider::FaultOptions f;
  f.error_rate = error;
  f.reset_rate = reset;
  f.hang_rate = hang;
  f.garbage_rate = garbage;
  f.latency_jitter_ms = jitter_ms;
  return f;
}

INSTANTIATE_TEST_SUITE_P(
    EachFault, DispatchFaultTest,
    ::testing::Values(
        FaultCase{"ServerErrors", Faults(0.3, 0, 0, 0, 0), 20},
        FaultCase{"Resets", Faults(0, 0.3, 0, 0, 0), 20},
        FaultCase{"Hangs", Faults(0, 0, 0.2, 0, 0), 20},
        FaultCase{"Garbage", Faults(0, 0, 0, 0.3, 0), 20},
        // Answers later than the timeout, after the mock accepted them.
        FaultCase{"SlowAnswers", Faults(0, 0, 0, 0, 700), 1},
        FaultCase{"AllAtOnce", Faults(0.1, 0.1, 0.05, 0.1, 300), 10}),
    [](const ::testing::TestParamInfo<FaultCase>& info) {
      return std::string(info.param.name);
    });

TEST_F(DispatchTest, AThrottledLanePausesKeepsItsOrderAndRecovers) {
  mock_provider::FaultOptions faults;
  faults.rate_limit = 100;  // per sender, any sliding second
  faults.retry_after_s = 1;
  StartMock(faults);
  ProviderConfig config = Kannel();
  config.lanes.account.max_active = 1;  // one at a time: order is exact
  constexpr int kRows = 300;
  const RunReport report = Send(config, kRows);
  ASSERT_TRUE(report.status.ok()) << report.status;
  EXPECT_EQ(report.totals.sent, static_cast<uint64_t>(kRows));
  EXPECT_GT(stats_.throttled, 0);
  EXPECT_EQ(stats_.throttled, mock_stats_.rate_limited);
  const std::vector<json> arrived = Arrived();
  ASSERT_EQ(arrived.size(), static_cast<size_t>(kRows));
  for (int i = 0; i < kRows; ++i) {
    EXPECT_EQ(arrived[i]["to"], NumberOf(i)) << "position " << i;
  }
  // Throttles are not attempts.
  for (const auto& [number, e] : Finals()) EXPECT_EQ(e.outcome.attempt, 1);
}

// The lane paces by segments: 2-segment texts at 60 segments/s with a burst
// of 10, timed by the mock's arrival stamps over 10 s of simulated time. The
// lanes and the mock share a VirtualClock, which jumps to each instant a
// lane waits for; one request at a time, so the clock never moves while a
// request is on its way and each stamp is the instant it was sent.
TEST_F(DispatchTest, ALaneHoldsItsSegmentRateAndNeverExceedsItsBurst) {
  StartMock({}, &clock_);
  hub_clock_ = &clock_;
  const absl::Time start = clock_.Now();
  broadcast_.message = std::string(200, 'x');  // 2 GSM-7 segments
  ProviderConfig config = Kannel();
  config.lanes.account.max_active = 1;
  constexpr double kRate = 60;  // segments/s
  constexpr int kBurst = 10;
  config.lanes.account.segments_per_second = kRate;
  config.lanes.account.burst = kBurst;
  constexpr int kRows = 305;  // 10 burst segments + 600 over 10 s
  const RunReport report = Send(config, kRows);
  ASSERT_TRUE(report.status.ok()) << report.status;
  std::vector<absl::Time> at;
  for (const json& line : Arrived()) {
    absl::Time t;
    std::string error;
    ASSERT_TRUE(absl::ParseTime(
        absl::RFC3339_full, line["arrivedAt"].get<std::string>(), &t, &error))
        << error;
    at.push_back(t);
  }
  ASSERT_EQ(at.size(), static_cast<size_t>(kRows));
  std::sort(at.begin(), at.end());
  EXPECT_GE(at.front(), start);
  // After the first burst, the rate over the rest is R within 1%.
  const int after_burst = kBurst / 2;
  const double seconds = absl::ToDoubleSeconds(at.back() - at[after_burst - 1]);
  const double rate = 2.0 * (kRows - after_burst) / seconds;
  EXPECT_NEAR(rate, kRate, kRate * 0.01) << seconds << " s";
  // No window holds more than the burst plus what the rate earned in it.
  for (size_t i = 0; i < at.size(); ++i) {
    for (size_t j = i + 1; j < at.size(); ++j) {
      const double d = absl::ToDoubleSeconds(at[j] - at[i]);
      if (d > 2) break;
      const double segments = 2.0 * (j - i + 1);
      // (1e-3: the stamps are logged to the microsecond)
      EXPECT_LE(segments, kBurst + kRate * d + 1e-3)
          << "texts " << i << ".." << j << " in " << d << " s";
    }
  }
}

}  // namespace
}  // namespace herald
