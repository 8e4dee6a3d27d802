// The book of rows waiting for a window or their next attempt, without the
// threads of a run around it.
#include "engine/pipeline/waiting_book.h"

#include "gtest/gtest.h"
#include "timezone/zone_table.h"

namespace herald {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

TEST(WaitingBookTest, CallbacksComeDueInTimeOrderAcrossBatches) {
  WaitingBook book(/*zone_groups=*/1, /*batches=*/2);
  book.AddCallback(1, 7, {1, 2}, kT0 + absl::Minutes(10));
  book.AddCallback(0, 3, {2, 2}, kT0 + absl::Minutes(5));
  ASSERT_NE(book.FindCallback(1, 7), nullptr);
  EXPECT_EQ(book.FindCallback(1, 7)->key_attempt, 2);
  EXPECT_EQ(book.FindCallback(0, 7), nullptr);  // another batch's row 7
  EXPECT_EQ(book.callback_count(), 2u);

  std::vector<RowSelection> due(2);
  absl::Time next;
  EXPECT_FALSE(book.TakeDueCallbacks(kT0, &due, &next));
  EXPECT_EQ(next, kT0 + absl::Minutes(5));
  EXPECT_TRUE(book.TakeDueCallbacks(kT0 + absl::Minutes(5), &due, &next));
  EXPECT_TRUE(due[0].Contains(3));
  EXPECT_TRUE(due[1].empty());
  EXPECT_EQ(next, kT0 + absl::Minutes(10));
  // Taken for its pass, the row keeps its callback until it goes.
  EXPECT_NE(book.FindCallback(0, 3), nullptr);
  book.EraseCallback(0, 3);
  EXPECT_EQ(book.FindCallback(0, 3), nullptr);
  EXPECT_EQ(book.CallbacksByBatch(), (std::vector<uint64_t>{0, 1}));
  EXPECT_TRUE(book.HasDueTimes());
}

TEST(WaitingBookTest, WaitingRowsAreCountedByBatchAndTakenWhenTheWindowOpens) {
  Broadcast broadcast;  // no time rule: every window is open
  absl::StatusOr<RecipientGates> gates = RecipientGates::Build(
      broadcast, ZoneTable::BuiltIn(), kT0, absl::InfiniteFuture());
  ASSERT_TRUE(gates.ok()) << gates.status();
  WindowTracker windows(&*gates);
  WaitingBook book(gates->group_count(), 2);
  book.Wait(0, 0, 1);
  book.Wait(0, 1, 1);
  book.Wait(0, 1, uint64_t{50'000'001});
  book.AddCallback(1, 9, {1, 2}, kT0 + absl::Hours(1));
  EXPECT_EQ(book.waiting_count(), 3u);
  EXPECT_EQ(book.WaitingIn(0), 3u);
  EXPECT_EQ(book.RowsOfBatch(0), 1u);
  EXPECT_EQ(book.RowsOfBatch(1), 3u);  // two waiting, one between attempts

  std::vector<RowSelection> open(2);
  absl::Time next;
  ASSERT_TRUE(book.TakeOpenRows(kT0, windows, &open, &next));
  EXPECT_TRUE(open[0].Contains(1));
  EXPECT_TRUE(open[1].Contains(1));
  EXPECT_TRUE(open[1].Contains(uint64_t{50'000'001}));
  EXPECT_EQ(book.waiting_count(), 0u);
  EXPECT_EQ(book.RowsOfBatch(1), 1u);
  EXPECT_FALSE(book.TakeOpenRows(kT0, windows, &open, &next));
  EXPECT_EQ(next, absl::InfiniteFuture());
}

}  // namespace
}  // namespace herald
