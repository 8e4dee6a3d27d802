// Delivery receipts in the store (SqliteStore::RecordReceipts), read back as
// the API shows them (StoreReader): each part's state sticks once final,
// receipts may come before their attempt, twice, out of order and after a
// reopen, a multipart text is delivered only when every part is, and the
// statistics count the sent texts by their last attempt's receipts.
#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/store/sqlite_store.h"
#include "engine/store/store_reader.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace herald {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1795000000);

StoredBroadcast Broadcast() {
  StoredBroadcast b;
  b.run_id = "r1";
  b.name = "receipts";
  b.from_number = "67076";
  b.definition = R"({"name":"receipts"})";
  b.inputs = "{}";
  b.status = "RUNNING";
  b.created = kT0;
  return b;
}

// Row `row` of batch 1 sent (FINISHED, SENT) on attempt `attempt`, in
// `segments` parts.
RowOutcome Sent(uint64_t row, int attempt = 1, int segments = 1) {
  RowOutcome o;
  o.batch = 1;
  o.recipient_id = row;
  o.line = row + 1;
  o.to = 12135550100 + row;
  o.state = RecipientState::kFinished;
  o.result = TextResult::kSent;
  o.attempt = attempt;
  o.answered = true;
  o.message = "Hello";
  o.segments = segments;
  o.provider_id = "sent";
  o.at = kT0 + absl::Seconds(row);
  return o;
}

DeliveryReceipt Receipt(uint64_t row, DeliveryState state,
                        std::string part = "", int parts = 1, int attempt = 1) {
  DeliveryReceipt r;
  r.text_id = TextId(1, row);
  r.attempt = attempt;
  r.parts = parts;
  r.part = std::move(part);
  r.state = state;
  r.at = kT0 + absl::Minutes(5);
  return r;
}

class DeliveryReceiptsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = Open();
    ASSERT_TRUE(store_->WriteBroadcast(Broadcast(), {}).ok());
  }

  std::unique_ptr<SqliteStore> Open() {
    absl::StatusOr<std::unique_ptr<SqliteStore>> store =
        SqliteStore::Open(path_);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  void Record(std::vector<DeliveryReceipt> receipts) {
    ASSERT_TRUE(store_->RecordReceipts(receipts).ok());
  }

  void Send(std::vector<RowOutcome> outcomes) {
    ASSERT_TRUE(store_->Record(outcomes).ok());
    ASSERT_TRUE(store_->Flush().ok());
  }

  // The last attempt of row `row` as the API reads it.
  AttemptRecord LastAttempt(uint64_t row) {
    absl::StatusOr<std::unique_ptr<StoreReader>> reader =
        StoreReader::Open(path_);
    EXPECT_TRUE(reader.ok()) << reader.status();
    if (!reader.ok()) return {};
    const uint64_t id = TextId(1, row);
    absl::StatusOr<std::vector<TextRecord>> texts = (*reader)->ReadTexts({id});
    EXPECT_TRUE(texts.ok()) << texts.status();
    if (!texts.ok() || texts->empty() || texts->front().records.empty()) {
      ADD_FAILURE() << "no attempt for row " << row;
      return {};
    }
    return texts->front().records.back();
  }

  DeliveryState StateOf(uint64_t row) {
    return LastAttempt(row).delivery_state;
  }

  StoreCounts Counts() {
    absl::StatusOr<std::unique_ptr<StoreReader>> reader =
        StoreReader::Open(path_);
    EXPECT_TRUE(reader.ok()) << reader.status();
    if (!reader.ok()) return {};
    absl::StatusOr<StoreStats> stats = (*reader)->Stats();
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? stats->counts : StoreCounts{};
  }

  TempDir dir_;
  const std::string path_ = StorePath(dir_.path());
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(DeliveryReceiptsTest, AReceiptGivesItsAttemptItsState) {
  Send({Sent(1), Sent(2), Sent(3)});
  EXPECT_EQ(StateOf(1), DeliveryState::kPending);
  DeliveryReceipt failed = Receipt(2, DeliveryState::kUndelivered);
  failed.error = "0x0000000b";
  Record({Receipt(1, DeliveryState::kDelivered), failed});
  EXPECT_EQ(StateOf(1), DeliveryState::kDelivered);
  const AttemptRecord second = LastAttempt(2);
  EXPECT_EQ(second.delivery_state, DeliveryState::kUndelivered);
  EXPECT_EQ(second.delivery_error, "0x0000000b");
  EXPECT_EQ(second.delivery_time, kT0 + absl::Minutes(5));
  EXPECT_EQ(StateOf(3), DeliveryState::kPending);

  const StoreCounts counts = Counts();
  EXPECT_EQ(counts.sent, 3u);
  EXPECT_EQ(counts.delivered, 1u);
  EXPECT_EQ(counts.undelivered, 1u);
  EXPECT_EQ(counts.delivery_pending, 1u);
}

TEST_F(DeliveryReceiptsTest, AFinalStateStaysWhateverComesLater) {
  Send({Sent(1)});
  Record({Receipt(1, DeliveryState::kPending)});
  EXPECT_EQ(StateOf(1), DeliveryState::kPending);
  Record({Receipt(1, DeliveryState::kDelivered)});
  // A late ENROUTE, a duplicate, a confused SMSC's second final.
  Record({Receipt(1, DeliveryState::kPending),
          Receipt(1, DeliveryState::kDelivered),
          Receipt(1, DeliveryState::kUndelivered)});
  EXPECT_EQ(StateOf(1), DeliveryState::kDelivered);
  EXPECT_EQ(Counts().delivered, 1u);
}

TEST_F(DeliveryReceiptsTest, AReceiptBeforeItsAttemptWaitsForIt) {
  // The provider's receipt can beat the submit answer to the store.
  Record({Receipt(1, DeliveryState::kDelivered)});
  EXPECT_EQ(Counts().delivered, 0u);  // no text sent yet
  Send({Sent(1)});
  EXPECT_EQ(StateOf(1), DeliveryState::kDelivered);
  EXPECT_EQ(Counts().delivered, 1u);
}

TEST_F(DeliveryReceiptsTest, AMultipartTextIsDeliveredWhenEveryPartIs) {
  Send({Sent(1, 1, 3), Sent(2, 1, 2), Sent(3, 1, 2)});
  Record({Receipt(1, DeliveryState::kDelivered, "a", 3),
          Receipt(1, DeliveryState::kDelivered, "b", 3)});
  EXPECT_EQ(StateOf(1), DeliveryState::kPending);  // a part still to come
  Record({Receipt(1, DeliveryState::kDelivered, "c", 3)});
  EXPECT_EQ(StateOf(1), DeliveryState::kDelivered);

  Record({Receipt(2, DeliveryState::kDelivered, "x", 2),
          Receipt(2, DeliveryState::kExpired, "y", 2)});
  EXPECT_EQ(StateOf(2), DeliveryState::kPartiallyDelivered);
  // The same part twice is one part, not two.
  Record({Receipt(3, DeliveryState::kDelivered, "p", 2),
          Receipt(3, DeliveryState::kDelivered, "p", 2)});
  EXPECT_EQ(StateOf(3), DeliveryState::kPending);

  const StoreCounts counts = Counts();
  EXPECT_EQ(counts.delivered, 1u);
  EXPECT_EQ(counts.undelivered, 1u);  // partially delivered is not delivered
  EXPECT_EQ(counts.delivery_pending, 1u);
}

TEST_F(DeliveryReceiptsTest, OnlyTheLastAttemptCounts) {
  // Attempt 1 was delivered late, after a retry went out as attempt 2.
  Send({Sent(1, 2)});
  Record({Receipt(1, DeliveryState::kDelivered, "", 1, 1),
          Receipt(1, DeliveryState::kRejected, "", 1, 2)});
  EXPECT_EQ(StateOf(1), DeliveryState::kRejected);
  const StoreCounts counts = Counts();
  EXPECT_EQ(counts.delivered, 0u);
  EXPECT_EQ(counts.undelivered, 1u);
}

TEST_F(DeliveryReceiptsTest, ReceiptsOutliveTheStoreBeingClosed) {
  Send({Sent(1), Sent(2)});
  Record({Receipt(1, DeliveryState::kDelivered)});
  store_.reset();
  store_ = Open();
  ASSERT_NE(store_, nullptr);
  Record({Receipt(2, DeliveryState::kExpired),
          Receipt(1, DeliveryState::kUndelivered)});
  EXPECT_EQ(StateOf(1), DeliveryState::kDelivered);
  EXPECT_EQ(StateOf(2), DeliveryState::kExpired);
  // Receipts do not hold the store's writer: it parks as it would.
  EXPECT_TRUE(store_->ParkWriter().ok());
  Record({Receipt(3, DeliveryState::kDelivered)});
  EXPECT_EQ(QueryInt(path_, "SELECT count(*) FROM receipts"), 3);
}

TEST_F(DeliveryReceiptsTest, AStoreOfAnEarlierHeraldIsReadWithoutReceipts) {
  Send({Sent(1), Sent(2)});
  store_.reset();
  // As an earlier herald left it: no receipts' tables, and a reader only
  // reads.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE receipts; DROP TABLE deliveries",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(StateOf(1), DeliveryState::kPending);
  const StoreCounts counts = Counts();
  EXPECT_EQ(counts.sent, 2u);
  EXPECT_EQ(counts.delivery_pending, 2u);
}

}  // namespace
}  // namespace herald
