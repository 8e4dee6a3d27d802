#include "engine/ingest/phone_number.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace herald {
namespace {

using ::testing::HasSubstr;

// Parses `text`, expecting a rejection; returns the reason.
std::string RejectionOf(absl::string_view text) {
  absl::StatusOr<PhoneNumber> parsed = ParseNanpNumber(text);
  EXPECT_FALSE(parsed.ok()) << "\"" << text << "\" parsed as " << *parsed;
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << text;
  return std::string(parsed.status().message());
}

// Parses `text`, expecting success; returns 0 (and fails) otherwise.
PhoneNumber ParsedOrZero(absl::string_view text) {
  absl::StatusOr<PhoneNumber> parsed = ParseNanpNumber(text);
  EXPECT_TRUE(parsed.ok()) << "\"" << text << "\": " << parsed.status();
  return parsed.value_or(0);
}

TEST(ParseNanpNumberTest, AcceptsEveryTypedForm) {
  for (absl::string_view text : {
           "+1 (213) 555-1234",
           "213.555.1234",
           "2135551234",
           "1-213-555-1234",
           "12135551234",
           "+12135551234",
           "(213) 555-1234",
           "213 555 1234",
           "  213-555-1234  ",
           "\t+1 213 555 1234\t",
           "+1\t213\t555\t1234",
       }) {
    absl::StatusOr<PhoneNumber> parsed = ParseNanpNumber(text);
    ASSERT_TRUE(parsed.ok()) << "\"" << text << "\": " << parsed.status();
    EXPECT_EQ(*parsed, PhoneNumber{12135551234}) << text;
  }
}

TEST(ParseNanpNumberTest, AcceptsTheEdgesOfThePlan) {
  // NPA and NXX may start with 2 through 9; a middle 9 is reserved only in
  // the NPA, and an N11 code needs both of its last digits to be 1.
  EXPECT_EQ(ParsedOrZero("201-200-0000"), PhoneNumber{12012000000});
  EXPECT_EQ(ParsedOrZero("989-999-9999"), PhoneNumber{19899999999});
  EXPECT_EQ(ParsedOrZero("212-921-0000"), PhoneNumber{12129210000});
  EXPECT_EQ(ParsedOrZero("221-512-0000"), PhoneNumber{12215120000});
}

TEST(ParseNanpNumberTest, RejectsAreaCodeStartingWithZeroOrOne) {
  std::string reason = RejectionOf("013-555-1234");
  EXPECT_THAT(reason, HasSubstr("area code 013"));
  EXPECT_THAT(reason, HasSubstr("starts with 0"));

  reason = RejectionOf("113-555-1234");
  EXPECT_THAT(reason, HasSubstr("area code 113"));
  EXPECT_THAT(reason, HasSubstr("starts with 1"));

  reason = RejectionOf("+1 113 555 1234");
  EXPECT_THAT(reason, HasSubstr("area code 113"));
}

TEST(ParseNanpNumberTest, RejectsN11AreaCode) {
  const std::string reason = RejectionOf("411-555-1234");
  EXPECT_THAT(reason, HasSubstr("area code 411"));
  EXPECT_THAT(reason, HasSubstr("N11"));
  EXPECT_THAT(RejectionOf("1-911-555-1234"), HasSubstr("N11"));
}

TEST(ParseNanpNumberTest, RejectsAreaCodeWithMiddleNine) {
  const std::string reason = RejectionOf("291-555-1234");
  EXPECT_THAT(reason, HasSubstr("area code 291"));
  EXPECT_THAT(reason, HasSubstr("middle digit 9"));
  EXPECT_THAT(RejectionOf("999-555-1234"), HasSubstr("middle digit 9"));
}

TEST(ParseNanpNumberTest, RejectsExchangeStartingWithZeroOrOne) {
  std::string reason = RejectionOf("213-055-1234");
  EXPECT_THAT(reason, HasSubstr("exchange 055"));
  EXPECT_THAT(reason, HasSubstr("starts with 0"));

  reason = RejectionOf("213-155-1234");
  EXPECT_THAT(reason, HasSubstr("exchange 155"));
  EXPECT_THAT(reason, HasSubstr("starts with 1"));
}

TEST(ParseNanpNumberTest, RejectsN11Exchange) {
  const std::string reason = RejectionOf("234-911-5678");
  EXPECT_THAT(reason, HasSubstr("exchange 911"));
  EXPECT_THAT(reason, HasSubstr("N11"));
  EXPECT_THAT(RejectionOf("213-411-5678"), HasSubstr("exchange 411"));
}

TEST(ParseNanpNumberTest, RejectsWrongDigitCounts) {
  std::string reason = RejectionOf("213-555-123");
  EXPECT_THAT(reason, HasSubstr("wrong length"));
  EXPECT_THAT(reason, HasSubstr("9 digits"));

  reason = RejectionOf("1-213-555-12345");
  EXPECT_THAT(reason, HasSubstr("wrong length"));
  EXPECT_THAT(reason, HasSubstr("12 digits"));

  EXPECT_THAT(RejectionOf("1234567890123456"), HasSubstr("too many digits"));
}

TEST(ParseNanpNumberTest, RejectsElevenDigitsWithoutLeadingOne) {
  EXPECT_THAT(RejectionOf("22135551234"), HasSubstr("country code is not 1"));
}

TEST(ParseNanpNumberTest, RejectsForeignNumbers) {
  EXPECT_THAT(RejectionOf("+44 20 7946 0958"),
              HasSubstr("not a North American (+1) number"));
  // Ten digits after "+" are a foreign country code, not a NANP number.
  EXPECT_THAT(RejectionOf("+2135551234"),
              HasSubstr("not a North American (+1) number"));
}

TEST(ParseNanpNumberTest, RejectsLetters) {
  EXPECT_THAT(RejectionOf("1-800-FLOWERS"), HasSubstr("letters"));
  EXPECT_THAT(RejectionOf("call me"), HasSubstr("letters"));
}

TEST(ParseNanpNumberTest, RejectsExtensions) {
  for (absl::string_view text : {
           "213-555-1234 x12",
           "213-555-1234x12",
           "213-555-1234 X12",
           "213-555-1234 ext. 5",
           "213-555-1234 ext5",
           "213-555-1234 EXT 5",
           "213-555-1234 #7",
       }) {
    EXPECT_THAT(RejectionOf(text), HasSubstr("extension")) << text;
  }
}

TEST(ParseNanpNumberTest, RejectsOtherCharactersNamingThem) {
  EXPECT_THAT(RejectionOf("213/555/1234"), HasSubstr("'/'"));
  EXPECT_THAT(RejectionOf("213_555_1234"), HasSubstr("'_'"));
}

// Issue 14: a rejection quoted one byte of a multi-byte character, which
// made every JSON writer downstream throw. Typographic dashes and spaces and
// the digits of other scripts are read as libphonenumber reads them; any
// other character is named whole.
TEST(ParseNanpNumberTest, ReadsTypographicSeparatorsAndOtherScriptsDigits) {
  EXPECT_EQ(ParsedOrZero("213\u2013555\u20131248"), 12135551248u);  // en dash
  EXPECT_EQ(ParsedOrZero("213\u00A0555\u00A01248"), 12135551248u);  // NBSP
  EXPECT_EQ(ParsedOrZero("\uFEFF2135551248"), 12135551248u);        // BOM
  EXPECT_EQ(ParsedOrZero("\uFF12\uFF11\uFF13\uFF15\uFF15\uFF15\uFF11\uFF12"
                         "\uFF14\uFF18"),
            12135551248u);  // full-width
  EXPECT_EQ(ParsedOrZero("\u0662\u0661\u0663\u0665\u0665\u0665\u0661\u0662"
                         "\u0664\u0668"),
            12135551248u);  // Arabic-Indic
}

TEST(ParseNanpNumberTest, RejectionNamesTheWholeCharacterInValidUtf8) {
  EXPECT_EQ(RejectionOf("213\u20AC5551248"),
            "unexpected character '\u20AC' (U+20AC) in number");
  EXPECT_EQ(RejectionOf("213\u200E5551248"),
            "unexpected character U+200E in number");
  EXPECT_EQ(RejectionOf("213\xE2\x80"
                        "5551248"),
            "unexpected byte 0xE2 in number");
  EXPECT_EQ(RejectionOf("213\x01"
                        "5551248"),
            "unexpected character U+0001 in number");
}

TEST(ParseNanpNumberTest, RejectsEmptyAndBlank) {
  EXPECT_THAT(RejectionOf(""), HasSubstr("empty"));
  EXPECT_THAT(RejectionOf("   "), HasSubstr("empty"));
  EXPECT_THAT(RejectionOf("\t"), HasSubstr("empty"));
  EXPECT_THAT(RejectionOf("+"), HasSubstr("wrong length: 0 digits"));
}

TEST(E164DigitsTest, FormatsElevenDigits) {
  EXPECT_EQ(E164Digits(12135551234), "12135551234");
  EXPECT_EQ(E164Digits(19899999999), "19899999999");
}

TEST(E164DigitsTest, AppendKeepsExistingText) {
  std::string out = "to=";
  AppendE164Digits(12135551234, &out);
  out += ';';
  AppendE164Digits(13105550000, &out);
  EXPECT_EQ(out, "to=12135551234;13105550000");
}

TEST(E164DigitsTest, RoundTripsThroughParse) {
  for (absl::string_view text :
       {"+1 (213) 555-1234", "989-999-9999", "201-200-0000", "843.522.0391"}) {
    absl::StatusOr<PhoneNumber> parsed = ParseNanpNumber(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status();
    const std::string digits = E164Digits(*parsed);
    EXPECT_EQ(digits.size(), 11u) << digits;
    EXPECT_EQ(digits[0], '1') << digits;
    absl::StatusOr<PhoneNumber> again = ParseNanpNumber(digits);
    ASSERT_TRUE(again.ok()) << digits << ": " << again.status();
    EXPECT_EQ(*again, *parsed);
    EXPECT_EQ(ParsedOrZero(absl::StrCat("+", digits)), *parsed);
  }
}

}  // namespace
}  // namespace herald
