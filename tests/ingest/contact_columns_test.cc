#include "engine/ingest/contact_columns.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace herald {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

ContactColumns MapOrDie(std::vector<std::string> header,
                        absl::string_view phone_column = "") {
  absl::StatusOr<ContactColumns> mapped =
      MapContactColumns(std::move(header), phone_column);
  EXPECT_TRUE(mapped.ok()) << mapped.status();
  return mapped.ok() ? *std::move(mapped) : ContactColumns();
}

std::string MapError(std::vector<std::string> header,
                     absl::string_view phone_column = "") {
  absl::StatusOr<ContactColumns> mapped =
      MapContactColumns(std::move(header), phone_column);
  EXPECT_FALSE(mapped.ok()) << "phone column " << mapped->phone;
  if (mapped.ok()) return "";
  EXPECT_EQ(mapped.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(mapped.status().message());
}

TEST(DefaultPhoneColumnsTest, InOrderOfPreference) {
  EXPECT_THAT(DefaultPhoneColumns(), ElementsAre("phoneNumber", "mobilePhone",
                                                 "homePhone", "workPhone"));
}

TEST(MapContactColumnsTest, FindsPhoneNumber) {
  const ContactColumns c =
      MapOrDie({"firstName", "phoneNumber", "lastName", "city"});
  EXPECT_EQ(c.phone, 1);
  EXPECT_EQ(c.message, -1);
  EXPECT_THAT(c.names,
              ElementsAre("firstName", "phoneNumber", "lastName", "city"));
}

TEST(MapContactColumnsTest, PrefersPhoneNumberThenMobileHomeWork) {
  EXPECT_EQ(
      MapOrDie({"workPhone", "homePhone", "mobilePhone", "phoneNumber"}).phone,
      3);
  EXPECT_EQ(MapOrDie({"workPhone", "homePhone", "mobilePhone"}).phone, 2);
  EXPECT_EQ(MapOrDie({"workPhone", "name", "homePhone"}).phone, 2);
  EXPECT_EQ(MapOrDie({"name", "workPhone"}).phone, 1);
}

TEST(MapContactColumnsTest, MatchesWithoutRegardToCase) {
  EXPECT_EQ(MapOrDie({"name", "PHONENUMBER"}).phone, 1);
  EXPECT_EQ(MapOrDie({"Mobilephone", "x"}).phone, 0);
  const ContactColumns c = MapOrDie({"phonenumber", "Message"});
  EXPECT_EQ(c.message, 1);
  // The header keeps its own spelling for template attributes.
  EXPECT_THAT(c.names, ElementsAre("phonenumber", "Message"));
}

TEST(MapContactColumnsTest, PhoneColumnOverride) {
  const ContactColumns c =
      MapOrDie({"phoneNumber", "cell", "firstName"}, "cell");
  EXPECT_EQ(c.phone, 1);
  EXPECT_EQ(MapOrDie({"phoneNumber", "Cell"}, "CELL").phone, 1);
  // The override may name a column that is not a default phone column and
  // is the only way to use one.
  EXPECT_EQ(MapOrDie({"name", "tel"}, "tel").phone, 1);
}

TEST(MapContactColumnsTest, OverrideNamingNoColumnIsAnError) {
  const std::string message = MapError({"phoneNumber", "name"}, "cell");
  EXPECT_THAT(message, HasSubstr("\"cell\""));
  EXPECT_THAT(message, HasSubstr("phoneNumber, name"));
}

TEST(MapContactColumnsTest, MissingPhoneColumnListsWhatWasLookedFor) {
  const std::string message = MapError({"name", "tel", "city"});
  EXPECT_THAT(message,
              HasSubstr("phoneNumber, mobilePhone, homePhone, workPhone"));
  EXPECT_THAT(message, HasSubstr("--phone-column"));
  EXPECT_THAT(message, HasSubstr("name, tel, city"));
}

TEST(MapContactColumnsTest, DetectsMessageColumn) {
  const ContactColumns c =
      MapOrDie({"phoneNumber", "firstName", "message", "city"});
  EXPECT_EQ(c.phone, 0);
  EXPECT_EQ(c.message, 2);
  EXPECT_EQ(MapOrDie({"message", "phoneNumber"}).message, 0);
  // Only a column called exactly "message" (in any case) counts.
  EXPECT_EQ(MapOrDie({"phoneNumber", "messages", "msg"}).message, -1);
}

TEST(MapContactColumnsTest, PhoneColumnIsNeverAlsoTheMessage) {
  const ContactColumns c = MapOrDie({"message", "name"}, "message");
  EXPECT_EQ(c.phone, 0);
  EXPECT_EQ(c.message, -1);
}

TEST(MapContactColumnsTest, EmptyHeaderNameIsAnError) {
  EXPECT_THAT(MapError({"phoneNumber", "", "city"}),
              HasSubstr("column 2 has no name"));
  EXPECT_THAT(MapError({""}), HasSubstr("column 1 has no name"));
}

TEST(MapContactColumnsTest, RepeatedHeaderNameIsAnError) {
  std::string message = MapError({"phoneNumber", "city", "city"});
  EXPECT_THAT(message, HasSubstr("\"city\" twice"));
  EXPECT_THAT(message, HasSubstr("columns 2 and 3"));
  // Repeats are found without regard to case, like every other match.
  message = MapError({"phoneNumber", "name", "PhoneNumber"});
  EXPECT_THAT(message, HasSubstr("columns 1 and 3"));
}

TEST(MapContactColumnsTest, EmptyHeaderHasNoPhoneColumn) {
  EXPECT_THAT(MapError({}), HasSubstr("no phone column"));
}

}  // namespace
}  // namespace herald
