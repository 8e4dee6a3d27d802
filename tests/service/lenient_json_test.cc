#include "engine/service/lenient_json.h"

#include "gtest/gtest.h"

namespace herald {
namespace {

TEST(LenientJsonTest, TakesTheSeedsCommentLinesAndTrailingCommas) {
  // As the CallFire reference writes a batch request.
  absl::StatusOr<nlohmann::json> parsed = ParseLenientJson(R"({
    "name": "contact batch for call broadcast",
    # contactListId: 123,
    // another comment
    "recipients": [{"phoneNumber": "12135551122"}, {"phoneNumber": "12135553434"},],
    "scrubDuplicates": "true",
  })",
                                                           "body");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ((*parsed)["recipients"].size(), 2);
  EXPECT_EQ((*parsed)["scrubDuplicates"], "true");
  EXPECT_FALSE(parsed->contains("contactListId"));
}

TEST(LenientJsonTest, LeavesStringsAlone) {
  absl::StatusOr<nlohmann::json> parsed = ParseLenientJson(
      R"({"message": "Call #5 at http://x.org/a, ok,]", "q": "\"#,}"})", "b");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ((*parsed)["message"], "Call #5 at http://x.org/a, ok,]");
  EXPECT_EQ((*parsed)["q"], "\"#,}");
}

TEST(LenientJsonTest, KeepsLinesAndColumnsForErrors) {
  const std::string text = "{\n  # a comment, long\n  \"a\": 1,\n  \"b\" 2\n}";
  EXPECT_EQ(StripJsonLeniencies(text).size(), text.size());
  absl::StatusOr<nlohmann::json> parsed =
      ParseLenientJson(text, "request body");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("request body: not valid JSON at "
                                           "line 4, column 7"),
            std::string::npos)
      << parsed.status();
}

TEST(LenientJsonTest, RefusesWhatIsNotMerelyLenient) {
  for (const char* text :
       {R"({"a": 1,, })", R"({"id": 1 "b": 2})", R"({contactNumbersField: 1})",
        R"([1, 2)", R"({"a": 1, "a": 2})", "{,}"}) {
    EXPECT_FALSE(ParseLenientJson(text, "b").ok()) << text;
  }
}

}  // namespace
}  // namespace herald
