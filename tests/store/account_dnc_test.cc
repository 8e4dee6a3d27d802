#include "engine/store/account_dnc.h"

#include <memory>

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace herald {
namespace {

constexpr PhoneNumber kA = 12132000381;
constexpr PhoneNumber kB = 12132000382;
constexpr PhoneNumber kC = 14242000383;

// The list over dir/account.db, with the database handle it uses.
struct OpenedList {
  std::unique_ptr<AccountDb> db;
  std::unique_ptr<AccountDnc> list;
  AccountDnc* operator->() const { return list.get(); }
};

OpenedList OpenList(const TempDir& dir, Clock* clock, bool read_only = false) {
  OpenedList opened;
  opened.db =
      std::make_unique<AccountDb>(dir.File("account.db"), read_only, "");
  absl::StatusOr<std::unique_ptr<AccountDnc>> list =
      AccountDnc::Open(opened.db.get(), clock);
  EXPECT_TRUE(list.ok()) << list.status();
  if (list.ok()) opened.list = *std::move(list);
  return opened;
}

TEST(AccountDncTest, BlocksWhatItAddsForTextsAndKeepsItAcrossOpens) {
  TempDir dir;
  ManualClock clock(absl::FromUnixMillis(1443390407000));
  {
    OpenedList list = OpenList(dir, &clock);
    EXPECT_FALSE(list->Blocks(kA));
    ASSERT_TRUE(list->Add({kA, kB}, true, true, "My DNC list 1").ok());
    ASSERT_TRUE(list->Add({kC}, true, false, "calls only").ok());
    EXPECT_TRUE(list->Blocks(kA));
    EXPECT_TRUE(list->Blocks(kB));
    EXPECT_FALSE(list->Blocks(kC));
  }
  OpenedList list = OpenList(dir, &clock);
  EXPECT_TRUE(list->Blocks(kA));
  EXPECT_FALSE(list->Blocks(kC));
  absl::StatusOr<DncEntry> a = list->Get(kA);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->source, "My DNC list 1");
  EXPECT_EQ(a->created, absl::FromUnixMillis(1443390407000));

  // Changing the flags unblocks and blocks; created stays, updated moves.
  clock.Advance(absl::Seconds(5));
  ASSERT_TRUE(list->Update(kA, true, false).ok());
  EXPECT_FALSE(list->Blocks(kA));
  a = list->Get(kA);
  EXPECT_EQ(a->created, absl::FromUnixMillis(1443390407000));
  EXPECT_EQ(a->updated, absl::FromUnixMillis(1443390412000));
  ASSERT_TRUE(list->Update(kC, true, true).ok());
  EXPECT_TRUE(list->Blocks(kC));
  EXPECT_EQ(list->Update(12135550000, true, true).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(list->Get(12135550000).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(AccountDncTest, FindsByPrefixNumberSourceAndFlagsInPages) {
  TempDir dir;
  ManualClock clock(absl::FromUnixSeconds(1700000000));
  OpenedList list = OpenList(dir, &clock);
  ASSERT_TRUE(list->Add({kA, kB}, true, true, "s1").ok());
  ASSERT_TRUE(list->Add({kC}, false, true, "s2").ok());
  DncQuery query;
  query.prefix = "1213";
  EXPECT_EQ(list->Find(query)->total_count, 2);
  query.prefix = "14242000383";
  EXPECT_EQ(list->Find(query)->total_count, 1);
  query.prefix = "";
  query.numbers = {kA, kC, 12135550000};
  EXPECT_EQ(list->Find(query)->total_count, 2);
  query.numbers.clear();
  query.source = "s1";
  query.offset = 1;
  query.limit = 5;
  absl::StatusOr<DncPage> page = list->Find(query);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->total_count, 2);
  ASSERT_EQ(page->items.size(), 1);
  EXPECT_EQ(page->items[0].number, kB);
  query = DncQuery();
  query.call = false;
  EXPECT_EQ(list->Find(query)->items.at(0).number, kC);
  query.prefix = "12x";
  EXPECT_EQ(list->Find(query).status().code(),
            absl::StatusCode::kInvalidArgument);
  query.prefix = "";
  query.limit = 1001;
  EXPECT_EQ(list->Find(query).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AccountDncTest, RemovesByNumberAndBySource) {
  TempDir dir;
  ManualClock clock(absl::FromUnixSeconds(1700000000));
  OpenedList list = OpenList(dir, &clock);
  ASSERT_TRUE(list->Add({kA, kB}, true, true, "s1").ok());
  ASSERT_TRUE(list->Add({kC}, true, true, "s2").ok());
  EXPECT_EQ(*list->Remove({kA, 12135550000}), 1);
  EXPECT_FALSE(list->Blocks(kA));
  EXPECT_EQ(*list->RemoveSource("s2"), 1);
  EXPECT_FALSE(list->Blocks(kC));
  EXPECT_TRUE(list->Blocks(kB));
  EXPECT_EQ(list->Find({})->total_count, 1);
}

TEST(AccountDncTest, ReadOnlyReadsAndRefusesChanges) {
  TempDir dir;
  ManualClock clock(absl::FromUnixSeconds(1700000000));
  // Nothing added yet: an empty list, no file made.
  OpenedList empty = OpenList(dir, &clock, true);
  EXPECT_EQ(empty->Find({})->total_count, 0);
  EXPECT_FALSE(FileExists(dir.File("account.db")));
  ASSERT_TRUE(OpenList(dir, &clock)->Add({kA}, true, true, "s").ok());
  OpenedList reader = OpenList(dir, &clock, true);
  EXPECT_TRUE(reader->Blocks(kA));
  EXPECT_EQ(reader->Add({kB}, true, true, "s").code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace herald
