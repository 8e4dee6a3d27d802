// Faults of the disk under the store, through the storage seam
// (EngineOptions::sqlite_vfs and tests/fault_vfs.h): the real store on a real
// file, its writes, syncs or reads failing where a full or failing disk
// would. Nothing may be sent that the store could not record beyond a stated
// bound, nothing recorded may be lost, and no failure may start a store
// afresh.
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "herald/engine.h"
#include "tests/fault_vfs.h"
#include "tests/test_util.h"
#include "tools/mock_provider/server.h"

namespace herald {
namespace {

using ::testing::HasSubstr;

// What the provider may have taken that the store did not record when a
// write fails: the store's queue, the transport's room and one slice of
// texts handed over (engine/pipeline/broadcast_run.cc, Pipeline::Submit).
constexpr int64_t kMaxUnrecorded = 65'536 + 20'000 + 4'096;
// More than that: a run the store stops cannot have sent them all.
constexpr int kRows = 120'000;

class StoreFaultTest : public ::testing::Test {
 protected:
  StoreFaultTest() : vfs_(FaultVfs::Get()) {
    vfs_.Heal();
    mock_provider::Options options;
    absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> mock =
        mock_provider::MockProvider::Start(options);
    EXPECT_TRUE(mock.ok()) << mock.status();
    if (mock.ok()) mock_ = *std::move(mock);
    dir_.Write("providers.json",
               absl::StrCat(R"({"providers":[{"name":"cf","type":"callfire",)",
                            R"("url":"http://127.0.0.1:)",
                            mock_ != nullptr ? mock_->port() : 1, R"("}]})"));
    std::string csv = "phoneNumber\n";
    for (int i = 0; i < kRows; ++i) absl::StrAppend(&csv, 2135500000 + i, "\n");
    contacts_ = dir_.Write("contacts.csv", csv);
  }
  ~StoreFaultTest() override { vfs_.Heal(); }

  absl::StatusOr<std::unique_ptr<Engine>> Open(bool synchronous_full = false) {
    EngineOptions options;
    options.state_dir = dir_.File("state");
    options.providers_file = dir_.File("providers.json");
    options.sqlite_vfs = FaultVfs::kName;
    options.synchronous_full = synchronous_full;
    options.workers = 1;
    return Engine::Open(options);
  }

  // A broadcast of the contacts through the mock; 0 when it could not be
  // made.
  BroadcastId Create(Engine& engine) {
    BroadcastOptions options;
    options.provider = "cf";
    absl::StatusOr<BroadcastId> id =
        engine.CreateBroadcast(R"({"message":"Hi"})", options);
    if (!id.ok()) {
      create_error_ = id.status();
      return 0;
    }
    absl::StatusOr<BatchId> batch =
        engine.AddBatch(*id, BatchSource::File(contacts_), {});
    EXPECT_TRUE(batch.ok()) << batch.status();
    return *id;
  }

  // Waits (bounded) for the broadcast to end.
  BroadcastInfo AwaitEnd(Engine& engine, BroadcastId id) {
    for (int i = 0; i < 600; ++i) {
      absl::StatusOr<BroadcastStatus> status =
          engine.Wait(id, absl::Milliseconds(100));
      if (!status.ok() || (*status != BroadcastStatus::kRunning &&
                           *status != BroadcastStatus::kStartPending)) {
        break;
      }
    }
    absl::StatusOr<BroadcastInfo> info = engine.GetBroadcast(id);
    EXPECT_TRUE(info.ok()) << info.status();
    return info.value_or(BroadcastInfo());
  }

  int64_t RecordedSent() const {
    return QueryInt(dir_.File("state/broadcasts/1/broadcast.db"),
                    "SELECT count(*) FROM texts WHERE result = 'SENT'");
  }

  // The store's failure stopped the run: what the provider took beyond what
  // the store recorded is at most the writer's queue and what was in
  // flight, and resuming on a healed disk sends every recipient once more
  // only where the store had not recorded it, under the same key.
  void ExpectStoppedThenResumedOnce(const BroadcastInfo& stopped,
                                    absl::string_view error) {
    EXPECT_EQ(BroadcastStatusName(stopped.status), "STOPPED");
    EXPECT_THAT(stopped.error, HasSubstr(error));
    const int64_t accepted = mock_->stats().accepted;
    const int64_t recorded = RecordedSent();
    EXPECT_LT(accepted, kRows) << "it kept sending after the store failed";
    EXPECT_LE(accepted - recorded, kMaxUnrecorded);
    EXPECT_GE(accepted, recorded);

    vfs_.Heal();
    absl::StatusOr<std::unique_ptr<Engine>> engine = Open();
    ASSERT_TRUE(engine.ok()) << engine.status();
    ASSERT_TRUE((*engine)->Start(stopped.id).ok());
    const BroadcastInfo finished = AwaitEnd(**engine, stopped.id);
    EXPECT_EQ(BroadcastStatusName(finished.status), "FINISHED")
        << finished.error;
    const mock_provider::Stats stats = mock_->stats();
    EXPECT_EQ(stats.accepted, kRows);
    EXPECT_EQ(stats.duplicates, accepted - recorded);
    EXPECT_EQ(RecordedSent(), kRows);
  }

  TempDir dir_;
  FaultVfs& vfs_;
  std::unique_ptr<mock_provider::MockProvider> mock_;
  std::string contacts_;
  absl::Status create_error_;
};

TEST_F(StoreFaultTest, AFullDiskMidRunStopsTheSendingAndTheResumeSendsOnce) {
  ASSERT_NE(mock_, nullptr);
  BroadcastInfo stopped;
  {
    absl::StatusOr<std::unique_ptr<Engine>> engine = Open();
    ASSERT_TRUE(engine.ok()) << engine.status();
    const BroadcastId id = Create(**engine);
    ASSERT_NE(id, 0) << create_error_;
    ASSERT_TRUE((*engine)->Start(id).ok());
    vfs_.FailWritesAfter(400'000);  // a few thousand texts' rows
    stopped = AwaitEnd(**engine, id);
    EXPECT_GT(vfs_.failed_writes(), 0);
  }
  ExpectStoppedThenResumedOnce(stopped, "database or disk is full");
}

TEST_F(StoreFaultTest, AFailedSyncStopsTheSendingAndTheResumeSendsOnce) {
  ASSERT_NE(mock_, nullptr);
  BroadcastInfo stopped;
  {
    absl::StatusOr<std::unique_ptr<Engine>> engine =
        Open(/*synchronous_full=*/true);
    ASSERT_TRUE(engine.ok()) << engine.status();
    const BroadcastId id = Create(**engine);
    ASSERT_NE(id, 0) << create_error_;
    ASSERT_TRUE((*engine)->Start(id).ok());
    vfs_.FailSyncs(true);
    stopped = AwaitEnd(**engine, id);
    EXPECT_GT(vfs_.failed_syncs(), 0);
  }
  ExpectStoppedThenResumedOnce(stopped, "disk I/O error");
}

// A disk full before the first row: the broadcast cannot be made, says why,
// and leaves nothing that a later engine would take for a damaged store.
TEST_F(StoreFaultTest, ABroadcastThatCannotBeWrittenIsNotMadeAndLeavesNoWreck) {
  ASSERT_NE(mock_, nullptr);
  {
    absl::StatusOr<std::unique_ptr<Engine>> engine = Open();
    ASSERT_TRUE(engine.ok()) << engine.status();
    vfs_.FailWritesAfter(0);
    EXPECT_EQ(Create(**engine), 0);
    EXPECT_THAT(create_error_.message(), HasSubstr("database or disk is full"));
    EXPECT_TRUE((*engine)->ListBroadcasts().empty());
  }
  vfs_.Heal();
  absl::StatusOr<std::unique_ptr<Engine>> engine = Open();
  ASSERT_TRUE(engine.ok()) << engine.status();
  const BroadcastId id = Create(**engine);
  ASSERT_NE(id, 0) << create_error_;
  ASSERT_TRUE((*engine)->Start(id).ok());
  EXPECT_EQ(BroadcastStatusName(AwaitEnd(**engine, id).status), "FINISHED");
  EXPECT_EQ(mock_->stats().accepted, kRows);
}

// A store that cannot be read is an error naming it, and stays as it was:
// nothing is started afresh over it.
TEST_F(StoreFaultTest, AStoreThatCannotBeReadIsRefusedAndKept) {
  ASSERT_NE(mock_, nullptr);
  {
    absl::StatusOr<std::unique_ptr<Engine>> engine = Open();
    ASSERT_TRUE(engine.ok()) << engine.status();
    ASSERT_NE(Create(**engine), 0) << create_error_;
  }
  vfs_.FailReads(true);
  absl::StatusOr<std::unique_ptr<Engine>> refused = Open();
  EXPECT_FALSE(refused.ok());
  // The account's do-not-contact list is read first: an engine that cannot
  // read it must not send at all.
  EXPECT_THAT(refused.status().message(),
              HasSubstr(dir_.File("state/account.db")));
  EXPECT_GT(vfs_.failed_reads(), 0);

  vfs_.Heal();
  absl::StatusOr<std::unique_ptr<Engine>> engine = Open();
  ASSERT_TRUE(engine.ok()) << engine.status();
  ASSERT_EQ((*engine)->ListBroadcasts().size(), 1u);
  EXPECT_EQ((*engine)->ListBroadcasts()[0].batches.size(), 1u);
}

// A disk that hangs under one broadcast's store while it stops: the Stop()
// waits for its write, and nothing else does. Calls about another broadcast,
// and the state of the one stopping as memory has it, answer meanwhile (with
// a listener subscribed too, whose text events make the store's writer
// slower); the run stopped sending when Stop() began, and a resume sends
// exactly the rest.
class StoreHangTest : public StoreFaultTest,
                      public ::testing::WithParamInterface<bool> {};

TEST_P(StoreHangTest, AStopWaitingForItsStoreDelaysNoOtherCall) {
  ASSERT_NE(mock_, nullptr);
  BroadcastInfo stopped;
  {
    absl::StatusOr<std::unique_ptr<Engine>> engine = Open();
    ASSERT_TRUE(engine.ok()) << engine.status();
    if (GetParam()) (*engine)->Subscribe([](const EngineEvent&) {});
    const BroadcastId a = Create(**engine);
    const BroadcastId b = Create(**engine);
    ASSERT_EQ(a, 1u) << create_error_;
    ASSERT_EQ(b, 2u) << create_error_;
    ASSERT_TRUE((*engine)->Start(a).ok());
    for (int i = 0; i < 3000 && mock_->stats().accepted == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_GT(mock_->stats().accepted, 0);
    vfs_.HoldWrites("/broadcasts/1/");
    for (int i = 0; i < 3000 && vfs_.held_writes() == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_GT(vfs_.held_writes(), 0) << "broadcast 1 wrote nothing";

    std::future<absl::Status> stop = std::async(
        std::launch::async, [&] { return (*engine)->Stop(a); });
    std::future<std::string> calls = std::async(std::launch::async, [&] {
      std::string out;
      absl::StatusOr<BroadcastInfo> other = (*engine)->GetBroadcast(b);
      absl::StrAppend(&out, other.ok() ? BroadcastStatusName(other->status)
                                       : other.status().ToString());
      absl::StrAppend(&out, " ", (*engine)->GetProgress(b).ok());
      absl::StrAppend(&out, " ", (*engine)->ListBroadcasts().size());
      absl::StrAppend(&out, " ",
                      (*engine)->Wait(b, absl::ZeroDuration()).ok());
      absl::StrAppend(&out, " ", (*engine)->GetProgress(a).ok());
      return out;
    });
    const bool answered = calls.wait_for(std::chrono::seconds(30)) ==
                          std::future_status::ready;
    EXPECT_TRUE(answered) << "a call waited for broadcast 1's hung store";
    EXPECT_NE(stop.wait_for(std::chrono::seconds(0)),
              std::future_status::ready)
        << "the Stop() did not wait for its write";
    vfs_.ReleaseWrites();
    EXPECT_EQ(calls.get(), "SETUP 1 2 1 1");
    EXPECT_TRUE(stop.get().ok());
    absl::StatusOr<BroadcastInfo> info = (*engine)->GetBroadcast(a);
    ASSERT_TRUE(info.ok()) << info.status();
    stopped = *info;
    EXPECT_EQ(stopped.error, "") << "a Stop() is no failure of the run";
  }
  ExpectStoppedThenResumedOnce(stopped, "");
}

INSTANTIATE_TEST_SUITE_P(WithAndWithoutListener, StoreHangTest,
                         ::testing::Bool());

}  // namespace
}  // namespace herald
