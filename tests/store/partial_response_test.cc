#include "engine/store/partial_response.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace herald {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// A page of texts in the shape `herald texts` prints.
const json kPage = json::parse(R"({
  "items": [
    {"id": 1, "toNumber": "12135551234", "state": "FINISHED",
     "message": "hi", "records": [{"attempt": 1, "textResult": "SENT"}]},
    {"id": 2, "state": "INVALID", "reason": "bad number"}
  ],
  "offset": 0, "limit": 100, "totalCount": 2
})");

json Apply(const std::string& fields, const json& value = kPage) {
  absl::StatusOr<FieldSelector> selector = FieldSelector::Parse(fields);
  EXPECT_TRUE(selector.ok()) << fields << ": " << selector.status();
  if (!selector.ok()) return json();
  return selector->Apply(value);
}

std::string ParseError(const std::string& fields) {
  absl::StatusOr<FieldSelector> selector = FieldSelector::Parse(fields);
  EXPECT_FALSE(selector.ok()) << fields;
  if (selector.ok()) return "";
  EXPECT_EQ(selector.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(selector.status().message());
}

TEST(FieldSelectorTest, EmptyAndDefaultKeepEverything) {
  EXPECT_EQ(Apply(""), kPage);
  EXPECT_EQ(Apply("  "), kPage);
  EXPECT_EQ(FieldSelector().Apply(kPage), kPage);
  EXPECT_EQ(FieldSelector().Apply(json(7)), json(7));
}

TEST(FieldSelectorTest, CommaListKeepsMembers) {
  EXPECT_EQ(Apply("offset,totalCount"),
            json({{"offset", 0}, {"totalCount", 2}}));
  EXPECT_EQ(Apply(" offset , totalCount "),
            json({{"offset", 0}, {"totalCount", 2}}));
  // Repeats change nothing.
  EXPECT_EQ(Apply("limit,limit"), json({{"limit", 100}}));
}

TEST(FieldSelectorTest, UnknownNamesAreAbsent) {
  EXPECT_EQ(Apply("nope"), json::object());
  EXPECT_EQ(Apply("limit,nope"), json({{"limit", 100}}));
  // Sub-members of a number: nothing to select, the member is left out.
  EXPECT_EQ(Apply("limit/x,offset"), json({{"offset", 0}}));
  // A member of an object that lacks the sub-member: the object stays.
  EXPECT_EQ(Apply("items(nope)"),
            json({{"items", json::array({json::object(), json::object()})}}));
}

TEST(FieldSelectorTest, SlashesSelectThroughArrays) {
  EXPECT_EQ(Apply("items/id"),
            json::parse(R"({"items": [{"id": 1}, {"id": 2}]})"));
  EXPECT_EQ(Apply("items/records/textResult"),
            json::parse(R"({"items": [{"records": [{"textResult": "SENT"}]},
                                      {}]})"));
}

TEST(FieldSelectorTest, ParenthesesAreSlashesForEachName) {
  const json expected = json::parse(
      R"({"items": [{"id": 1, "message": "hi"}, {"id": 2}], "limit": 100})");
  EXPECT_EQ(Apply("items(id,message),limit"), expected);
  EXPECT_EQ(Apply("items/id,items/message,limit"), expected);
  EXPECT_EQ(Apply("items(id, message) , limit"), expected);
}

TEST(FieldSelectorTest, ParenthesesNest) {
  EXPECT_EQ(Apply("items(id,records(attempt))"),
            json::parse(R"({"items": [{"id": 1, "records": [{"attempt": 1}]},
                                      {"id": 2}]})"));
  EXPECT_EQ(Apply("items/records(attempt,textResult)"),
            json::parse(R"({"items": [{"records": [{"attempt": 1,
                                                   "textResult": "SENT"}]},
                                      {}]})"));
}

TEST(FieldSelectorTest, AWholeMemberWinsOverItsParts) {
  const json items = {{"items", kPage["items"]}};
  EXPECT_EQ(Apply("items,items/id"), items);
  EXPECT_EQ(Apply("items/id,items"), items);
  EXPECT_EQ(Apply("items(id),items"), items);
}

TEST(FieldSelectorTest, SelectionAppliesToEachElementOfATopLevelArray) {
  EXPECT_EQ(Apply("id", kPage["items"]),
            json::parse(R"([{"id": 1}, {"id": 2}])"));
}

TEST(FieldSelectorTest, NothingSelectableInAScalarIsNull) {
  EXPECT_EQ(Apply("a", json(3)), json());
  EXPECT_EQ(Apply("a", json::array({1, "x"})), json::array());
}

TEST(FieldSelectorTest, ExclusionKeepsTheRest) {
  json expected = kPage;
  expected.erase("items");
  expected.erase("limit");
  EXPECT_EQ(Apply("!items,limit"), expected);

  expected = kPage;
  for (json& item : expected["items"]) {
    item.erase("message");
    item.erase("records");
  }
  EXPECT_EQ(Apply("!items(message,records)"), expected);

  expected = kPage;
  expected["items"][0]["records"][0].erase("textResult");
  EXPECT_EQ(Apply("! items/records/textResult"), expected);
}

TEST(FieldSelectorTest, ExclusionOfUnknownNamesChangesNothing) {
  EXPECT_EQ(Apply("!nope,limit/x,items(nope)"), kPage);
  EXPECT_EQ(Apply("!a", json(3)), json(3));
}

TEST(FieldSelectorTest, BangAloneExcludesEverything) {
  EXPECT_EQ(Apply("!"), json::object());
  EXPECT_EQ(Apply(" ! "), json::object());
  EXPECT_EQ(Apply("!", json::array({1})), json::object());
}

TEST(FieldSelectorTest, ErrorsNameThePosition) {
  EXPECT_EQ(ParseError("a,,b"), "fields \"a,,b\": empty name at position 3");
  EXPECT_EQ(ParseError("a,"), "fields \"a,\": empty name at the end");
  EXPECT_EQ(ParseError(",a"), "fields \",a\": empty name at position 1");
  EXPECT_EQ(ParseError("a/"), "fields \"a/\": empty name at the end");
  EXPECT_EQ(ParseError("a//b"), "fields \"a//b\": empty name at position 3");
  EXPECT_EQ(ParseError("a()"), "fields \"a()\": empty name at position 3");
  EXPECT_EQ(ParseError("(a)"), "fields \"(a)\": empty name at position 1");
  EXPECT_EQ(ParseError("a(b"),
            "fields \"a(b\": '(' without its ')' at position 2");
  EXPECT_EQ(ParseError("a(b(c)"),
            "fields \"a(b(c)\": '(' without its ')' at position 2");
  EXPECT_EQ(ParseError("a)"),
            "fields \"a)\": ')' without its '(' at position 2");
  EXPECT_EQ(ParseError("a(b))"),
            "fields \"a(b))\": ')' without its '(' at position 5");
  EXPECT_EQ(ParseError("a(b)c"),
            "fields \"a(b)c\": unexpected 'c' at position 5");
  EXPECT_EQ(ParseError("a b"), "fields \"a b\": unexpected 'b' at position 3");
  EXPECT_EQ(ParseError("a(b c)"),
            "fields \"a(b c)\": unexpected 'c' at position 5");
  EXPECT_EQ(ParseError("a,!b"),
            "fields \"a,!b\": '!' excludes only as the first character at "
            "position 3");
  EXPECT_EQ(ParseError("!!a"),
            "fields \"!!a\": '!' excludes only as the first character at "
            "position 2");
  EXPECT_EQ(ParseError("a!"),
            "fields \"a!\": '!' excludes only as the first character at "
            "position 2");
}

TEST(FieldSelectorTest, DepthIsBounded) {
  std::string deep = "a";
  for (int i = 1; i < 32; ++i) deep += "/a";
  json value = 1;
  for (int i = 0; i < 32; ++i) value = json({{"a", value}});
  EXPECT_EQ(Apply(deep, value), value);
  EXPECT_THAT(ParseError(deep + "/a"), HasSubstr("more than 32 levels"));
  EXPECT_THAT(ParseError(std::string(40, 'a') + std::string(40, '(')),
              HasSubstr("empty name"));
  std::string nested;
  for (int i = 0; i < 33; ++i) nested += "a(";
  EXPECT_THAT(ParseError(nested),
              HasSubstr("more than 32 levels at position 65"));
}

}  // namespace
}  // namespace herald
