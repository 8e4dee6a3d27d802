#include "engine/base/utf8.h"

#include <string>

#include "absl/strings/match.h"
#include "engine/base/json_text.h"
#include "engine/ingest/csv_reader.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace herald {
namespace {

bool IsValidUtf8(absl::string_view text) {
  // FindInvalidUtf8 refuses NUL too; none of these texts has one.
  return FindInvalidUtf8(text) == absl::string_view::npos;
}

TEST(Utf8Test, ValidUtf8ReplacesEachMalformedByte) {
  EXPECT_EQ(ValidUtf8("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(ValidUtf8("a\xFF"
                      "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(ValidUtf8("\xE2\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // cut short
  EXPECT_EQ(ValidUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
  EXPECT_EQ(ValidUtf8("\xED\xA0\x80"),  // a UTF-16 surrogate
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Utf8Test, PrefixNeverEndsInsideACharacter) {
  EXPECT_EQ(Utf8Prefix("ab\xC3\xA9", 3), "ab");
  EXPECT_EQ(Utf8Prefix("ab\xC3\xA9", 4), "ab\xC3\xA9");
  EXPECT_EQ(Utf8Prefix("\xF0\x9F\x98\x80x", 3), "");
  EXPECT_EQ(Utf8Prefix("short", 100), "short");
}

// A provider's answer must not move the operator's cursor or start a log
// line of its own.
TEST(Utf8Test, OneLineTextIsOneBoundedLineOfValidUtf8) {
  EXPECT_EQ(OneLineText("  line one\nline\ttwo\x1B[2J\r\n", 100),
            "line one line two [2J");
  EXPECT_EQ(OneLineText("a\xC2\x85"
                        "b\xE2\x80\xA8"
                        "c",
                        100),
            "a b c");
  EXPECT_EQ(OneLineText("\xFF\xFE", 100), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(OneLineText("0123456789", 10), "0123456789");
  EXPECT_EQ(OneLineText("0123456789a", 10), "0123456...");
  const std::string cut = OneLineText(std::string(50, '\xFF'), 20);
  EXPECT_LE(cut.size(), 20u);
  EXPECT_TRUE(IsValidUtf8(cut));
  // Shorter than the bound as given, longer as shown (each malformed byte
  // shows as three): still cut to the bound.
  const std::string grown = OneLineText(std::string(10, '\xFF'), 20);
  EXPECT_LE(grown.size(), 20u);
  EXPECT_TRUE(IsValidUtf8(grown));
  EXPECT_TRUE(absl::EndsWith(grown, "...")) << grown;
}

TEST(Utf8Test, DescribeCharacterAtNamesItWhole) {
  int length = 0;
  EXPECT_EQ(DescribeCharacterAt("\xE2\x80\x93x", &length),
            "'\xE2\x80\x93' (U+2013)");
  EXPECT_EQ(length, 3);
  EXPECT_EQ(DescribeCharacterAt("\xC2\xA0", &length), "U+00A0");
  EXPECT_EQ(DescribeCharacterAt("/x", &length), "'/'");
  EXPECT_EQ(DescribeCharacterAt("\xE2\x80", &length), "byte 0xE2");
  EXPECT_EQ(length, 1);
}

// Issue 14: outcome and outbox lines for rows with stray bytes were not
// valid JSON. Whatever goes in, a JSON reader takes what comes out.
TEST(JsonTextTest, AnyBytesMakeAValidJsonString) {
  for (const std::string& text :
       {std::string("plain"), std::string("quote \" back \\ nl \n"),
        std::string("\xE2\x80\x93 en dash"), std::string("stray \xFF byte"),
        std::string("cut \xE2\x80"), std::string("nul \0 byte", 10),
        std::string("0123456\xC3\xA9"
                    "89abcdef\xFFghij")}) {
    std::string out;
    AppendJsonString(text, &out);
    ASSERT_TRUE(IsValidUtf8(out)) << out;
    const nlohmann::json parsed = nlohmann::json::parse(out);
    EXPECT_EQ(parsed.get<std::string>(), ValidUtf8(text));
  }
}

}  // namespace
}  // namespace herald
