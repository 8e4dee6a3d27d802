// The account's contact lists over a real account.db and real files.
#include "engine/store/contact_lists.h"

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "engine/base/file_io.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace herald {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kContacts[] =
    "phoneNumber,firstName,note\n"
    "2135551001,Alice,\"likes, commas\"\n"
    "2135551002,Bob,\n"
    "2135551003\n";

const absl::Time kNow = absl::FromUnixMillis(1443390407000);

class ContactListsTest : public ::testing::Test {
 protected:
  ContactListsTest()
      : db_(dir_.File("account.db"), false, ""),
        lists_(&db_, dir_.File("lists")) {}

  TempDir dir_;
  AccountDb db_;
  ContactLists lists_;
};

TEST_F(ContactListsTest, KeepsACopyOfTheFileUnderItsNameAndSize) {
  const std::string csv = dir_.Write("contacts.csv", kContacts);
  absl::StatusOr<ContactListInfo> made =
      lists_.Create("My Contact List", csv, /*move=*/false, kNow);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->id, 1);
  EXPECT_EQ(made->size, 3u);
  EXPECT_EQ(made->created, kNow);
  EXPECT_TRUE(std::filesystem::exists(csv)) << "a copy leaves the original";
  // The original may change now: the list has its own file.
  dir_.Write("contacts.csv", "phoneNumber\n1\n");
  absl::StatusOr<ContactListItems> items = lists_.Items(1, 0, 100);
  ASSERT_TRUE(items.ok()) << items.status();
  EXPECT_THAT(items->columns, ElementsAre("phoneNumber", "firstName", "note"));
  ASSERT_EQ(items->rows.size(), 3u);
  EXPECT_THAT(items->rows[0].values,
              ElementsAre("2135551001", "Alice", "likes, commas"));
  EXPECT_THAT(items->rows[2].values, ElementsAre("2135551003", "", ""));
  EXPECT_EQ(items->rows[2].row, 3u);
  EXPECT_EQ(items->total_count, 3u);
}

TEST_F(ContactListsTest, MovesAnUploadAndPagesThroughIt) {
  const std::string csv = dir_.Write("upload.part", kContacts);
  ASSERT_TRUE(lists_.Create("up", csv, /*move=*/true, kNow).ok());
  EXPECT_FALSE(std::filesystem::exists(csv)) << "a move leaves nothing";
  absl::StatusOr<ContactListItems> page = lists_.Items(1, 1, 1);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->rows.size(), 1u);
  EXPECT_EQ(page->rows[0].row, 2u);
  EXPECT_EQ(page->rows[0].values[1], "Bob");
  absl::StatusOr<ContactListItems> past = lists_.Items(1, 10, 5);
  ASSERT_TRUE(past.ok());
  EXPECT_TRUE(past->rows.empty());
  EXPECT_EQ(lists_.Items(1, 0, 1001).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ContactListsTest, AFileWithoutAPhoneColumnIsRefusedNamingIt) {
  const std::string csv = dir_.Write("names.csv", "firstName,lastName\nA,B\n");
  absl::StatusOr<ContactListInfo> made = lists_.Create("x", csv, true, kNow);
  EXPECT_EQ(made.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(made.status().message(), HasSubstr("names.csv: line 1: header"));
  EXPECT_TRUE(std::filesystem::exists(csv)) << "a refused file stays";
  const std::string empty = dir_.Write("empty.csv", "");
  EXPECT_THAT(lists_.Create("x", empty, false, kNow).status().message(),
              HasSubstr("empty.csv: empty"));
  EXPECT_EQ(lists_.Create(" ", dir_.Write("ok.csv", kContacts), false, kNow)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<ContactListPage> none = lists_.Find({});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->total_count, 0u);
}

TEST_F(ContactListsTest, FindsByAPartOfTheNameRenamesAndDeletes) {
  const std::string csv = dir_.Write("c.csv", kContacts);
  ASSERT_TRUE(lists_.Create("Choir parents", csv, false, kNow).ok());
  ASSERT_TRUE(lists_.Create("Donors 2026", csv, false, kNow).ok());
  ASSERT_TRUE(lists_.Create("choir % singers", csv, false, kNow).ok());
  ContactListQuery query;
  query.name = "CHOIR";
  absl::StatusOr<ContactListPage> page = lists_.Find(query);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->total_count, 2u);
  query.name = "%";  // literally, not a LIKE pattern
  EXPECT_EQ(lists_.Find(query)->total_count, 1u);

  ASSERT_TRUE(lists_.Rename(2, "Donors 2027").ok());
  EXPECT_EQ(lists_.Get(2)->name, "Donors 2027");
  EXPECT_EQ(lists_.Rename(9, "x").code(), absl::StatusCode::kNotFound);

  // A batch's link outlives the list.
  const std::string link = dir_.File("batch-1.csv");
  ASSERT_TRUE(lists_.LinkFile(2, link).ok());
  ASSERT_TRUE(lists_.Delete(2).ok());
  EXPECT_EQ(lists_.Get(2).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(*ReadFile(link), kContacts);
  EXPECT_EQ(lists_.Delete(2).code(), absl::StatusCode::kNotFound);
  size_t files = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(dir_.File("lists"))) {
    files += e.is_regular_file() ? 1 : 0;
  }
  EXPECT_EQ(files, 2u) << "the deleted list's file is gone";
}

TEST_F(ContactListsTest, ReadOnlyReadsAndRefusesChanges) {
  const std::string csv = dir_.Write("c.csv", kContacts);
  ASSERT_TRUE(lists_.Create("kept", csv, false, kNow).ok());
  AccountDb read_only(dir_.File("account.db"), true, "");
  ContactLists lists(&read_only, dir_.File("lists"));
  EXPECT_EQ(lists.Get(1)->name, "kept");
  EXPECT_EQ(lists.Create("x", csv, false, kNow).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(lists.Delete(1).code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace herald
