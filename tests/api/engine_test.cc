// The embeddable engine (herald/engine.h): the lifecycle of broadcasts and
// batches, batches changed while a broadcast runs, and everything kept over
// a restart of the host. Texts go to real outbox files, state to a real
// SQLite store; a clock the test moves decides when windows open.
#include "herald/engine.h"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"
#include "tools/mock_provider/server.h"

namespace herald {
namespace {

using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Monday 2026-11-23 in New York.
absl::Time NewYork(int hour) {
  return absl::FromCivil(absl::CivilSecond(2026, 11, 23, hour, 0, 0),
                         LoadZone("America/New_York"));
}

// Sent 09:00-17:00 in each recipient's zone.
constexpr char kWindowed[] = R"({
  "name": "Pharmacy reminders", "fromNumber": "12025550100",
  "message": "Hi ${firstName}, your order is ready.",
  "localTimeRestriction": {"enabled": true, "beginHour": 9, "beginMinute": 0,
                           "endHour": 17, "endMinute": 0}})";
constexpr char kAnyTime[] = R"({
  "name": "School notice", "fromNumber": "12025550101",
  "message": "School is closed today, ${firstName}."})";

// `count` New York numbers from 1212 555 <first>.
std::string Contacts(int first, int count) {
  std::string csv = "phoneNumber,firstName\n";
  for (int i = 0; i < count; ++i) {
    absl::StrAppend(&csv, "1212555", 1000 + first + i, ",P", first + i, "\n");
  }
  return csv;
}

// The numbers in an outbox, each with how often it appears.
std::map<std::string, int> OutboxNumbers(const std::string& path) {
  std::map<std::string, int> numbers;
  if (!FileExists(path)) return numbers;
  for (absl::string_view line :
       absl::StrSplit(ReadWholeFile(path), '\n', absl::SkipEmpty())) {
    ++numbers[nlohmann::json::parse(line).at("to").get<std::string>()];
  }
  return numbers;
}

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() : clock_(NewYork(6)) {}

  std::unique_ptr<Engine> Open() {
    EngineOptions options;
    options.state_dir = dir_.File("state");
    options.clock = &clock_;
    options.workers = 2;
    absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(options);
    EXPECT_TRUE(engine.ok()) << engine.status();
    return engine.ok() ? *std::move(engine) : nullptr;
  }

  BroadcastId Create(Engine& engine, const char* definition) {
    BroadcastOptions options;
    options.outbox_path = outbox_;
    absl::StatusOr<BroadcastId> id =
        engine.CreateBroadcast(definition, options);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.value_or(0);
  }

  BatchId AddFile(Engine& engine, BroadcastId id, absl::string_view name,
                  const std::string& csv, BatchOptions options = {}) {
    absl::StatusOr<BatchId> batch =
        engine.AddBatch(id, BatchSource::File(dir_.Write(name, csv)), options);
    EXPECT_TRUE(batch.ok()) << batch.status();
    return batch.value_or(0);
  }

  BroadcastStatus StatusOf(Engine& engine, BroadcastId id) {
    return engine.GetBroadcast(id)->status;
  }

  // Waits (bounded) for the broadcast to reach `status`.
  void AwaitStatus(Engine& engine, BroadcastId id, BroadcastStatus status) {
    for (int i = 0; i < 500 && StatusOf(engine, id) != status; ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    ASSERT_EQ(BroadcastStatusName(StatusOf(engine, id)),
              BroadcastStatusName(status));
  }

  // Waits (bounded) until the running broadcast has read its batches and
  // every sendable row waits for its window.
  void AwaitWaiting(Engine& engine, BroadcastId id, uint64_t rows) {
    for (int i = 0; i < 500; ++i) {
      absl::StatusOr<BroadcastProgress> progress = engine.GetProgress(id);
      if (progress.ok() && !progress->first_pass && progress->waiting == rows) {
        return;
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
    FAIL() << "broadcast " << id << " never had " << rows << " rows waiting";
  }

  TempDir dir_;
  ManualClock clock_;
  std::string outbox_ = dir_.File("outbox.jsonl");
};

TEST_F(EngineTest, ABroadcastGoesFromSetupThroughStartPendingToFinished) {
  std::unique_ptr<Engine> engine = Open();
  std::mutex mu;
  std::vector<std::string> events;
  int finished_texts = 0;
  engine->Subscribe([&](const EngineEvent& event) {
    std::lock_guard lock(mu);
    switch (event.kind) {
      case EngineEvent::Kind::kBroadcastStatus:
        events.push_back(
            std::string(BroadcastStatusName(event.broadcast_status)));
        break;
      case EngineEvent::Kind::kBatchStatus:
        events.push_back(absl::StrCat("batch ", event.batch, " ",
                                      BatchStatusName(event.batch_status)));
        break;
      case EngineEvent::Kind::kTextFinished:
        ++finished_texts;
        break;
      case EngineEvent::Kind::kTextEventsLost:
        ADD_FAILURE() << event.lost << " text events lost";
        break;
      case EngineEvent::Kind::kInboundText:
        ADD_FAILURE() << "no text came in";
        break;
    }
  });
  const BroadcastId id = Create(*engine, kAnyTime);
  EXPECT_EQ(StatusOf(*engine, id), BroadcastStatus::kSetup);
  EXPECT_FALSE(engine->LastRunReport(id)->has_value());  // not run yet
  EXPECT_THAT(engine->Stop(id).message(), HasSubstr("is SETUP"));

  ASSERT_TRUE(engine->Start(id).ok());
  EXPECT_EQ(StatusOf(*engine, id), BroadcastStatus::kStartPending);
  EXPECT_TRUE(engine->Start(id).ok());  // starting again changes nothing

  AddFile(*engine, id, "a.csv", Contacts(0, 40));
  ASSERT_EQ(*engine->Wait(id, absl::Seconds(30)), BroadcastStatus::kFinished);
  const BroadcastInfo info = *engine->GetBroadcast(id);
  ASSERT_EQ(info.batches.size(), 1u);
  EXPECT_EQ(info.batches[0].status, BatchStatus::kActive);
  EXPECT_EQ(info.batches[0].size, 40u);
  EXPECT_EQ(info.batches[0].remaining, 0u);
  EXPECT_EQ(OutboxNumbers(outbox_).size(), 40u);
  EXPECT_EQ(engine->Stats(id)->counts.sent, 40u);
  // The run's report, as a struct and as `herald run --report` writes it.
  absl::StatusOr<std::optional<RunReport>> report = engine->LastRunReport(id);
  ASSERT_TRUE(report.ok() && report->has_value());
  EXPECT_TRUE((*report)->status.ok());
  EXPECT_EQ((*report)->totals.total, 40u);
  EXPECT_EQ((*report)->totals.sent, 40u);
  ASSERT_EQ((*report)->batches.size(), 1u);
  EXPECT_EQ((*report)->batches[0].counts.sent, 40u);
  const nlohmann::json json =
      nlohmann::json::parse(*engine->LastRunReportJson(id));
  EXPECT_EQ(json["stats"]["sentCount"], 40);
  EXPECT_EQ(json["status"], "COMPLETED");

  // A finished broadcast takes nothing more and cannot start again.
  EXPECT_EQ(engine->Start(id).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(engine->Start(id).message(), HasSubstr("is FINISHED"));
  EXPECT_EQ(engine->AddBatch(id, BatchSource::File(dir_.File("a.csv")), {})
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(engine->SetBatchEnabled(id, 1, false).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(engine->Stop(id).code(), absl::StatusCode::kFailedPrecondition);

  ASSERT_TRUE(engine->Archive(id).ok());
  EXPECT_TRUE(engine->Archive(id).ok());
  EXPECT_EQ(StatusOf(*engine, id), BroadcastStatus::kArchived);
  EXPECT_THAT(engine->Start(id).message(), HasSubstr("is ARCHIVED"));
  EXPECT_EQ(engine->Stats(id)->counts.sent, 40u);  // still there

  engine.reset();  // the bus delivers what is queued before it goes
  EXPECT_THAT(events,
              ::testing::ElementsAre("SETUP", "START_PENDING", "batch 1 NEW",
                                     "batch 1 VALIDATING", "batch 1 ACTIVE",
                                     "RUNNING", "FINISHED", "ARCHIVED"));
  EXPECT_EQ(finished_texts, 40);
}

// The run's report, the resume point and Stats count by one rule (CountOf):
// a run of every kind of row gives the same counts in the report and in
// the store, batch by batch.
TEST_F(EngineTest, TheRunReportAndStatsCountAlike) {
  std::unique_ptr<Engine> engine = Open();
  BroadcastOptions options;
  options.outbox_path = outbox_;
  options.dnc_paths = {dir_.Write("dnc.txt", "12125551003\n")};
  absl::StatusOr<BroadcastId> id = engine->CreateBroadcast(R"({
    "name": "Mixed", "fromNumber": "12025550101", "message": "Hi ${firstName}.",
    "scrubDuplicates": true, "maxSegments": 1,
    "bigMessageStrategy": "DO_NOT_SEND"})",
                                                           options);
  ASSERT_TRUE(id.ok()) << id.status();
  const std::string long_name(200, 'x');
  AddFile(*engine, *id, "a.csv",
          absl::StrCat(Contacts(0, 5), "12125551001,Dup\n",  // a duplicate
                       "not a number,Bad\n", "12125559999,", long_name, "\n"));
  AddFile(*engine, *id, "b.csv",
          absl::StrCat(Contacts(3, 4), "555,Short\n"));  // 2 duplicates
  ASSERT_TRUE(engine->Start(*id).ok());
  ASSERT_EQ(*engine->Wait(*id, absl::Seconds(30)), BroadcastStatus::kFinished);

  absl::StatusOr<std::optional<RunReport>> report = engine->LastRunReport(*id);
  ASSERT_TRUE(report.ok() && report->has_value());
  absl::StatusOr<StoreStats> stats = engine->Stats(*id);
  ASSERT_TRUE(stats.ok()) << stats.status();
  const auto expect_alike = [](const RunCounts& run, const StoreCounts& store) {
    EXPECT_EQ(run.sent, store.sent);
    EXPECT_EQ(run.invalid, store.invalid);
    EXPECT_EQ(run.dup, store.dup);
    EXPECT_EQ(run.dnc, store.dnc);
    EXPECT_EQ(run.too_big, store.too_big);
    EXPECT_EQ(run.errors, store.errors);
    EXPECT_EQ(run.skipped, store.skipped);
    EXPECT_EQ(run.timeout, store.timeout);
    EXPECT_EQ(run.segments, store.segments);
    EXPECT_EQ(run.total - run.remaining - run.sent, store.unsent);
  };
  const RunCounts& totals = (*report)->totals;
  EXPECT_EQ(totals.total, 13u);
  EXPECT_EQ(totals.sent, 6u);  // 1000-1002 and 1004 of a, 1005-1006 of b
  EXPECT_EQ(totals.dup, 3u);
  EXPECT_EQ(totals.dnc, 1u);
  EXPECT_EQ(totals.invalid, 2u);
  EXPECT_EQ(totals.too_big, 1u);
  expect_alike(totals, stats->counts);
  ASSERT_EQ((*report)->batches.size(), 2u);
  ASSERT_EQ(stats->batches.size(), 2u);
  for (size_t b = 0; b < 2; ++b) {
    SCOPED_TRACE(b);
    expect_alike((*report)->batches[b].counts, stats->batches[b].counts);
  }
}
TEST_F(EngineTest, StrictValidationRejectsTheWholeBatchNamingTheLine) {
  std::unique_ptr<Engine> engine = Open();
  const BroadcastId id = Create(*engine, kAnyTime);
  std::string csv = Contacts(0, 5);
  csv += "12125550,Broken\n";  // line 7
  BatchOptions strict;
  strict.strict_validation = true;
  const BatchId rejected = AddFile(*engine, id, "bad.csv", csv, strict);
  const BatchId lenient = AddFile(*engine, id, "bad2.csv", csv);
  const BatchId no_phone =
      AddFile(*engine, id, "nophone.csv", "name,city\nA,B\n");

  BroadcastInfo info = *engine->GetBroadcast(id);
  const BatchInfo& r = info.batches[rejected - 1];
  EXPECT_EQ(r.status, BatchStatus::kErrors);
  EXPECT_THAT(r.error, HasSubstr("bad.csv:7"));
  EXPECT_EQ(info.batches[lenient - 1].status, BatchStatus::kActive);
  EXPECT_EQ(info.batches[lenient - 1].size, 6u);
  EXPECT_EQ(info.batches[no_phone - 1].status, BatchStatus::kErrors);
  EXPECT_THAT(info.batches[no_phone - 1].error, HasSubstr("no phone column"));
  EXPECT_THAT(engine->SetBatchEnabled(id, rejected, true).message(),
              HasSubstr("ERRORS"));
  EXPECT_EQ(engine->SetBatchEnabled(id, 9, true).code(),
            absl::StatusCode::kNotFound);

  ASSERT_TRUE(engine->Start(id).ok());
  ASSERT_EQ(*engine->Wait(id, absl::Seconds(30)), BroadcastStatus::kFinished);
  // Only the lenient batch went: five texts, its broken row INVALID.
  EXPECT_EQ(OutboxNumbers(outbox_).size(), 5u);
  const StoreStats stats = *engine->Stats(id);
  EXPECT_EQ(stats.counts.sent, 5u);
  EXPECT_EQ(stats.counts.invalid, 1u);
}

TEST_F(EngineTest, MissingThingsAreRefusedWithClearErrors) {
  std::unique_ptr<Engine> engine = Open();
  EXPECT_EQ(engine->Start(7).code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(engine->CreateBroadcast("{\"nmae\": 1}", {}).status().message(),
              HasSubstr("nmae"));
  BroadcastOptions heavy;
  heavy.weight = 0;
  EXPECT_THAT(engine->CreateBroadcast(kAnyTime, heavy).status().message(),
              HasSubstr("weight"));
  BroadcastOptions unknown;
  unknown.provider = "nowhere";
  EXPECT_THAT(engine->CreateBroadcast(kAnyTime, unknown).status().message(),
              HasSubstr("nowhere"));
  const BroadcastId id = Create(*engine, kAnyTime);
  EXPECT_THAT(engine->AddBatch(id, BatchSource::File(dir_.File("none.csv")), {})
                  .status()
                  .message(),
              HasSubstr("none.csv"));
  Recipient nobody;
  nobody.attributes = {{"firstName", "Ann"}};
  EXPECT_THAT(engine->AddBatch(id, BatchSource::Recipients({nobody}), {})
                  .status()
                  .message(),
              HasSubstr("recipients[1].phoneNumber"));
  EXPECT_TRUE(engine->GetBroadcast(id)->batches.empty());  // nothing added

  // A second engine may not write the same directory; a reader may look.
  EngineOptions again;
  again.state_dir = dir_.File("state");
  EXPECT_THAT(Engine::Open(again).status().message(),
              HasSubstr("another herald engine"));
  again.read_only = true;
  absl::StatusOr<std::unique_ptr<Engine>> reader = Engine::Open(again);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->GetBroadcast(id)->name, "School notice");
  EXPECT_EQ((*reader)->Start(id).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(EngineTest, ABatchAddedAndAnotherSwitchedOffWhileRunning) {
  std::unique_ptr<Engine> engine = Open();
  const BroadcastId id = Create(*engine, kWindowed);
  const BatchId first = AddFile(*engine, id, "first.csv", Contacts(0, 100));
  const BatchId second = AddFile(*engine, id, "second.csv", Contacts(100, 50));
  ASSERT_TRUE(engine->Start(id).ok());
  AwaitStatus(*engine, id, BroadcastStatus::kRunning);
  AwaitWaiting(*engine, id, 150);  // 06:00 in New York: the window is shut

  ASSERT_TRUE(engine->SetBatchEnabled(id, second, false).ok());
  // Thirty more from memory, five of them numbers of the first batch.
  std::vector<Recipient> more;
  for (int i = 0; i < 30; ++i) {
    const int n = i < 5 ? i : 200 + i;
    more.push_back({absl::StrCat("(212) 555-", 1000 + n),
                    {{"firstName", absl::StrCat("M", i)}}});
  }
  BatchOptions scrub;
  scrub.scrub_duplicates = true;
  absl::StatusOr<BatchId> third =
      engine->AddBatch(id, BatchSource::Recipients(more), scrub);
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ(StatusOf(*engine, id), BroadcastStatus::kRunning);
  AwaitWaiting(*engine, id, 125);

  clock_.AdvanceTo(NewYork(12));  // the window opens
  for (int i = 0; i < 500 && engine->Stats(id)->counts.sent < 125; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  // The second batch's rows wait DISABLED: the broadcast is not done.
  EXPECT_EQ(*engine->Wait(id, absl::Milliseconds(200)),
            BroadcastStatus::kRunning);
  std::map<std::string, int> sent = OutboxNumbers(outbox_);
  EXPECT_EQ(sent.size(), 125u);
  for (const auto& [number, times] : sent) EXPECT_EQ(times, 1) << number;
  BroadcastInfo info = *engine->GetBroadcast(id);
  EXPECT_EQ(info.batches[first - 1].remaining, 0u);
  EXPECT_EQ(info.batches[second - 1].remaining, 50u);
  EXPECT_FALSE(info.batches[second - 1].enabled);
  EXPECT_EQ(info.batches[*third - 1].size, 30u);
  EXPECT_EQ(info.batches[*third - 1].remaining, 0u);
  StoreStats stats = *engine->Stats(id);
  EXPECT_EQ(stats.counts.sent, 125u);
  EXPECT_EQ(stats.counts.dup, 5u);
  EXPECT_EQ(stats.batches[*third - 1].counts.dup, 5u);

  ASSERT_TRUE(engine->SetBatchEnabled(id, second, true).ok());
  ASSERT_EQ(*engine->Wait(id, absl::Seconds(30)), BroadcastStatus::kFinished);
  sent = OutboxNumbers(outbox_);
  EXPECT_EQ(sent.size(), 175u);
  for (const auto& [number, times] : sent) EXPECT_EQ(times, 1) << number;
  stats = *engine->Stats(id);
  EXPECT_EQ(stats.counts.sent, 175u);
  EXPECT_EQ(stats.counts.remaining_outbound, 0u);
  EXPECT_EQ(stats.batches[second - 1].counts.sent, 50u);
}

TEST_F(EngineTest, AStoppedBroadcastKeepsItsStateAndCarriesOnOverARestart) {
  BroadcastId id = 0;
  {
    std::unique_ptr<Engine> engine = Open();
    id = Create(*engine, kWindowed);
    AddFile(*engine, id, "a.csv", Contacts(0, 60));
    ASSERT_TRUE(engine->Start(id).ok());
    AwaitWaiting(*engine, id, 60);
    ASSERT_TRUE(engine->Stop(id).ok());
    EXPECT_EQ(StatusOf(*engine, id), BroadcastStatus::kStopped);
    EXPECT_TRUE(engine->Stop(id).ok());
    EXPECT_EQ(engine->GetBroadcast(id)->batches[0].remaining, 60u);

    // Stopped, nothing goes even when the window opens.
    clock_.AdvanceTo(NewYork(10));
    absl::SleepFor(absl::Milliseconds(100));
    EXPECT_TRUE(OutboxNumbers(outbox_).empty());
    clock_.AdvanceTo(NewYork(18));  // shut again
    ASSERT_TRUE(engine->Start(id).ok());
    AwaitStatus(*engine, id, BroadcastStatus::kRunning);
    AwaitWaiting(*engine, id, 60);
  }  // the host goes away with the broadcast RUNNING

  std::unique_ptr<Engine> engine = Open();
  BroadcastInfo info = *engine->GetBroadcast(id);
  EXPECT_EQ(info.status, BroadcastStatus::kRunning);
  EXPECT_EQ(info.name, "Pharmacy reminders");
  ASSERT_EQ(info.batches.size(), 1u);
  EXPECT_EQ(info.batches[0].size, 60u);
  AwaitWaiting(*engine, id, 60);
  clock_.AdvanceTo(NewYork(24 + 10));  // Tuesday 10:00
  ASSERT_EQ(*engine->Wait(id, absl::Seconds(30)), BroadcastStatus::kFinished);
  EXPECT_EQ(OutboxNumbers(outbox_).size(), 60u);
  EXPECT_EQ(engine->Stats(id)->counts.sent, 60u);

  // The texts are in the store, as the CallFire texts query shows them.
  TextQuery query;
  query.limit = 5;
  absl::StatusOr<TextPage> page = engine->FindTexts(id, query);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->total_count, 60u);
  ASSERT_EQ(page->items.size(), 5u);
  EXPECT_EQ(page->items[0].state, RecipientState::kFinished);
  EXPECT_EQ(page->items[0].message, "Hi P0, your order is ready.");
}

// A listener takes the kinds it asked for; one that falls behind loses text
// events beyond the bound, told how many, and never a status event, and the
// run never waits for it.
TEST_F(EngineTest, ASlowListenerLosesCountedTextEventsAndNoStatus) {
  std::unique_ptr<Engine> engine = Open();
  std::mutex mu;
  std::condition_variable released_cv;
  bool released = false;
  uint64_t texts = 0, lost = 0;
  std::vector<std::string> statuses;
  engine->Subscribe(
      [&](const EngineEvent& event) {
        std::unique_lock lock(mu);
        released_cv.wait(lock, [&] { return released; });
        if (event.kind == EngineEvent::Kind::kTextFinished) ++texts;
        if (event.kind == EngineEvent::Kind::kTextEventsLost) {
          lost += event.lost;
        }
        if (event.kind == EngineEvent::Kind::kBroadcastStatus) {
          statuses.push_back(
              std::string(BroadcastStatusName(event.broadcast_status)));
        }
      },
      EventKindBit(EngineEvent::Kind::kTextFinished) |
          EventKindBit(EngineEvent::Kind::kBroadcastStatus));
  std::vector<EngineEvent::Kind> batch_kinds;
  engine->Subscribe(
      [&](const EngineEvent& event) {
        std::lock_guard lock(mu);
        batch_kinds.push_back(event.kind);
      },
      EventKindBit(EngineEvent::Kind::kBatchStatus));
  constexpr int kRows = 100'000;
  const BroadcastId id = Create(*engine, kAnyTime);
  AddFile(*engine, id, "big.csv", Contacts(0, kRows));
  ASSERT_TRUE(engine->Start(id).ok());
  // The listener holds everything up, and the run finishes all the same.
  ASSERT_EQ(*engine->Wait(id, absl::Seconds(60)), BroadcastStatus::kFinished);
  {
    std::lock_guard lock(mu);
    released = true;
  }
  released_cv.notify_all();
  for (int i = 0; i < 600; ++i) {
    {
      std::lock_guard lock(mu);
      if (texts + lost == kRows && statuses.size() == 4) break;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  std::lock_guard lock(mu);
  EXPECT_EQ(texts + lost, static_cast<uint64_t>(kRows));
  EXPECT_GT(lost, 0u) << "the queue held every event: it has no bound";
  EXPECT_LE(texts, 65'536u);
  EXPECT_THAT(statuses,
              ElementsAre("SETUP", "START_PENDING", "RUNNING", "FINISHED"));
  EXPECT_THAT(batch_kinds, Each(EngineEvent::Kind::kBatchStatus));
  EXPECT_EQ(batch_kinds.size(), 3u);  // NEW, VALIDATING, ACTIVE
}

// CallFire's default campaign: kept open, a broadcast whose batches are
// all sent stays RUNNING and sends the next batch added, across a restart,
// until it is told to close when done.
TEST_F(EngineTest, AKeptOpenBroadcastTakesBatchesUntilClosed) {
  std::unique_ptr<Engine> engine = Open();
  BroadcastOptions options;
  options.outbox_path = outbox_;
  options.keep_open = true;
  absl::StatusOr<BroadcastId> id = engine->CreateBroadcast(kAnyTime, options);
  ASSERT_TRUE(id.ok()) << id.status();
  AddFile(*engine, *id, "a.csv", Contacts(0, 40));
  ASSERT_TRUE(engine->Start(*id).ok());
  auto sent = [&] { return engine->Stats(*id)->counts.sent; };
  for (int i = 0; i < 300 && sent() < 40; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_EQ(sent(), 40u);
  // Time for the runner to finish it, were it not kept open.
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(StatusOf(*engine, *id), BroadcastStatus::kRunning);

  engine.reset();
  engine = Open();  // resumes it, still kept open
  AddFile(*engine, *id, "b.csv", Contacts(40, 20));
  for (int i = 0; i < 300 && sent() < 60; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(sent(), 60u);
  EXPECT_EQ(StatusOf(*engine, *id), BroadcastStatus::kRunning);
  // Kept open no more, it finishes with what it has.
  ASSERT_TRUE(engine->CloseWhenDone(*id).ok());
  EXPECT_EQ(*engine->Wait(*id, absl::Seconds(30)), BroadcastStatus::kFinished);
  EXPECT_EQ(sent(), 60u);
}

// The threads of this process now, from the kernel's own count: a listing
// of /proc/self/task taken while a thread exits can skip one that lives.
int ThreadCount() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  ADD_FAILURE() << "/proc/self/status has no Threads: line";
  return -1;
}

// Resources follow work: once a broadcast is done its store's writer thread
// ends, and a later change (Archive) writes without keeping one.
TEST_F(EngineTest, ABroadcastDoneKeepsNoThreadOfItsOwn) {
  std::unique_ptr<Engine> engine = Open();
  const int before = ThreadCount();
  const BroadcastId id = Create(*engine, kAnyTime);
  EXPECT_EQ(ThreadCount(), before) << "a broadcast in SETUP has a thread";
  AddFile(*engine, id, "a.csv", Contacts(0, 40));
  ASSERT_TRUE(engine->Start(id).ok());
  ASSERT_EQ(*engine->Wait(id, absl::Seconds(30)), BroadcastStatus::kFinished);
  // The runner leaves once the store is parked.
  for (int i = 0; i < 500 && ThreadCount() > before; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(ThreadCount(), before) << "a thread outlived the broadcast";
  ASSERT_TRUE(engine->Archive(id).ok());
  EXPECT_EQ(ThreadCount(), before);
  EXPECT_EQ(engine->Stats(id)->counts.sent, 40u);
  engine.reset();
  engine = Open();
  EXPECT_EQ(StatusOf(*engine, id), BroadcastStatus::kArchived);
}

// A broadcast done gets its store's query indexes from the engine's index
// builder, whose thread then ends; a stopped one that starts again loses
// them with its first texts and gets them back when it is done.
TEST_F(EngineTest, ADoneBroadcastsStoreGetsItsQueryIndexes) {
  std::unique_ptr<Engine> engine = Open();
  const int before = ThreadCount();
  const BroadcastId id = Create(*engine, kAnyTime);
  AddFile(*engine, id, "a.csv", Contacts(0, 40));
  ASSERT_TRUE(engine->Start(id).ok());
  ASSERT_EQ(*engine->Wait(id, absl::Seconds(30)), BroadcastStatus::kFinished);
  const std::string store =
      dir_.File(absl::StrCat("state/broadcasts/", id, "/broadcast.db"));
  const std::string indexes =
      "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name "
      "LIKE 'texts\\_%' ESCAPE '\\'";
  for (int i = 0; i < 500 && QueryInt(store, indexes) < 3; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(QueryInt(store, indexes), 3);
  for (int i = 0; i < 500 && ThreadCount() > before; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(ThreadCount(), before) << "the builder's thread outlived its work";
  // Reopened, it has them and builds nothing.
  engine.reset();
  engine = Open();
  EXPECT_EQ(QueryInt(store, indexes), 3);
  EXPECT_EQ(engine->Stats(id)->counts.sent, 40u);
}

// A state directory of broadcasts done (what `herald stats` and `herald
// texts` open) costs no thread a broadcast: a store gets its writer when
// something is written to it.
TEST_F(EngineTest, BroadcastsDoneOpenWithNoThreadOfTheirOwn) {
  BroadcastId setup = 0;
  {
    std::unique_ptr<Engine> engine = Open();
    for (int i = 0; i < 50; ++i) {
      const BroadcastId id = Create(*engine, R"({"message":"Hi"})");
      ASSERT_TRUE(engine->Archive(id).ok());
    }
    setup = Create(*engine, R"({"message":"Hi"})");
  }
  const int before = ThreadCount();
  std::unique_ptr<Engine> engine = Open();
  ASSERT_EQ(engine->ListBroadcasts().size(), 51u);
  EXPECT_LE(ThreadCount() - before, 1) << "the event bus's thread, no more";
  // The one still in SETUP takes a change all the same, durably.
  ASSERT_TRUE(
      engine->UpdateDefinition(setup, R"({"name":"New","message":"Hi"})").ok());
  engine.reset();
  engine = Open();
  EXPECT_EQ(engine->GetBroadcast(setup)->name, "New");
}

// Two broadcasts on one provider lane, weights 3 and 1, both with a backlog
// when their window opens: the lane goes three to one until the heavier is
// done, then all to the other. Read from the order the mock provider took
// the texts (the keys carry each broadcast's run id). The lane paces on the
// engine's clock, which the test moves on one token (2.5 ms) at a time.
TEST_F(EngineTest, TwoBroadcastsShareALaneByTheirWeights) {
  mock_provider::Options mock_options;
  mock_options.user = "herald";
  mock_options.password = "s3cret-Pa55";
  mock_options.log_path = dir_.File("arrived.jsonl");
  absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> mock =
      mock_provider::MockProvider::Start(mock_options);
  ASSERT_TRUE(mock.ok()) << mock.status();
  setenv("HERALD_ENGINE_TEST_PASSWORD", "s3cret-Pa55", 1);
  const std::string providers = dir_.Write(
      "providers.json",
      absl::StrCat(R"({"providers":[{"name":"cf","type":"callfire",)",
                   R"("url":"http://127.0.0.1:)", (*mock)->port(), R"(",)",
                   R"("username":"herald",)",
                   R"("passwordEnv":"HERALD_ENGINE_TEST_PASSWORD",)",
                   R"("batchSize":1,"messagesPerSecond":400,"burst":2}]})"));
  EngineOptions options;
  options.state_dir = dir_.File("state");
  options.providers_file = providers;
  options.clock = &clock_;
  options.workers = 2;
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(options);
  ASSERT_TRUE(engine.ok()) << engine.status();

  BroadcastOptions heavy;
  heavy.provider = "cf";
  heavy.weight = 3;
  heavy.run_id = "heavy";
  BroadcastOptions light = heavy;
  light.weight = 1;
  light.run_id = "light";
  const BroadcastId a = *(*engine)->CreateBroadcast(kWindowed, heavy);
  const BroadcastId b = *(*engine)->CreateBroadcast(kWindowed, light);
  AddFile(**engine, a, "a.csv", Contacts(0, 300));
  AddFile(**engine, b, "b.csv", Contacts(300, 300));
  ASSERT_TRUE((*engine)->Start(a).ok());
  ASSERT_TRUE((*engine)->Start(b).ok());
  AwaitWaiting(**engine, a, 300);
  AwaitWaiting(**engine, b, 300);
  clock_.AdvanceTo(NewYork(12));
  // 600 texts at 400/s take 1.5 s of the clock; the steps are bounded.
  for (int step = 0; step < 20000; ++step) {
    if (!IsLive(*(*engine)->Wait(a, absl::Milliseconds(1))) &&
        !IsLive(*(*engine)->Wait(b, absl::ZeroDuration()))) {
      break;
    }
    clock_.Advance(absl::Microseconds(2500));
  }
  ASSERT_EQ(*(*engine)->Wait(a, absl::Seconds(30)), BroadcastStatus::kFinished);
  ASSERT_EQ(*(*engine)->Wait(b, absl::Seconds(30)), BroadcastStatus::kFinished);
  EXPECT_GE(clock_.Now() - NewYork(12), absl::Milliseconds(1490));
  EXPECT_EQ((*engine)->Stats(a)->counts.sent, 300u);
  EXPECT_EQ((*engine)->Stats(b)->counts.sent, 300u);
  engine->reset();
  ASSERT_TRUE((*mock)->Stop().ok());

  std::vector<std::string> taken;
  for (absl::string_view line :
       absl::StrSplit(ReadWholeFile(dir_.File("arrived.jsonl")), '\n',
                      absl::SkipEmpty())) {
    const std::string key =
        nlohmann::json::parse(line).at("key").get<std::string>();
    taken.push_back(key.substr(0, key.find('-')));
  }
  ASSERT_EQ(taken.size(), 600u);
  const int heavy_first =
      std::count(taken.begin(), taken.begin() + 200, std::string("heavy"));
  // Both progress from the start, three to one.
  EXPECT_NEAR(heavy_first, 150, 25);
  std::cout << "first 200 texts the provider took: heavy " << heavy_first
            << ", light " << 200 - heavy_first << "\n";
}

}  // namespace
}  // namespace herald
