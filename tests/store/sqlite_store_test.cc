#include "engine/store/sqlite_store.h"

#include <sqlite3.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace herald {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixSeconds(1795000000);

StoredBroadcast Broadcast() {
  StoredBroadcast b;
  b.run_id = "h0123";
  b.name = "food bank";
  b.from_number = "67076";
  b.definition = R"({"name":"food bank"})";
  b.inputs = R"({"contacts":["/data/a.csv"]})";
  b.status = "RUNNING";
  b.created = kT0;
  return b;
}

RowOutcome Outcome(uint32_t batch, uint64_t row, RecipientState state,
                   std::optional<TextResult> result = std::nullopt) {
  RowOutcome o;
  o.batch = batch;
  o.recipient_id = row;
  o.line = row + 1;
  o.to = 12135550100 + row;
  o.state = state;
  o.result = result;
  o.at = kT0 + absl::Seconds(row);
  return o;
}

// An answered attempt, as the run records a provider's answer.
RowOutcome Answered(uint32_t batch, uint64_t row, int attempt,
                    RecipientState state, TextResult result) {
  RowOutcome o = Outcome(batch, row, state, result);
  o.attempt = attempt;
  o.answered = true;
  o.message = "Hello there";
  o.segments = 1;
  o.zone = "America/Los_Angeles";
  o.provider_id = attempt == 1 ? "first" : "second";
  return o;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStore> Open(SqliteStoreOptions options = {}) {
    absl::StatusOr<std::unique_ptr<SqliteStore>> store =
        SqliteStore::Open(path_, std::move(options));
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  TempDir dir_;
  const std::string path_ = StorePath(dir_.path());
};

TEST_F(SqliteStoreTest, KeepsTheBroadcastAndItsBatchesAcrossOpens) {
  VirtualClock clock(kT0 + absl::Hours(3));
  {
    SqliteStoreOptions options;
    options.clock = &clock;  // the store's stamps come from the engine's clock
    std::unique_ptr<SqliteStore> store = Open(std::move(options));
    absl::StatusOr<std::optional<StoredBroadcast>> none =
        store->ReadBroadcast();
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());
    StoredBatch batches[2];
    batches[0].id = 1;
    batches[0].path = "/data/a.csv";
    batches[0].version = {120, 77};
    batches[1].id = 2;
    batches[1].path = "/data/b.csv";
    batches[1].version = {30, 78};
    ASSERT_TRUE(store->WriteBroadcast(Broadcast(), batches).ok());
    ASSERT_TRUE(store->RecordBatchSize(2, 3).ok());
    // A later write replaces the broadcast and keeps a size the run
    // recorded that the write does not know.
    StoredBroadcast stopped = Broadcast();
    stopped.status = "STOPPED";
    ASSERT_TRUE(store->WriteBroadcast(stopped, batches).ok());
    ASSERT_TRUE(store->Finish().ok());
  }
  std::unique_ptr<SqliteStore> store = Open();
  absl::StatusOr<std::optional<StoredBroadcast>> read = store->ReadBroadcast();
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->run_id, "h0123");
  EXPECT_EQ((*read)->name, "food bank");
  EXPECT_EQ((*read)->from_number, "67076");
  EXPECT_EQ((*read)->inputs, R"({"contacts":["/data/a.csv"]})");
  EXPECT_EQ((*read)->status, "STOPPED");
  EXPECT_EQ((*read)->created, kT0);
  EXPECT_EQ(QueryInt(path_, "SELECT modified FROM broadcast"),
            absl::ToUnixMillis(kT0 + absl::Hours(3)));
  absl::StatusOr<std::vector<StoredBatch>> batches = store->ReadBatches();
  ASSERT_TRUE(batches.ok());
  ASSERT_EQ(batches->size(), 2u);
  EXPECT_EQ((*batches)[0].path, "/data/a.csv");
  EXPECT_EQ((*batches)[0].version, (FileVersion{120, 77}));
  EXPECT_FALSE((*batches)[0].size.has_value());
  EXPECT_EQ((*batches)[1].size, 3u);
}

TEST_F(SqliteStoreTest, ResumePointHoldsFinalRowsCountsAndCallbacks) {
  std::unique_ptr<SqliteStore> store = Open();
  RowOutcome callback = Answered(1, 4, 1, RecipientState::kCallback,
                                 TextResult::kCarrierTempError);
  callback.key_attempt = 1;  // no answer: the retry keeps the key
  callback.next_attempt = kT0 + absl::Minutes(60);
  RowOutcome invalid = Outcome(1, 2, RecipientState::kInvalid);
  invalid.reason = "column \"phone\": too short";
  const std::vector<RowOutcome> first = {
      Answered(1, 1, 1, RecipientState::kFinished, TextResult::kSent),
      invalid,
      Outcome(1, 3, RecipientState::kDup),
      callback,
      Outcome(2, 1, RecipientState::kDnc, TextResult::kDnt),
      Outcome(2, 2, RecipientState::kTimeout),
  };
  ASSERT_TRUE(store->Record(first).ok());
  ASSERT_TRUE(store->Flush().ok());

  absl::StatusOr<ResumePoint> point = store->ReadResumePoint(2);
  ASSERT_TRUE(point.ok()) << point.status();
  ASSERT_EQ(point->batches.size(), 2u);
  const ResumePoint::Batch& one = point->batches[0];
  EXPECT_TRUE(one.IsFinal(1));
  EXPECT_TRUE(one.IsFinal(2));
  EXPECT_TRUE(one.IsFinal(3));
  EXPECT_FALSE(one.IsFinal(4));  // CALLBACK is not final
  EXPECT_FALSE(one.IsFinal(5));  // never recorded
  EXPECT_EQ(one.counts.sent, 1u);
  EXPECT_EQ(one.counts.segments, 1u);
  EXPECT_EQ(one.counts.invalid, 1u);
  EXPECT_EQ(one.counts.dup, 1u);
  EXPECT_EQ(point->batches[1].counts.dnc, 1u);
  EXPECT_EQ(point->batches[1].counts.timeout, 1u);
  ASSERT_EQ(point->callbacks.size(), 1u);
  const ResumePoint::Callback& c = point->callbacks[0];
  EXPECT_EQ(c.batch, 1u);
  EXPECT_EQ(c.recipient_id, 4u);
  EXPECT_EQ(c.attempts, 1);
  EXPECT_EQ(c.key_attempt, 1);
  EXPECT_EQ(c.due, kT0 + absl::Minutes(60));

  // The retry succeeds: one text, two attempts, the first's message kept.
  RowOutcome sent =
      Answered(1, 4, 2, RecipientState::kFinished, TextResult::kSent);
  sent.message = {};
  sent.at = kT0 + absl::Minutes(61);
  ASSERT_TRUE(store->Record({&sent, 1}).ok());
  ASSERT_TRUE(store->Flush().ok());
  EXPECT_EQ(
      QueryInt(path_, "SELECT attempts FROM texts WHERE id = 10000000004"), 2);
  EXPECT_EQ(QueryInt(path_,
                     "SELECT count(*) FROM attempts WHERE text_id = "
                     "10000000004"),
            2);
  EXPECT_EQ(QueryInt(path_,
                     "SELECT message = 'Hello there' FROM texts WHERE id = "
                     "10000000004"),
            1);
  EXPECT_EQ(QueryInt(path_,
                     "SELECT created < modified FROM texts WHERE id = "
                     "10000000004"),
            1);
  EXPECT_EQ(QueryInt(path_, "SELECT count(*) FROM texts"), 6);
  // Rows that were never sent have no attempt; events only with a webhook.
  EXPECT_EQ(QueryInt(path_, "SELECT count(*) FROM attempts"), 3);
  EXPECT_EQ(QueryInt(path_, "SELECT count(*) FROM events"), 0);
}

TEST_F(SqliteStoreTest, FinishedTextsReachTheCallbackAndTheEventsTable) {
  std::mutex mu;
  std::vector<TextRecord> finished;
  SqliteStoreOptions options;
  options.record_events = true;
  options.on_finished = [&](absl::Span<const TextRecord> texts) {
    std::lock_guard lock(mu);
    finished.insert(finished.end(), texts.begin(), texts.end());
  };
  std::unique_ptr<SqliteStore> store = Open(std::move(options));
  ASSERT_TRUE(store->WriteBroadcast(Broadcast(), {}).ok());
  RowOutcome callback =
      Answered(1, 7, 1, RecipientState::kCallback, TextResult::kInternalError);
  callback.key_attempt = 2;
  ASSERT_TRUE(store->Record({&callback, 1}).ok());
  const RowOutcome sent =
      Answered(1, 7, 2, RecipientState::kFinished, TextResult::kSent);
  const RowOutcome dup = Outcome(1, 8, RecipientState::kDup);
  ASSERT_TRUE(store->Record({sent, dup}).ok());
  ASSERT_TRUE(store->Flush().ok());

  std::lock_guard lock(mu);
  ASSERT_EQ(finished.size(), 2u);
  const TextRecord& text = finished[0];
  EXPECT_EQ(text.id, 10000000007u);
  EXPECT_EQ(text.from, "67076");
  EXPECT_EQ(text.state, RecipientState::kFinished);
  EXPECT_EQ(text.result, TextResult::kSent);
  EXPECT_EQ(text.message, "Hello there");
  ASSERT_EQ(text.records.size(), 2u);
  EXPECT_EQ(text.records[0].result, TextResult::kInternalError);
  EXPECT_EQ(text.records[0].segments, 0);
  EXPECT_EQ(text.records[1].provider_id, "second");
  EXPECT_EQ(text.records[1].segments, 1);
  EXPECT_EQ(finished[1].state, RecipientState::kDup);
  // One event per final text; none for the CALLBACK.
  EXPECT_EQ(QueryInt(path_, "SELECT count(*) FROM events"), 2);
  EXPECT_EQ(QueryInt(path_, "SELECT min(text_id) FROM events"), 10000000007);
}

TEST_F(SqliteStoreTest, TheFeedHasEveryStatusChangeAndTheTextsWhileWanted) {
  std::atomic<bool> wanted{false};
  std::atomic<int> commits_with_feed{0};
  SqliteStoreOptions options;
  options.feed_events = &wanted;
  options.on_feed_events = [&] { ++commits_with_feed; };
  std::unique_ptr<SqliteStore> store = Open(std::move(options));
  StoredBroadcast broadcast = Broadcast();
  broadcast.status = "SETUP";
  ASSERT_TRUE(store->WriteBroadcast(broadcast, {}).ok());
  ASSERT_TRUE(store->WriteBroadcast(broadcast, {}).ok());  // no change
  broadcast.status = "RUNNING";
  ASSERT_TRUE(store->WriteBroadcast(broadcast, {}).ok());
  const RowOutcome before = Outcome(1, 1, RecipientState::kDup);
  ASSERT_TRUE(store->Record({&before, 1}).ok());
  ASSERT_TRUE(store->Flush().ok());
  EXPECT_EQ(commits_with_feed, 2);
  wanted = true;
  RowOutcome callback =
      Answered(1, 2, 1, RecipientState::kCallback, TextResult::kInternalError);
  ASSERT_TRUE(store->Record({&callback, 1}).ok());
  ASSERT_TRUE(store->Flush().ok());
  EXPECT_EQ(commits_with_feed, 2) << "a CALLBACK is no event";
  const RowOutcome sent =
      Answered(1, 2, 2, RecipientState::kFinished, TextResult::kSent);
  ASSERT_TRUE(store->Record({&sent, 1}).ok());
  // As a run ends: its outcomes durable, then its status (which would go
  // ahead of outcomes still queued).
  ASSERT_TRUE(store->Flush().ok());
  broadcast.status = "FINISHED";
  ASSERT_TRUE(store->WriteBroadcast(broadcast, {}).ok());
  ASSERT_TRUE(store->Flush().ok());
  EXPECT_EQ(commits_with_feed, 4);
  store.reset();
  // In the order written: SETUP and RUNNING, the text sent while wanted
  // (not the DUP before), FINISHED.
  EXPECT_EQ(QueryInt(path_, "SELECT count(*) FROM feed_events"), 4);
  EXPECT_EQ(QueryInt(path_,
                     "SELECT count(*) FROM feed_events WHERE text_id = 0 AND "
                     "status IN ('SETUP', 'RUNNING', 'FINISHED')"),
            3);
  EXPECT_EQ(QueryInt(path_, "SELECT text_id FROM feed_events WHERE seq = 3"),
            10000000002);
  EXPECT_EQ(
      QueryInt(path_, "SELECT seq FROM feed_events WHERE status = 'FINISHED'"),
      4);
}

TEST_F(SqliteStoreTest, RefusesAStoreItCannotCreate) {
  absl::StatusOr<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(dir_.File("missing/dir/broadcast.db"));
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store.status().message(), HasSubstr("missing/dir/broadcast.db"));
}

TEST_F(SqliteStoreTest, ResumePointRefusesRowsOfAnotherBroadcast) {
  std::unique_ptr<SqliteStore> store = Open();
  const RowOutcome stray = Outcome(3, 1, RecipientState::kDup);
  ASSERT_TRUE(store->Record({&stray, 1}).ok());
  ASSERT_TRUE(store->Flush().ok());
  absl::StatusOr<ResumePoint> point = store->ReadResumePoint(2);
  ASSERT_FALSE(point.ok());
  EXPECT_THAT(point.status().message(), HasSubstr("batch 3"));
}

// A parked writer (no thread) takes the next write all the same, also while
// two other threads park it again and again, their parks overlapping (as a
// runner's last park and a Stop()'s do).
TEST_F(SqliteStoreTest, AParkedWriterLosesNothingAndStartsAgain) {
  std::unique_ptr<SqliteStore> store = Open();
  ASSERT_TRUE(store->ParkWriter().ok());  // nothing written yet
  std::atomic<bool> done{false};
  auto park = [&] {
    while (!done) EXPECT_TRUE(store->ParkWriter().ok());
  };
  std::thread parker(park);
  std::thread other_parker(park);
  std::vector<RowOutcome> chunk;
  for (uint64_t row = 1; row <= 10000; ++row) {
    chunk.push_back(
        Answered(1, row, 1, RecipientState::kFinished, TextResult::kSent));
    if (chunk.size() == 500) {
      ASSERT_TRUE(store->Record(chunk).ok());
      chunk.clear();
    }
  }
  done = true;
  parker.join();
  other_parker.join();
  ASSERT_TRUE(store->ParkWriter().ok());
  EXPECT_EQ(QueryInt(path_, "SELECT count(*) FROM texts"), 10000);
  ASSERT_TRUE(store->Record({Outcome(2, 1, RecipientState::kDup)}).ok());
  ASSERT_TRUE(store->Flush().ok());
  EXPECT_EQ(QueryInt(path_, "SELECT count(*) FROM texts"), 10001);
}

TEST_F(SqliteStoreTest, ManyOutcomesAllLand) {
  std::unique_ptr<SqliteStore> store = Open();
  std::vector<RowOutcome> chunk;
  for (uint64_t row = 1; row <= 50000; ++row) {
    chunk.push_back(
        Answered(1, row, 1, RecipientState::kFinished, TextResult::kSent));
    if (chunk.size() == 1000) {
      ASSERT_TRUE(store->Record(chunk).ok());
      chunk.clear();
    }
  }
  ASSERT_TRUE(store->Finish().ok());
  EXPECT_EQ(QueryInt(path_, "SELECT count(*) FROM texts"), 50000);
  EXPECT_EQ(QueryInt(path_, "SELECT sum(segments) FROM attempts"), 50000);
  absl::StatusOr<ResumePoint> point = store->ReadResumePoint(1);
  ASSERT_TRUE(point.ok());
  EXPECT_EQ(point->batches[0].counts.sent, 50000u);
  EXPECT_THAT(point->callbacks, ElementsAre());
}

// The query indexes (query_indexes.h): none while texts are written, built
// once the writer is parked, gone again with the next texts; a write that
// starts during a build stops it and never waits behind it.
constexpr char kIndexCount[] =
    "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
    "('texts_state', 'texts_to_number', 'texts_modified')";

void RecordRows(SqliteStore& store, uint64_t first, uint64_t count) {
  std::vector<RowOutcome> chunk;
  for (uint64_t row = first; row < first + count; ++row) {
    chunk.push_back(
        Answered(1, row, 1, RecipientState::kFinished, TextResult::kSent));
    if (chunk.size() == 1000) {
      ASSERT_TRUE(store.Record(chunk).ok());
      chunk.clear();
    }
  }
  if (!chunk.empty()) {
    ASSERT_TRUE(store.Record(chunk).ok());
  }
}

TEST_F(SqliteStoreTest, QueryIndexesComeWhenParkedAndGoWithTheNextTexts) {
  std::unique_ptr<SqliteStore> store = Open();
  std::atomic<bool> cancel{false};
  EXPECT_FALSE(store->WantsQueryIndexes()) << "no texts, nothing to index";
  ASSERT_TRUE(store->WriteBroadcast(Broadcast(), {}).ok());
  ASSERT_TRUE(store->ParkWriter().ok());
  EXPECT_FALSE(store->WantsQueryIndexes());

  RecordRows(*store, 1, 5000);
  EXPECT_FALSE(store->WantsQueryIndexes()) << "the writer runs";
  ASSERT_TRUE(store->ParkWriter().ok());
  ASSERT_TRUE(store->WantsQueryIndexes());
  ASSERT_TRUE(store->BuildQueryIndexes(cancel).ok());
  EXPECT_EQ(QueryInt(path_, kIndexCount), 3);
  EXPECT_FALSE(store->WantsQueryIndexes());
  // A status write keeps them; texts drop them.
  ASSERT_TRUE(store->WriteBroadcast(Broadcast(), {}).ok());
  ASSERT_TRUE(store->ParkWriter().ok());
  EXPECT_EQ(QueryInt(path_, kIndexCount), 3);
  RecordRows(*store, 5001, 10);
  ASSERT_TRUE(store->Flush().ok());
  EXPECT_EQ(QueryInt(path_, kIndexCount), 0);
  ASSERT_TRUE(store->ParkWriter().ok());
  ASSERT_TRUE(store->BuildQueryIndexes(cancel).ok());

  // A store opened again knows it has them.
  store.reset();
  store = Open();
  EXPECT_FALSE(store->WantsQueryIndexes());
  EXPECT_EQ(QueryInt(path_, "SELECT count(*) FROM texts"), 5010);
  store.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "DROP INDEX texts_state", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  SqliteStoreOptions read_only;
  read_only.read_only = true;
  std::unique_ptr<SqliteStore> reader = Open(read_only);
  EXPECT_FALSE(reader->WantsQueryIndexes()) << "a reader builds nothing";
  EXPECT_TRUE(Open()->WantsQueryIndexes()) << "one of them is missing";
}

TEST_F(SqliteStoreTest, AWriteOrTheCallerStopsABuildUnderWay) {
  std::unique_ptr<SqliteStore> store = Open();
  RecordRows(*store, 1, 200000);
  ASSERT_TRUE(store->ParkWriter().ok());
  std::atomic<bool> cancel{true};
  EXPECT_EQ(store->BuildQueryIndexes(cancel).code(),
            absl::StatusCode::kCancelled);
  EXPECT_EQ(QueryInt(path_, kIndexCount), 0) << "a cancelled build leaves none";

  cancel = false;
  absl::Status built;
  std::thread builder([&] { built = store->BuildQueryIndexes(cancel); });
  // Whether the build is done, under way or not begun, the texts land.
  RecordRows(*store, 200001, 10);
  ASSERT_TRUE(store->Flush().ok());
  builder.join();
  EXPECT_TRUE(built.ok() || absl::IsCancelled(built)) << built;
  EXPECT_EQ(QueryInt(path_, "SELECT count(*) FROM texts"), 200010);
  EXPECT_EQ(QueryInt(path_, kIndexCount), 0);
}

}  // namespace
}  // namespace herald
