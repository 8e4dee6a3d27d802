// The transport seam as an embedder uses it (EngineOptions::transport_factory
// and herald/transport.h): a gateway of its own in place of the outbox or a
// provider, with the engine's promises kept on its side: every text once per
// attempt, failures retried by retryConfig under a new key, a gateway that
// gives out stopping the run, and the resume sending exactly the rest.
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "herald/engine.h"
#include "herald/transport.h"
#include "tests/test_util.h"

namespace herald {
namespace {

using ::testing::HasSubstr;

// What the embedder's gateway saw, shared by the transports of every run.
struct Gateway {
  std::mutex mu;
  std::map<PhoneNumber, int> taken;  // texts taken, by number
  std::set<std::string> keys;        // the idempotency key of each
  uint64_t taken_total = 0;
  std::set<PhoneNumber> busy_once;  // first attempts answered a temp error
  // Submit() calls after which it gives out (each later one fails); 0: never.
  int submits_before_outage = 0;
  int submits = 0;
};

// A transport that answers every text within Submit(), as a gateway with a
// synchronous API would.
class GatewayTransport : public Transport {
 public:
  GatewayTransport(Gateway* gateway, std::string key_prefix)
      : gateway_(gateway), key_prefix_(std::move(key_prefix)) {}

  absl::Status Submit(absl::Span<const OutboundText> texts) override {
    std::lock_guard lock(gateway_->mu);
    if (gateway_->submits_before_outage > 0 &&
        gateway_->submits >= gateway_->submits_before_outage) {
      return absl::UnavailableError("the gateway answered 503");
    }
    ++gateway_->submits;
    for (const OutboundText& text : texts) {
      ++gateway_->taken[text.to];
      ++gateway_->taken_total;
      const std::string key = IdempotencyKey(
          key_prefix_, text.batch, text.recipient_id, text.key_attempt);
      EXPECT_TRUE(gateway_->keys.insert(key).second) << "key again: " << key;
      Delivery delivery = DeliveryFor(text);
      delivery.message = std::string(text.message);
      if (text.attempt == 1 && gateway_->busy_once.count(text.to) > 0) {
        delivery.status = DeliveryStatus::kFailed;
        delivery.result = TextResult::kCarrierTempError;
        delivery.detail = "the carrier is busy";
      } else {
        delivery.provider_id = key;
      }
      answered_.push_back(std::move(delivery));
    }
    return absl::OkStatus();
  }

  absl::Status Collect(absl::Duration, std::vector<Delivery>* out) override {
    for (Delivery& delivery : answered_) out->push_back(std::move(delivery));
    answered_.clear();
    return absl::OkStatus();
  }

  absl::Status Finish() override { return absl::OkStatus(); }

 private:
  Gateway* const gateway_;
  const std::string key_prefix_;
  std::vector<Delivery> answered_;
};

// `rows` numbers from 1213 550 0000.
std::string Contacts(int rows) {
  std::string csv = "phoneNumber\n";
  for (int i = 0; i < rows; ++i) absl::StrAppend(&csv, 12135500000 + i, "\n");
  return csv;
}

class TransportSeamTest : public ::testing::Test {
 protected:
  std::unique_ptr<Engine> Open(TransportFactory factory) {
    EngineOptions options;
    options.state_dir = dir_.File("state");
    options.workers = 1;
    options.transport_factory = std::move(factory);
    absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(options);
    EXPECT_TRUE(engine.ok()) << engine.status();
    return engine.ok() ? *std::move(engine) : nullptr;
  }

  TransportFactory Through(Gateway* gateway) {
    return [gateway](BroadcastId, const BroadcastOptions& options)
               -> absl::StatusOr<std::unique_ptr<Transport>> {
      return std::make_unique<GatewayTransport>(gateway, options.run_id);
    };
  }

  BroadcastId Create(Engine& engine, int rows) {
    BroadcastOptions options;
    options.outbox_path = dir_.File("outbox.jsonl");  // must stay unwritten
    absl::StatusOr<BroadcastId> id = engine.CreateBroadcast(R"({
      "name": "Clinic", "fromNumber": "12025550100", "message": "Your visit",
      "retryConfig": {"maxAttempts": 2, "minutesBetweenAttempts": 0}})",
                                                            options);
    EXPECT_TRUE(id.ok()) << id.status();
    absl::StatusOr<BatchId> batch = engine.AddBatch(
        *id, BatchSource::File(dir_.Write("contacts.csv", Contacts(rows))), {});
    EXPECT_TRUE(batch.ok()) << batch.status();
    return id.value_or(0);
  }

  // Starts the broadcast and waits (bounded) for its run to end.
  BroadcastInfo RunToEnd(Engine& engine, BroadcastId id) {
    EXPECT_TRUE(engine.Start(id).ok());
    for (int i = 0; i < 600; ++i) {
      absl::StatusOr<BroadcastStatus> status =
          engine.Wait(id, absl::Milliseconds(100));
      if (!status.ok() || !IsLive(*status)) break;
    }
    return engine.GetBroadcast(id).value_or(BroadcastInfo());
  }

  TempDir dir_;
};

TEST_F(TransportSeamTest, AnEmbeddersGatewayGetsEveryTextOnceAndItsRetries) {
  Gateway gateway;
  gateway.busy_once = {12135500003, 12135500011};
  std::unique_ptr<Engine> engine = Open(Through(&gateway));
  const BroadcastId id = Create(*engine, 20);
  const BroadcastInfo info = RunToEnd(*engine, id);
  EXPECT_EQ(BroadcastStatusName(info.status), "FINISHED") << info.error;

  // Each number once, the two busy ones twice under a new key.
  ASSERT_EQ(gateway.taken.size(), 20u);
  for (const auto& [number, times] : gateway.taken) {
    EXPECT_EQ(times, gateway.busy_once.count(number) > 0 ? 2 : 1) << number;
  }
  EXPECT_EQ(gateway.keys.size(), 22u);
  EXPECT_THAT(*gateway.keys.begin(), ::testing::StartsWith(info.run_id));
  EXPECT_FALSE(FileExists(dir_.File("outbox.jsonl")));

  absl::StatusOr<StoreStats> stats = engine->Stats(id);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->counts.sent, 20u);
  EXPECT_EQ(stats->counts.errors, 0u);
  TextQuery query;
  query.to = 12135500003;
  absl::StatusOr<TextPage> page = engine->FindTexts(id, query);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 1u);
  ASSERT_EQ(page->items[0].records.size(), 2u);
  EXPECT_EQ(page->items[0].records[0].result, TextResult::kCarrierTempError);
  EXPECT_EQ(page->items[0].records[1].result, TextResult::kSent);
}

// More texts than one Submit() takes, so the gateway gives out mid-run.
TEST_F(TransportSeamTest,
       AGatewayThatGivesOutStopsTheRunAndTheResumeSendsTheRest) {
  constexpr int kRows = 10'000;
  Gateway gateway;
  gateway.submits_before_outage = 1;
  BroadcastId id = 0;
  uint64_t sent_before = 0;
  {
    std::unique_ptr<Engine> engine = Open(Through(&gateway));
    id = Create(*engine, kRows);
    const BroadcastInfo stopped = RunToEnd(*engine, id);
    EXPECT_EQ(BroadcastStatusName(stopped.status), "STOPPED");
    EXPECT_THAT(stopped.error, HasSubstr("the gateway answered 503"));
    sent_before = gateway.taken_total;
    ASSERT_GT(sent_before, 0u);
    ASSERT_LT(sent_before, static_cast<uint64_t>(kRows));
    // What the gateway took is recorded, no more.
    EXPECT_EQ(engine->Stats(id)->counts.sent, sent_before);
  }
  gateway.submits_before_outage = 0;  // back up
  std::unique_ptr<Engine> engine = Open(Through(&gateway));
  const BroadcastInfo finished = RunToEnd(*engine, id);
  EXPECT_EQ(BroadcastStatusName(finished.status), "FINISHED") << finished.error;
  EXPECT_EQ(gateway.taken_total, static_cast<uint64_t>(kRows));
  EXPECT_EQ(gateway.taken.size(), static_cast<size_t>(kRows));
  EXPECT_EQ(engine->Stats(id)->counts.sent, static_cast<uint64_t>(kRows));
}

TEST_F(TransportSeamTest,
       AFactoryThatCannotMakeATransportStopsTheRunSayingWhy) {
  std::unique_ptr<Engine> engine =
      Open([](BroadcastId id, const BroadcastOptions&)
               -> absl::StatusOr<std::unique_ptr<Transport>> {
        return absl::UnavailableError(
            absl::StrCat("no gateway session for broadcast ", id));
      });
  const BroadcastId id = Create(*engine, 5);
  const BroadcastInfo info = RunToEnd(*engine, id);
  EXPECT_EQ(BroadcastStatusName(info.status), "STOPPED");
  EXPECT_THAT(info.error, HasSubstr("no gateway session for broadcast 1"));
  EXPECT_EQ(engine->Stats(id)->counts.sent, 0u);
  EXPECT_EQ(engine->GetBroadcast(id)->batches[0].remaining, 5u);
}

}  // namespace
}  // namespace herald
