// herald embedded in a host program (engine/include/herald/engine.h): two
// broadcasts in one Engine on a virtual clock, texts written to outbox files,
// a batch added to a broadcast while it runs. Exits 0 when every text went
// out, 1 otherwise; CI runs it against an installed herald.
#include <stdlib.h>  // mkdtemp

#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "herald/clock.h"
#include "herald/engine.h"

namespace {

// The window opens at 09:00 on each recipient's clock, two hours after the
// virtual clock starts: broadcast 1 waits for it, then the clock jumps.
constexpr char kOpeningHours[] = R"({
  "name": "Winter opening hours",
  "fromNumber": "12125550199",
  "message": "Hi ${firstName}, from December 1st we open at 8am. Reply STOP to opt out.",
  "localTimeRestriction": {"enabled": true, "beginHour": 9, "beginMinute": 0,
                           "endHour": 18, "endMinute": 0}
})";
constexpr char kPickup[] = R"({
  "name": "Order pickup",
  "fromNumber": "67076",
  "message": "${firstName}, order ${order} is ready for pickup."
})";

// `count` recipients numbered from `first` in an area code and exchange that
// are dialable (212 is New York, 312 Chicago).
std::vector<herald::Recipient> MakeRecipients(const std::string& npa_nxx,
                                              int first, int count) {
  static const char* const kNames[] = {"Ada", "Ben", "Cleo", "Dev", "Eve"};
  std::vector<herald::Recipient> recipients;
  for (int i = first; i < first + count; ++i) {
    recipients.push_back(
        {"1" + npa_nxx + std::to_string(1000 + i),
         {{"firstName", kNames[i % 5]}, {"order", "A-" + std::to_string(i)}}});
  }
  return recipients;
}

int failures = 0;
void Check(bool ok, const std::string& what) {
  if (!ok) {
    std::printf("FAILED: %s\n", what.c_str());
    ++failures;
  }
}
// Every call answers a Status; the example stops at the first error.
// _Exit: the engine's threads are still running, so no destructors.
void Must(const absl::Status& status, const char* what) {
  if (status.ok()) return;
  std::printf("%s: %s\n", what, status.ToString().c_str());
  std::fflush(stdout);
  std::_Exit(1);
}

std::string Name(absl::string_view name) { return std::string(name); }

herald::BroadcastId Create(herald::Engine& engine, absl::string_view definition,
                           const std::string& outbox) {
  herald::BroadcastOptions options;
  options.outbox_path = outbox;
  absl::StatusOr<herald::BroadcastId> id =
      engine.CreateBroadcast(definition, options);
  Must(id.status(), "CreateBroadcast");
  return *id;
}

// AddBatch returns once the batch is validated (ACTIVE or ERRORS).
herald::BatchId Add(herald::Engine& engine, herald::BroadcastId broadcast,
                    std::vector<herald::Recipient> recipients,
                    const std::string& name) {
  herald::BatchOptions options;
  options.name = name;
  absl::StatusOr<herald::BatchId> id = engine.AddBatch(
      broadcast, herald::BatchSource::Recipients(std::move(recipients)),
      options);
  Must(id.status(), "AddBatch");
  return *id;
}

void Report(herald::Engine& engine, herald::BroadcastId id, uint64_t expected) {
  absl::StatusOr<herald::StoreStats> stats = engine.Stats(id);
  absl::StatusOr<herald::BroadcastInfo> info = engine.GetBroadcast(id);
  Must(stats.status(), "Stats");
  Must(info.status(), "GetBroadcast");
  const herald::StoreCounts& c = stats->counts;
  std::printf("broadcast %" PRId64 " \"%s\" %s: totalCount %" PRIu64
              " sentCount %" PRIu64 " unsentCount %" PRIu64
              " remainingOutboundCount %" PRIu64 "\n",
              id, info->name.c_str(),
              Name(herald::BroadcastStatusName(info->status)).c_str(), c.total,
              c.sent, c.unsent, c.remaining_outbound);
  for (const herald::BatchInfo& batch : info->batches) {
    std::printf("  batch %u \"%s\" %s: size %" PRIu64 " remaining %" PRIu64
                "\n",
                batch.id, batch.name.c_str(),
                Name(herald::BatchStatusName(batch.status)).c_str(), batch.size,
                batch.remaining);
    Check(batch.status == herald::BatchStatus::kActive && batch.remaining == 0,
          "batch " + std::to_string(batch.id) + " ACTIVE with none remaining");
  }
  Check(info->status == herald::BroadcastStatus::kFinished, "FINISHED");
  Check(
      c.total == expected && c.sent == expected,
      "broadcast " + std::to_string(id) + " sent " + std::to_string(expected));
}

}  // namespace

int main() {
  char dir_template[] = "/tmp/herald-embed-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) return 1;
  const std::filesystem::path dir = dir_template;

  // Monday 2026-11-23, 07:00 in New York (12:00 UTC). The clock jumps over
  // the hours nothing can be sent in, so a day of windows runs in a moment.
  herald::VirtualClock clock(absl::FromCivil(
      absl::CivilSecond(2026, 11, 23, 12, 0, 0), absl::UTCTimeZone()));

  herald::EngineOptions options;
  options.state_dir = dir / "state";
  options.clock = &clock;
  absl::StatusOr<std::unique_ptr<herald::Engine>> opened =
      herald::Engine::Open(options);
  Must(opened.status(), "Open");
  std::unique_ptr<herald::Engine> engine = *std::move(opened);

  // Events arrive in order on one of the engine's threads, so what the
  // listener shares with main is atomic (printf writes whole lines).
  std::atomic<uint64_t> texts_finished = 0;
  const herald::SubscriptionId subscription =
      engine->Subscribe([&](const herald::EngineEvent& event) {
        using Kind = herald::EngineEvent::Kind;
        if (event.kind == Kind::kTextFinished) {
          ++texts_finished;
        } else if (event.kind == Kind::kBroadcastStatus) {
          std::printf("event: broadcast %" PRId64 " is %s\n", event.broadcast,
                      Name(herald::BroadcastStatusName(event.broadcast_status))
                          .c_str());
        } else {
          std::printf("event: broadcast %" PRId64 " batch %u is %s%s%s\n",
                      event.broadcast, event.batch,
                      Name(herald::BatchStatusName(event.batch_status)).c_str(),
                      event.detail.empty() ? "" : ": ", event.detail.c_str());
        }
      });

  // No provider: each broadcast's texts go to its outbox file.
  const herald::BroadcastId hours =
      Create(*engine, kOpeningHours, dir / "outbox-hours.jsonl");
  const herald::BroadcastId pickup =
      Create(*engine, kPickup, dir / "outbox-pickup.jsonl");
  const herald::BatchId regulars =
      Add(*engine, hours, MakeRecipients("212555", 0, 50), "regulars");
  Add(*engine, pickup, MakeRecipients("312555", 0, 50), "orders");

  // The virtual clock would finish broadcast 1 before the next batch comes
  // in; with its first batch off it keeps RUNNING until the batch is back on.
  Must(engine->SetBatchEnabled(hours, regulars, false), "SetBatchEnabled");
  Must(engine->Start(hours), "Start");
  Must(engine->Start(pickup), "Start");
  Add(*engine, hours, MakeRecipients("212555", 50, 20), "newcomers");
  Must(engine->SetBatchEnabled(hours, regulars, true), "SetBatchEnabled");

  for (herald::BroadcastId id : {hours, pickup}) {
    Must(engine->Wait(id, absl::Seconds(60)).status(), "Wait");
  }
  Report(*engine, hours, 70);
  Report(*engine, pickup, 50);

  // The last events may still be on their way to the listener.
  for (int i = 0; i < 500 && texts_finished < 120; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  std::printf(
      "TextFinished events: %" PRIu64 "; the virtual clock is at %s\n",
      texts_finished.load(),
      absl::FormatTime("%Y-%m-%d %H:%M UTC", clock.Now(), absl::UTCTimeZone())
          .c_str());
  Check(texts_finished == 120, "120 TextFinished events");
  engine->Unsubscribe(subscription);

  engine.reset();  // stops the runs, lets go of the state directory
  if (failures > 0) {
    std::printf("%d checks failed; the outboxes and state are in %s\n",
                failures, dir.c_str());
    return 1;
  }
  std::filesystem::remove_all(dir);
  std::printf("OK\n");
  return 0;
}
